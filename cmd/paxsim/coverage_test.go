package main

import (
	"errors"
	"testing"

	"github.com/paxsim/paxsim/campaign"
)

// TestCampaignVerdict: a failing seed exits 1; an interrupted campaign
// exits 4, whatever its gaps; a coverage gap in a campaign big enough to
// judge exits 3; a gap in a small campaign is only reported.
func TestCampaignVerdict(t *testing.T) {
	gap := []string{"fault drop was on in 300 runs but never fired"}
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
