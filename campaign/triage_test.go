package campaign

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
)

// summaryOf is a campaign of seeds 0..seeds-1 whose failures are groups,
// signature to failing seeds, passed through JSON as a --baseline file is.
func summaryOf(t *testing.T, seeds uint64, groups map[string][]uint64) *Summary {
	t.Helper()
	s := &Summary{Start: 0, Seeds: seeds, Requested: seeds, CampaignHash: "h"}
	for _, sig := range slices.Sorted(maps.Keys(groups)) {
		s.Groups = append(s.Groups, Group{Signature: sig, Property: "agreement", Seeds: groups[sig]})
		for _, seed := range groups[sig] {
			s.Failures = append(s.Failures, Failure{Seed: seed, Signature: sig})
		}
	}
	slices.SortFunc(s.Failures, func(a, b Failure) int { return int(a.Seed) - int(b.Seed) })
	return s
}

func roundTrip(t *testing.T, s *Summary) *Summary {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	return &back
}

func labels(s *Summary) map[string]Label {
	m := make(map[string]Label)
	for _, f := range s.Triage.Findings {
		m[f.Signature] = f.Label
	}
	for _, g := range s.Groups {
		if g.Triage != m[g.Signature] {
			panic("a group's label is not its finding's")
		}
	}
	return m
}

// TestTriageRemembersAcrossCampaigns follows one history of four
// campaigns, each the next one's baseline read back from JSON: a bug
// found, fixed and back is regressed, and a bug resolved two campaigns
// ago stays resolved while it stays away.
func TestTriageRemembersAcrossCampaigns(t *testing.T) {
	history := []struct {
		groups map[string][]uint64
		want   map[string]Label
	}{
		{map[string][]uint64{"a": {1, 2}, "b": {3}}, nil},
		{map[string][]uint64{"b": {3, 4}, "c": {5}}, map[string]Label{"a": LabelResolved, "b": LabelOngoing, "c": LabelNew}},
		{map[string][]uint64{"a": {7}}, map[string]Label{"a": LabelRegressed, "b": LabelResolved, "c": LabelResolved}},
		{map[string][]uint64{"a": {7}, "c": {9}}, map[string]Label{"a": LabelOngoing, "b": LabelResolved, "c": LabelRegressed}},
	}
	var base *Summary
	for i, h := range history {
		cur := summaryOf(t, 10, h.groups)
		if base != nil {
			TriageAgainst(base, cur)
			if got := labels(cur); !maps.Equal(got, h.want) {
				t.Errorf("campaign %d: labels %v, want %v", i, got, h.want)
			}
		}
		base = roundTrip(t, cur)
	}
}

func TestTriageCountsAndReruns(t *testing.T) {
	base := summaryOf(t, 100, map[string][]uint64{"gone": {5, 50, 150}, "kept": {1}})
	cur := summaryOf(t, 60, map[string][]uint64{"kept": {1, 2}, "fresh": {3}})
	TriageAgainst(base, cur)
	want := map[Label]int{LabelNew: 1, LabelOngoing: 1, LabelResolved: 1}
	if !maps.Equal(cur.Triage.Counts, want) {
		t.Errorf("counts %v, want %v", cur.Triage.Counts, want)
	}
	for _, f := range cur.Triage.Findings {
		switch f.Signature {
		case "gone":
			if f.Rerun != 2 || f.BaselineSeeds != 3 || f.Seeds != 0 {
				t.Errorf("resolved group: %+v, want 2 of its 3 seeds rerun (seeds 5 and 50 of 0..59)", f)
			}
		case "kept":
			if f.Seeds != 2 || f.BaselineSeeds != 1 {
				t.Errorf("ongoing group: %+v", f)
			}
		}
	}
	cur.Interrupted = true
	TriageAgainst(base, cur)
	if f := cur.Triage.Findings[slices.IndexFunc(cur.Triage.Findings, func(f Finding) bool { return f.Signature == "gone" })]; f.Rerun != 0 {
		t.Errorf("an interrupted campaign claims %d seeds rerun", f.Rerun)
	}
}
