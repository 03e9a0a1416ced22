package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/paxsim/paxsim/protocol"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/scenarios"
)

var scenarioCmd = &command{
	name:  "scenario",
	usage: "list | run (NAME|FILE ... | --all) [--variant NAME] | import TRACE [--name NAME] [--out FILE]",
	short: "list or run the scripted scenarios (the seed notes' Q&A)",
	long: `Scenario runs scripted schedules: named runs, one step a line (this message
is delivered to that replica, that one dropped, this replica crashes), each
with the outcome it must produce. The qa- scenarios answer the seed notes'
questions with runs one can watch, under the correct protocol and, where the
answer is a counterexample, under the variant that gets it wrong.

  paxsim scenario list              names and one-line summaries
  paxsim scenario run NAME ...      run the named scenarios
  paxsim scenario run FILE ...      run scenario files (a path: ./x.txt)
  paxsim scenario run --all         run them all
  paxsim scenario import TRACE      turn a decision trace into a scenario

Run prints each run as a message sequence: every step as taken (who sent
what to whom), what the replicas did (promised, accepted, proposed,
learned), every acceptor's durable state after it, as N{p promised ballot,
a (accepted ballot, value)} (for Multi-Paxos, N{p promise, iI (ballot,
command) ...}: the log), and the verdict against the expectation. A run
that ends with settle then heals and runs on its own, timed, to judge
liveness. A run whose file holds a printout after its ---- line must print
exactly that (the golden printout; go test ./scenarios -rewrite regenerates
the shipped ones). It exits 0 when every expectation holds and every
printout matches, and 1 when one does not.

With --variant, the runs of that variant keep their expectations; every
other run of that variant's protocol takes its steps under it instead of
its own variant, with no expectation (it fails if it breaks a property),
and is skipped when a step cannot be taken there (the variant sends other
messages); runs of the other protocol are skipped.

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
		return usageErrorf("scenario", "scenario needs list or run")
	}
	all, err := scenarios.Scenarios()
	if err != nil {
		return fmt.Errorf("the scenario files shipped with paxsim are broken: %v", err)
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
	case "import":
		return x.importScenario(o, args[1:])
	default:
		return usageErrorf("scenario", "unknown scenario subcommand %q (want list, run or import)", args[0])
	}
	if o.name != "" || o.out != "" {
		return usageErrorf("scenario", "--name and --out are for scenario import")
	}
	chosen, err := pickScenarios(all, args[1:], o.all)
	if err != nil {
		return err
	}
	if o.variant != "" && !variantOf(scenarios.Paxos, o.variant) && !variantOf(scenarios.MultiPaxos, o.variant) {
		_, err := protocol.LookupVariant(o.variant)
		return usageErrorf("scenario", "invalid value for --variant: %v (or a multipaxos variant: %s)", err, strings.Join(mpVariantNames(), ", "))
	}
	var tally scenarioTally
	for _, s := range chosen {
		for _, run := range s.Runs {
			if err := x.runScenario(s, run, o.variant, &tally); err != nil {
				return err
			}
		}
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

// runScenario runs one run block of s and counts it. With variant, a run
// of that variant keeps its expectation and golden printout; a run of
// another variant of the same protocol takes its steps under variant with
// no expectation (it fails if it breaks a property), and is skipped when a
// step cannot be taken there (the variant sends other messages); a run of
// the other protocol is skipped. Without variant, a run must meet its
// expectation and print exactly its golden printout.
func (x *invocation) runScenario(s *scenarios.Scenario, run scenarios.ScenarioRun, variant string, tally *scenarioTally) error {
	expect := "expect " + run.Expect
	own := variant == "" || run.Variant == variant
	if !own {
		if !variantOf(run.Protocol, variant) {
			fmt.Fprintf(x.stdout, "== %s (line %d): skipped: %s is not a %s variant\n\n", s.Name, run.Line, variant, run.Protocol)
			tally.skipped++
			return nil
		}
		run.Variant, expect = variant, "no expectation (--variant)"
	}
	what := "variant " + run.Variant
	if run.Protocol != scenarios.Paxos {
		what = run.Protocol + " " + what
	}
	header := fmt.Sprintf("== %s (line %d): %s, %s\n", s.Name, run.Line, what, expect)
	var out strings.Builder
	res, err := scenarios.RunScenario(s, run, &out)
	var te *scenarios.TraceError
	switch {
	case errors.As(err, &te) && !own:
		fmt.Fprintf(x.stdout, "== %s (line %d): skipped: its steps do not run under %s: %v\n\n", s.Name, run.Line, variant, err)
		tally.skipped++
		return nil
	case errors.As(err, &te):
		return inputErrorf("%v", err)
	case err != nil:
		return err
	}
	tally.runs++
	fmt.Fprint(x.stdout, header, out.String())
	switch {
	case !own && res.Failed():
		tally.failed++
	case own && !res.Holds:
		tally.failed++
	case own:
		if err := run.CheckGolden(s.File, out.String()); err != nil {
			fmt.Fprintf(x.stdout, "golden printout DOES NOT MATCH: %v\n", err)
			tally.failed++
		}
	}
	fmt.Fprintln(x.stdout)
	return nil
}

func pickScenarios(all []*scenarios.Scenario, names []string, everything bool) ([]*scenarios.Scenario, error) {
	switch {
	case everything && len(names) > 0:
		return nil, usageErrorf("scenario", "scenario run takes names or --all, not both")
	case everything:
		return all, nil
	case len(names) == 0:
		return nil, usageErrorf("scenario", "scenario run needs a NAME or --all ('paxsim scenario list' names them)")
	}
	var out []*scenarios.Scenario
	for _, name := range names {
		if strings.HasSuffix(name, ".txt") || strings.ContainsRune(name, filepath.Separator) {
			s, err := readScenarioFile(name)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
			continue
		}
		s, err := scenarios.LookupScenario(name)
		if err != nil {
			return nil, usageErrorf("scenario", "%v", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// readScenarioFile reads a scenario file given by path.
func readScenarioFile(path string) (*scenarios.Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, inputErrorf("cannot read the scenario: %v", err)
	}
	defer f.Close()
	name := strings.TrimSuffix(filepath.Base(path), ".txt")
	s, err := scenarios.ParseScenario(f, name, path)
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
		return inputErrorf("%s is not a decision trace (want %q first)", args[0], scenarios.TraceFormat)
	}
	name := o.name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0]))
	}
	if o.out == "" {
		if err := scenarios.ImportTrace(t, name, x.stdout); err != nil {
			return inputErrorf("%s: %v", args[0], err)
		}
		return nil
	}
	if err := importToFile(t, name, o.out); err != nil {
		return inputErrorf("%s: %v", args[0], err)
	}
	fmt.Fprintf(x.stdout, "wrote %s (paxsim scenario run %s)\n", o.out, shellQuote(o.out))
	return nil
}

// importToFile writes the scenario imported from t to path, through a
// temporary file beside it: path is written whole or not at all.
func importToFile(t *scenarios.Trace, name, path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".paxsim-import-*")
	if err != nil {
		return fmt.Errorf("cannot write the scenario: %v", err)
	}
	defer os.Remove(f.Name())
	if err := scenarios.ImportTrace(t, name, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cannot write the scenario: %v", err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("cannot write the scenario: %v", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("cannot write the scenario: %v", err)
	}
	return nil
}

// variantOf reports whether name is a variant of protocol (or the correct
// protocol, none).
func variantOf(protocolName, name string) bool {
	if protocolName == scenarios.MultiPaxos {
		_, err := mp.LookupVariant(name)
		return err == nil
	}
	_, err := protocol.LookupVariant(name)
	return err == nil
}

func mpVariantNames() []string {
	var names []string
	for _, v := range mp.Variants() {
		names = append(names, v.Name)
	}
	return names
}
