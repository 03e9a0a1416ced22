// Package paxos adapts paxsim's reference single-decree Paxos (package
// protocol) to the harness: the engine.Protocol that `--protocol paxos`
// runs, registered exactly as a user's own protocol is.
package paxos

import (
	"fmt"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// Name is the protocol's name, what --protocol selects.
const Name = "paxos"

// Adapter is single-decree Paxos as an engine.Protocol: every replica is
// proposer, acceptor and learner; clients of a consensus object propose
// their values to distinct replicas.
type Adapter struct{}

var (
	_ engine.Protocol[protocol.Msg, protocol.Durable] = Adapter{}
	_ engine.Explorer[protocol.Durable]               = Adapter{}
)

// Info describes single-decree Paxos.
func (Adapter) Info() engine.Info {
	info := engine.Info{
		Name:     Name,
		Summary:  "single-decree Paxos: every replica proposer, acceptor and learner of one value",
		Workload: engine.Workload{Kind: engine.Consensus, Clients: 2, Commands: 1},
		Timers:   []string{"retry", "learn"},
		Assertions: []engine.Assertion{
			{Name: protocol.AssertPhase2OnQuorum, Kind: sim.AssertAlways},
			{Name: protocol.AssertAdoptedReported, Kind: sim.AssertSometimes, Needs: []string{engine.Contention}},
			{Name: protocol.AssertReaccepted, Kind: sim.AssertSometimes, Needs: []string{engine.Contention}},
			{Name: protocol.AssertLearnerBallot, Kind: sim.AssertReachable, Needs: []string{"crash", "partition"}},
		},
	}
	for _, v := range protocol.Variants() {
		info.Variants = append(info.Variants, engine.Variant{Name: v.Name, Summary: v.Summary, Breaks: v.Breaks})
	}
	return info
}

// NewNodes builds the replicas. Their timeouts scale with the network's
// delays: a retry sooner than a round trip would only duel. In the
// explorer, learners run no ballots of their own (they exist for
// liveness, which the explorer does not judge, and would make every
// replica a proposer: 14 times the states at the default bounds).
func (Adapter) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	c, err := NodeConfig(s)
	if err != nil {
		return nil, err
	}
	return protocol.NewNodes(s.Nodes, c), nil
}

// NodeConfig is the replicas' configuration for a run's setup: the
// variant, and timeouts that scale with the network's delays.
func NodeConfig(s engine.Setup) (protocol.Config, error) {
	v, err := protocol.LookupVariant(s.Variant)
	if err != nil {
		return protocol.Config{}, err
	}
	return protocol.Config{
		Variant:          v,
		RetryTicks:       max(50, 4*s.MaxDelay),
		LearnTicks:       max(100, 8*s.MaxDelay),
		NoLearnerBallots: s.Explore,
	}, nil
}

// Request is client r.Client's proposal of its value.
func (Adapter) Request(r engine.Request) (protocol.Msg, checker.Value) {
	return protocol.Msg{Type: protocol.Request, Client: int32(r.Client), Value: r.Op.Proposal}, r.Op.Proposal
}

// Answer recognises a replica's answer to a client: the value decided.
func (Adapter) Answer(o checker.Observation) (engine.Answer, bool) {
	if o.Kind != checker.Returned {
		return engine.Answer{}, false
	}
	return engine.Answer{Client: o.Client, Seq: 1, Value: o.Value}, true
}

// DescribeDurable words what a replica persisted: its promise, its
// accepted (ballot, value) and, once it learned, the value.
func (Adapter) DescribeDurable(d protocol.Durable) string {
	s := fmt.Sprintf("promised %s, accepted (%s, %s)", d.Promised, d.AcceptedBallot, d.AcceptedValue)
	if d.Learned != checker.None {
		s += ", learned " + d.Learned.String()
	}
	return s
}

// Symmetric: without learners' ballots, only replicas a client asked
// propose, and the others are interchangeable.
func (Adapter) Symmetric() bool { return true }

// ExploreTimer: the explorer fires both timers.
func (Adapter) ExploreTimer(sim.TimerTag, bool) bool { return true }

// MaxDepth: no depth bound; the default bounds hold 317,716 states.
func (Adapter) MaxDepth() int { return 0 }

// ParseMessage reads a message as protocol.Msg.String writes it.
func (Adapter) ParseMessage(text string) (protocol.Msg, error) { return protocol.ParseMsg(text) }
