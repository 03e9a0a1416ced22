package checker

import (
	"fmt"

	"github.com/paxsim/paxsim/fingerprint"
)

// ContractProperty is reported when a protocol's nodes break the
// observation contract (see the package documentation): the harness
// cannot judge what they report, so it reports that instead of a verdict
// built on it.
const ContractProperty Property = "contract"

// Contract checks that observations keep the observation contract, one
// rule at a time; each rule has a name, which a violation's message
// gives. It judges the form of what nodes report, never whether the
// protocol is right: a wrong protocol that reports well-formed
// observations keeps it.
type Contract struct {
	nodes     int
	numbering int8 // 0 not yet known, 1 a single decree (instance 0), 2 a log (instances from 1)
	// The nodes that play each part, a bit per id (SetRoles); 0 when
	// every node plays every part.
	proposers, acceptors, learners uint64
}

// NewContract returns the contract checker of a cluster of nodes.
func NewContract(nodes int) *Contract { return &Contract{nodes: nodes} }

// SetRoles tells the checker which nodes play which part, a bit per node
// id, for a protocol whose proposers, acceptors and learners are separate
// nodes: the rule role then holds each kind of observation to the nodes
// that may report it, and ballot-owner holds ballots to proposers. Zero
// masks (the default) let every node play every part.
func (c *Contract) SetRoles(proposers, acceptors, learners uint64) {
	c.proposers, c.acceptors, c.learners = proposers, acceptors, learners
}

// Observe checks one observation reported by node (0 for the harness);
// it returns the rule broken, or "" when the observation keeps the
// contract, with a sentence saying why.
func (c *Contract) Observe(node int, o Observation) (rule, why string) {
	switch {
	case o.Kind < Invoked || o.Kind > Restarted:
		return "known-kind", fmt.Sprintf("node %d reported an observation of unknown kind %d", node, o.Kind)
	case o.Kind == Invoked && node != 0:
		return "invoked-by-harness", fmt.Sprintf("node %d reported Invoked, which only the harness reports (for its clients)", node)
	case o.Instance < 0:
		return "instance-numbering", fmt.Sprintf("node %d reported instance %d: instances are 0 (a single decree) or 1, 2, ... (a log)", node, o.Instance)
	}
	if rule, why := c.role(node, &o); rule != "" {
		return rule, why
	}
	if rule, why := c.ballots(node, &o); rule != "" {
		return rule, why
	}
	return c.numberingOf(node, &o)
}

// role checks that a node reports only what its part does: proposers
// propose, acceptors promise and accept, learners learn.
func (c *Contract) role(node int, o *Observation) (rule, why string) {
	var part string
	var mask uint64
	switch o.Kind {
	case Proposed:
		part, mask = "proposer", c.proposers
	case Promised, Accepted:
		part, mask = "acceptor", c.acceptors
	case Learned:
		part, mask = "learner", c.learners
	}
	if mask == 0 || mask&(1<<uint(node)) != 0 {
		return "", ""
	}
	return "role", fmt.Sprintf("node %d reported %s, but it is not a %s (the protocol's roles make {%s} %ss)", node, o.Kind, part, formatMask(mask), part)
}

// ballots checks the ballots of phase 1 and 2 observations, and of a
// Learned that names one.
func (c *Contract) ballots(node int, o *Observation) (rule, why string) {
	switch o.Kind {
	case Proposed, Promised, Accepted:
	case Learned: // the ballot of a chosen claim is optional
		if o.Ballot.IsZero() {
			return "", ""
		}
	default:
		return "", ""
	}
	switch {
	case o.Ballot.IsZero():
		return "ballot-set", fmt.Sprintf("node %d reported %s with no ballot", node, o.Kind)
	case o.Ballot.Node < 1 || int(o.Ballot.Node) > c.nodes:
		return "ballot-owner", fmt.Sprintf("node %d reported ballot %s, whose owner is not a node (1..%d)", node, o.Ballot, c.nodes)
	case c.proposers != 0 && c.proposers&(1<<uint(o.Ballot.Node)) == 0:
		return "ballot-owner", fmt.Sprintf("node %d reported ballot %s, whose owner is not a proposer (the protocol's roles make {%s} proposers)", node, o.Ballot, formatMask(c.proposers))
	}
	return "", ""
}

// Fingerprint writes what the contract remembers of a run, which decides
// its verdicts on what follows: how the run numbers its instances.
func (c *Contract) Fingerprint(h *fingerprint.Hasher) { h.Uint64(uint64(c.numbering)) }

// numberingOf checks that a run numbers its instances one way: a single
// decree's instance 0, or a log's 1, 2, ...
func (c *Contract) numberingOf(node int, o *Observation) (rule, why string) {
	switch o.Kind {
	case Proposed, Promised, Accepted, Learned, Applied:
	default:
		return "", ""
	}
	if o.Kind == Applied && o.Instance < 1 {
		return "instance-numbering", fmt.Sprintf("node %d applied instance %d: a log numbers its instances from 1", node, o.Instance)
	}
	way := int8(1)
	if o.Instance > 0 || o.AllInstances {
		way = 2
	}
	if c.numbering == 0 {
		c.numbering = way
	}
	if way != c.numbering {
		how := "as a log (from 1)"
		if c.numbering == 1 {
			how = "as a single decree (only instance 0)"
		}
		return "instance-numbering", fmt.Sprintf("node %d reported instance %d in a run that numbers its instances %s", node, o.Instance, how)
	}
	return "", ""
}
