package srcmut

import (
	"fmt"
	"io"
	"slices"

	"github.com/paxsim/paxsim/mutants"
)

// A mutant's status.
const (
	Killed           = "killed"       // a campaign or the explorer failed it, or it hung or crashed the process
	Survived         = "survived"     // nothing failed it
	NotCompiled      = "not-compiled" // it does not compile alone: never counted as killed
	MarkedEquivalent = "equivalent"   // marked by hand: no run can tell it from the original
	Interrupted      = "interrupted"  // not judged: the run was stopped
	Skipped          = "skipped"      // not judged: --mutants did not select it
)

// Result is one mutant's outcome.
type Result struct {
	Mutant
	Status string `json:"status"`
	mutants.Verdict
	// Nearest is, for a survivor, how near its performance came to a
	// regression, per protocol (mutants.Performance.Nearest).
	Nearest string  `json:"nearest,omitempty"`
	Seconds float64 `json:"seconds,omitempty"` // the judgement's wall time
}

// OperatorScore is one operator's count.
type OperatorScore struct {
	Operator    string `json:"operator"`
	Total       int    `json:"total"`
	Killed      int    `json:"killed"`
	Survived    int    `json:"survived"`
	NotCompiled int    `json:"not_compiled"`
	Equivalent  int    `json:"equivalent"`
}

// Report is a source mutation run's outcome.
type Report struct {
	Dirs        []string `json:"dirs"`
	Total       int      `json:"total"`
	Killed      int      `json:"killed"`
	Survived    int      `json:"survived"`
	NotCompiled int      `json:"not_compiled"`
	Equivalent  int      `json:"equivalent"`
	Interrupted int      `json:"interrupted"`
	Skipped     int      `json:"skipped,omitempty"`
	// KillRate is Killed over the mutants that compile and are not
	// equivalent (and were judged).
	KillRate   float64         `json:"kill_rate"`
	ByOperator []OperatorScore `json:"by_operator"`
	// Control is the original code's judgement: it must survive.
	Control mutants.Verdict `json:"control"`
	// StaleEquivalent lists the IDs the equivalent file marks that no
	// mutant has any more.
	StaleEquivalent []string `json:"stale_equivalent"`
	Survivors       []Result `json:"survivors"`
	Mutants         []Result `json:"mutants"`
	Workers         int      `json:"workers"`
	// PrepareSeconds is the wall time to generate, type-check and build;
	// WallSeconds the whole run's; CPUSeconds the user and system time of
	// this process and its children.
	PrepareSeconds float64 `json:"prepare_seconds"`
	WallSeconds    float64 `json:"wall_seconds"`
	CPUSeconds     float64 `json:"cpu_seconds"`
}

// newReport is the report of ms before any is judged.
func newReport(ms []*Mutant, o Options) *Report {
	rep := &Report{Dirs: o.Dirs, Workers: o.Workers}
	ids := map[string]bool{}
	for _, m := range ms {
		rep.Mutants = append(rep.Mutants, Result{Mutant: *m, Status: Interrupted})
		ids[m.ID] = true
	}
	for id := range o.Equivalent { // order-free: sorted below
		if !ids[id] {
			rep.StaleEquivalent = append(rep.StaleEquivalent, id)
		}
	}
	slices.Sort(rep.StaleEquivalent)
	return rep
}

// score counts the results, in all and by operator.
func (rep *Report) score() {
	by := map[string]*OperatorScore{}
	for _, op := range Operators {
		rep.ByOperator = append(rep.ByOperator, OperatorScore{Operator: op})
	}
	for i := range rep.ByOperator {
		by[rep.ByOperator[i].Operator] = &rep.ByOperator[i]
	}
	rep.Survivors = nil
	for _, r := range rep.Mutants {
		s := by[r.Operator]
		s.Total++
		rep.Total++
		switch r.Status {
		case Killed:
			s.Killed++
			rep.Killed++
		case Survived:
			s.Survived++
			rep.Survived++
			rep.Survivors = append(rep.Survivors, r)
		case NotCompiled:
			s.NotCompiled++
			rep.NotCompiled++
		case MarkedEquivalent:
			s.Equivalent++
			rep.Equivalent++
		case Skipped:
			rep.Skipped++
		default:
			rep.Interrupted++
		}
	}
	if judged := rep.Killed + rep.Survived; judged > 0 {
		rep.KillRate = float64(rep.Killed) / float64(judged)
	}
}

// WriteText prints the report: the totals by operator, each survivor with
// its diff, and the summary line.
func (rep *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%-13s %6s %7s %9s %13s %11s\n", "operator", "total", "killed", "survived", "not-compiled", "equivalent")
	for _, s := range rep.ByOperator {
		fmt.Fprintf(w, "%-13s %6d %7d %9d %13d %11d\n", s.Operator, s.Total, s.Killed, s.Survived, s.NotCompiled, s.Equivalent)
	}
	fmt.Fprintf(w, "%-13s %6d %7d %9d %13d %11d\n", "all", rep.Total, rep.Killed, rep.Survived, rep.NotCompiled, rep.Equivalent)
	if len(rep.Survivors) > 0 {
		fmt.Fprintf(w, "\nsurvivors (mark an equivalent one in %s with its reason):\n", DefaultEquivalentFile)
	}
	for _, r := range rep.Survivors {
		reached := "reached"
		if !r.Reached {
			reached = "never reached"
		}
		if r.Nearest != "" {
			reached += "; " + r.Nearest
		}
		fmt.Fprintf(w, "\n%s (%s)\n%s\n", r.ID, reached, r.Diff())
	}
	for _, id := range rep.StaleEquivalent {
		fmt.Fprintf(w, "stale: %s marks %s, which no mutant has any more\n", DefaultEquivalentFile, id)
	}
	fmt.Fprintf(w, "\nsource mutants: %d killed of %d non-equivalent (kill rate %.1f%%); %d not compiled, %d equivalent, %d interrupted; %.0fs wall, %.0fs CPU\n",
		rep.Killed, rep.Killed+rep.Survived, 100*rep.KillRate, rep.NotCompiled, rep.Equivalent, rep.Interrupted, rep.WallSeconds, rep.CPUSeconds)
}
