package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/engine"
)

// writeCoverage is the coverage table: each fault kind's runs and
// firings, each sometimes property's runs, the ballots of decided
// instances, and the gaps.
func writeCoverage(w io.Writer, s *campaign.Summary) {
	cov := &s.Coverage
	fmt.Fprintf(w, "coverage:\n")
	fmt.Fprintf(w, "  %-34s %12s %12s\n", "fault kind", "on in runs", "fired")
	kinds := []struct {
		name  string
		fired []string
	}{
		{"drop", []string{"drop"}}, {"dup", []string{"dup"}}, {"redeliver", []string{"redeliver"}}, {"crash", []string{"crash"}},
		{"partition", []string{"partition", "partition-oneway"}}, {"slow", []string{"slow", "pause"}},
		{"torn-crash", []string{"torn-crash"}}, {"lose-unsynced", []string{"lost-unsynced"}},
		{"long-delay", []string{"long-delay"}}, {"depose", []string{"depose"}}, {"lag", []string{"lag"}},
	}
	for _, g := range kinds {
		fired := int64(0)
		for _, k := range g.fired {
			fired += s.Faults[k]
		}
		fmt.Fprintf(w, "  %-34s %12d %12d\n", g.name, cov.Enabled[g.name], fired)
	}
	// A bound, not a knob: reported, never a gap (campaign.Gaps).
	fmt.Fprintf(w, "  %-34s %12s %12d\n", "overflow (full link; a bound)", "-", s.Faults["overflow"])
	for _, g := range kinds {
		if n := cov.Inert[g.name]; n > 0 {
			fmt.Fprintf(w, "  %s: also set in %d runs where it cannot fire (%s), so no gap\n", g.name, n, campaign.InertWhy[g.name])
		}
	}
	fmt.Fprintf(w, "  %-38s %8s %12s\n", "sometimes", "possible in", "held in")
	rows := campaign.SometimesRows(cov)
	width := 38
	for _, name := range rows[len(engine.Sometimes):] {
		width = max(width, len(name))
	}
	for i, name := range rows {
		if i < len(engine.Sometimes) {
			fmt.Fprintf(w, "  %-38s %8d %12d\n", strings.ReplaceAll(name, "_", " "), cov.Expected[name], cov.Held[name])
			continue
		}
		if i == len(engine.Sometimes) {
			fmt.Fprintf(w, "  %-*s %12s %12s\n", width, "assertions in the protocol's code", "possible in", "held in")
		}
		fmt.Fprintf(w, "  %-*s %12d %12d\n", width, name, cov.Expected[name], cov.Held[name])
	}
	if b := cov.Ballots; len(b) == 4 {
		fmt.Fprintf(w, "  ballots per decided instance:      1: %d  2: %d  3: %d  4+: %d\n", b[0], b[1], b[2], b[3])
	}
	fmt.Fprintf(w, "  %s\n", SpecCoverage(s))
	writeGaps(w, s)
}

// SpecCoverage is the summary's line on how many states of Paxos.tla the
// runs reached (refine.Coverage), or why there is no count.
func SpecCoverage(s *campaign.Summary) string {
	if s.SpecCoverage == nil {
		return "spec coverage: n/a (the protocol has no refinement mapping onto Paxos.tla)"
	}
	return s.SpecCoverage.String()
}

// writeGaps lists the coverage gaps: those that fail the campaign, and
// those not judged.
func writeGaps(w io.Writer, s *campaign.Summary) {
	if len(s.CoverageGaps) == 0 {
		fmt.Fprintf(w, "  gaps: none\n")
	}
	failing := campaign.FailingGaps(s)
	for _, g := range failing {
		fmt.Fprintf(w, "  GAP: %s\n", g)
	}
	if len(failing) < len(s.CoverageGaps) {
		rest := slices.DeleteFunc(slices.Clone(s.CoverageGaps), func(g string) bool { return slices.Contains(failing, g) })
		why := fmt.Sprintf("fewer than %d seeds", campaign.CoverageMinSeeds)
		if s.Interrupted {
			why = "the campaign was interrupted"
		}
		fmt.Fprintf(w, "  gaps (not judged: %s): %s\n", why, strings.Join(rest, "; "))
	}
}
