package checker

import (
	"fmt"
	"math/bits"
)

// The two early checks on what a protocol claims of its log's entries:
// that every entry of an instance carries one view (ViewIntegrity), and
// that a claim that a value is chosen names a ballot in which a majority
// did vote for it (ChosenIntegrity).
const (
	// ViewIntegrity: every entry of an instance carries the instance's
	// view: the Proposed and Accepted observations of one instance report
	// one member set (State; 0 is every node). A view is a function of the
	// instance (with Lamport's alpha, of the log chosen through instance
	// i-alpha), so two views in one instance mean that some proposer
	// stamped an entry with a stale or a future view, and quorums of the
	// two views need not intersect: agreement is one unlucky schedule
	// away. Judged at the observation that brings the second view.
	ViewIntegrity Property = "view-integrity"
	// ChosenIntegrity: a node's claim that a value is chosen (a Learned
	// observation that names the ballot it was chosen in: a leader that
	// counted a majority of phase-2b replies, or a learner told so by
	// one) is true when it is made: a majority of the ballot's view
	// accepted exactly that value in that ballot. A leader that counts a
	// reply of another ballot, or a duplicate, claims a choice that no
	// majority made, usually well before any two values are chosen.
	// A claim with no ballot (the zero Ballot) is judged by learner
	// integrity alone.
	ChosenIntegrity Property = "chosen-integrity"
)

// viewStamp is the first view an instance's entries were stamped with,
// with who stamped it, for evidence.
type viewStamp struct {
	view   uint64 // the members, never 0: every node is spelled out
	node   int
	kind   Kind
	ballot Ballot
	value  Value
}

// members is the member set an observation's State names: State, or for
// 0 the acceptors (SetAcceptors), every node of the cluster by default.
func (c *Safety) members(state uint64) uint64 {
	switch {
	case state != 0:
		return state
	case c.acceptors != 0:
		return c.acceptors
	}
	return allNodes(c.nodes)
}

// allNodes is the member set of every node of a cluster of n.
func allNodes(n int) uint64 {
	if n >= 63 {
		return ^uint64(1)
	}
	return uint64(1)<<uint(n+1) - 2
}

// stamped checks that o, a Proposed or Accepted, carries the view of its
// instance's first entry (ViewIntegrity), and records it if it is the
// first.
func (c *Safety) stamped(node int, o Observation) {
	view := c.members(o.State)
	first, ok := c.views.get(0, o.Instance)
	if !ok {
		c.views.set(0, o.Instance, viewStamp{view: view, node: node, kind: o.Kind, ballot: o.Ballot, value: o.Value})
		return
	}
	if first.view == view {
		return
	}
	c.violate(ViewIntegrity, "instance-two-views", o.Instance,
		fmt.Sprintf("instance %d carries two views: {%s} and {%s}", o.Instance, formatMask(first.view), formatMask(view)),
		fmt.Sprintf("node %d %s (%s, %s) in view {%s}", first.node, first.kind, first.ballot, chosenValue(first.value), formatMask(first.view)),
		fmt.Sprintf("node %d %s (%s, %s) in view {%s}", node, o.Kind, o.Ballot, chosenValue(o.Value), formatMask(view)))
}

// claimed checks a claim that o.Value is chosen at o.Ballot
// (ChosenIntegrity): a majority of the ballot's view accepted that value
// in that ballot, by now. A claim without a ballot is not judged here.
func (c *Safety) claimed(node int, o Observation) {
	if o.Ballot.IsZero() {
		return
	}
	var voters, view uint64
	if i := c.findVote(o.Instance, o.Ballot, o.Value); i >= 0 {
		voters, view = c.votes[i].voters, c.members(c.votes[i].view)
	} else if first, ok := c.views.get(0, o.Instance); ok {
		view = first.view
	} else {
		view = c.members(0)
	}
	if c.quorums.Accept(voters, view) {
		return
	}
	of := "view"
	if c.acceptors != 0 && view == c.acceptors {
		of = "the acceptors"
	}
	quorum := "" // a majority, as the check's name says
	if c.quorums.Phase2 != nil {
		quorum = ", not a phase-2 quorum of the protocol's (engine.Info.Quorums)"
	}
	c.violate(ChosenIntegrity, "chosen-without-majority", o.Instance,
		fmt.Sprintf("node %d claims %s chosen at ballot %s, but only {%s} of %s {%s} accepted it there (%d of %d%s)",
			node, chosenValue(o.Value), o.Ballot, formatMask(voters&view), of, formatMask(view), bits.OnesCount64(voters&view), bits.OnesCount64(view), quorum),
		c.ballotEvidence(o.Instance, o.Ballot)...)
}

// ballotEvidence lists every value accepted at ballot b in instance, with
// its voters.
func (c *Safety) ballotEvidence(instance int64, b Ballot) []string {
	var out []string
	for _, v := range c.votes {
		if v.instance == instance && v.ballot == b {
			out = append(out, fmt.Sprintf("(%s, %s) accepted by {%s}", v.ballot, chosenValue(v.value), formatMask(v.voters)))
		}
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("no acceptor accepted anything at ballot %s", b))
	}
	return out
}
