package main

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// Adapter puts rolepaxos under paxsim: an engine.Protocol, and an
// engine.Explorer for paxsim check.
type Adapter struct{}

var _ engine.Explorer[Disk] = Adapter{}

// anyBallot is the variant with the learner's bug.
const anyBallot = "learner-any-ballot"

// Info describes rolepaxos: consensus clients, one timer, the bug as a
// named variant, and which nodes play which role.
func (Adapter) Info() engine.Info {
	return engine.Info{
		Name:     "rolepaxos",
		Summary:  "a third party's single-decree Paxos with proposers, acceptors and learners on separate nodes (examples/rolepaxos)",
		Workload: engine.Workload{Kind: engine.Consensus, Clients: 2, Commands: 1},
		Timers:   []string{"tick"},
		Variants: []engine.Variant{{Name: anyBallot, Summary: "a learner counts 2bs by value, across ballots", Breaks: checker.LearnerIntegrity}},
		Roles:    roles,
		Nodes:    []int{7, 7, 5, 9}, // 2 proposers, 3 acceptors and 2 learners, mostly
	}
}

// roles tells paxsim which nodes propose, accept and learn (node.go's
// layout): quorums are majorities of the acceptors, clients ask the
// proposers, and liveness waits for the learners.
func roles(n int) engine.Roles {
	l := layoutOf(n)
	var r engine.Roles
	for id := 1; id <= n; id++ {
		bit := uint64(1) << id
		switch {
		case l.proposer(id):
			r.Proposers |= bit
		case l.acceptor(id):
			r.Acceptors |= bit
		default:
			r.Learners |= bit
		}
	}
	return r
}

// NewNodes builds the nodes, with a retry every two round trips.
func (Adapter) NewNodes(s engine.Setup) (sim.NewNode[Msg, Disk, checker.Observation], error) {
	l, every, bug := layoutOf(s.Nodes), max(10, 2*s.MaxDelay), s.Variant == anyBallot
	l.Quiet = s.Explore
	return func(id sim.NodeID, d Disk) sim.Node[Msg, Disk, checker.Observation] {
		return newNode(l, id, every, bug, d)
	}, nil
}

// Request is a client's proposal as rolepaxos's client library sends it.
func (Adapter) Request(q engine.Request) (Msg, checker.Value) {
	return Msg{Type: Propose, Client: q.Client, Val: int64(q.Op.Proposal)}, q.Op.Proposal
}

// Answer recognises a proposer's answer to its client.
func (Adapter) Answer(o checker.Observation) (engine.Answer, bool) {
	return engine.Answer{Client: o.Client, Seq: 1, Value: o.Value}, o.Kind == checker.Returned
}

// DescribeDurable words a node's disk.
func (Adapter) DescribeDurable(d Disk) string { return d.String() }

// Symmetric is true: acceptors are interchangeable, and so are learners
// (paxsim renames a node only to one of its own role), and messages and
// states write node ids as such.
func (Adapter) Symmetric() bool { return true }

// ExploreTimer fires the tick only when asked (paxsim check --ticks).
func (Adapter) ExploreTimer(_ sim.TimerTag, ticks bool) bool { return ticks }

// MaxDepth sets no bound: the whole search (7 nodes, 2 proposers, one
// ballot each) is some 5.4 million states.
func (Adapter) MaxDepth() int { return 0 }
