package model

import (
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// forgetfulNode is a replica that never persists its round: after every
// handler it overwrites its durable state with the zero value. Without
// crashes nothing reads that state back, so it behaves as a replica does;
// a ballot bound read from durable state would never cut its retries.
type forgetfulNode struct{ *protocol.Node }

func (f *forgetfulNode) Start(env *protocol.Env) {
	f.Node.Start(env)
	env.Persist(protocol.Durable{})
}

func (f *forgetfulNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	f.Node.Deliver(env, from, m)
	env.Persist(protocol.Durable{})
}

func (f *forgetfulNode) Fire(env *protocol.Env, tag sim.TimerTag) {
	f.Node.Fire(env, tag)
	env.Persist(protocol.Durable{})
}

func (f *forgetfulNode) CloneInto(dst paxosNode) paxosNode {
	var inner paxosNode
	if d, ok := dst.(*forgetfulNode); ok && d != nil {
		inner = d.Node
	}
	return &forgetfulNode{f.Node.CloneInto(inner).(*protocol.Node)}
}

// forgetful is single-decree Paxos whose replicas never persist.
type forgetful struct{ paxos.Adapter }

func (a forgetful) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	inner, err := a.Adapter.NewNodes(s)
	return func(id sim.NodeID, d protocol.Durable) paxosNode {
		return &forgetfulNode{inner(id, d).(*protocol.Node)}
	}, err
}

// TestBallotBoundIsObserved: the ballot bound comes from the ballots the
// world shows (messages and observations), not from durable state: a
// protocol that never persists its round, retrying with ever higher
// ballots on its timers, is searched completely, to the states the
// protocol that persists reaches; and no state of the search holds a
// message above the bound.
func TestBallotBoundIsObserved(t *testing.T) {
	c := smallCheck(engine.Correct, 3, 1, 1, false)
	opts := explore.Options{MaxMemory: 1 << 30}
	want := mustCheck(t, paxos.Adapter{}, c, opts)
	got := mustCheck(t, forgetful{}, c, opts)
	if !got.Complete || got.Verdict != explore.VerdictOK || got.Distinct != want.Distinct || got.Depth != want.Depth {
		t.Fatalf("never persisting: %+v; persisting: %+v", countsOfReport(got), countsOfReport(want))
	}
	m := newPaxosModel(t, c)
	seen := 0
	opts.Workers = 1 // boundWatch counts
	res, err := explore.Run[*paxosState](boundWatch{m, t, &seen}, opts)
	if err != nil || !res.Complete || seen == 0 {
		t.Fatalf("%v, complete %v, %d states looked at", err, res.Complete, seen)
	}
}

// boundWatch is a model whose every successor is checked against the
// ballot bound.
type boundWatch struct {
	*paxosModel
	t    *testing.T
	seen *int
}

func (b boundWatch) Next(s *paxosState, emit func(*paxosState)) {
	b.paxosModel.Next(s, func(next *paxosState) {
		live := b.live(next, b.newState())
		live.world.EachInFlight(func(m *protocol.Msg) bool {
			if int(m.CarriedBallot().Round) > b.maxBallot {
				b.t.Errorf("a state holds %s, above the bound %d", m, b.maxBallot)
			}
			return true
		})
		*b.seen++
		emit(next)
	})
}

// NextStutters is Next: every successor is looked at.
func (b boundWatch) NextStutters(s *paxosState, emit func(*paxosState), _ func()) {
	b.Next(s, emit)
}
