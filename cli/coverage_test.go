package cli

import (
	"errors"
	"testing"

	"github.com/paxsim/paxsim/campaign"
)

// TestCampaignVerdict: a failing seed exits 1; an interrupted campaign
// exits 4, whatever its gaps; a coverage gap in a campaign big enough to
// judge exits 3; a gap in a small campaign is only reported; a run whose
// linearizability is unknown exits 3 in a campaign of any size that ran
// to the end.
func TestCampaignVerdict(t *testing.T) {
	gap := []string{"fault drop was on in 300 runs but never fired"}
	unjudged := func(s campaign.Summary) campaign.Summary {
		s.Linearizability = map[string]int{"unknown": 1}
		s.CoverageGaps = campaign.Gaps(&s)
		return s
	}
	tests := []struct {
		name string
		s    campaign.Summary
		code int
	}{
		{"clean", campaign.Summary{Seeds: 1000}, exitOK},
		{"a violation", campaign.Summary{Seeds: 1000, Violations: 1, CoverageGaps: gap}, exitViolation},
		{"nondeterministic", campaign.Summary{Seeds: 1000, Nondeterministic: []campaign.Divergence{{Seed: 3}}}, exitViolation},
		{"a gap", campaign.Summary{Seeds: campaign.CoverageMinSeeds, CoverageGaps: gap}, exitCoverageGap},
		{"a gap in a small campaign", campaign.Summary{Seeds: campaign.CoverageMinSeeds - 1, CoverageGaps: gap}, exitOK},
		{"a gap when interrupted", campaign.Summary{Seeds: 5000, Requested: 9000, Interrupted: true, CoverageGaps: gap}, exitIncomplete},
		{"interrupted", campaign.Summary{Seeds: 5000, Requested: 9000, Interrupted: true}, exitIncomplete},
		{"a violation when interrupted", campaign.Summary{Seeds: 5000, Requested: 9000, Interrupted: true, Violations: 1}, exitViolation},
		{"an unknown run in a small campaign", unjudged(campaign.Summary{Seeds: 20}), exitCoverageGap},
		{"an unknown run when interrupted", unjudged(campaign.Summary{Seeds: 5000, Requested: 9000, Interrupted: true}), exitIncomplete},
	}
	for _, tt := range tests {
		err := campaignVerdict(&tt.s)
		code := exitOK
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		if code != tt.code {
			t.Errorf("%s: exit %d (%v), want %d", tt.name, code, err, tt.code)
		}
	}
}
