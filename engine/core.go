package engine

import (
	"fmt"
	"github.com/paxsim/paxsim/fingerprint"
	"math/bits"
	"slices"

	"github.com/paxsim/paxsim/sim"
)

// Safety, then liveness: a run's safety phase injects any faults until
// the heal; its liveness phase heals a random quorum core, while the nodes
// outside the core that are down or cut off at the heal stay so for good
// (sim.FaultConfig.KeepFaulty), and asks progress of the core alone. A
// liveness failure is therefore always one of a healed core.

// keepFaulty draws the nodes outside the liveness core of seed's run: the
// core is a random majority of the nodes, the rest a minority. It is a
// pure function of the seed and the cluster size, not of the run's
// decisions, so that a replay of the run's decision trace heals alike.
func keepFaulty(seed uint64, nodes int) uint64 {
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
	for _, id := range ids[:(nodes-1)/2] {
		keep |= 1 << uint(id)
	}
	return keep
}

// coreSize is how many of the nodes are not in faulty.
func coreSize(nodes int, faulty uint64) int {
	return bits.OnesCount64(allNodes(nodes) &^ faulty)
}

// coreNode is the k-th node (from 0) not in faulty, in order; the caller
// makes sure k < coreSize(nodes, faulty). A client picks a replica of the
// core at every send past the heal: it lists nothing.
func coreNode(nodes int, faulty uint64, k int) int {
	for m := allNodes(nodes) &^ faulty; m != 0; m &= m - 1 {
		if k == 0 {
			return bits.TrailingZeros64(m)
		}
		k--
	}
	panic(fmt.Sprintf("engine: no core node %d of %d nodes outside {%s}", k, nodes, sim.FormatNodes(faulty)))
}

// allNodes is the set of nodes 1..nodes, a bit per id.
func allNodes(nodes int) uint64 { return uint64(1)<<uint(nodes+1) - 2 }

// caughtUp reports whether every node of the core (the nodes not in
// faulty) got as far as any node did, and that is somewhere: progress is
// by node id. It runs after every step past the heal: it lists nothing.
func caughtUp(progress []int64, faulty uint64) bool {
	top := slices.Max(progress) // progress[0], no node's, is 0
	for id := 1; id < len(progress); id++ {
		if faulty&(1<<uint(id)) == 0 && (progress[id] < top || top == 0) {
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
