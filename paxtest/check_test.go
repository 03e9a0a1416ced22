package paxtest_test

import (
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/paxtest"
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
	res, err := p.Replay(f.Trace, engine.Options{})
	if err != nil || !res.Failed() || res.Violations[0].Property != f.Property {
		t.Fatalf("the finding's trace does not replay to %s (err %v, violations %v):\n%s", f.Property, err, res.Violations, f)
	}
	o.NoFollowUps = true
	if f := paxtest.FindInCheck(t, p, o); f != nil {
		t.Fatalf("the crash-free search alone found:\n%s", f)
	}
}
