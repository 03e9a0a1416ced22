package engine_test

import (
	"fmt"
	"math/bits"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/sim"
)

// splitRoles is a protocol whose roles are separate nodes, as "Paxos Made
// Simple" has them: of 7 nodes, 1 and 2 propose, 3, 4 and 5 accept, 6
// and 7 learn. It is as small as a run without faults and with one client
// allows: its one proposer sends phase 2a at once (a lone proposer's
// first ballot needs no phase 1), acceptors vote and tell the learners,
// and a learner that counts a majority of the acceptors tells the
// proposers, which answer their client.
type splitRoles struct{}

type splitMsg struct {
	kind  string
	value checker.Value
	from  int // the proposer, of an accept
}

func (m splitMsg) String() string    { return fmt.Sprintf("%s(%s)", m.kind, m.value) }
func (m splitMsg) Digest() uint64    { return uint64(len(m.kind))<<32 | uint64(m.value) }
func (splitRoles) Info() engine.Info { return splitInfo }

var splitInfo = engine.Info{
	Name:     "split",
	Workload: engine.Workload{Kind: engine.Consensus, Clients: 1, Commands: 1},
	Nodes:    []int{7},
	Roles: func(int) engine.Roles {
		return engine.Roles{Proposers: 1<<1 | 1<<2, Acceptors: 1<<3 | 1<<4 | 1<<5, Learners: 1<<6 | 1<<7}
	},
}

func (splitRoles) NewNodes(engine.Setup) (sim.NewNode[splitMsg, struct{}, checker.Observation], error) {
	return func(id sim.NodeID, _ struct{}) sim.Node[splitMsg, struct{}, checker.Observation] {
		return &splitNode{id: int(id)}
	}, nil
}

func (splitRoles) Request(r engine.Request) (splitMsg, checker.Value) {
	return splitMsg{kind: "request", value: r.Op.Proposal}, r.Op.Proposal
}

func (splitRoles) Answer(o checker.Observation) (engine.Answer, bool) {
	return engine.Answer{Client: o.Client, Seq: 1, Value: o.Value}, o.Kind == checker.Returned
}

func (splitRoles) DescribeDurable(struct{}) string { return "" }

type splitNode struct {
	id      int
	client  int    // a proposer's client
	votes   uint64 // a learner's count of acceptors
	learned bool
}

func (n *splitNode) Start(*sim.Env[splitMsg, struct{}, checker.Observation])              {}
func (n *splitNode) Fire(*sim.Env[splitMsg, struct{}, checker.Observation], sim.TimerTag) {}

func (n *splitNode) Deliver(e *sim.Env[splitMsg, struct{}, checker.Observation], from sim.NodeID, m splitMsg) {
	ballot := checker.Ballot{Round: 1, Node: int32(m.from)}
	switch {
	case m.kind == "request" && n.id <= 2:
		n.client = int(m.value)
		e.Observe(checker.Observation{Kind: checker.Proposed, Ballot: checker.Ballot{Round: 1, Node: int32(n.id)}, Value: m.value})
		for id := 3; id <= 5; id++ {
			e.Send(sim.NodeID(id), splitMsg{kind: "accept", value: m.value, from: n.id})
		}
	case m.kind == "accept" && n.id >= 3 && n.id <= 5:
		e.Observe(checker.Observation{Kind: checker.Accepted, Ballot: ballot, Value: m.value})
		e.Send(6, splitMsg{kind: "accepted", value: m.value, from: m.from})
		e.Send(7, splitMsg{kind: "accepted", value: m.value, from: m.from})
	case m.kind == "accepted" && n.id >= 6 && !n.learned:
		if n.votes |= 1 << from; bits.OnesCount64(n.votes) == 2 {
			n.learned = true
			e.Observe(checker.Observation{Kind: checker.Learned, Ballot: ballot, Value: m.value})
			e.Send(sim.NodeID(m.from), splitMsg{kind: "decided", value: m.value})
		}
	case m.kind == "decided" && n.client != 0:
		e.Observe(checker.Observation{Kind: checker.Returned, Client: n.client, Value: m.value})
		n.client = 0
	}
}

// splitConfig is a run of the split protocol without faults but the heal,
// so that liveness is judged.
func splitConfig() engine.Config {
	c := engine.Default()
	c.Protocol, c.Nodes, c.Clients = "split", 7, 1
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0, 0, 0, 0, 0, 0
	return c
}

// TestRolesOnSeparateNodes: with Info.Roles, a client asks a proposer, a
// value is chosen by a majority of the acceptors (2 of 3, though not of
// the 7 nodes), and liveness waits for the learners alone (proposers and
// acceptors never learn). Each of the three once failed the run.
func TestRolesOnSeparateNodes(t *testing.T) {
	p := harness.New[splitMsg, struct{}](splitRoles{})
	for seed := range uint64(20) {
		res := run(t, p, splitConfig(), seed, engine.Options{})
		if res.Failed() || !res.LivenessChecked {
			t.Fatalf("seed %d: %s (liveness judged %v)", seed, first(&res), res.LivenessChecked)
		}
		if node := res.Ops[0].Node; node != 1 && node != 2 {
			t.Fatalf("seed %d: the client asked node %d, which is no proposer", seed, node)
		}
		if res.Chosen == nil || res.Learners != 2 || res.LearnerNodes != 2 {
			t.Fatalf("seed %d: chosen %v, %d of %d learners learned, want both", seed, res.Chosen, res.Learners, res.LearnerNodes)
		}
	}
}

// TestRolesBreachedAreContractViolations: a node that reports what its
// part does not do (an acceptor's vote from a learner) breaks the
// observation contract, rule role, naming the acceptors.
func TestRolesBreachedAreContractViolations(t *testing.T) {
	safety, _ := engine.NewCheckers(&splitInfo, engine.Setup{Nodes: 7})
	safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: 1})
	for _, id := range []int{3, 4} {
		safety.Observe(id, checker.Observation{Kind: checker.Accepted, Ballot: checker.Ballot{Round: 1, Node: 1}, Value: 1})
	}
	if _, ok := safety.Chosen(0); !ok {
		t.Fatal("2 of the 3 acceptors accepted, but nothing is chosen")
	}
	if err := splitInfo.CheckRoles(); err != nil {
		t.Fatal(err)
	}
	bad := splitInfo
	bad.Roles = func(int) engine.Roles { return engine.Roles{Proposers: 1 << 1, Acceptors: 1 << 3} }
	if err := bad.CheckRoles(); err == nil {
		t.Fatal("roles without a learner were accepted")
	}
	if _, err := harness.New[splitMsg, struct{}](badRoles{}).Run(splitConfig(), 1, engine.Options{}); err == nil {
		t.Fatal("harness.New took roles without a learner")
	}
}

// badRoles is splitRoles with no learner.
type badRoles struct{ splitRoles }

func (badRoles) Info() engine.Info {
	i := splitInfo
	i.Roles = func(int) engine.Roles { return engine.Roles{Proposers: 1 << 1, Acceptors: 1 << 3} }
	return i
}

// TestSwarmDrawsTheProtocolsSizes: a swarm draws the cluster sizes the
// protocol lists (Info.Nodes), and a client per proposer at most, so that
// every drawn config is valid.
func TestSwarmDrawsTheProtocolsSizes(t *testing.T) {
	info := splitInfo
	for seed := range uint64(200) {
		c := splitConfig().Swarm(&info, seed, nil)
		if c.Nodes != 7 || c.Clients < 1 || c.Clients > 2 {
			t.Fatalf("seed %d drew %d nodes and %d proposers, want 7 nodes and at most 2 proposers", seed, c.Nodes, c.Clients)
		}
		if err := c.Validate(&info); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}
