package engine_test

import (
	"testing"

	"github.com/paxsim/paxsim/engine"
)

// TestLivenessAsksTheCoreOnly: under heavy faults, runs in which the heal
// leaves nodes down or cut off still decide, and every node of the core
// learns; the others need not.
func TestLivenessAsksTheCoreOnly(t *testing.T) {
	c := config(paxosP.Name())
	c.Crash, c.Partition = 0.05, 0.05
	left := 0
	for seed := uint64(0); seed < 200; seed++ {
		r := run(t, paxosP, c, seed, engine.Options{})
		if r.Failed() || !r.LivenessChecked {
			t.Fatalf("seed %d: %s, liveness checked %v: %v", seed, r.Stop, r.LivenessChecked, r.Violations)
		}
		if len(r.LeftFaulty) > 0 {
			left++
			if r.Learners < c.Nodes-len(r.LeftFaulty) {
				t.Fatalf("seed %d: %d learners, core of %d", seed, r.Learners, c.Nodes-len(r.LeftFaulty))
			}
		}
	}
	if left == 0 {
		t.Fatal("vacuous: no run left a node faulty")
	}
	t.Logf("%d of 200 runs left a node faulty", left)
}

// TestSwarmLivenessRegressions runs two swarm seeds whose correct runs
// once failed liveness: 1090875, where the heal left cut off the only
// replica that learned the value (the core now learns it by a learner's
// own ballot), and 39180, where a replica restarted while slowed 8x set
// its learn timer past the liveness bound (stretched timers now shrink
// back when the slowness ends). Each runs as the swarm drew it then
// (--fifo=false: FIFO links, the swarm's last draw, came later) and as it
// draws it now.
func TestSwarmLivenessRegressions(t *testing.T) {
	info := paxosP.Info()
	for _, seed := range []uint64{1090875, 39180} {
		for _, pinned := range []func(string) bool{noFIFO, nil} {
			c := config(paxosP.Name()).Swarm(info, seed, pinned)
			r := run(t, paxosP, c, seed, engine.Options{})
			if r.Failed() || !r.LivenessChecked || r.Learners < c.Nodes-len(r.LeftFaulty) {
				t.Errorf("seed %d (fifo %v): %s, %d learners, left faulty %v: %v", seed, c.FIFO, r.Stop, r.Learners, r.LeftFaulty, r.Violations)
			}
		}
	}
}
