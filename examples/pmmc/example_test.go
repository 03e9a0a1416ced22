package main

import (
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/paxtest"
)

// pmmc is the implementation bound to paxsim, as main binds it.
func pmmc() *harness.Protocol { return harness.New[Msg, State](Adapter{}) }

// TestCampaign runs paxsim's campaign suite on pmmc, in one call: timed
// runs of a few hundred seeds, each with every kind of fault until the
// heal and the healed-core liveness phase after it. Without the bug
// (lastPValueWins), every seed must pass. With it, the test expects a
// campaign to find it: two values chosen in one slot, shrunk to a
// 1-minimal decision trace that `go run . replay` runs.
func TestCampaign(t *testing.T) {
	if !lastPValueWins {
		paxtest.Campaign(t, pmmc(), paxtest.CampaignOptions{})
		return
	}
	// The bug needs one slot accepted in two ballots with two commands,
	// and a third leader that hears of both: five nodes, five clients,
	// and leaders deposed now and then make that common enough.
	c := engine.Default()
	c.Nodes, c.Clients, c.Depose = 5, 5, 0.05
	f := paxtest.FindInCampaign(t, pmmc(), paxtest.CampaignOptions{Seeds: 1000, Config: &c, Properties: lastWins})
	if f == nil {
		t.Fatal("the campaign found no safe-proposal or agreement violation, but pmax lets the last pvalue win (node.go)")
	}
	t.Logf("the campaign broke %s after %d seeds:\n%s", f.Property, f.Cases, f)
}

// TestProperties runs paxsim's property suite: rapid draws the cluster,
// the workload and every scheduling step.
func TestProperties(t *testing.T) {
	if !lastPValueWins {
		paxtest.Properties(t, pmmc(), paxtest.Options{})
		return
	}
	if f := paxtest.Find(t, pmmc(), paxtest.Options{Properties: lastWins}); f != nil {
		t.Logf("rapid broke %s:\n%s", f.Property, f)
	}
}

// lastWins are the properties pmmc's bug breaks: a leader that adopts the
// last pvalue, not the highest, proposes another value in a slot already
// chosen (safe-proposal), which then gets chosen (agreement).
var lastWins = []checker.Property{checker.SafeProposal, checker.Agreement}

// FuzzPMMC is paxsim's fuzz target on pmmc: go test -fuzz FuzzPMMC lets
// the fuzzer's bytes decide every step of a run.
func FuzzPMMC(f *testing.F) { paxtest.Fuzz(f, pmmc(), paxtest.Options{}) }
