package paxos_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/model"
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

// flexKnob is single-decree Paxos on n = 4 or 5 replicas whose phase-2
// quorum is a knob, q2 (1 to 4), drawn per run by a swarm; phase 1 waits
// for n+1-q2 promises, so the two always intersect, or, broken, for
// n-q2, which need not. declared tells the checker each run's quorums
// (engine.Info.QuorumsOf); without it the checker counts majorities.
type flexKnob struct {
	paxos.Adapter
	declared, broken bool
}

// quorums are the phase-1 and phase-2 quorum sizes of a run of setup s.
func (f flexKnob) quorums(s engine.Setup) (q1, q2 int) {
	q2 = 2
	if v, ok := s.Params["q2"]; ok {
		q2, _ = strconv.Atoi(v)
	}
	q1 = s.Nodes + 1 - q2
	if f.broken {
		q1--
	}
	return q1, q2
}

func (f flexKnob) Info() engine.Info {
	info := f.Adapter.Info()
	info.Name, info.Nodes = "flexknob", []int{4, 5}
	info.Knobs = append(info.Knobs, engine.Knob{Name: "q2", Usage: "phase-2 quorum `N`", Default: "2",
		Check: func(v string) error {
			if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 4 {
				return fmt.Errorf("%q is not 1..4", v)
			}
			return nil
		},
		Draw: func(intn func(int) int) string { return strconv.Itoa(1 + intn(4)) }})
	if f.declared {
		info.QuorumsOf = func(s engine.Setup) checker.Quorums {
			q1, q2 := f.quorums(s)
			return checker.QuorumSizes(func(int) int { return q1 }, func(int) int { return q2 })
		}
	}
	return info
}

func (f flexKnob) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	c, err := paxos.NodeConfig(s)
	c.Phase1Quorum, c.Phase2Quorum = f.quorums(s)
	return protocol.NewNodes(s.Nodes, c), err
}

// TestQuorumsFromAKnob: a protocol whose quorum sizes are a knob tells
// the checker each run's (engine.Info.QuorumsOf). A swarm campaign drawing
// phase-2 quorums of 1 to 4 of 4 or 5, with phase-1 quorums that
// intersect them, is safe and live, and so is the explorer at q2 = 1 (and
// counting majorities, it finds a learner of one accept wrong);
// with phase-1 quorums one smaller the campaign finds a second value
// proposed over a chosen one; counting majorities instead, the checker
// takes a learner of fewer accepts for one of an unchosen value.
func TestQuorumsFromAKnob(t *testing.T) {
	declared := harness.New[protocol.Msg, protocol.Durable](flexKnob{declared: true})
	paxtest.Campaign(t, declared, paxtest.CampaignOptions{Seeds: 1000})
	check := model.DefaultCheck(declared.Info())
	check.Config.Params, check.Config.Clients = map[string]string{"q2": "1"}, 1
	paxtest.Check(t, declared, paxtest.CheckOptions{Config: &check, NoFollowUps: true})
	undeclaredCheck := paxtest.FindInCheck(t, harness.New[protocol.Msg, protocol.Durable](flexKnob{}), paxtest.CheckOptions{Config: &check, NoFollowUps: true})
	if undeclaredCheck == nil || undeclaredCheck.Property == checker.Agreement {
		t.Errorf("the explorer, counting majorities, should take a learner of one accept for one of an unchosen value, not %v", undeclaredCheck)
	}
	broken := paxtest.FindInCampaign(t, harness.New[protocol.Msg, protocol.Durable](flexKnob{declared: true, broken: true}), paxtest.CampaignOptions{Seeds: 2000})
	if broken == nil || broken.Property == checker.Liveness || broken.Property == checker.ContractProperty {
		t.Errorf("phase-1 quorums that need not meet the phase-2 ones: found %v, want a safety property broken", broken)
	}
	undeclared := paxtest.FindInCampaign(t, harness.New[protocol.Msg, protocol.Durable](flexKnob{}), paxtest.CampaignOptions{Seeds: 1000})
	if undeclared == nil || undeclared.Property == checker.Agreement {
		t.Errorf("counting majorities, the checker should take a learner of fewer accepts for one of an unchosen value, not %v", undeclared)
	}
}
