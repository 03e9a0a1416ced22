package multipaxos_test

import (
	"testing"

	"github.com/paxsim/paxsim/checker"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
)

func TestDebugLeaderChanges(t *testing.T) {
	var ballots, noops, recovered, dupcmds int
	for seed := 1; seed <= 200; seed++ {
		n := 3 + 2*(seed%2)
		s := setup{nodes: n, seed: uint64(seed), sim: faulty(2000), safety: true}
		c, live := campaign(t, s, 3, 10, 2000, 6000)
		if p, msg := outcome(c, live); p != "" {
			t.Fatalf("seed %d: %s %s", seed, p, msg)
		}
		seen := map[checker.Ballot]bool{}
		for k := range c.accepts {
			seen[k.ballot] = true
		}
		ballots += len(seen)
		ids := map[checker.Value]int{}
		for _, a := range c.log {
			if a.value == mp.NoOp {
				noops++
			}
			ids[a.value]++
		}
		for id, k := range ids {
			if id != mp.NoOp && k > 1 {
				dupcmds++
			}
		}
		byInst := map[int64]map[checker.Value]bool{}
		for k := range c.accepts {
			if byInst[k.instance] == nil {
				byInst[k.instance] = map[checker.Value]bool{}
			}
			byInst[k.instance][k.value] = true
		}
		for _, vs := range byInst {
			if len(vs) > 1 {
				recovered++
			}
		}
	}
	t.Logf("ballots %d, noops %d, instances with 2+ values accepted %d, commands twice in log %d", ballots, noops, recovered, dupcmds)
}
