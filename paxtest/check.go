package paxtest

import (
	"cmp"
	"fmt"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/watchdog"
)

// CheckOptions shape a Check. The zero value is `paxsim check` with no
// flag: the protocol's default search, then its follow-up searches.
type CheckOptions struct {
	// Variant is the protocol variant under test: "" is the correct
	// protocol.
	Variant string
	// Config is the search (nil: model.DefaultCheck, the search of a
	// bare `paxsim check`). Its Protocol and Variant are set from the
	// protocol and Variant.
	Config *model.CheckConfig
	// MaxStates bounds each search, the first and every follow-up (0:
	// the first unbounded but by the depth and memory bounds, each
	// follow-up by its own budget). A search it cuts short is not a
	// pass: Check fails the test then.
	MaxStates int64
	// NoFollowUps runs the first search alone.
	NoFollowUps bool
}

// Check runs paxsim's exhaustive search of p's real code, as `paxsim
// check` does: every interleaving of a small cluster's steps within the
// search's bounds, breadth first, then the follow-up searches (one crash,
// messages to self through the network, a restart of a proposer every
// client asks, an even cluster, a round more, the timers, an election, a
// reconfiguration, as the protocol takes them), each within its budget.
// It fails t on a violation with its shortest counterexample, a decision
// trace written to a file that `paxsim replay` runs; or when a bound of
// states or memory cut the first search short (a depth bound is the
// search's own, as paxsim check reports it); or when no state of any
// search has a value chosen, since such a search judged no decision
// (model.Undecided). Searches bound their memory
// (explore.DefaultMaxMemory), and a search that expands no state for
// watchdog.DefaultTimeout fails t as hung in protocol code, with the
// stack it is stuck in.
func Check(t *testing.T, p *harness.Protocol, o CheckOptions) {
	t.Helper()
	f, d, opts := check(t, p, o)
	if f != nil {
		t.Fatal(f.report(t))
	}
	if !d.Report.Complete && d.Report.Stop != explore.StopMaxDepth {
		t.Fatalf("paxtest: the search of %s is incomplete: %s stopped it after %d states, so it is not a pass", p.Name(), d.Report.Stop, d.Report.Distinct)
	}
	if note := harness.DeepenedTooFar(opts, &d.Report); note != "" {
		t.Fatalf("paxtest: the search of %s is not a pass: %s", p.Name(), note)
	}
	if note, gap := d.Undecided(); gap {
		t.Fatalf("paxtest: the search of %s is not a pass: %s", p.Name(), note)
	}
	if note := harness.ShallowerThanBound(opts, &d.Report); note != "" {
		t.Logf("paxtest: %s", note)
	}
	t.Logf("%s", searched(d))
}

// FindInCheck runs the searches of Check, for a test that expects a bug:
// it returns the violation with its shortest counterexample, or nil when
// every search is safe.
func FindInCheck(t *testing.T, p *harness.Protocol, o CheckOptions) *Finding {
	t.Helper()
	f, _, _ := check(t, p, o)
	return f
}

// check runs o's searches of p, with the search options it used.
func check(t *testing.T, p *harness.Protocol, o CheckOptions) (*Finding, harness.Deep, explore.Options) {
	t.Helper()
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	if o.MaxStates < 0 {
		t.Fatalf("paxtest: CheckOptions.MaxStates is %d: want a positive number, or 0 for the defaults", o.MaxStates)
	}
	c := model.DefaultCheck(p.Info())
	if o.Config != nil {
		c = *o.Config
	}
	c.Config.Protocol, c.Config.Variant = p.Name(), cmp.Or(o.Variant, engine.Correct)
	opts := explore.Options{MaxStates: o.MaxStates}
	p.DefaultDepthBound(&opts)
	d, hang, err := watchdog.Run(watchdog.DefaultTimeout, 0, func(pulse *watchdog.Pulse) (harness.Deep, error) {
		opts := opts
		opts.Steps = pulse.Steps()
		if !o.NoFollowUps {
			return p.CheckDeep(c, opts, nil)
		}
		rep, err := p.Check(c, opts)
		return harness.Deep{Config: c, Report: rep}, err
	})
	if hang != nil {
		t.Fatalf("paxtest: the search of %s hangs: it expanded no state for %s of wall time, after %d: protocol code loops or blocks; stuck in:\n%s",
			p.Name(), hang.After, hang.Steps, hang.Stack)
	}
	if err != nil {
		t.Fatalf("paxtest: check of %s: %v", p.Name(), err)
	}
	if d.Report.Verdict != explore.VerdictViolation {
		return nil, d, opts
	}
	return searchFinding(p, d), d, opts
}

// searchFinding is the violation a search found, its path as a decision
// trace.
func searchFinding(p *harness.Protocol, d harness.Deep) *Finding {
	rep := &d.Report
	tr := &trace.Trace{Config: rep.Config}
	for i, l := range rep.Lines {
		tr.Lines = append(tr.Lines, sim.ScriptLine{N: i + 1, Text: l})
	}
	v := checker.Violation{Property: rep.Property, Message: rep.Violation}
	for _, w := range rep.Violations {
		if w.Property == rep.Property {
			v = w
			break
		}
	}
	if v.Event == 0 { // a search's checkers keep no clock: the step that broke it is the path's last
		v.Event, v.Time = int64(len(rep.Lines)), int64(len(rep.Lines))
	}
	how := fmt.Sprintf("found by the search %s", searched(d))
	return &Finding{Property: rep.Property, Violation: v, Trace: tr, Steps: tr.Steps(), Unshrunk: tr.Steps(),
		Note: "a shortest path of the breadth-first search", Cases: int(min(rep.Distinct, 1<<31-1)), protocol: p.Name(), how: how}
}

// searched says which searches ran, with their states.
func searched(d harness.Deep) string {
	var b strings.Builder
	fmt.Fprintf(&b, "of %s: %s in %d states", d.Config.Config.Protocol, d.Report.Verdict, d.Report.Distinct)
	for _, f := range d.FollowUps {
		fmt.Fprintf(&b, "; %s: %s", f.Name, f.String())
	}
	return b.String()
}
