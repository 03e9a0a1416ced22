package checker

import "math/bits"

// Quorums says which sets of acceptors are quorums, for a protocol whose
// quorums are not plain majorities: Flexible Paxos's (Howard, Malkhi and
// Spiegelman, 2016), whose phase-1 and phase-2 quorums differ in size and
// need only intersect each other, say. Each reports whether voters (a bit
// per node id) make a quorum of members (the acceptors, or the members of
// the view an entry was proposed in). A nil one is majorities of members.
// The safety checker judges a value chosen by Phase2 quorums; the
// liveness phase heals a core that holds a quorum of each phase.
type Quorums struct {
	Phase1, Phase2 func(voters, members uint64) bool
}

// Majority reports whether voters hold a majority of members.
func Majority(voters, members uint64) bool {
	return bits.OnesCount64(voters&members) >= bits.OnesCount64(members)/2+1
}

// QuorumSizes returns the quorums of at least phase1(n) and phase2(n) of n
// members: Flexible Paxos's, which are safe when phase1(n)+phase2(n) > n.
func QuorumSizes(phase1, phase2 func(n int) int) Quorums {
	sized := func(size func(int) int) func(voters, members uint64) bool {
		return func(voters, members uint64) bool {
			return bits.OnesCount64(voters&members) >= size(bits.OnesCount64(members))
		}
	}
	return Quorums{Phase1: sized(phase1), Phase2: sized(phase2)}
}

// Promise reports whether voters are a phase-1 quorum of members.
func (q Quorums) Promise(voters, members uint64) bool {
	if q.Phase1 == nil {
		return Majority(voters, members)
	}
	return q.Phase1(voters&members, members)
}

// Accept reports whether voters are a phase-2 quorum of members: what
// chooses a value.
func (q Quorums) Accept(voters, members uint64) bool {
	if q.Phase2 == nil {
		return Majority(voters, members)
	}
	return q.Phase2(voters&members, members)
}
