package engine_test

import (
	"testing"

	"github.com/paxsim/paxsim/engine"
)

// TestCatchUpAfterARestart: a replica that crashes before anything is
// learned and restarts after the others learned, then learns, is counted
// with the time it took, in both reference protocols; a deaf replica,
// which hears no commit and asks for none, never catches up after its
// restart, so none is counted.
func TestCatchUpAfterARestart(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    engine.Config
		run  func(c engine.Config, seed uint64) engine.Result
	}{
		{"paxos", config(paxosP.Name()), func(c engine.Config, seed uint64) engine.Result { return run(t, paxosP, c, seed, engine.Options{}) }},
		{"multipaxos", mpConfig(engine.Correct), func(c engine.Config, seed uint64) engine.Result { return run(t, mpP, c, seed, engine.Options{}) }},
		{"deaf paxos", config(paxosP.Name()), func(c engine.Config, seed uint64) engine.Result {
			return runWrapped(t, func(n paxosNode) paxosNode { return deaf{n} }, c, seed)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0, 0, 0, 0, 0, 0
			c.ProposeWindow, c.Faults = 0, []string{"crash:3@1-400"}
			caught := 0
			for seed := uint64(1); seed <= 10; seed++ {
				r := tc.run(c, seed)
				cu := r.CatchUp
				if cu.Restarts < 0 || cu.Restarts > 1 || cu.Restarts == 0 && cu.Ticks != 0 {
					t.Fatalf("seed %d: catch-up %+v after one restart", seed, cu)
				}
				if cu.Restarts == 1 && (cu.Ticks < 0 || cu.Ticks > r.Time-400) {
					t.Fatalf("seed %d: caught up in %d ticks, in a run that ended %d ticks after the restart", seed, cu.Ticks, r.Time-400)
				}
				caught += int(cu.Restarts)
			}
			if want := tc.name != "deaf paxos"; (caught == 10) != want {
				t.Fatalf("%d of 10 restarted replicas caught up, want all: %v", caught, want)
			}
		})
	}
}
