package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/paxsim/paxsim/mutants"
)

// MutantsTable prints the mutation score's rows as they come, in columns
// sized for the catalogue.
type MutantsTable struct {
	w        io.Writer
	variant  int
	protocol int
}

// NewMutantsTable is the table of targets' rows, written to w.
func NewMutantsTable(w io.Writer, targets []mutants.Target) *MutantsTable {
	t := &MutantsTable{w: w, variant: len("VARIANT"), protocol: len("PROTOCOL")}
	for _, tg := range targets {
		t.variant = max(t.variant, len(tg.Variant))
		t.protocol = max(t.protocol, len(tg.Protocol.Name()))
	}
	return t
}

// WriteMutantsHeader says what runs: the campaign command of each
// protocol (campaigns, by protocol name) and the explorer's bounds, as
// commands of program.
func WriteMutantsHeader(w io.Writer, program string, targets []mutants.Target, o mutants.Options, campaigns map[string]string) {
	fmt.Fprintf(w, "mutants: %d variants; each a campaign of seeds %d.. that stops at its first failure (at most %d seeds, %d workers)\n",
		len(targets), o.Start, o.Budget, o.Workers)
	seen := map[string]bool{}
	for _, t := range targets {
		if name := t.Protocol.Name(); !seen[name] {
			seen[name] = true
			fmt.Fprintf(w, "  %-11s %s\n", name+":", campaigns[name])
		}
	}
	if !o.NoExplore {
		var tries []string
		for _, b := range mutants.ExplorerBounds() {
			tries = append(tries, strings.Join(strings.Fields(fmt.Sprintf("%s check --variant V %s --max-states %d", program, b.Flags, mutants.ExplorerMaxStates)), " "))
		}
		fmt.Fprintf(w, "  %-11s %s\n", "explorer:", strings.Join(tries, ", then "))
	}
	fmt.Fprintln(w)
}

const mutantsRow = "%-*s  %-*s  %-20s  %-20s  %-6s  %7s  %9s  %6s  %s\n"

// Head writes the table's head.
func (t *MutantsTable) Head() {
	fmt.Fprintf(t.w, mutantsRow, t.variant, "VARIANT", t.protocol, "PROTOCOL", "BREAKS", "FIRST FAILURE", "CAUGHT", "SEEDS", "TIME", "SHRUNK", "EXPLORER")
}

// Row writes one variant's row.
func (t *MutantsTable) Row(r mutants.Row) {
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

// WriteMutantsFooter explains the dashes, reports the control campaigns
// and ends with the one-line summary.
func WriteMutantsFooter(w io.Writer, rep *mutants.Report, o mutants.Options) {
	fmt.Fprintln(w)
	shrunk, notes := newNoteList(), newNoteList() // the shrunk column's notes, then the explorer's
	for _, r := range rep.Rows {
		if r.Seed != nil && r.ShrunkSteps == 0 && r.ShrinkNote != "" {
			shrunk.add("shrunk -: "+r.ShrinkNote, r.Variant)
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
		}
	}
	shrunk.write(w)
	notes.write(w)
	writeControls(w, rep)
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

// writeControls reports the control campaigns.
func writeControls(w io.Writer, rep *mutants.Report) {
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

// write prints the notes.
func (n *noteList) write(w io.Writer) {
	for _, note := range n.order {
		fmt.Fprintf(w, "%s: %s\n", note, strings.Join(n.names[note], ", "))
	}
}
