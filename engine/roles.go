package engine

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/paxsim/paxsim/sim"
)

// Roles says which nodes of a cluster play which part of Paxos, a bit per
// node id (bit 1 is node 1), for a protocol that runs its roles on
// separate nodes, as "Paxos Made Simple" describes them: proposers,
// acceptors and learners. A node may play several parts. The harness
// reads the roles in four places:
//
//   - clients send their requests to proposers only;
//   - a value is chosen when a majority of the acceptors (a phase-2
//     quorum of them, with Info.Quorums) accepted it in one ballot, and only acceptors may report Promised and Accepted,
//     only proposers Proposed, and ballots are owned by proposers (the
//     observation contract's rule roles);
//   - liveness waits for the learners of the healed core only, and only
//     learners may report Learned;
//   - the heal leaves a minority of each part faulty for good, so that the
//     healed core keeps a majority of every part (and, with Info.Quorums,
//     a quorum of each phase among the acceptors).
type Roles struct {
	Proposers uint64
	Acceptors uint64
	Learners  uint64
}

// EveryRole is the roles of a cluster of nodes in which every node plays
// every part: the default, when Info.Roles is nil.
func EveryRole(nodes int) Roles {
	all := allNodes(nodes)
	return Roles{Proposers: all, Acceptors: all, Learners: all}
}

// RolesOf is the roles of a cluster of nodes of the protocol info
// describes: Info.Roles's, or EveryRole.
func (info *Info) RolesOf(nodes int) Roles {
	if info.Roles == nil {
		return EveryRole(nodes)
	}
	return info.Roles(nodes)
}

// swarmNodes are the cluster sizes a swarm draws among when Info.Nodes
// is nil.
var swarmNodes = []int{3, 3, 3, 4, 5, 5}

// nodeSizes is Info.Nodes, or swarmNodes.
func (info *Info) nodeSizes() []int {
	if len(info.Nodes) == 0 {
		return swarmNodes
	}
	return info.Nodes
}

// DefaultNodes is the protocol's default cluster size: Info.Nodes's
// first, or 3.
func (info *Info) DefaultNodes() int {
	return info.nodeSizes()[0]
}

// LearnerCount is how many nodes of a cluster of nodes are learners.
func (info *Info) LearnerCount(nodes int) int {
	if nodes < 1 || nodes > sim.MaxNodes {
		return max(nodes, 0)
	}
	return bits.OnesCount64(info.RolesOf(nodes).Learners)
}

// ProposerCount is how many nodes of a cluster of nodes are proposers:
// the most clients a consensus workload can have, each asking its own.
func (info *Info) ProposerCount(nodes int) int {
	if nodes < 1 || nodes > sim.MaxNodes {
		return max(nodes, 0)
	}
	return bits.OnesCount64(info.RolesOf(nodes).Proposers)
}

// ValidNodes reports whether a cluster of nodes can run the protocol:
// its roles (Info.Roles) give every part a node.
func (info *Info) ValidNodes(nodes int) bool {
	return nodes >= 1 && nodes <= sim.MaxNodes && info.RolesOf(nodes).check(nodes) == nil
}

// CheckRoles reports a cluster size of Info.Nodes out of range, or one at
// which Info.Roles leaves a part without a node: what harness.New
// rejects a protocol for.
func (info *Info) CheckRoles() error {
	for _, n := range info.nodeSizes() {
		if n < 1 || n > sim.MaxNodes {
			return fmt.Errorf("cluster size %d of Info.Nodes is not between 1 and %d", n, sim.MaxNodes)
		}
		if err := info.RolesOf(n).check(n); err != nil {
			return err
		}
	}
	return nil
}

// check reports a part that no node plays, or a node outside 1..nodes.
func (r Roles) check(nodes int) error {
	for _, p := range r.parts() {
		switch {
		case p.mask == 0:
			return fmt.Errorf("no node of %d is %s %s: Info.Roles must give every part a node", nodes, article(p.name), p.name)
		case p.mask&^allNodes(nodes) != 0:
			return fmt.Errorf("Info.Roles names %s {%s}, outside nodes 1..%d", p.name+"s", sim.FormatNodes(p.mask&^allNodes(nodes)), nodes)
		}
	}
	return nil
}

// part is one role and the nodes that play it.
type part struct {
	name string
	mask uint64
}

func (r Roles) parts() []part {
	return []part{{"proposer", r.Proposers}, {"acceptor", r.Acceptors}, {"learner", r.Learners}}
}

// article is "a" or "an", as name needs.
func article(name string) string {
	if strings.ContainsRune("aeiou", rune(name[0])) {
		return "an"
	}
	return "a"
}

// Separate reports whether some node does not play every part.
func (r Roles) Separate() bool { return r.Proposers != r.Acceptors || r.Acceptors != r.Learners }

// pickProposer lets d pick one of the proposers (a bit per id), as a
// client's replica.
func pickProposer(d sim.Decider, proposers uint64) int {
	return nth(proposers, d.Intn(sim.Decision{Kind: sim.DecideWorkload}, bits.OnesCount64(proposers)))
}

// nth is the k-th node (from 0) of mask, in order; the caller makes sure
// k < the nodes in mask.
func nth(mask uint64, k int) int {
	for m := mask; m != 0; m &= m - 1 {
		if k == 0 {
			return bits.TrailingZeros64(m)
		}
		k--
	}
	panic(fmt.Sprintf("engine: no node %d of {%s}", k, sim.FormatNodes(mask)))
}
