package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/paxsim/paxsim/mutants"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/scenarios"
)

var mutantsCmd = &command{
	name:  "mutants",
	usage: "[--protocol paxos|multipaxos|all] [--variant NAME] [--budget N] [--start S] [--workers K] [--no-explore] [--json]",
	short: "run every buggy variant against campaigns and the explorer: the mutation score",
	long: `Mutants runs the whole variant catalogue ('paxsim variants', and the
Multi-Paxos variants) and prints, for each variant, the property it is
expected to break, the property its first failure broke, whether it was
caught, the seeds and wall time to that first failure, the length of its
shrunk decision trace, and what the explorer found.

Each variant gets a campaign of seeds S, S+1, ... on K parallel workers that
stops at its first failing seed, at most --budget seeds. The seed reported is
the lowest failing one for any number of workers. Single-decree Paxos runs
with --drop 0.1 --dup 0.05 --crash 0.01 --partition 0.01, Multi-Paxos with
--drop 0.05 --dup 0.02 --crash 0.01 --partition 0.01 (the header prints the
campaign command of each). The first failure of a single-decree variant is
recorded and shrunk as a campaign shrinks it; Multi-Paxos has no decision
traces (shrunk -).

The explorer ('paxsim check') then searches every interleaving of 3 replicas
and 2 proposers with one ballot each and no timers, first with one crash, then
with a replica's messages to itself through the network, each cut at 5000
states: "depth D" is where it found a violation, "did not fit" that the bug
needs more than these bounds, "-" that it does not apply (it judges safety
only, not liveness or linearizability) or was not run: this command does not
run the Multi-Paxos explorer ('paxsim check --protocol multipaxos'), whose
searches for these variants take 1,909 to 251,421 states.

A variant is caught when a campaign or the explorer finds a violation. Last, a
control campaign runs the correct protocol over the seeds the variants needed:
it must pass them all. The last line sums up. Exit status: 0 every variant
caught (and the control passed), 1 a variant survived (or the control
failed), 2 bad usage, 4 interrupted (Ctrl-C or SIGTERM) before the end.`,
	flags: func(fs *flag.FlagSet, o *options) {
		m := &o.mutants
		m.protocol, m.budget = mutants.All, mutants.DefaultBudget
		fs.Var((*nameValue)(&m.protocol), "protocol", "the catalogue to run: `NAME` paxos, multipaxos or all")
		fs.Var((*nameValue)(&o.variant), "variant", "run one `VARIANT` only")
		fs.Var(numValue[uint64]{&m.budget}, "budget", "at most `N` seeds per variant (at least 1)")
		fs.Var(numValue[uint64]{&o.start}, "start", "every campaign's first seed `S`")
		fs.Var(numValue[int]{&o.workers}, "workers", "`K` seeds run in parallel, and K explorer workers; 0 means one per CPU (runtime.NumCPU)")
		fs.BoolVar(&m.noExplore, "no-explore", false, "campaigns only: do not run the explorer")
		fs.BoolVar(&o.json, "json", false, "print the report as one JSON object")
	},
	run: runMutants,
}

// mutantsOptions are the mutants command's own flags.
type mutantsOptions struct {
	protocol  string
	budget    uint64
	noExplore bool
}

func runMutants(ctx context.Context, x *invocation, o *options, args []string) error {
	if err := noArgs("mutants", args); err != nil {
		return err
	}
	m := o.mutants
	targets, err := mutants.Catalogue(m.protocol, o.variant)
	if err != nil {
		return usageErrorf("mutants", "%v", err)
	}
	switch {
	case m.budget < 1:
		return usageErrorf("mutants", "invalid value for --budget: each variant needs at least 1 seed")
	case o.start+m.budget < o.start:
		return usageErrorf("mutants", "invalid value for --budget: seeds %d..%d+%d overflow 64 bits", o.start, o.start, m.budget)
	}
	if o.workers, err = boundWorkers(x, "mutants", o.workers); err != nil {
		return err
	}
	opts := mutants.Options{
		Protocol: m.protocol, Variant: o.variant, Start: o.start, Budget: m.budget,
		Workers: o.workers, NoExplore: m.noExplore,
	}
	var t *mutantsTable
	if !o.json {
		t = newMutantsTable(x.stdout, targets)
		writeMutantsHeader(x.stdout, targets, opts)
		t.head()
		opts.OnRow = func(r mutants.Row) {
			t.row(r)
			x.stdout.Flush()
		}
		x.stdout.Flush()
	}
	rep, err := mutants.Run(ctx, opts)
	if err != nil {
		return &exitError{code: exitInternal, msg: "internal error (a bug in paxsim, please report it): mutants: " + err.Error()}
	}
	if o.json {
		if err := writeJSON(x.stdout, rep); err != nil {
			return err
		}
	} else {
		writeMutantsFooter(x.stdout, &rep, opts)
	}
	return mutantsVerdict(&rep)
}

// mutantsVerdict is the exit of mutants: 1 when a variant survived or the
// control failed; else 4 when it was interrupted, since the variants not
// yet run may survive; else 0.
func mutantsVerdict(rep *mutants.Report) error {
	switch {
	case len(rep.Survivors()) > 0 || rep.ControlFailed():
		return errFound
	case rep.Interrupted:
		return &exitError{code: exitIncomplete, msg: "interrupted: the variants not yet run may survive, so this is not a pass"}
	case !rep.OK():
		return errFound
	}
	return nil
}

// writeMutantsHeader says what runs: the campaign command of each
// protocol and the explorer's bounds.
func writeMutantsHeader(w io.Writer, targets []mutants.Target, o mutants.Options) {
	fmt.Fprintf(w, "mutants: %d variants; each a campaign of seeds %d.. that stops at its first failure (at most %d seeds, %d workers)\n",
		len(targets), o.Start, o.Budget, o.Workers)
	seen := map[string]bool{}
	explorer := false
	for _, t := range targets {
		if !seen[t.Protocol] {
			seen[t.Protocol] = true
			fmt.Fprintf(w, "  %-11s %s\n", t.Protocol+":", campaignLine(mutants.ConfigFor(mutants.Target{Protocol: t.Protocol, Variant: protocol.Correct}, o.Start)))
		}
		explorer = explorer || t.Protocol == scenarios.Paxos
	}
	if explorer && !o.NoExplore {
		var tries []string
		for _, b := range mutants.ExplorerBounds() {
			tries = append(tries, fmt.Sprintf("paxsim check --variant V %s --max-states %d", b.Flags, mutants.ExplorerMaxStates))
		}
		fmt.Fprintf(w, "  %-11s %s\n", "explorer:", strings.Join(tries, ", then "))
	}
	fmt.Fprintln(w)
}

// campaignLine is the campaign command a variant V of c runs.
func campaignLine(c scenarios.Config) string {
	var b strings.Builder
	b.WriteString("paxsim campaign --variant V")
	for _, kv := range configArgs(c, true) {
		if kv[0] == "variant" {
			continue
		}
		fmt.Fprintf(&b, " --%s %s", kv[0], shellQuote(kv[1]))
	}
	return b.String()
}

// mutantsTable prints the rows as they come, in columns sized for the
// catalogue.
type mutantsTable struct {
	w        io.Writer
	variant  int
	protocol int
}

func newMutantsTable(w io.Writer, targets []mutants.Target) *mutantsTable {
	t := &mutantsTable{w: w, variant: len("VARIANT"), protocol: len("PROTOCOL")}
	for _, tg := range targets {
		t.variant = max(t.variant, len(tg.Variant))
		t.protocol = max(t.protocol, len(tg.Protocol))
	}
	return t
}

const mutantsRow = "%-*s  %-*s  %-20s  %-20s  %-6s  %7s  %9s  %6s  %s\n"

func (t *mutantsTable) head() {
	fmt.Fprintf(t.w, mutantsRow, t.variant, "VARIANT", t.protocol, "PROTOCOL", "BREAKS", "FIRST FAILURE", "CAUGHT", "SEEDS", "TIME", "SHRUNK", "EXPLORER")
}

func (t *mutantsTable) row(r mutants.Row) {
	property, seeds, shrunk := "-", fmt.Sprintf(">%d", r.Seeds), "-"
	if r.Seed != nil {
		property, seeds = r.Property, fmt.Sprint(r.Seeds)
	}
	if r.ShrunkSteps > 0 {
		shrunk = fmt.Sprint(r.ShrunkSteps)
	}
	caught := "NO"
	if r.Caught {
		caught = "yes"
	}
	fmt.Fprintf(t.w, mutantsRow, t.variant, r.Variant, t.protocol, r.Protocol, r.Breaks, property, caught, seeds,
		wallTime(r.WallSeconds), shrunk, explorerCell(r.Explorer))
}

// explorerCell is the explorer column: depth D (with the bounds, when not
// the first), did not fit, or -.
func explorerCell(e mutants.Explorer) string {
	switch e.Verdict {
	case mutants.Found:
		if first := mutants.ExplorerBounds()[0].Name; e.Bounds != first {
			return fmt.Sprintf("depth %d (%s)", e.Depth, strings.TrimPrefix(e.Bounds, "no timers, "))
		}
		return fmt.Sprintf("depth %d", e.Depth)
	case mutants.NotFound:
		return "did not fit"
	}
	return "-"
}

// wallTime renders seconds as ms below a second.
func wallTime(s float64) string {
	if s < 1 {
		return fmt.Sprintf("%.1fms", s*1000)
	}
	return fmt.Sprintf("%.2fs", s)
}

// writeMutantsFooter explains the dashes, reports the control campaigns and
// ends with the one-line summary.
func writeMutantsFooter(w io.Writer, rep *mutants.Report, o mutants.Options) {
	fmt.Fprintln(w)
	notes := newNoteList()
	for _, r := range rep.Rows {
		if r.Seed != nil && r.ShrunkSteps == 0 && r.ShrinkNote != "" {
			notes.add("shrunk -: "+r.ShrinkNote, r.Variant)
		}
		switch r.Explorer.Verdict {
		case mutants.NotFound:
			note := fmt.Sprintf("explorer did not fit: no violation within %d states of each bound", mutants.ExplorerMaxStates)
			if r.Explorer.Error != "" {
				note = "explorer did not fit: " + r.Explorer.Error
			}
			notes.add(note, r.Variant)
		case mutants.NotJudged:
			if o.NoExplore {
				notes.add("explorer -: --no-explore", r.Variant)
			} else {
				notes.add("explorer -: it judges safety only, not "+r.Breaks, r.Variant)
			}
		case mutants.NoExplorer:
			notes.add("explorer -: not run on "+r.Protocol+" (paxsim check --protocol "+r.Protocol+" explores it)", r.Variant)
		}
	}
	notes.write(w)
	var passed []string
	for _, c := range rep.Controls {
		if c.Passed {
			passed = append(passed, fmt.Sprintf("%s %d..%d", c.Protocol, c.Start, c.Start+c.Seeds-1))
			continue
		}
		fmt.Fprintf(w, "control: the correct %s FAILS seed %d (%s): %s\n", c.Protocol, *c.Seed, c.Property, c.Message)
	}
	if len(passed) > 0 {
		fmt.Fprintf(w, "control: the correct protocol passes the seeds the variants needed (%s)\n", strings.Join(passed, ", "))
	}
	var by []string
	for _, s := range rep.ByProtocol {
		by = append(by, fmt.Sprintf("%s %d/%d", s.Protocol, s.Caught, s.Total))
	}
	fmt.Fprintf(w, "mutants: %d of %d caught (%s) in %.1fs", rep.Caught, rep.Total, strings.Join(by, ", "), rep.WallSeconds)
	if s := rep.Survivors(); len(s) > 0 {
		fmt.Fprintf(w, "; survived: %s", strings.Join(s, ", "))
	}
	if rep.ControlFailed() {
		fmt.Fprintf(w, "; the correct protocol failed its control")
	}
	if rep.Interrupted {
		fmt.Fprintf(w, "; interrupted")
	}
	fmt.Fprintln(w)
}

// noteList groups variants by note, in the order notes first appear.
type noteList struct {
	order []string
	names map[string][]string
}

func newNoteList() *noteList { return &noteList{names: map[string][]string{}} }

func (n *noteList) add(note, variant string) {
	if _, ok := n.names[note]; !ok {
		n.order = append(n.order, note)
	}
	n.names[note] = append(n.names[note], variant)
}

// write prints the notes, those on the shrunk column first.
func (n *noteList) write(w io.Writer) {
	sort.SliceStable(n.order, func(i, j int) bool {
		return strings.HasPrefix(n.order[i], "shrunk") && !strings.HasPrefix(n.order[j], "shrunk")
	})
	for _, note := range n.order {
		fmt.Fprintf(w, "%s: %s\n", note, strings.Join(n.names[note], ", "))
	}
}
