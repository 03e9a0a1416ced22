package campaign

import (
	"slices"
	"testing"

	"github.com/paxsim/paxsim/engine"
)

// TestCoverageOfRolesOnSeparateNodes: a run with one proposer cannot see a
// leader re-elected after another deposed it, nor one with a single
// learner a heal that leaves out every learner that learned; both are
// expected of a run whose roles allow them, as of every node playing
// every part.
func TestCoverageOfRolesOnSeparateNodes(t *testing.T) {
	reelected := slices.Index(engine.Sometimes, "reelected_with_old_messages_in_flight")
	informed := slices.Index(engine.Sometimes, "only_informed_outside_core")
	layout := func(proposers, learners int) *engine.Info {
		return &engine.Info{Name: "split", Workload: engine.Workload{Kind: engine.Consensus, Clients: 1, Commands: 1},
			Roles: func(n int) engine.Roles {
				all := uint64(1)<<uint(n+1) - 2
				return engine.Roles{Proposers: all >> uint(n-proposers) &^ 1, Acceptors: all, Learners: all &^ (all >> uint(learners))}
			}}
	}
	c := engine.Default()
	c.Protocol, c.Nodes, c.Clients, c.Depose, c.Lag, c.LongDelay = "split", 5, 1, 0.01, 0.01, 0.01
	for _, tt := range []struct {
		info                *engine.Info
		reelected, informed bool
	}{
		{layout(1, 1), false, false},
		{layout(2, 3), true, true},
		{&engine.Info{Name: "split", Workload: engine.Workload{Kind: engine.Consensus, Clients: 1, Commands: 1}}, true, true},
	} {
		e := expectedSometimes(tt.info, c)
		if e[reelected] != tt.reelected || e[informed] != tt.informed {
			t.Errorf("roles %+v: expects a re-election %v and an informed heal %v, want %v and %v",
				tt.info.RolesOf(5), e[reelected], e[informed], tt.reelected, tt.informed)
		}
	}
}
