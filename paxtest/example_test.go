package paxtest_test

import (
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/paxtest"
)

// A user's test file puts their protocol under every property suite, one
// call each. myPaxos stands for the user's own binding,
// harness.New[mypaxos.Msg, mypaxos.State](mypaxos.Adapter{}); paxsim's
// single-decree Paxos plays it here.
func Example() {
	myPaxos := builtin.Paxos

	// In mypaxos_test.go:
	_ = func(t *testing.T) { paxtest.Properties(t, myPaxos(), paxtest.Options{}) }
	_ = func(f *testing.F) { paxtest.Fuzz(f, myPaxos(), paxtest.Options{}) }
	_ = func(t *testing.T) { paxtest.Campaign(t, myPaxos(), paxtest.CampaignOptions{}) }
}

// Properties checks every property on schedules rapid draws; Options
// narrow or widen the search.
func ExampleProperties() {
	_ = func(t *testing.T) { // func TestMultiPaxos(t *testing.T)
		paxtest.Properties(t, builtin.MultiPaxos(), paxtest.Options{Checks: 1000, MaxNodes: 3})
	}
}

// A test that expects a bug asserts what Find finds: here, that the
// variant that ignores the values promises report breaks agreement, with
// a counterexample of a few steps.
func ExampleFind() {
	_ = func(t *testing.T) { // func TestIgnorePromisedValuesIsCaught(t *testing.T)
		f := paxtest.Find(t, builtin.Paxos(), paxtest.Options{Variant: "ignore-promised-values", Checks: 100_000})
		if f == nil || f.Property != "agreement" {
			t.Fatalf("want an agreement violation, found %v", f)
		}
		t.Logf("%d steps:\n%s", f.Steps, f.Trace)
	}
}

// A fuzz target in one line; go test -fuzz FuzzMyPaxos runs it.
func ExampleFuzz() {
	_ = func(f *testing.F) { // func FuzzMyPaxos(f *testing.F)
		paxtest.Fuzz(f, builtin.Paxos(), paxtest.Options{})
	}
}

// A campaign of timed runs, each judged with the healed-core liveness
// phase; FindInCampaign, for a test that expects a bug, returns the first
// failure instead.
func ExampleCampaign() {
	_ = func(t *testing.T) { // func TestMultiPaxosCampaign(t *testing.T)
		paxtest.Campaign(t, builtin.MultiPaxos(), paxtest.CampaignOptions{Seeds: 500})
		if f := paxtest.FindInCampaign(t, builtin.MultiPaxos(), paxtest.CampaignOptions{Variant: "no-dedup"}); f == nil {
			t.Fatal("no-dedup passed a campaign")
		}
	}
}
