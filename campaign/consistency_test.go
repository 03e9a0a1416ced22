package campaign

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
)

// TestCampaignSummariesAreConsistent: what campaigns report, of both
// protocols, failing or not, interrupted or not, passes Consistent.
func TestCampaignSummariesAreConsistent(t *testing.T) {
	variant := defaultConfig()
	variant.Variant = "ignore-promised-values"
	mp := defaultConfig()
	mp.Protocol = multipaxos.Name
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		o    Options
	}{
		{"paxos", context.Background(), Options{Protocol: protocolOf(faulty()), Config: faulty(), Seeds: 60, Swarm: true}},
		{"variant", context.Background(), Options{Protocol: protocolOf(variant), Config: variant, Seeds: 60, NoShrink: true}},
		{"multipaxos", context.Background(), Options{Protocol: protocolOf(mp), Config: mp, Seeds: 10, Swarm: true}},
		{"interrupted", cancelled, Options{Protocol: protocolOf(faulty()), Config: faulty(), Seeds: 60}},
	} {
		s, err := Run(tc.ctx, tc.o)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Consistent(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestInconsistentCountsNameTheField: each count edited to what no
// campaign reports is refused, naming the field.
func TestInconsistentCountsNameTheField(t *testing.T) {
	s, err := Run(context.Background(), Options{Protocol: protocolOf(faulty()), Config: faulty(), Seeds: 40, Swarm: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field string
		edit  func(s *Summary)
	}{
		{"seeds", func(s *Summary) { s.Seeds = 1e12 }},
		{"seeds", func(s *Summary) { s.Seeds = 30 }},
		{"events", func(s *Summary) { s.Events = -1 }},
		{"violations", func(s *Summary) { s.Violations = 3 }},
		{"decided", func(s *Summary) { s.Decided = 41 }},
		{"stops", func(s *Summary) { s.Stops["decided"] += 5 }},
		{"linearizability", func(s *Summary) { s.Linearizability["ok"]-- }},
		{"faults.drop", func(s *Summary) { s.Faults["drop"] = -2 }},
		{"by_property.agreement", func(s *Summary) { s.ByProperty["agreement"] = -1 }},
		{"coverage.faults_enabled.crash", func(s *Summary) { s.Coverage.Enabled["crash"] = 41 }},
		{"coverage.liveness_expected", func(s *Summary) { s.Coverage.LivenessExpected = 41 }},
	} {
		edited := s
		edited.Stops, edited.Linearizability, edited.Faults = maps.Clone(s.Stops), maps.Clone(s.Linearizability), maps.Clone(s.Faults)
		edited.ByProperty, edited.Coverage.Enabled = maps.Clone(s.ByProperty), maps.Clone(s.Coverage.Enabled)
		tc.edit(&edited)
		var ce *CountError
		if err := edited.Consistent(); !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%s edited: %v, want a *CountError naming %s", tc.field, err, tc.field)
		}
	}
}
