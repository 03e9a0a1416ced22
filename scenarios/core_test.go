package scenarios

import (
	"math/bits"
	"testing"

	"github.com/paxsim/paxsim/sim"
)

// TestKeepFaultyIsAMinorityDrawnFromTheSeed: the nodes outside the core are
// a minority, the same for the same seed, and every node is outside it
// for some seed.
func TestKeepFaultyIsAMinorityDrawnFromTheSeed(t *testing.T) {
	for _, nodes := range []int{1, 2, 3, 4, 5, 7} {
		var seen uint64
		for seed := uint64(0); seed < 200; seed++ {
			k := keepFaulty(seed, nodes)
			if k != keepFaulty(seed, nodes) {
				t.Fatalf("nodes %d seed %d: two draws differ", nodes, seed)
			}
			if got, want := bits.OnesCount64(k), (nodes-1)/2; got != want || k&^(uint64(1)<<uint(nodes+1)-2) != 0 {
				t.Fatalf("nodes %d seed %d: keep %b (%d nodes, want %d)", nodes, seed, k, got, want)
			}
			seen |= k
		}
		if nodes >= 3 && seen != uint64(1)<<uint(nodes+1)-2 {
			t.Errorf("nodes %d: only {%b} ever left out of the core", nodes, seen)
		}
	}
}

// TestLivenessAsksTheCoreOnly: under heavy faults, runs in which the heal
// leaves nodes down or cut off still decide, and every node of the core
// learns; the others need not.
func TestLivenessAsksTheCoreOnly(t *testing.T) {
	c := Default()
	c.Crash, c.Partition = 0.05, 0.05
	left := 0
	for seed := uint64(0); seed < 200; seed++ {
		r, err := Run(c, seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
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

// TestSwarmLivenessRegressions replays two swarm seeds whose correct runs
// once failed liveness: 1090875, where the heal left cut off the only
// replica that learned the value (the core now learns it by a learner's
// own ballot), and 39180, where a replica restarted while slowed 8x set
// its learn timer past the liveness bound (stretched timers now shrink
// back when the slowness ends).
func TestSwarmLivenessRegressions(t *testing.T) {
	for _, seed := range []uint64{1090875, 39180} {
		c := Default().Swarm(seed, nil)
		r, err := Run(c, seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Failed() || !r.LivenessChecked || r.Learners < c.Nodes-len(r.LeftFaulty) {
			t.Errorf("seed %d: %s, %d learners, left faulty %v: %v", seed, r.Stop, r.Learners, r.LeftFaulty, r.Violations)
		}
	}
}

// The run asks whether the core learned after every step past the heal,
// and a Multi-Paxos client picks a replica of the core at every send
// past it: neither may allocate (each once built a list of the core).
func TestCoreChecksDoNotAllocate(t *testing.T) {
	c := Default()
	c.Nodes = 7 // a list of the core would not fit the compiler's small stack buffer
	sc, variant, err := c.build()
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRunner(c, sc, variant, 1, sim.NewRandom(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.learned[1], r.learners = true, 1
	if allocs := testing.AllocsPerRun(100, func() { r.coreLearned() }); allocs != 0 {
		t.Errorf("coreLearned: %v allocations a call", allocs)
	}
	for nodes := 1; nodes <= 7; nodes++ {
		for faulty := uint64(0); faulty < 1<<uint(nodes+1); faulty += 2 {
			core := coreNodes(nodes, faulty)
			if got := coreSize(nodes, faulty); got != len(core) {
				t.Fatalf("coreSize(%d, %b) = %d, want %d", nodes, faulty, got, len(core))
			}
			for k, id := range core {
				if got := coreNode(nodes, faulty, k); got != id {
					t.Fatalf("coreNode(%d, %b, %d) = %d, want %d", nodes, faulty, k, got, id)
				}
			}
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { coreNode(5, 0b100100, 2) }); allocs != 0 {
		t.Errorf("coreNode: %v allocations a call", allocs)
	}
}
