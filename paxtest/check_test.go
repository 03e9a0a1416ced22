package paxtest_test

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// noTimers is a small search of single-decree Paxos: three replicas, two
// proposers, no timers (16,249 states to the whole space).
func noTimers() *model.CheckConfig {
	c := model.DefaultCheck(builtin.Paxos().Info())
	c.NoTimers = true
	return &c
}

// TestCheckPassesTheCorrectProtocol: the search of the correct protocol,
// and its follow-ups within a small budget, find nothing.
func TestCheckPassesTheCorrectProtocol(t *testing.T) {
	paxtest.Check(t, builtin.Paxos(), paxtest.CheckOptions{Config: noTimers(), MaxStates: 20_000})
	if f := paxtest.FindInCheck(t, builtin.Paxos(), paxtest.CheckOptions{Config: noTimers(), NoFollowUps: true}); f != nil {
		t.Fatalf("the correct protocol:\n%s", f)
	}
}

// TestDefaultCheckOfEachProtocol: each of paxsim's protocols passes the
// search a bare `paxsim check --protocol P` runs, its follow-ups included
// (one crash, messages to self through the network, a restart, an even
// cluster, a round more, the timers, an election, a reconfiguration, as
// the protocol takes them). A change to a
// protocol that any of them can tell from a correct one fails here with
// its shortest counterexample, as it would in a user's go test.
func TestDefaultCheckOfEachProtocol(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the default searches take seconds each")
	}
	for _, p := range builtin.Protocols() {
		t.Run(p.Name(), func(t *testing.T) { paxtest.Check(t, p, paxtest.CheckOptions{}) })
	}
}

// TestFindInCheckFindsWhatACrashShows: a protocol that replies before it
// persists is safe in every crash-free state; the crash follow-up finds
// it, and the finding's trace replays to the same property. The first
// search alone does not.
func TestFindInCheckFindsWhatACrashShows(t *testing.T) {
	p := builtin.Paxos()
	o := paxtest.CheckOptions{Variant: "reply-before-persist", Config: noTimers(), MaxStates: 20_000}
	f := paxtest.FindInCheck(t, p, o)
	if f == nil || f.Property != checker.PromiseMonotonicity {
		t.Fatalf("reply-before-persist: got %v, want a promise-monotonicity violation", f)
	}
	if f.Violation.Event != int64(f.Steps) {
		t.Fatalf("the violation is placed at event #%d, not at the path's last step (%d)", f.Violation.Event, f.Steps)
	}
	res, err := p.Replay(f.Trace, engine.Options{})
	if err != nil || !res.Failed() || res.Violations[0].Property != f.Property {
		t.Fatalf("the finding's trace does not replay to %s (err %v, violations %v):\n%s", f.Property, err, res.Violations, f)
	}
	o.NoFollowUps = true
	if f := paxtest.FindInCheck(t, p, o); f != nil {
		t.Fatalf("the crash-free search alone found:\n%s", f)
	}
}

// forgetful is single-decree Paxos whose proposers forget their round on
// a restart, as one that persists it late (or never) does: the restarted
// replica reuses its last ballot, with whatever value a client now asks.
type forgetful struct{ paxos.Adapter }

func (f forgetful) Info() engine.Info {
	info := f.Adapter.Info()
	info.Name = "forgetful"
	return info
}

func (f forgetful) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	newNode, err := f.Adapter.NewNodes(s)
	return func(id sim.NodeID, d protocol.Durable) sim.Node[protocol.Msg, protocol.Durable, checker.Observation] {
		d.Round = 0
		return newNode(id, d)
	}, err
}

// TestFindInCheckFindsABallotReusedAfterARestart: a proposer that forgets
// its round reuses its ballot after a restart. Only the restart follow-up
// shows it (a proposer asked by both clients, its messages to itself in
// flight, one crash): promises to its first incarnation count for the
// second, which proposes another value in the same ballot.
func TestFindInCheckFindsABallotReusedAfterARestart(t *testing.T) {
	p := harness.New[protocol.Msg, protocol.Durable](forgetful{})
	f := paxtest.FindInCheck(t, p, paxtest.CheckOptions{Config: noTimers(), MaxStates: 50_000})
	if f == nil || f.Property != checker.OneValuePerBallot {
		t.Fatalf("a ballot reused after a restart: got %v, want a one-value-per-ballot violation", f)
	}
	if !strings.Contains(f.String(), "restart: a follow-up search") {
		t.Errorf("found, but not by the restart follow-up:\n%s", f)
	}
	res, err := p.Replay(f.Trace, engine.Options{})
	if err != nil || !res.Failed() {
		t.Fatalf("the finding's trace does not replay to a violation (err %v):\n%s", err, f)
	}
}

// TestFindInCheckFindsItsOwnVoteCountedTwice: a proposer that counts
// accepted replies, not acceptors (count-duplicates), is safe in every
// state of the first search, where a replica's messages to itself are
// calls that happen once; the self-sends follow-up sends them through the
// network, where its own Accepted may arrive twice, and finds it.
func TestFindInCheckFindsItsOwnVoteCountedTwice(t *testing.T) {
	p := builtin.Paxos()
	o := paxtest.CheckOptions{Variant: "count-duplicates", Config: noTimers(), MaxStates: 20_000}
	f := paxtest.FindInCheck(t, p, o)
	if f == nil || !strings.Contains(f.String(), "self-sends: a follow-up search") {
		t.Fatalf("count-duplicates: got %v, want a violation the self-sends follow-up finds", f)
	}
	o.NoFollowUps = true
	if f := paxtest.FindInCheck(t, p, o); f != nil {
		t.Fatalf("the first search alone found:\n%s", f)
	}
}
