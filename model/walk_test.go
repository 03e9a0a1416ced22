package model

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// TestRandomWalksDoNotDependOnForgetting: the model's Forget (between
// walks, when the heap grows) changes what the walks cost, never where
// they go: walks that forget before every walk have the same counts as
// walks that never do, and find the same counterexample.
func TestRandomWalksDoNotDependOnForgetting(t *testing.T) {
	for _, c := range []CheckConfig{mpTurns(2), mpCheck("leader-skips-recovery")} {
		opts := explore.Options{Strategy: explore.Random, Walks: 30, Seed: 5}
		kept := mustCheck(t, multipaxos.Adapter{}, c, opts)
		opts.ForgetEvery = 1
		forgot := mustCheck(t, multipaxos.Adapter{}, c, opts)
		if kept.Distinct != forgot.Distinct || kept.Generated != forgot.Generated || kept.Walks != forgot.Walks ||
			kept.Verdict != forgot.Verdict || !slices.Equal(kept.Lines, forgot.Lines) {
			t.Fatalf("variant %s: kept %s %d walks %d/%d states, forgot %s %d walks %d/%d states",
				c.Config.Variant, kept.Verdict, kept.Walks, kept.Distinct, kept.Generated, forgot.Verdict, forgot.Walks, forgot.Distinct, forgot.Generated)
		}
	}
}

// TestRandomWalksFindAndShorten: a random walk to a violation comes back
// as lines that replay to it (Check replays them), with the steps the
// violation does not need left out: no longer than the walk, and every
// line needed (leaving out any one of the steps no longer breaks it).
func TestRandomWalksFindAndShorten(t *testing.T) {
	c := mpCheck("no-restamp")
	rep := mustCheck(t, multipaxos.Adapter{}, c, explore.Options{Strategy: explore.Random, Walks: 500, Seed: 1})
	if rep.Verdict != explore.VerdictViolation || rep.Property != checker.PromiseKept {
		t.Fatalf("verdict %s, property %s, want promise-kept", rep.Verdict, rep.Property)
	}
	m := newMPModel(t, c)
	for i := range rep.Labels {
		fewer := slices.Delete(slices.Clone(rep.Labels), i, i+1)
		if lines, err := m.reproduce(fewer, rep.Property, true); err == nil && len(lines) < len(rep.Lines) {
			t.Fatalf("step %d (%q) is not needed, yet it is in the counterexample", i, rep.Labels[i])
		}
	}
	if rep.Depth < len(rep.Labels) {
		t.Fatalf("the walk was %d states deep, the counterexample %d steps long", rep.Depth, len(rep.Labels))
	}
}

// TestSampleIsASuccessor: along random walks of Multi-Paxos with a
// crash and a second round, every successor Sample draws is one of
// Next's, by label and by fingerprint, and Sample finds none exactly
// where the state has no step but stutters.
func TestSampleIsASuccessor(t *testing.T) {
	c := mpCheck(engine.Correct)
	c.Crashes, c.MaxBallot = 1, 2
	m := newMPModel(t, c)
	rng := rand.New(rand.NewPCG(3, 4))
	fp := func(s *mpState) fingerprint.Key {
		h := fingerprint.New(false)
		m.Fingerprint(h, s, false)
		return h.Sum()
	}
	for range 20 {
		s := m.Init()[0]
		for range 60 {
			succ := map[string]fingerprint.Key{}
			moves := 0 // successors that are not s again
			m.successors(s, func(a sim.Action[mp.Msg], n *mpState) {
				if succ[a.String()] = fp(n); succ[a.String()] != fp(s) {
					moves++
				}
			})
			var label string
			var next *mpState
			ok := m.Sample(s, rng, func(l string, n *mpState) { label, next = l, m.Retain(n) })
			if !ok {
				if moves > 0 {
					t.Fatalf("Sample found no step where Next has %d", moves)
				}
				break
			}
			if k, found := succ[label]; !found || k != fp(next) {
				t.Fatalf("Sample drew %q, not one of Next's successors %v", label, slices.Sorted(maps.Keys(succ)))
			}
			s = next
		}
	}
}
