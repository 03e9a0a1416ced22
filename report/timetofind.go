package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/mutants"
)

// FindTable writes a time-to-find run's rows as they come: per variant
// and scheduler, the median and 90th percentile of the seeds and of the
// wall time to the first failure.
type FindTable struct {
	w          io.Writer
	schedulers []string
	cap        uint64
}

// NewFindTable returns the table of a time-to-find run of schedulers,
// whose searches stop after cap seeds.
func NewFindTable(w io.Writer, schedulers []string, cap uint64) *FindTable {
	return &FindTable{w: w, schedulers: schedulers, cap: cap}
}

const findCell = "  %16s"

// Head writes the table's head.
func (t *FindTable) Head() {
	fmt.Fprintf(t.w, "%-24s  %-10s", "VARIANT", "PROTOCOL")
	for _, s := range t.schedulers {
		fmt.Fprintf(t.w, findCell, strings.ToUpper(s)+" SEEDS")
		fmt.Fprintf(t.w, "  %13s", "MS")
	}
	fmt.Fprintf(t.w, "  %-8s  %s\n", "BEST", "GOAL")
	fmt.Fprintf(t.w, "%-24s  %-10s", "", "")
	for range t.schedulers {
		fmt.Fprintf(t.w, findCell+"  %13s", "median / p90", "median / p90")
	}
	fmt.Fprintln(t.w)
}

// Row writes one variant's row.
func (t *FindTable) Row(r mutants.FindRow) {
	fmt.Fprintf(t.w, "%-24s  %-10s", r.Variant, r.Protocol)
	for _, f := range r.Schedulers {
		fmt.Fprintf(t.w, findCell, t.seeds(f.Median)+" / "+t.seeds(f.P90))
		fmt.Fprintf(t.w, "  %13s", fmt.Sprintf("%.1f / %.1f", f.MedianMillis, f.P90Millis))
	}
	goal := "no"
	if r.Goal {
		goal = "met"
	}
	fmt.Fprintf(t.w, "  %-8s  %s\n", r.Best, goal)
}

// seeds renders a seed count, or ">cap" for a search that found nothing.
func (t *FindTable) seeds(n float64) string {
	if n > float64(t.cap) {
		return fmt.Sprintf(">%d", t.cap)
	}
	return strconv.FormatFloat(math.Round(n*10)/10, 'f', -1, 64)
}

// Footer ends the table with the one-line summary.
func (t *FindTable) Footer(rep *mutants.FindReport) {
	fmt.Fprintf(t.w, "\ntime-to-find: %d of %d variants meet the goal (best scheduler: median <= %d seeds, p90 <= %d, median <= %d ms), %d starts of at most %d seeds each, in %.1fs",
		rep.Met, len(rep.Rows), mutants.GoalMedian, mutants.GoalP90, mutants.GoalMillis, rep.Offsets, rep.Cap, rep.WallSeconds)
	if rep.Interrupted {
		fmt.Fprint(t.w, "; interrupted")
	}
	fmt.Fprintln(t.w)
}
