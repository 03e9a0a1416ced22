package multipaxos_test

import (
	"slices"
	"testing"

	"github.com/paxsim/paxsim/checker"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
)

func TestVariantsAreListedOnceAndSorted(t *testing.T) {
	vs := mp.Variants()
	if len(vs) != 9 {
		t.Fatalf("%d variants, want the 9 of the catalogue", len(vs))
	}
	for i, v := range vs {
		if i > 0 && vs[i-1].Name >= v.Name {
			t.Errorf("%s listed after %s: not sorted, or twice", v.Name, vs[i-1].Name)
		}
		got, err := mp.LookupVariant(v.Name)
		if err != nil || got != v {
			t.Errorf("LookupVariant(%q) = %+v, %v", v.Name, got, err)
		}
		if v.Summary == "" || v.Breaks == "" {
			t.Errorf("%s: no summary or property", v.Name)
		}
	}
	if v, err := mp.LookupVariant("none"); err != nil || v.Name != "" {
		t.Errorf(`LookupVariant("none") = %+v, %v`, v, err)
	}
	if _, err := mp.LookupVariant("no-such-bug"); err == nil {
		t.Error("LookupVariant accepted an unknown name")
	}
}

func TestUnknownVariantPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewNodes accepted a variant that is not in the catalogue")
		}
	}()
	mp.NewNodes(3, mp.Config{Variant: mp.Variant{Name: "no-such-bug"}})
}

// pinned are seeds on which variantRun of each variant breaks its
// property. When one stops breaking it, TestVariantsAreCaught searches for
// a seed that does and names it, to pin in its place. no-restamp
// is caught by its early check, promise-kept; the agreement violation it
// leads to needs three leaders within one instance, which random faults
// hardly produce: TestNoRestampSchedule plays that out step by step.
var pinned = map[string][]int{
	mp.CommitIndexOnly.Name:     {57},
	mp.LeaderSkipsRecovery.Name: {2},
	mp.NoDedup.Name:             {1, 3},
	mp.NoGapFill.Name:           {4},
	mp.NoOverwrite.Name:         {2},
	mp.NoView.Name:              {38},
	mp.NoRestamp.Name:           {3},
}

// searchLimit bounds the fallback search when a pinned seed no longer
// breaks its variant (a change to the protocol reshuffles every schedule).
const searchLimit = 1500

// brokenBy runs variant v on seed and reports what it broke: the
// properties the checks found, or Liveness when it did not finish.
func brokenBy(t *testing.T, v mp.Variant, seed int) ([]checker.Property, string) {
	c, live := variantRun(t, v, seed)
	props := c.broken()
	if !live && len(props) == 0 {
		props = append(props, checker.Liveness)
	}
	_, msg := outcome(c, live)
	return props, msg
}

// TestVariantsAreCaught runs every variant on its pinned seeds, where it must break the property it
// names, and the correct protocol on the same seeds, where nothing may
// break. A pinned seed that no longer fails sends the test searching the
// seeds up to searchLimit for one that does, and it says which.
func TestVariantsAreCaught(t *testing.T) {
	for _, v := range mp.Variants() {
		seeds, ok := pinned[v.Name]
		if !ok {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			for _, seed := range seeds {
				if props, msg := brokenBy(t, mp.Variant{}, seed); len(props) > 0 {
					t.Fatalf("the correct protocol, seed %d: %v: %s", seed, props, msg)
				}
				props, msg := brokenBy(t, v, seed)
				if slices.Contains(props, v.Breaks) {
					t.Logf("seed %d: %s", seed, msg)
					continue
				}
				t.Errorf("pinned seed %d no longer breaks %s (got %v); searching", seed, v.Breaks, props)
				for s := 1; s <= searchLimit; s++ {
					if props, _ := brokenBy(t, v, s); slices.Contains(props, v.Breaks) {
						t.Fatalf("seed %d breaks %s: pin it", s, v.Breaks)
					}
				}
				t.Fatalf("no seed up to %d breaks %s", searchLimit, v.Breaks)
			}
		})
	}
}

// TestNoViewBreaksViewIntegrityBeforeAgreement: in a no-view run where
// two values are chosen in one instance, with quorums of two views, the
// instance's second view is reported strictly before the second value is
// chosen, and before the replicas' logs diverge.
func TestNoViewBreaksViewIntegrityBeforeAgreement(t *testing.T) {
	const seed = 24
	early := firstViolation(t, mp.NoView, seed, nil)
	if early == nil || early.Property != checker.ViewIntegrity {
		t.Fatalf("seed %d: first %v, want %s", seed, early, checker.ViewIntegrity)
	}
	var rest checker.Properties
	for _, p := range checker.AllProperties() {
		if p != checker.ViewIntegrity && p != checker.SafeProposal { // safe-proposal fires at the same step
			rest = append(rest, p)
		}
	}
	late := firstViolation(t, mp.NoView, seed, rest)
	if late == nil || (late.Property != checker.Agreement && late.Property != checker.LogConsistency) || late.Event <= early.Event {
		t.Fatalf("seed %d: without view integrity, first %v; want agreement or log-consistency after event %d", seed, late, early.Event)
	}
	t.Logf("seed %d: %s at event %d, %s at event %d", seed, early.Property, early.Event, late.Property, late.Event)
}

// firstViolation runs variantRun's campaign of v on seed with the safety
// checker reporting only (nil: every property), and returns the first
// violation of the safety or log checker.
func firstViolation(t *testing.T, v mp.Variant, seed int, only checker.Properties) *checker.Violation {
	s := setup{nodes: 5, seed: uint64(seed), sim: faulty(3000), cfg: mp.Config{Variant: v}, only: only}
	c, _ := reconfigCampaign(t, s, smallViews, 3, 10, 3000, 4000)
	a, b := c.safety.Violation(), c.logc.Violation()
	if a == nil || (b != nil && b.Event < a.Event) {
		return b
	}
	return a
}
