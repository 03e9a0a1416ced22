package proptest_test

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/proptest"
	"github.com/paxsim/paxsim/scenarios"
)

// Cases per property: defaultChecks on a plain `go test`, shortChecks with
// -short (CI's race run), longChecks with PAXSIM_LONG=1; -rapid.checks or
// RAPID_CHECKS overrides them all.
const (
	defaultChecks = 10_000
	shortChecks   = 500
	longChecks    = 1_000_000
)

// check runs prop as a rapid property of t with the package's case count.
func check(t *testing.T, prop func(*rapid.T)) {
	t.Helper()
	if !checksChosen() {
		n := defaultChecks
		switch {
		case long():
			n = longChecks
		case testing.Short():
			n = shortChecks
		}
		setFlag(t, "rapid.checks", strconv.Itoa(n))
	}
	rapid.Check(t, prop)
}

// long reports whether PAXSIM_LONG asks for the long run.
func long() bool {
	v, err := strconv.ParseBool(os.Getenv("PAXSIM_LONG"))
	return err == nil && v
}

// checksChosen reports whether the number of checks was chosen on the
// command line (-rapid.checks) or in rapid's environment (RAPID_CHECKS).
func checksChosen() bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	_, env := os.LookupEnv("RAPID_CHECKS")
	return set || env
}

// setFlag sets one of rapid's flags for the rest of t. rapid reads its
// flags when a check starts; the tests of this package do not run in
// parallel, so the change is seen by t alone.
func setFlag(t *testing.T, name, value string) {
	t.Helper()
	f := flag.Lookup(name)
	if f == nil {
		t.Fatalf("no flag -%s", name)
	}
	old := f.Value.String()
	if err := f.Value.Set(value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Value.Set(old) })
}

// drawn is one drawn run: its config and the choice-mode bounds.
type drawn struct {
	Config scenarios.Config
	Choice scenarios.ChoiceOptions
}

// draw draws the structure of a choice-mode run of variant: cluster size,
// clients, the scheduler's bounds and the seed of the liveness phase.
// Every test draws the same way, in the same order, so that a fail file
// recorded by one test replays as the same schedule in another.
func draw(t *rapid.T, variant string) drawn {
	c := scenarios.Default()
	c.Variant = variant
	c.Nodes = rapid.IntRange(1, 5).Draw(t, "nodes")
	c.Proposers = rapid.IntRange(1, c.Nodes).Draw(t, "proposers")
	o := scenarios.ChoiceOptions{
		Steps:      rapid.IntRange(20, 150).Draw(t, "steps"),
		Drops:      rapid.Bool().Draw(t, "drops"),
		MaxDups:    rapid.IntRange(0, 3).Draw(t, "max-dups"),
		MaxCrashes: rapid.IntRange(0, 2).Draw(t, "max-crashes"),
		// The liveness phase after the heal runs timed, with this seed's
		// PRNG: liveness must hold for the fair schedule it draws.
		Seed: rapid.Uint64Range(0, 1<<16).Draw(t, "liveness-seed"),
	}
	return drawn{Config: c, Choice: o}
}

// run draws a run of variant and executes it with rapid taking every
// decision, recording its decision trace. With heal, faults heal after the
// drawn schedule and the liveness phase runs (timed, seeded), in which
// safety is judged too; without, the run ends with the schedule.
func run(t *rapid.T, variant string, heal bool) (drawn, scenarios.Result) {
	d := draw(t, variant)
	if !heal {
		d.Config.HealAt = 0
	}
	res := proptest.RunChoice(t, d.Config, d.Choice, scenarios.Options{Record: true})
	return d, res
}

// violation returns the run's violation of p, or nil.
func violation(res *scenarios.Result, p checker.Property) *checker.Violation {
	for i := range res.Violations {
		if res.Violations[i].Property == p {
			return &res.Violations[i]
		}
	}
	return nil
}

// report is a failing run as a failure message: what broke, the drawn
// bounds and the decision trace, which `paxsim replay FILE` runs again step
// by step. It holds nothing but what the run determines (no wall time, no
// pointers, no map order), as rapid needs to recognise the same failure
// while it shrinks.
func report(d drawn, res *scenarios.Result, what string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nchoice bounds: steps %d, drops %t, max dups %d, max crashes %d; liveness seed %d\n",
		what, d.Choice.Steps, d.Choice.Drops, d.Choice.MaxDups, d.Choice.MaxCrashes, d.Choice.Seed)
	if res.Trace != nil {
		fmt.Fprintf(&b, "decision trace (%d steps; save it from the %q line on and run `paxsim replay FILE`):\n%s",
			res.Trace.Steps(), scenarios.TraceFormat, res.Trace)
	}
	return b.String()
}

// failOnPanic fails t when protocol code panicked: every property is moot
// then.
func failOnPanic(t *rapid.T, d drawn, res *scenarios.Result) {
	t.Helper()
	if v := violation(res, scenarios.PanicProperty); v != nil {
		t.Fatalf("%s", report(d, res, v.String()))
	}
}
