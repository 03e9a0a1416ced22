package campaign

import (
	"cmp"
	"slices"
)

// Label is a failure group's standing against a baseline campaign
// (Triage): what changed since the campaign before.
type Label string

// The labels of a triage. A group's signature names the bug (signature),
// so that the same bug carries the same label across campaigns whatever
// seeds, values and interleavings it met.
const (
	// LabelNew is a group the baseline did not have, nor had resolved.
	LabelNew Label = "new"
	// LabelOngoing is a group the baseline had too.
	LabelOngoing Label = "ongoing"
	// LabelResolved is a group the baseline had, or had resolved itself,
	// that this campaign did not find.
	LabelResolved Label = "resolved"
	// LabelRegressed is a group the baseline had resolved that is back.
	LabelRegressed Label = "regressed"
)

// Finding is one signature's standing in a triage.
type Finding struct {
	Signature string `json:"signature"`
	Property  string `json:"property"`
	Label     Label  `json:"label"`
	// Seeds and BaselineSeeds count the group's failing seeds in this
	// campaign and in the baseline.
	Seeds         int `json:"seeds"`
	BaselineSeeds int `json:"baseline_seeds"`
	// Rerun counts, of a resolved group, the baseline's failing seeds
	// that this campaign ran again and that passed: 0 says the resolution
	// rests on other seeds only.
	Rerun int `json:"rerun,omitempty"`
}

// Triage is a campaign's failure groups labelled against a baseline
// campaign's (TriageAgainst): new, ongoing, resolved or regressed. A
// triage remembers: the groups it labels resolved are carried into the
// next campaign that takes this one as its baseline, so that a bug fixed
// two campaigns ago and back now is regressed, not new.
type Triage struct {
	// BaselineHash is the baseline's campaign hash.
	BaselineHash string `json:"baseline_hash"`
	// Findings are by signature; resolved ones have no group here.
	Findings []Finding     `json:"findings"`
	Counts   map[Label]int `json:"counts"`
}

// Label is the label of the group of signature sig, "" if it has none.
func (t *Triage) Label(sig string) Label {
	for _, f := range t.Findings {
		if f.Signature == sig {
			return f.Label
		}
	}
	return ""
}

// TriageAgainst labels the failure groups of cur against those of base,
// the summary of an earlier campaign of the same protocol, and records
// the triage in cur (Summary.Triage, Group.Triage).
func TriageAgainst(base, cur *Summary) {
	t := &Triage{BaselineHash: base.CampaignHash, Counts: make(map[Label]int)}
	before := make(map[string]*Group, len(base.Groups))
	for i := range base.Groups {
		before[base.Groups[i].Signature] = &base.Groups[i]
	}
	wasResolved := make(map[string]Finding)
	if base.Triage != nil {
		for _, f := range base.Triage.Findings {
			if f.Label == LabelResolved {
				wasResolved[f.Signature] = f
			}
		}
	}
	for i := range cur.Groups {
		g := &cur.Groups[i]
		f := Finding{Signature: g.Signature, Property: g.Property, Label: LabelNew, Seeds: len(g.Seeds)}
		if b, ok := before[g.Signature]; ok {
			f.Label, f.BaselineSeeds = LabelOngoing, len(b.Seeds)
		} else if _, ok := wasResolved[g.Signature]; ok {
			f.Label = LabelRegressed
		}
		g.Triage = f.Label
		t.add(f)
	}
	for _, b := range base.Groups {
		if t.Label(b.Signature) == "" {
			t.add(Finding{Signature: b.Signature, Property: b.Property, Label: LabelResolved,
				BaselineSeeds: len(b.Seeds), Rerun: rerun(cur, b.Seeds)})
		}
	}
	for _, f := range wasResolved { // order-free: the findings are sorted below
		if t.Label(f.Signature) == "" {
			f.Seeds, f.BaselineSeeds, f.Rerun = 0, 0, 0
			t.add(f)
		}
	}
	slices.SortFunc(t.Findings, func(a, b Finding) int { return cmp.Compare(a.Signature, b.Signature) })
	cur.Triage = t
}

func (t *Triage) add(f Finding) {
	t.Findings = append(t.Findings, f)
	t.Counts[f.Label]++
}

// rerun counts the seeds that campaign s ran and that did not fail (0
// when s was interrupted: which seeds ran is then not a range).
func rerun(s *Summary, seeds []uint64) int {
	if s.Interrupted {
		return 0
	}
	n := 0
	for _, seed := range seeds {
		if seed >= s.Start && seed-s.Start < s.Seeds && !failed(s, seed) {
			n++
		}
	}
	return n
}

// failed says whether seed is among s's failures (sorted by seed).
func failed(s *Summary, seed uint64) bool {
	_, ok := slices.BinarySearchFunc(s.Failures, seed, func(f Failure, seed uint64) int { return cmp.Compare(f.Seed, seed) })
	return ok
}
