package checker

import (
	"strings"
	"testing"
)

// Roles on separate nodes: of 7 nodes, 1 and 2 propose, 3, 4 and 5
// accept, 6 and 7 learn.
const (
	rolesProposers = 1<<1 | 1<<2
	rolesAcceptors = 1<<3 | 1<<4 | 1<<5
	rolesLearners  = 1<<6 | 1<<7
)

// TestQuorumsOfTheAcceptors: with SetAcceptors, two of the three
// acceptors choose a value (two of seven nodes do not make a majority of
// the cluster), a learner's claim of it at that ballot is true, and a vote
// reported by a node that is no acceptor counts for nothing.
func TestQuorumsOfTheAcceptors(t *testing.T) {
	c := NewSafety(7)
	c.SetAcceptors(rolesAcceptors)
	c.Observe(0, Observation{Kind: Invoked, Value: 1})
	c.Observe(1, Observation{Kind: Accepted, Ballot: Ballot{1, 1}, Value: 1})
	c.Observe(3, Observation{Kind: Accepted, Ballot: Ballot{1, 1}, Value: 1})
	if _, ok := c.Chosen(0); ok {
		t.Fatal("chosen by one acceptor and a node that is none")
	}
	c.Observe(4, Observation{Kind: Accepted, Ballot: Ballot{1, 1}, Value: 1})
	ch, ok := c.Chosen(0)
	if !ok || ch.Value != 1 {
		t.Fatal("2 of the 3 acceptors accepted v1, but it is not chosen")
	}
	c.Observe(6, Observation{Kind: Learned, Ballot: Ballot{1, 1}, Value: 1})
	if v := c.Violation(); v != nil {
		t.Fatalf("a true claim: %v", v)
	}
	if e := c.choiceEvidence(ch); !strings.Contains(e, "a majority of the acceptors {3,4,5} (2 of 3)") {
		t.Fatalf("evidence %q does not name the acceptors", e)
	}
}

// TestContractOfRoles: with SetRoles, each kind of observation comes from
// the nodes whose part makes it, and ballots are owned by proposers.
func TestContractOfRoles(t *testing.T) {
	for _, tt := range []struct {
		node int
		o    Observation
		rule string
	}{
		{1, Observation{Kind: Proposed, Ballot: Ballot{1, 1}, Value: 1}, ""},
		{3, Observation{Kind: Proposed, Ballot: Ballot{1, 3}, Value: 1}, "role"},
		{3, Observation{Kind: Accepted, Ballot: Ballot{1, 1}, Value: 1}, ""},
		{6, Observation{Kind: Accepted, Ballot: Ballot{1, 1}, Value: 1}, "role"},
		{1, Observation{Kind: Promised, Ballot: Ballot{1, 1}}, "role"},
		{4, Observation{Kind: Promised, Ballot: Ballot{1, 4}}, "ballot-owner"},
		{7, Observation{Kind: Learned, Value: 1}, ""},
		{2, Observation{Kind: Learned, Value: 1}, "role"},
		{1, Observation{Kind: Returned, Client: 1, Value: 1}, ""},
	} {
		c := NewContract(7)
		c.SetRoles(rolesProposers, rolesAcceptors, rolesLearners)
		if rule, why := c.Observe(tt.node, tt.o); rule != tt.rule {
			t.Errorf("node %d %s: rule %q (%s), want %q", tt.node, tt.o, rule, why, tt.rule)
		}
		if rule, _ := NewContract(7).Observe(tt.node, tt.o); rule != "" {
			t.Errorf("node %d %s: rule %q without roles, where every node plays every part", tt.node, tt.o, rule)
		}
	}
}

// TestAPromiseBelowItsOwnVoteIsAProtocolBug: a promise that reports an
// accepted ballot above it keeps the contract and is judged by what
// happened: an acceptor that did accept that ballot promised below its
// own vote (promise-monotonicity), as two realistic bugs of the trials
// did (an acceptor that accepts without raising its promise, one that
// compares ballots by round alone); one that never accepted it reports
// what it did not do (promise-integrity).
func TestAPromiseBelowItsOwnVoteIsAProtocolBug(t *testing.T) {
	below := Observation{Kind: Promised, Ballot: Ballot{1, 2}, Prior: Ballot{1, 3}, Value: 1}
	if rule, why := NewContract(3).Observe(2, below); rule != "" {
		t.Fatalf("the contract's rule %q: %s", rule, why)
	}
	voted := NewSafety(3)
	voted.Observe(2, Observation{Kind: Accepted, Ballot: Ballot{1, 3}, Value: 1})
	voted.Observe(2, below)
	never := NewSafety(3)
	never.Observe(2, below)
	for _, tt := range []struct {
		c    *Safety
		want Property
	}{{voted, PromiseMonotonicity}, {never, PromiseIntegrity}} {
		if vs := tt.c.Violations(); len(vs) != 1 || vs[0].Property != tt.want {
			t.Errorf("violations %v, want one of %s", vs, tt.want)
		}
	}
}
