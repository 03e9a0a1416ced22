package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/report"
	"github.com/paxsim/paxsim/script"
)

var scenarioCmd = &command{
	name:  "scenario",
	usage: "list | run (NAME|FILE ... | --all) [--variant NAME] | import TRACE [--name NAME] [--out FILE]",
	short: "list or run the scripted scenarios (the seed notes' Q&A)",
	long: `Scenario runs scripted schedules: named runs, one step a line (this message
is delivered to that replica, that one dropped, this replica crashes), each
with the outcome it must produce. The qa- scenarios answer the seed notes'
questions with runs one can watch, under the correct protocol and, where the
answer is a counterexample, under the variant that gets it wrong. A run
names its protocol (protocol=NAME on its run line), the default protocol
when it names none.

  paxsim scenario list              names and one-line summaries
  paxsim scenario run NAME ...      run the named scenarios
  paxsim scenario run FILE ...      run scenario files (a path: ./x.txt)
  paxsim scenario run --all         run them all
  paxsim scenario import TRACE      turn a decision trace into a scenario

Run prints each run as a message sequence: every step as taken (who sent
what to whom), what the replicas observably did (promised, accepted,
proposed, learned, applied), every replica's durable state after it, as its
protocol words it, and the verdict against the expectation. A run that
ends with settle then heals and runs on its own, timed, to judge liveness.
It exits 0 when every expectation holds and 1 when one does not. With
--variant, every run of a protocol that has that variant uses it instead of
its own (the others are skipped) and no expectation applies: it exits 1 if
a run breaks a property.

Import reads a decision trace (from paxsim check --out, run --record or
shrink) and prints a scenario file (or writes it with --out): the trace's
steps as one run that expects what replaying the trace breaks, with its
message sequence as the golden printout. Saved in testdata/scenarios it
joins the scenarios that go test checks.

The scenario files live in testdata/scenarios; the binary carries them.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.all, "all", false, "run every scenario")
		fs.StringVar(&o.variant, "variant", "", "run every step under protocol variant `NAME` ('paxsim variants' lists them)")
		fs.StringVar(&o.name, "name", "", "import: the scenario's `NAME` (default: the trace file's base name)")
		fs.StringVar(&o.out, "out", "", "import: write the scenario to `FILE` instead of stdout")
	},
	run: runScenarioCmd,
}

func runScenarioCmd(_ context.Context, x *invocation, o *options, args []string) error {
	if len(args) == 0 {
		return usageErrorf("scenario", "scenario needs list, run or import")
	}
	all, err := script.Builtin()
	if err != nil {
		return internalErrorf("the scenario files shipped with paxsim are broken: %v", err)
	}
	switch args[0] {
	case "list":
		if len(args) > 1 || o.all || o.variant != "" {
			return usageErrorf("scenario", "scenario list takes no arguments")
		}
		tw := tabwriter.NewWriter(x.stdout, 0, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "SCENARIO\tRUNS\tSUMMARY\n")
		for _, s := range all {
			fmt.Fprintf(tw, "%s\t%d\t%s\n", s.Name, len(s.Runs), s.Summary)
		}
		return tw.Flush()
	case "run":
		return x.runScenarios(o, all, args[1:])
	case "import":
		return x.importScenario(o, args[1:])
	}
	return usageErrorf("scenario", "unknown scenario subcommand %q (want list, run or import)", args[0])
}

// runScenarios runs the scenarios args names (or all of them, with --all).
func (x *invocation) runScenarios(o *options, all []*script.Scenario, args []string) error {
	if o.name != "" || o.out != "" {
		return usageErrorf("scenario", "--name and --out are for scenario import")
	}
	chosen, err := x.pickScenarios(all, args, o.all)
	if err != nil {
		return err
	}
	if o.variant != "" && !x.anyHasVariant(o.variant) {
		return usageErrorf("scenario", "invalid value for --variant: no protocol has variant %q ('paxsim variants' lists them)", o.variant)
	}
	runs, failed := 0, 0
	for _, s := range chosen {
		for _, run := range s.Runs {
			ran, broke, err := x.runScenario(o, s, run)
			if err != nil {
				return err
			}
			if ran {
				runs++
			}
			if broke {
				failed++
			}
		}
	}
	switch {
	case o.variant != "":
		fmt.Fprintf(x.stdout, "%d scenarios, %d runs under %s: %d broke a property\n", len(chosen), runs, o.variant, failed)
	case failed == 0:
		fmt.Fprintf(x.stdout, "%d scenarios, %d runs: every expectation holds\n", len(chosen), runs)
	default:
		fmt.Fprintf(x.stdout, "%d scenarios, %d runs: %d expectations DO NOT HOLD\n", len(chosen), runs, failed)
	}
	if failed > 0 {
		return errFound
	}
	return nil
}

// runScenario runs one block of s: ran says whether it ran (with
// --variant, only the runs of a protocol that has the variant do), failed
// whether it did not hold (with --variant: whether it broke a property).
func (x *invocation) runScenario(o *options, s *script.Scenario, run script.Run) (ran, failed bool, err error) {
	p, err := x.scenarioProtocol(run.Protocol)
	if err != nil {
		return false, false, inputErrorf("%s:%d: %v", s.File, run.Line, err)
	}
	expect := "expect " + run.Expect
	if o.variant != "" {
		if _, err := p.Info().LookupVariant(o.variant); err != nil {
			fmt.Fprintf(x.stdout, "== %s (line %d): skipped: %s is not a %s variant\n\n", s.Name, run.Line, o.variant, p.Name())
			return false, false, nil
		}
		run.Variant, expect = o.variant, "no expectation (--variant)"
	}
	what := "variant " + run.Variant
	if p != x.reg.Default() {
		what = p.Name() + " " + what
	}
	fmt.Fprintf(x.stdout, "== %s (line %d): %s, %s\n", s.Name, run.Line, what, expect)
	res, err := p.Scenario(s, run, x.stdout)
	var le *engine.LineError
	if errors.As(err, &le) {
		return false, false, inputErrorf("%v", err)
	} else if err != nil {
		return false, false, err
	}
	fmt.Fprintln(x.stdout)
	return true, (o.variant == "" && !res.Holds) || (o.variant != "" && res.Failed()), nil
}

// scenarioProtocol is the protocol a run line names ("" for the default).
func (x *invocation) scenarioProtocol(name string) (*harness.Protocol, error) {
	if name == "" {
		return x.reg.Default(), nil
	}
	return x.reg.Lookup(name)
}

// anyHasVariant reports whether some protocol has variant name.
func (x *invocation) anyHasVariant(name string) bool {
	for _, p := range x.reg.All() {
		if _, err := p.Info().LookupVariant(name); err == nil {
			return true
		}
	}
	return false
}

func (x *invocation) pickScenarios(all []*script.Scenario, names []string, everything bool) ([]*script.Scenario, error) {
	switch {
	case everything && len(names) > 0:
		return nil, usageErrorf("scenario", "scenario run takes names or --all, not both")
	case everything:
		return all, nil
	case len(names) == 0:
		return nil, usageErrorf("scenario", "scenario run needs a NAME or --all ('paxsim scenario list' names them)")
	}
	var out []*script.Scenario
	for _, name := range names {
		if strings.HasSuffix(name, ".txt") || strings.ContainsRune(name, filepath.Separator) {
			s, err := x.readScenarioFile(name)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
			continue
		}
		s, err := script.Lookup(name)
		if err != nil {
			return nil, usageErrorf("scenario", "%v", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// readScenarioFile reads and checks a scenario file given by path.
func (x *invocation) readScenarioFile(path string) (*script.Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, inputErrorf("cannot read the scenario: %v", err)
	}
	defer f.Close()
	name := strings.TrimSuffix(filepath.Base(path), ".txt")
	s, err := script.Parse(f, name, path)
	if err != nil {
		return nil, inputErrorf("%v", err)
	}
	err = script.Check(s, func(protocol string) (*engine.Info, error) {
		p, err := x.scenarioProtocol(protocol)
		if err != nil {
			return nil, err
		}
		return p.Info(), nil
	})
	if err != nil {
		return nil, inputErrorf("%v", err)
	}
	return s, nil
}

// importScenario turns the decision trace named by args into a scenario.
func (x *invocation) importScenario(o *options, args []string) error {
	if len(args) != 1 {
		return usageErrorf("scenario", "scenario import needs one decision-trace FILE")
	}
	if o.all || o.variant != "" {
		return usageErrorf("scenario", "scenario import takes --name and --out only")
	}
	t, ok, err := readTrace(args[0])
	if err != nil {
		return err
	}
	if !ok {
		return inputErrorf("%s is not a decision trace (want %q first)", args[0], "paxsim-trace 1")
	}
	p, err := x.reg.Lookup(t.Config.Protocol)
	if err != nil {
		return inputErrorf("%s: %v", args[0], err)
	}
	name := o.name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0]))
	}
	text, err := p.ImportTrace(t, name)
	if err != nil {
		return inputErrorf("%s: %v", args[0], err)
	}
	if o.out == "" {
		fmt.Fprint(x.stdout, text)
		return nil
	}
	if err := os.WriteFile(o.out, []byte(text), 0o644); err != nil {
		return inputErrorf("cannot write the scenario: %v", err)
	}
	fmt.Fprintf(x.stdout, "wrote %s (%s scenario run %s)\n", o.out, x.program, report.ShellQuote(o.out))
	return nil
}
