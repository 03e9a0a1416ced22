package engine

import (
	"math/bits"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/sim"
)

// Safety, then liveness: a run's safety phase injects any faults until
// the heal; its liveness phase heals a random quorum core, while the nodes
// outside the core that are down or cut off at the heal stay so for good
// (sim.FaultConfig.KeepFaulty), and asks progress of the core alone. A
// liveness failure is therefore always one of a healed core.

// keepFaulty draws the nodes outside the liveness core of seed's run: the
// core keeps a majority of each part of roles (of every node, when every
// node plays every part) and a quorum of each phase of q among the
// acceptors, the rest is left faulty. Nodes are taken into the faulty set
// in a random order, each when the core keeps all that without it. It is
// a pure function of the seed and the
// cluster, not of the run's decisions, so that a replay of the run's
// decision trace heals alike.
func keepFaulty(seed uint64, nodes int, roles Roles, q checker.Quorums) uint64 {
	ids := make([]sim.NodeID, nodes)
	for i := range ids {
		ids[i] = sim.NodeID(i + 1)
	}
	x := seed ^ 0x636f726568656131 // "coreheal"
	for i := len(ids) - 1; i > 0; i-- {
		x = fingerprint.SplitMix64(x)
		j := int(x % uint64(i+1))
		ids[i], ids[j] = ids[j], ids[i]
	}
	var keep uint64
	for _, id := range ids {
		if with := keep | 1<<uint(id); keepsEveryQuorum(roles, q, with) {
			keep = with
		}
	}
	return keep
}

// keepsEveryQuorum reports whether the acceptors of roles keep a quorum
// of each phase outside faulty (by q: majorities by default), and each
// other part a majority of its nodes.
func keepsEveryQuorum(roles Roles, q checker.Quorums, faulty uint64) bool {
	for _, p := range roles.parts() {
		if !keepsMajority(p.mask, faulty) {
			return false
		}
	}
	up := roles.Acceptors &^ faulty
	return q.Promise(up, roles.Acceptors) && q.Accept(up, roles.Acceptors)
}

// allNodes is the set of nodes 1..nodes, a bit per id.
func allNodes(nodes int) uint64 { return uint64(1)<<uint(nodes+1) - 2 }

// caughtUp reports whether every node of wait (bit per id: the learners
// of the core) got as far as any node did, and that is somewhere:
// progress is by node id. It runs after every step past the heal: it
// lists nothing.
func caughtUp(progress []int64, wait uint64) bool {
	top := slices.Max(progress) // progress[0], no node's, is 0
	for m := wait; m != 0; m &= m - 1 {
		if id := bits.TrailingZeros64(m); id >= len(progress) || progress[id] < top || top == 0 {
			return false
		}
	}
	return true
}

// keepsMajority reports whether a view's members (bit per id) keep a
// majority outside faulty.
func keepsMajority(members, faulty uint64) bool {
	return bits.OnesCount64(members&^faulty) >= bits.OnesCount64(members)/2+1
}

// leftFaulty lists the nodes of mask (bit per id), nil for none.
func leftFaulty(mask uint64) []int {
	var out []int
	for m := mask; m != 0; m &= m - 1 {
		out = append(out, bits.TrailingZeros64(m))
	}
	return out
}
