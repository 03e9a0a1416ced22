package protocol_test

import (
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
	"pgregory.net/rapid"
)

// cluster is a Paxos cluster under a fault-free world, with the checker and
// a count of delivered messages by type.
type cluster struct {
	world     *sim.World[protocol.Msg, protocol.Durable, checker.Observation]
	safety    *checker.Safety
	proposed  []checker.Value
	delivered map[protocol.MsgType]int
}

func newCluster(t *testing.T, nodes int, seed uint64, pcfg protocol.Config, wrap func(sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation]) sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation]) *cluster {
	t.Helper()
	c := &cluster{safety: checker.NewSafety(nodes), delivered: map[protocol.MsgType]int{}}
	factory := protocol.NewNodes(nodes, pcfg)
	if wrap != nil {
		factory = wrap(factory)
	}
	w, err := sim.New(sim.Config{Nodes: nodes}, sim.NewRandom(seed), factory, func(node sim.NodeID, o checker.Observation) {
		if o.Kind == checker.Proposed {
			c.proposed = append(c.proposed, o.Value)
		}
		c.safety.Observe(int(node), o)
	})
	if err != nil {
		t.Fatal(err)
	}
	w.SetTracer(func(e sim.TraceEntry) {
		if e.Kind == "deliver" {
			for mt := protocol.Request; mt <= protocol.LearnReq; mt++ {
				if len(e.Msg) >= len(mt.String()) && e.Msg[:len(mt.String())] == mt.String() && (len(e.Msg) == len(mt.String()) || e.Msg[len(mt.String())] == '(') {
					c.delivered[mt]++
				}
			}
		}
	})
	c.world = w
	return c
}

func (c *cluster) propose(at sim.Time, node sim.NodeID, client int) {
	v := checker.Value(client)
	c.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Client: client, Value: v})
	c.world.Request(at, node, protocol.Msg{Type: protocol.Request, Client: int32(client), Value: v})
}

// runUntil steps until every node learned or the time limit passes.
func (c *cluster) runUntil(t *testing.T, limit sim.Time) {
	t.Helper()
	live := make([]int, c.world.Nodes())
	for i := range live {
		live[i] = i + 1
	}
	for !c.safety.AllLearned(live) {
		if next, ok := c.world.Next(); !ok || next > limit {
			t.Fatalf("not every node learned by t=%d: %v", limit, c.safety.CheckLiveness(live, 0, int64(limit)))
		}
		c.world.Step()
		if v := c.safety.Violation(); v != nil {
			t.Fatalf("violation: %v", v)
		}
	}
}

func TestOneProposerCostsTwoRoundTripsAndACommit(t *testing.T) {
	for _, n := range []int{1, 3, 5} {
		c := newCluster(t, n, 1, protocol.Config{}, nil)
		c.propose(0, 1, 1)
		c.runUntil(t, 1000)
		ch, ok := c.safety.Chosen(0)
		if !ok || ch.Value != 1 || ch.Ballot != (checker.Ballot{Round: 1, Node: 1}) {
			t.Fatalf("n=%d: chosen %+v, want v1 at ballot 1.1", n, ch)
		}
		for _, mt := range []protocol.MsgType{protocol.Prepare, protocol.Accept} {
			if got := c.delivered[mt]; got != n {
				t.Errorf("n=%d: %d %s delivered, want one per acceptor (%d)", n, got, mt, n)
			}
		}
		// Phase 2 ends at a majority; the rest of the replies may still be
		// in flight when the last learner learns.
		if got := c.delivered[protocol.Promise]; got < n/2+1 || got > n {
			t.Errorf("n=%d: %d promises delivered, want a majority at least", n, got)
		}
		if got := c.delivered[protocol.Nack]; got != 0 {
			t.Errorf("n=%d: %d nacks with a single proposer", n, got)
		}
	}
}

// seeded returns a factory wrapper that starts some acceptors with a value
// already accepted, as if an earlier proposer had reached them.
func seeded(accepted map[sim.NodeID]protocol.Durable) func(sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation]) sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation] {
	return func(inner sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation]) sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation] {
		return func(id sim.NodeID, d protocol.Durable) sim.Node[protocol.Msg, protocol.Durable, checker.Observation] {
			if pre, ok := accepted[id]; ok && d == (protocol.Durable{}) {
				d = pre
			}
			return inner(id, d)
		}
	}
}

func TestProposerAdoptsTheHighestAcceptedValue(t *testing.T) {
	low := protocol.Durable{Promised: checker.Ballot{Round: 1, Node: 1}, AcceptedBallot: checker.Ballot{Round: 1, Node: 1}, AcceptedValue: 7}
	high := protocol.Durable{Promised: checker.Ballot{Round: 2, Node: 2}, AcceptedBallot: checker.Ballot{Round: 2, Node: 2}, AcceptedValue: 8}
	tests := []struct {
		name    string
		variant protocol.Variant
		want    checker.Value
	}{
		{"correct", protocol.Variant{}, 8},
		{"ignore-promised-values", protocol.IgnorePromisedValues, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Acceptor 1 accepted v7 at 1.1, acceptors 2 and 3 v8 at 2.2,
			// before replica 3's client asks it to propose v3: every
			// majority reports v8 as the highest, so v8 it must be.
			c := newCluster(t, 3, 1, protocol.Config{Variant: tt.variant}, seeded(map[sim.NodeID]protocol.Durable{1: low, 2: high, 3: high}))
			for _, v := range []checker.Value{7, 8} {
				c.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: v})
			}
			c.propose(0, 3, 3)
			for c.world.Step() && len(c.proposed) == 0 {
			}
			if len(c.proposed) == 0 || c.proposed[0] != tt.want {
				t.Fatalf("proposed %v, want %s first", c.proposed, tt.want)
			}
		})
	}
}

func TestDuellingProposersSettle(t *testing.T) {
	for seed := uint64(0); seed < 200; seed++ {
		c := newCluster(t, 5, seed, protocol.Config{}, nil)
		for client := 1; client <= 5; client++ {
			c.propose(0, sim.NodeID(client), client) // all at once: the worst duel
		}
		c.runUntil(t, 5000)
	}
}

func TestRestartedAcceptorKeepsItsPromise(t *testing.T) {
	// Replica 3 promised 5.2 before it crashed; after the restart it must
	// still refuse the lower ballot that replica 1's first attempt uses.
	durable := protocol.Durable{Promised: checker.Ballot{Round: 5, Node: 2}, Round: 0}
	c := newCluster(t, 3, 3, protocol.Config{}, seeded(map[sim.NodeID]protocol.Durable{2: durable, 3: durable}))
	c.propose(0, 1, 1)
	c.runUntil(t, 3000)
	ch, _ := c.safety.Chosen(0)
	if !(checker.Ballot{Round: 5, Node: 2}).Less(ch.Ballot) {
		t.Fatalf("chosen at %s, want a ballot above the promise 5.2", ch.Ballot)
	}
	if c.delivered[protocol.Nack] == 0 {
		t.Fatal("no Nack for a ballot below the promise")
	}
}

func TestLookupVariant(t *testing.T) {
	for _, name := range []string{"", "none"} {
		if v, err := protocol.LookupVariant(name); err != nil || v.Name != "" || v.String() != "none" {
			t.Errorf("LookupVariant(%q) = %v, %v; want the correct protocol", name, v, err)
		}
	}
	v, err := protocol.LookupVariant("ignore-promised-values")
	if err != nil || !v.Is(protocol.IgnorePromisedValues) || v.Breaks != checker.SafeProposal {
		t.Errorf("LookupVariant(ignore-promised-values) = %+v, %v", v, err)
	}
	if _, err := protocol.LookupVariant("nope"); err == nil {
		t.Error("unknown variant accepted")
	}
	for _, v := range protocol.Variants() {
		if v.Name == "" || v.Summary == "" || v.Breaks == "" {
			t.Errorf("variant %+v lacks a name, summary or property", v)
		}
	}
}

// TestDigestTellsMessagesApart: two different messages have different
// digests, checked for every message whose fields all lie in -1..3 (or
// 0..4 for the type and the rounds): 78,125 messages, where a digest that
// leaves a field out, or folds two fields into one, collides. The world
// tells in-flight messages apart by digest (a choice world finds the
// message an action delivers by it), and the trace hash folds it in.
func TestDigestTellsMessagesApart(t *testing.T) {
	seen := map[uint64]protocol.Msg{}
	var m protocol.Msg
	var fields [7]int
	for {
		m = protocol.Msg{
			Type:   protocol.MsgType(fields[0]),
			Ballot: checker.Ballot{Round: uint32(fields[1]), Node: int32(fields[2] - 1)},
			Prior:  checker.Ballot{Round: uint32(fields[3]), Node: int32(fields[4] - 1)},
			Value:  checker.Value(fields[5] - 1),
			Client: int32(fields[6] - 1),
		}
		if prev, ok := seen[m.Digest()]; ok {
			t.Fatalf("%+v and %+v share the digest %#x", prev, m, m.Digest())
		}
		seen[m.Digest()] = m
		i := 0
		for ; i < len(fields) && fields[i] == 4; i++ {
			fields[i] = 0
		}
		if i == len(fields) {
			return
		}
		fields[i]++
	}
}

// TestDigestSeesEveryBit: flipping any one bit of any one field of a
// message changes its digest, so no field is left out or cut short.
func TestDigestSeesEveryBit(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := protocol.Msg{
			Type:   protocol.MsgType(rapid.Uint8().Draw(t, "type")),
			Ballot: checker.Ballot{Round: rapid.Uint32().Draw(t, "round"), Node: rapid.Int32().Draw(t, "node")},
			Prior:  checker.Ballot{Round: rapid.Uint32().Draw(t, "prior.round"), Node: rapid.Int32().Draw(t, "prior.node")},
			Value:  checker.Value(rapid.Int64().Draw(t, "value")),
			Client: rapid.Int32().Draw(t, "client"),
		}
		flips := []struct {
			field string
			bits  int
			flip  func(n *protocol.Msg, bit int)
		}{
			{"type", 8, func(n *protocol.Msg, b int) { n.Type ^= 1 << b }},
			{"round", 32, func(n *protocol.Msg, b int) { n.Ballot.Round ^= 1 << b }},
			{"node", 32, func(n *protocol.Msg, b int) { n.Ballot.Node ^= 1 << b }},
			{"prior.round", 32, func(n *protocol.Msg, b int) { n.Prior.Round ^= 1 << b }},
			{"prior.node", 32, func(n *protocol.Msg, b int) { n.Prior.Node ^= 1 << b }},
			{"value", 64, func(n *protocol.Msg, b int) { n.Value ^= 1 << b }},
			{"client", 32, func(n *protocol.Msg, b int) { n.Client ^= 1 << b }},
		}
		for _, f := range flips {
			for bit := range f.bits {
				n := m
				f.flip(&n, bit)
				if m.Digest() == n.Digest() {
					t.Fatalf("%+v and %+v differ in bit %d of %s and share the digest %#x", m, n, bit, f.field, m.Digest())
				}
			}
		}
	})
}
