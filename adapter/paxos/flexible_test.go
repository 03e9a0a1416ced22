package paxos_test

import (
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// flexible is single-decree Paxos with Flexible Paxos's quorums (Howard,
// Malkhi and Spiegelman, 2016) on five replicas: phase 1 waits for q1
// promises, phase 2 and the learners for q2 accepts. declared tells the
// checker so (engine.Info.Quorums); without it the checker counts
// majorities.
type flexible struct {
	paxos.Adapter
	q1, q2   int
	declared bool
}

func (f flexible) Info() engine.Info {
	info := f.Adapter.Info()
	info.Name, info.Nodes = "flexpaxos", []int{5}
	if f.declared {
		info.Quorums = checker.QuorumSizes(func(int) int { return f.q1 }, func(int) int { return f.q2 })
	}
	return info
}

func (f flexible) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	c, err := paxos.NodeConfig(s)
	c.Phase1Quorum, c.Phase2Quorum = f.q1, f.q2
	return protocol.NewNodes(s.Nodes, c), err
}

func flexPaxos(f flexible) *harness.Protocol { return harness.New[protocol.Msg, protocol.Durable](f) }

// fiveNodes is the default campaign's faults on five replicas.
func fiveNodes() *engine.Config {
	c := engine.Default()
	c.Nodes = 5
	c.TornCrash, c.LoseUnsynced = engine.DurabilityRate, engine.DurabilityRate
	return &c
}

// TestFlexibleQuorums: with phase-1 quorums of 4 and phase-2 quorums of 2
// of 5 acceptors, which intersect, Paxos is safe and live, and the
// checker, told the quorums, agrees: no false alarm where two accepts
// choose a value and a core of four heals. Quorums of 3 and 2 need not
// intersect, and the campaign finds two values chosen. Counting majorities
// instead, the checker would call the first protocol's learners wrong.
func TestFlexibleQuorums(t *testing.T) {
	paxtest.Campaign(t, flexPaxos(flexible{q1: 4, q2: 2, declared: true}), paxtest.CampaignOptions{Config: fiveNodes(), Seeds: 300})
	f := paxtest.FindInCampaign(t, flexPaxos(flexible{q1: 3, q2: 2, declared: true}), paxtest.CampaignOptions{Config: fiveNodes(), Seeds: 2000})
	if f == nil {
		t.Fatal("phase-1 quorums of 3 and phase-2 quorums of 2 of 5 need not intersect, but 2,000 seeds found nothing")
	}
	t.Logf("quorums of 3 and 2 of 5: %s in %d seeds", f.Property, f.Cases)
	undeclared := paxtest.FindInCampaign(t, flexPaxos(flexible{q1: 4, q2: 2}), paxtest.CampaignOptions{Config: fiveNodes(), Seeds: 300})
	if undeclared == nil || undeclared.Property == checker.Agreement {
		t.Fatalf("counting majorities, the checker should take a learner of two accepts for one of an unchosen value, not %v", undeclared)
	}
}
