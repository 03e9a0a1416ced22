package multipaxos_test

import (
	"os"
	"strconv"
	"testing"

	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// harsh is a heavier fault mix than faulty: for the stress run.
func harsh(healAt sim.Time) sim.Config {
	return sim.Config{
		Network: sim.NetworkConfig{DropRate: 0.15, DupRate: 0.1, RedeliverRate: 0.05, Delay: sim.Delay{Dist: sim.LongTail, Min: 1, Max: 10}},
		Faults: sim.FaultConfig{
			CrashRate: 0.03, PartitionRate: 0.03, SlowRate: 0.01,
			Downtime: sim.Range{Min: 20, Max: 600}, PartitionLength: sim.Range{Min: 20, Max: 600},
		},
		HealAt: healAt,
	}
}

// TestStress runs MPSTRESS seeds (default: skipped) of harsh faults, with
// and without reconfigurations.
func TestStress(t *testing.T) {
	seeds, _ := strconv.Atoi(os.Getenv("MPSTRESS"))
	if seeds == 0 {
		t.Skip("set MPSTRESS=N to run N seeds")
	}
	for seed := 1; seed <= seeds; seed++ {
		n := 3 + 2*(seed%2)
		alpha := 1 + seed%8
		s := setup{nodes: n, seed: uint64(seed), sim: harsh(4000), cfg: mp.Config{Alpha: alpha}}
		c, live := campaign(t, s, 5, 20, 4000, 10000)
		if p, msg := outcome(c, live); p != "" {
			t.Errorf("plain seed %d, %d nodes, alpha %d: %s: %s", seed, n, alpha, p, msg)
		}
		for k, views := range [][][]sim.NodeID{largeViews, smallViews} {
			s := setup{nodes: 5, seed: uint64(seed), sim: harsh(4000), cfg: mp.Config{Alpha: alpha}}
			c, live := reconfigCampaign(t, s, views, 4, 15, 4000, 10000)
			if p, msg := outcome(c, live); p != "" {
				t.Errorf("reconfig %d seed %d, alpha %d: %s: %s", k, seed, alpha, p, msg)
			}
		}
	}
}
