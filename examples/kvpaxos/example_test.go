package main

import (
	"slices"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/paxtest"
)

// kvpaxos is the implementation bound to paxsim, as main binds it.
func kvpaxos() *harness.Protocol { return harness.New[Msg, State](Adapter{}) }

// TestCampaignFindsTheBug runs paxsim's campaign suite on kvpaxos, in one
// call: timed runs of a few hundred seeds, each with every kind of fault
// until the heal and the healed-core liveness phase after it. kvpaxos has
// a known bug (node.go), and the test expects the campaign to find it: a
// leader that proposes another value in a slot already chosen
// (safe-proposal), or two values chosen in one slot (agreement). It prints
// the counterexample, shrunk to a 1-minimal decision trace that
// `go run . replay` runs.
func TestCampaignFindsTheBug(t *testing.T) {
	f := paxtest.FindInCampaign(t, kvpaxos(), paxtest.CampaignOptions{Properties: lostSlots})
	if f == nil {
		t.Fatal("the campaign found no safe-proposal or agreement violation, but kvpaxos's promises lose decided slots (node.go)")
	}
	t.Logf("the campaign broke %s in %d seeds:\n%s", f.Property, f.Cases, f)
}

// lostSlots are the properties kvpaxos's bug breaks: a slot chosen but
// left out of a promise gets another value proposed (safe-proposal, at
// once), and then chosen (agreement).
var lostSlots = []checker.Property{checker.SafeProposal, checker.Agreement}

// FuzzKVPaxos is paxsim's fuzz target on kvpaxos, in one call: go test
// runs its seed corpus, and go test -fuzz FuzzKVPaxos searches schedules,
// the fuzzer's bytes deciding every step; it keeps a failing input in
// testdata/fuzz/FuzzKVPaxos, which go test then runs (and fails) until the
// bug is fixed.
func FuzzKVPaxos(f *testing.F) { paxtest.Fuzz(f, kvpaxos(), paxtest.Options{}) }

// TestCheckFindsTheBug runs paxsim's exhaustive search on kvpaxos, in one
// call, as `go run . check` does: every interleaving of three replicas'
// steps within the search's bounds, breadth first, then its follow-up
// searches. It expects the bug, with its shortest counterexample.
func TestCheckFindsTheBug(t *testing.T) {
	f := paxtest.FindInCheck(t, kvpaxos(), paxtest.CheckOptions{NoFollowUps: true})
	if f == nil || !slices.Contains(lostSlots, f.Property) {
		t.Fatalf("the search found %v, but kvpaxos's promises lose decided slots (node.go): want a safe-proposal or agreement violation", f)
	}
	t.Logf("the search broke %s in %d steps:\n%s", f.Property, f.Steps, f)
}
