package paxtest_test

import (
	"bytes"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/sim"
)

func TestRapidDraws(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := paxtest.Rapid(t)
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
// panic of the draw as a protocol panic, and the suites raise it again as
// rapid's, for every protocol. The input is cut ever shorter until its
// bits last through the case's shape but not through its run.
func TestRapidOverrunIsNotAFailure(t *testing.T) {
	for _, p := range builtin.Protocols() {
		t.Run(p.Name(), func(t *testing.T) { overrunInTheRun(t, p) })
	}
}

func overrunInTheRun(t *testing.T, p *harness.Protocol) {
	for words := 40; words > 0; words-- {
		input := bytes.Repeat([]byte{1, 0, 0, 0, 0, 0, 0, 0}, words)
		shaped, whole := false, false
		var sub *testing.T
		t.Run("replay", func(t *testing.T) {
			sub = t
			rapid.MakeFuzz(func(rt *rapid.T) {
				paxtest.RunCase(rt, p, paxtest.Options{}, func(d sim.Decider) sim.Decider { shaped = true; return d })
				whole = true
			})(t, input)
		})
		if !shaped || whole {
			continue
		}
		if !sub.Skipped() {
			t.Fatalf("the case whose bits ran out in its run (%d words) was not discarded as invalid", words)
		}
		t.Logf("%d words: the bits ran out in the run; the case was discarded", words)
		return
	}
	t.Fatal("no input ran out of bits in the middle of a run")
}
