package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/report"
	"github.com/paxsim/paxsim/script"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/watchdog"
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
A run whose file holds a printout after its ---- line must print exactly
that (the golden printout; go test ./script -rewrite regenerates the
shipped ones). It exits 0 when every expectation holds and every printout
matches, and 1 when one does not.

With --variant, the runs of that variant keep their expectations; every
other run of a protocol that has that variant takes its steps under it
instead of its own variant, with no expectation (it fails if it breaks a
property), and is skipped when a step cannot be taken there (the variant
sends other messages); runs of the other protocols are skipped. The
summary counts the skipped runs.

Import reads a decision trace (from paxsim check --out, run --record or
shrink) and prints a scenario file (or writes it with --out): the trace's
steps as one run that expects what replaying the trace breaks, with its
message sequence as the golden printout. Saved in testdata/scenarios it
joins the scenarios that go test checks.

The scenario files live in testdata/scenarios; the binary carries them.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.all, "all", false, "run every scenario")
		fs.Var((*nameValue)(&o.variant), "variant", "run every step under protocol variant `NAME` ('paxsim variants' lists them)")
		fs.Var((*nameValue)(&o.name), "name", "import: the scenario's `NAME` (default: the trace file's base name)")
		fs.StringVar(&o.out, "out", "", "import: write the scenario to `FILE` instead of stdout")
	},
	outputs: []string{"out"},
	run:     runScenarioCmd,
}

func runScenarioCmd(_ context.Context, x *invocation, o *options, args []string) error {
	if len(args) == 0 {
		return usageErrorf("scenario", "scenario needs list, run or import")
	}
	shipped, err := script.Builtin()
	if err != nil {
		return internalErrorf("the scenario files shipped with paxsim are broken: %v", err)
	}
	all, others := x.shippedHere(shipped)
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
		if err := tw.Flush(); err != nil {
			return err
		}
		if others.scenarios > 0 {
			fmt.Fprintf(x.stdout, "(%d shipped scenarios are for protocols this program does not have: %s)\n", others.scenarios, others)
		}
		if len(all) == 0 {
			fmt.Fprintf(x.stdout, "none is for %s: write your own, or turn a failure's decision trace into one with %s scenario import TRACE, and run it with %s scenario run FILE\n",
				strings.Join(x.reg.Names(), ", "), x.program, x.program)
		}
		return nil
	case "run":
		if o.all && len(all) == 0 && len(args) == 1 {
			return inputErrorf("scenario run --all: none of the %d shipped scenarios is for this program's protocols (%s); "+
				"write your own, or turn a decision trace into one with scenario import, and run it as scenario run FILE", others.scenarios, strings.Join(x.reg.Names(), ", "))
		}
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
	if o.variant != "" && !x.someRunHasVariant(chosen, o.variant) {
		return usageErrorf("scenario", "invalid value for --variant: %s is not a variant of the protocol of any run of these scenarios, so nothing would be tested", o.variant)
	}
	var tally scenarioTally
	for _, sc := range chosen {
		for _, run := range sc.Runs {
			if err := x.runScenario(o.variant, sc, run, &tally); err != nil {
				return err
			}
		}
	}
	if tally.runs == 0 {
		return inputErrorf("--variant %s: none of the runs of these scenarios can run under it (%d skipped): nothing was tested", o.variant, tally.skipped)
	}
	tally.write(x.stdout, len(chosen), o.variant)
	if tally.failed > 0 {
		return errFound
	}
	return nil
}

// scenarioTally counts what scenario run found.
type scenarioTally struct {
	runs, failed, skipped int
}

func (t *scenarioTally) write(w io.Writer, scenarios int, variant string) {
	skipped := ""
	if t.skipped > 0 {
		skipped = fmt.Sprintf(", %d skipped", t.skipped)
	}
	switch {
	case variant != "":
		fmt.Fprintf(w, "%d scenarios, %d runs under %s%s: %d failed (broke a property with no expectation, or an expectation that does not hold)\n", scenarios, t.runs, variant, skipped, t.failed)
	case t.failed == 0:
		fmt.Fprintf(w, "%d scenarios, %d runs: every expectation holds\n", scenarios, t.runs)
	default:
		fmt.Fprintf(w, "%d scenarios, %d runs: %d expectations DO NOT HOLD\n", scenarios, t.runs, t.failed)
	}
}

// runScenario runs one block of sc and counts it. With variant, a run of
// that variant keeps its expectation and golden printout; a run of
// another variant of a protocol that has variant takes its steps under
// variant with no expectation (it fails if it breaks a property), and is
// skipped when a step cannot be taken there (the variant sends other
// messages); a run of a protocol without variant is skipped. Without
// variant, a run must meet its expectation and print exactly its golden
// printout.
func (x *invocation) runScenario(variant string, sc *script.Scenario, run script.Run, tally *scenarioTally) error {
	p, err := x.scenarioProtocol(run.Protocol)
	if err != nil {
		return inputErrorf("%s:%d: %v", sc.File, run.Line, err)
	}
	expect := "expect " + run.Expect
	own := variant == "" || run.Variant == variant
	if !own {
		if _, err := p.Info().LookupVariant(variant); err != nil {
			fmt.Fprintf(x.stdout, "== %s (line %d): skipped: %s is not a %s variant\n\n", sc.Name, run.Line, variant, p.Name())
			tally.skipped++
			return nil
		}
		run.Variant, run.Expect, expect = variant, "", "no expectation (--variant)"
	}
	what := "variant " + run.Variant
	if p != x.reg.Default() {
		what = p.Name() + " " + what
	}
	var out strings.Builder
	res, hang, err := watchdog.Run(runHangTimeout, run.Seed, func(pulse *watchdog.Pulse) (script.Result, error) {
		return p.Scenario(sc, run, &out, pulse.Steps())
	})
	var le *engine.LineError
	switch {
	case hang != nil:
		return hangError(fmt.Sprintf("%s:%d: the run of %s hangs", sc.File, run.Line, sc.Name), hang)
	case errors.As(err, &le) && !own:
		fmt.Fprintf(x.stdout, "== %s (line %d): skipped: its steps do not run under %s: %v\n\n", sc.Name, run.Line, variant, err)
		tally.skipped++
		return nil
	case errors.As(err, &le):
		return inputErrorf("%v", err)
	case err != nil:
		return err
	}
	tally.runs++
	fmt.Fprintf(x.stdout, "== %s (line %d): %s, %s\n%s", sc.Name, run.Line, what, expect, out.String())
	switch {
	case !own && res.Failed(), own && !res.Holds:
		tally.failed++
	case own:
		if err := script.CheckGolden(sc, run, out.String()); err != nil {
			fmt.Fprintf(x.stdout, "golden printout DOES NOT MATCH: %v\n", err)
			tally.failed++
		}
	}
	fmt.Fprintln(x.stdout)
	return nil
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

// someRunHasVariant reports whether a run of the scenarios is of a
// protocol that has variant name.
func (x *invocation) someRunHasVariant(scenarios []*script.Scenario, name string) bool {
	for _, sc := range scenarios {
		for _, run := range sc.Runs {
			p, err := x.scenarioProtocol(run.Protocol)
			if err != nil {
				return true // runScenario reports it
			}
			if _, err := p.Info().LookupVariant(name); err == nil {
				return true
			}
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
		if !slices.ContainsFunc(all, func(h *script.Scenario) bool { return h.Name == s.Name }) {
			_, lacking := x.shippedHere([]*script.Scenario{s})
			return nil, usageErrorf("scenario", "scenario %s is shipped for %s, which this program does not have (its protocols: %s)",
				name, lacking, strings.Join(x.reg.Names(), ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

// shippedHere keeps the shipped scenarios whose every run names a
// protocol this program has (each shipped run line names its protocol),
// and names the protocols the others need: a program built on cli.Main
// with its own protocol has none of them, and must neither list them nor
// run their steps on its own protocol.
func (x *invocation) shippedHere(shipped []*script.Scenario) (here []*script.Scenario, lacking shippedElsewhere) {
	for _, s := range shipped {
		ok := true
		for _, run := range s.Runs {
			if _, err := x.reg.Lookup(run.Protocol); err != nil || run.Protocol == "" {
				ok = false
				if !slices.Contains(lacking.protocols, run.Protocol) {
					lacking.protocols = append(lacking.protocols, run.Protocol)
				}
			}
		}
		if ok {
			here = append(here, s)
		} else {
			lacking.scenarios++
		}
	}
	slices.Sort(lacking.protocols)
	return here, lacking
}

// shippedElsewhere are the shipped scenarios a program cannot run: how
// many, and the protocols they are for that it lacks.
type shippedElsewhere struct {
	scenarios int
	protocols []string
}

func (l shippedElsewhere) String() string {
	return strings.Join(l.protocols, ", ")
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
		return inputErrorf("%s is not a decision trace (want %q first)", args[0], trace.Format)
	}
	p, err := x.checkTrace(o, args[0], t)
	if err != nil {
		return err
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
	if err := writeWhole(o.out, text); err != nil {
		return inputErrorf("cannot write the scenario: %v", err)
	}
	fmt.Fprintf(x.stdout, "wrote %s (%s scenario run %s)\n", o.out, x.program, report.ShellQuote(o.out))
	return nil
}

// writeWhole writes text to path through a temporary file beside it:
// path is written whole or not at all.
func writeWhole(path, text string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".paxsim-import-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
