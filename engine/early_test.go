package engine_test

import (
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// staleCounting is single-decree Paxos with a proposer that counts a
// phase-2b reply to an earlier ballot of its own toward its current one:
// its check of the reply's ballot relaxed to "one of mine". Each replica
// relabels such a reply with the latest ballot of its own it heard a
// reply to, and the proposer takes it as a vote of that ballot.
type staleCounting struct{ paxos.Adapter }

func (a staleCounting) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	f, err := a.Adapter.NewNodes(s)
	if err != nil {
		return nil, err
	}
	return func(id sim.NodeID, d protocol.Durable) sim.Node[protocol.Msg, protocol.Durable, checker.Observation] {
		return &staleCountingNode{Node: f(id, d), id: int32(id)}
	}, nil
}

type staleCountingNode struct {
	sim.Node[protocol.Msg, protocol.Durable, checker.Observation]
	id   int32
	mine checker.Ballot // the latest ballot of its own a Promise or Accepted answered
}

func (n *staleCountingNode) Deliver(env *sim.Env[protocol.Msg, protocol.Durable, checker.Observation], from sim.NodeID, m protocol.Msg) {
	if (m.Type == protocol.Promise || m.Type == protocol.Accepted) && m.Ballot.Node == n.id {
		switch {
		case n.mine.Less(m.Ballot):
			n.mine = m.Ballot
		case m.Type == protocol.Accepted && m.Ballot.Less(n.mine):
			m.Ballot = n.mine // the bug: counted toward the current ballot
		}
	}
	n.Node.Deliver(env, from, m)
}

// TestChosenIntegrityCatchesAStaleCount: the stale-counting proposer is
// reported by chosen-integrity, at the claim it makes, in every failing
// seed of a campaign with long delays and re-deliveries (which bring old
// replies back). Without that check the same seeds fail later or not at
// all: the value it claims is chosen, in another ballot, so learner
// integrity holds, and what shows is a liveness failure at the deadline.
func TestChosenIntegrityCatchesAStaleCount(t *testing.T) {
	a := staleCounting{}
	info := a.Info()
	without := info
	for _, p := range checker.AllProperties() {
		if p != checker.ChosenIntegrity {
			without.Properties = append(without.Properties, p)
		}
	}
	c := engine.Default()
	c.Protocol = info.Name
	c.Drop, c.Dup, c.Crash, c.Partition, c.Delay, c.Redeliver = 0.1, 0.05, 0.01, 0.01, "tail:1-60", 0.05
	failing := 0
	for seed := range uint64(400) {
		res, err := engine.Run(a, &info, c, seed, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Failed() {
			continue
		}
		failing++
		early := res.Violations[0]
		if early.Property != checker.ChosenIntegrity {
			t.Fatalf("seed %d: first %v, want %s", seed, &early, checker.ChosenIntegrity)
		}
		late, _ := engine.Run(a, &without, c, seed, engine.Options{})
		if late.Failed() && late.Violations[0].Event <= early.Event {
			t.Fatalf("seed %d: %s at event %d, but without it %v", seed, early.Property, early.Event, &late.Violations[0])
		}
	}
	if failing == 0 {
		t.Fatal("no seed failed")
	}
}
