package report

import (
	"fmt"
	"io"

	"github.com/paxsim/paxsim/campaign"
)

// writeTriage sums up a campaign's triage against its baseline, if it has
// one: the count of each label, and the groups resolved, which have no
// line of their own among the failure groups.
func writeTriage(w io.Writer, f func(name, format string, args ...any), t *campaign.Triage) {
	if t == nil {
		return
	}
	f("triage", "against campaign %s: %d new, %d ongoing, %d regressed, %d resolved", t.BaselineHash,
		t.Counts[campaign.LabelNew], t.Counts[campaign.LabelOngoing], t.Counts[campaign.LabelRegressed], t.Counts[campaign.LabelResolved])
	for _, g := range t.Findings {
		if g.Label != campaign.LabelResolved {
			continue
		}
		switch {
		case g.BaselineSeeds == 0:
			fmt.Fprintf(w, "  %s [resolved]: resolved before the baseline, and not back\n", g.Signature)
		case g.Rerun > 0:
			fmt.Fprintf(w, "  %s [resolved]: %d seeds in the baseline; %d of them ran again and passed\n", g.Signature, g.BaselineSeeds, g.Rerun)
		default:
			fmt.Fprintf(w, "  %s [resolved]: %d seeds in the baseline, none of which ran again: not found in other seeds\n", g.Signature, g.BaselineSeeds)
		}
	}
}
