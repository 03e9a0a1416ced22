package paxtest_test

import (
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/paxtest"
)

// paxsim's own suites, through the calls a user's test makes.

// TestPaxosProperties: no schedule rapid draws breaks a property of the
// correct single-decree protocol: agreement, validity and learner
// integrity; the checker's early checks (a promise reports what its
// acceptor accepted, one value per ballot, promises never decrease);
// linearizability of the clients' history, Propose(v) returning the
// decided value; the observation contract; and, once every fault heals,
// liveness: a value is chosen and every replica of the healed core learns
// it within the bound, judged on every run. 10,000 cases (a million with
// PAXSIM_LONG=1); rapid first replays the regression fail file in
// testdata/rapid/TestPaxosProperties.
func TestPaxosProperties(t *testing.T) {
	paxtest.Properties(t, builtin.Paxos(), paxtest.Options{Checks: 10_000})
}

// TestMultiPaxosProperties: no schedule rapid draws breaks a property of
// the correct Multi-Paxos: per-instance agreement, validity and learner
// integrity; log and state consistency and exactly-once; liveness after
// the heal (every operation answered, every replica of the core caught
// up); and the clients' key-value history is linearizable. A case is a
// whole run of the key-value service: fewer than a single decree's.
func TestMultiPaxosProperties(t *testing.T) {
	paxtest.Properties(t, builtin.MultiPaxos(), paxtest.Options{Checks: 2_000})
}

// TestCampaigns: timed runs of the correct protocols, every fault drawn
// by the seed (reconfigurations too, for Multi-Paxos), pass with the
// healed-core liveness phase judged on each: the README's main job, 20,000
// swarm seeds, each protocol's in some 10 s (a bug that a campaign finds
// once in a few thousand seeds fails go test too).
func TestCampaigns(t *testing.T) {
	for _, p := range builtin.Protocols() {
		t.Run(p.Name(), func(t *testing.T) {
			paxtest.Campaign(t, p, paxtest.CampaignOptions{Seeds: 20_000})
		})
	}
}
