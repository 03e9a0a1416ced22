package proptest_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/proptest"
	"github.com/paxsim/paxsim/scenarios"
	"github.com/paxsim/paxsim/sim"
)

func TestRapidDraws(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := proptest.Rapid(t)
		n := rapid.IntRange(1, 300).Draw(t, "n")
		if v := d.Intn(sim.Decision{Kind: sim.DecideAction}, n); v < 0 || v >= n {
			t.Fatalf("Intn(%d) = %d", n, v)
		}
		d.Chance(sim.Decision{Kind: sim.DecideDrop, Node: 1, Peer: 2}, 0.5)
		if !d.Chance(sim.Decision{Kind: sim.DecideCrash, Node: 3}, 1) {
			t.Fatalf("Chance(1) is false")
		}
	})
}

// A shrunk or replayed input that runs out of bits in the middle of a run
// must make rapid discard the case, not fail it: the run recovers the
// panic of the draw as a protocol panic, and RunChoice raises it again as
// rapid's.
func TestRapidOverrunIsNotAFailure(t *testing.T) {
	whole := false
	var sub *testing.T
	t.Run("replay", func(t *testing.T) {
		sub = t
		rapid.MakeFuzz(func(rt *rapid.T) {
			c := scenarios.Default()
			c.Nodes, c.Proposers = 3, 2
			proptest.RunChoice(rt, c, scenarios.ChoiceOptions{Steps: 50}, scenarios.Options{})
			whole = true
		})(t, []byte{1, 0, 0, 0, 0, 0, 0, 0}) // one word of bits: a draw or two
	})
	if whole {
		t.Fatal("the run went on after its bits ran out")
	}
	if !sub.Skipped() {
		t.Fatal("the case was not discarded as invalid")
	}
}
