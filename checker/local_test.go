package checker

import (
	"slices"
	"testing"

	"github.com/paxsim/paxsim/fingerprint"
	"pgregory.net/rapid"
)

// TestLocalObservationsCommute: an observation that Local says is the
// node's own business gets the same verdicts, and leaves the checker in
// the same state, observed before or after any other nodes' observations.
func TestLocalObservationsCommute(t *testing.T) {
	local := 0
	rapid.Check(t, func(t *rapid.T) {
		nodes := rapid.IntRange(1, 5).Draw(t, "nodes")
		a := NewSafety(nodes)
		for range rapid.IntRange(0, 60).Draw(t, "before") {
			s := drawStep(t, nodes)
			a.Observe(s.node, s.o)
		}
		x := drawStep(t, nodes)
		x.o.Kind, x.o.Value, x.o.State, x.o.Client = Promised, Value(rapid.IntRange(0, 4).Draw(t, "reported")), 0, 0
		if rapid.Bool().Draw(t, "prior") {
			x.o.Prior = Ballot{Round: uint32(rapid.IntRange(1, 4).Draw(t, "priorRound")), Node: int32(rapid.IntRange(1, nodes).Draw(t, "priorNode"))}
		}
		x.o.AllInstances = rapid.IntRange(0, 3).Draw(t, "all") == 0
		if !a.Local(x.node, x.o) {
			return
		}
		local++
		b := a.CloneInto(nil)
		var others []step
		for range rapid.IntRange(1, 40).Draw(t, "after") {
			if s := drawStep(t, nodes); s.node != x.node {
				others = append(others, s)
			}
		}
		a.Observe(x.node, x.o)
		for _, s := range others {
			a.Observe(s.node, s.o)
			b.Observe(s.node, s.o)
		}
		b.Observe(x.node, x.o)
		if pa, pb := propertiesOf(a), propertiesOf(b); !slices.Equal(pa, pb) {
			t.Fatalf("%s by node %d first: %v; last: %v", x.o, x.node, pa, pb)
		}
		if len(a.Violations()) == 0 && keyOf(a) != keyOf(b) {
			t.Fatalf("%s by node %d first or last: the checker's states differ", x.o, x.node)
		}
	})
	if local == 0 {
		t.Fatal("no observation was local")
	}
}

// propertiesOf lists the properties c found broken, sorted.
func propertiesOf(c *Safety) []Property {
	var out []Property
	for _, v := range c.Violations() {
		out = append(out, v.Property)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func keyOf(c *Safety) fingerprint.Key {
	var h fingerprint.Hasher
	h.Reset()
	c.Fingerprint(&h)
	return h.Sum()
}

// TestAPromiseThatOmitsAVoteIsNotLocal: a promise that reports nothing
// below a vote its node cast is judged by whether a value is chosen, so
// another node's vote that completes a quorum changes its verdict: Local
// says no, and the two orders do differ.
func TestAPromiseThatOmitsAVoteIsNotLocal(t *testing.T) {
	vote := func(node int) step {
		return step{node, Observation{Kind: Accepted, Ballot: Ballot{Round: 1, Node: 1}, Value: 1}}
	}
	omits := step{1, Observation{Kind: Promised, Ballot: Ballot{Round: 2, Node: 2}}}
	first, last := NewSafety(3), NewSafety(3)
	for _, c := range []*Safety{first, last} {
		c.Observe(0, Observation{Kind: Invoked, Client: 1, Value: 1})
		c.Observe(vote(1).node, vote(1).o)
	}
	if first.Local(omits.node, omits.o) {
		t.Fatalf("%s by node 1 after its vote at 1.1: Local", omits.o)
	}
	if !first.Local(1, Observation{Kind: Promised, Ballot: Ballot{Round: 2, Node: 2}, Prior: Ballot{Round: 1, Node: 1}, Value: 1}) {
		t.Fatalf("a promise by node 1 that reports its vote: not Local")
	}
	first.Observe(omits.node, omits.o)
	first.Observe(vote(2).node, vote(2).o)
	last.Observe(vote(2).node, vote(2).o)
	last.Observe(omits.node, omits.o)
	if pf, pl := propertiesOf(first), propertiesOf(last); slices.Equal(pf, pl) {
		t.Fatalf("the promise first or last: the same verdicts %v; the example no longer shows why it is not Local", pf)
	}
}
