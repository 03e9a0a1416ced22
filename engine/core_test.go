package engine

import (
	"math/bits"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// TestKeepFaultyIsAMinorityDrawnFromTheSeed: the nodes outside the core are
// a minority, the same for the same seed, and every node is outside it
// for some seed.
func TestKeepFaultyIsAMinorityDrawnFromTheSeed(t *testing.T) {
	for _, nodes := range []int{1, 2, 3, 4, 5, 7} {
		var seen uint64
		for seed := uint64(0); seed < 200; seed++ {
			k := keepFaulty(seed, nodes, EveryRole(nodes), checker.Quorums{})
			if k != keepFaulty(seed, nodes, EveryRole(nodes), checker.Quorums{}) {
				t.Fatalf("nodes %d seed %d: two draws differ", nodes, seed)
			}
			if got, want := bits.OnesCount64(k), (nodes-1)/2; got != want || k&^allNodes(nodes) != 0 {
				t.Fatalf("nodes %d seed %d: keep %b (%d nodes, want %d)", nodes, seed, k, got, want)
			}
			seen |= k
		}
		if nodes >= 3 && seen != allNodes(nodes) {
			t.Errorf("nodes %d: only {%b} ever left out of the core", nodes, seen)
		}
	}
}

// The run asks whether the core caught up after every step past the heal,
// and a key-value client picks a replica of the core at every send past
// it: neither may allocate (each once built a list of the core).
func TestCoreChecksDoNotAllocate(t *testing.T) {
	progress := []int64{0, 3, 3, 1, 3, 0, 3, 3} // 7 nodes: a list would not fit the compiler's small stack buffer
	if caughtUp(progress, allNodes(7)) || !caughtUp(progress, allNodes(7)&^(1<<3|1<<5)) || caughtUp(make([]int64, 4), allNodes(3)) {
		t.Fatal("caughtUp judges wrong")
	}
	if allocs := testing.AllocsPerRun(100, func() { caughtUp(progress, 1<<3) }); allocs != 0 {
		t.Errorf("caughtUp: %v allocations a call", allocs)
	}
	for nodes := 1; nodes <= 7; nodes++ {
		for faulty := uint64(0); faulty < 1<<uint(nodes+1); faulty += 2 {
			var core []int
			for id := 1; id <= nodes; id++ {
				if faulty&(1<<uint(id)) == 0 {
					core = append(core, id)
				}
			}
			if got := bits.OnesCount64(allNodes(nodes) &^ faulty); got != len(core) {
				t.Fatalf("core of %d nodes without %b: %d nodes, want %d", nodes, faulty, got, len(core))
			}
			for k, id := range core {
				if got := nth(allNodes(nodes)&^faulty, k); got != id {
					t.Fatalf("nth(%b, %d) = %d, want %d", allNodes(nodes)&^faulty, k, got, id)
				}
			}
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { nth(0b011011, 2) }); allocs != 0 {
		t.Errorf("nth: %v allocations a call", allocs)
	}
}

// Following a long log, coverage keeps records of the instances in flight,
// not of every instance decided, and still counts every decision.
func TestCoverageForgetsDecidedInstances(t *testing.T) {
	safety := checker.NewSafety(3)
	var c coverage
	w := staticStats{}
	const instances = 10_000
	for i := int64(1); i <= instances; i++ {
		b := checker.Ballot{Round: 1, Node: 1}
		v := checker.Value(1<<32 | i)
		safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: v})
		for k, o := range []checker.Observation{
			{Kind: checker.Proposed, Instance: i, Ballot: b, Value: v},
			{Kind: checker.Accepted, Instance: i, Ballot: b, Value: v},
			{Kind: checker.Accepted, Instance: i, Ballot: b, Value: v},
		} {
			node := sim.NodeID(max(k, 1)) // node 1 proposes and accepts, node 2 accepts
			safety.Observe(int(node), o)
			c.observe(node, o, safety, w)
		}
		if len(c.instances) > 200 {
			t.Fatalf("after %d instances, %d records kept", i, len(c.instances))
		}
	}
	if c.res.Ballots[0] != instances {
		t.Fatalf("ballots per decided instance %v, want %d decided at one ballot", c.res.Ballots, instances)
	}
}

type staticStats struct{}

func (staticStats) Stats() sim.Stats { return sim.Stats{} }

// Coverage that forgets decided instances counts as one that keeps them
// all, whatever the order instances are proposed and decided in (a new
// leader fills gaps below, instances decide out of order).
func TestCoverageForgettingIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		safety := checker.NewSafety(3)
		// keep records every instance from 0 on, as coverage once did.
		c, keep := coverage{keep: rapid.IntRange(1, 64).Draw(t, "keep")}, coverage{keep: 1 << 40}
		keep.instance(0)
		w := staticStats{}
		for step := range rapid.IntRange(1, 2000).Draw(t, "steps") {
			i := int64(rapid.IntRange(0, 40).Draw(t, "instance")) + int64(step/8)
			b := checker.Ballot{Round: uint32(rapid.IntRange(1, 3).Draw(t, "round")), Node: 1}
			v := checker.Value(1<<32 | i)
			safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: v})
			o := checker.Observation{Kind: checker.Proposed, Instance: i, Ballot: b, Value: v}
			node := sim.NodeID(rapid.IntRange(1, 3).Draw(t, "node"))
			if rapid.Bool().Draw(t, "accept") {
				o.Kind = checker.Accepted
			}
			safety.Observe(int(node), o)
			c.observe(node, o, safety, w)
			keep.observe(node, o, safety, w)
		}
		if c.res != keep.res {
			t.Fatalf("forgetting %+v, keeping %+v", c.res, keep.res)
		}
	})
}

// TestKeepFaultyKeepsAMajorityOfEachRole: with roles on separate nodes,
// the nodes left outside the core leave each part a majority (the only
// proposer or learner is never left out), and no node could be added to
// them without taking a part's majority: checked against every subset.
func TestKeepFaultyKeepsAMajorityOfEachRole(t *testing.T) {
	roles := []Roles{
		{Proposers: 1<<1 | 1<<2, Acceptors: 1<<3 | 1<<4 | 1<<5, Learners: 1<<6 | 1<<7},
		{Proposers: 1 << 1, Acceptors: 1<<2 | 1<<3 | 1<<4, Learners: 1 << 5},
		{Proposers: 1<<1 | 1<<2 | 1<<3, Acceptors: 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<5, Learners: 1<<4 | 1<<5 | 1<<6},
	}
	for _, r := range roles {
		nodes := 63 - bits.LeadingZeros64(r.Proposers|r.Acceptors|r.Learners)
		var seen uint64
		for seed := range uint64(300) {
			k := keepFaulty(seed, nodes, r, checker.Quorums{})
			if !keepsEveryQuorum(r, checker.Quorums{}, k) {
				t.Fatalf("roles %+v seed %d: leaving {%s} out takes a part's majority", r, seed, sim.FormatNodes(k))
			}
			for id := 1; id <= nodes; id++ {
				if with := k | 1<<uint(id); with != k && naiveKeepsMajorities(r, with) {
					t.Fatalf("roles %+v seed %d: {%s} left out, but node %d could be too", r, seed, sim.FormatNodes(k), id)
				}
			}
			seen |= k
		}
		for _, p := range r.parts() {
			if n := bits.OnesCount64(p.mask); n >= 3 && seen&p.mask == 0 {
				t.Errorf("roles %+v: no %s ever left out of the core", r, p.name)
			}
		}
	}
}

// naiveKeepsMajorities counts each part's nodes outside faulty one by one.
func naiveKeepsMajorities(r Roles, faulty uint64) bool {
	for _, mask := range []uint64{r.Proposers, r.Acceptors, r.Learners} {
		in, out := 0, 0
		for id := 1; id < 64; id++ {
			if mask&(1<<uint(id)) != 0 {
				if faulty&(1<<uint(id)) == 0 {
					in++
				} else {
					out++
				}
			}
		}
		if in <= out {
			return false
		}
	}
	return true
}

// TestKeepFaultyKeepsAQuorumOfEachPhase: with Flexible Paxos's quorums
// (phase 1 of n-1 acceptors, phase 2 of 2), the core keeps n-1 of n
// acceptors, not a majority: a core of a bare majority could never
// promise, and its liveness failure would be the harness's.
func TestKeepFaultyKeepsAQuorumOfEachPhase(t *testing.T) {
	q := checker.QuorumSizes(func(n int) int { return n - 1 }, func(int) int { return 2 })
	for _, nodes := range []int{3, 4, 5, 7} {
		var seen uint64
		for seed := range uint64(200) {
			k := keepFaulty(seed, nodes, EveryRole(nodes), q)
			if bits.OnesCount64(k) != 1 {
				t.Fatalf("nodes %d seed %d: {%s} left out of the core, want one node", nodes, seed, sim.FormatNodes(k))
			}
			seen |= k
		}
		if seen != allNodes(nodes) {
			t.Errorf("nodes %d: only {%s} ever left out", nodes, sim.FormatNodes(seen))
		}
	}
}

// A decided instance in which no node reported Proposed is counted as
// such (Coverage.Unproposed), and one with a proposal is not.
func TestCoverageCountsInstancesDecidedWithoutProposal(t *testing.T) {
	safety := checker.NewSafety(3)
	var c coverage
	b := checker.Ballot{Round: 1, Node: 1}
	for i := int64(1); i <= 2; i++ {
		v := checker.Value(1<<32 | i)
		safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: v})
		obs := []checker.Observation{{Kind: checker.Accepted, Instance: i, Ballot: b, Value: v}, {Kind: checker.Accepted, Instance: i, Ballot: b, Value: v}}
		if i == 2 {
			obs = append([]checker.Observation{{Kind: checker.Proposed, Instance: i, Ballot: b, Value: v}}, obs...)
		}
		for k, o := range obs {
			node := sim.NodeID(k%2 + 1)
			safety.Observe(int(node), o)
			c.observe(node, o, safety, staticStats{})
		}
	}
	if c.res.Unproposed != 1 || c.res.Ballots[0] != 2 {
		t.Fatalf("unproposed %d, ballots %v: want 1 of 2 decided", c.res.Unproposed, c.res.Ballots)
	}
	// No node reported Promised or Learned: both decided instances count
	// as such, and one report anywhere in the run clears them.
	if r := c.result(); r.Unpromised != 2 || r.Unlearned != 2 {
		t.Errorf("unpromised %d, unlearned %d: want the 2 decided", r.Unpromised, r.Unlearned)
	}
	c.report(checker.Learned)
	if r := c.result(); r.Unpromised != 2 || r.Unlearned != 0 {
		t.Errorf("after a Learned: unpromised %d, unlearned %d: want 2, 0", r.Unpromised, r.Unlearned)
	}
}
