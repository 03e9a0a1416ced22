package multipaxos_test

import (
	"testing"

	"github.com/paxsim/paxsim/sim"
)

// campaignSeeds is how many seeds TestSafeAndLiveUnderFaults runs (a
// quarter under -short).
const campaignSeeds = 200

// TestSafeAndLiveUnderFaults runs the correct protocol through drops,
// duplicates, crashes and partitions on many seeds, three and five
// replicas, with three clients each sending ten commands to random
// replicas and retrying elsewhere on timeouts. No checker may report a
// violation, and once the faults heal every client must be served and
// every replica must catch up on the whole log.
func TestSafeAndLiveUnderFaults(t *testing.T) {
	seeds := campaignSeeds
	if testing.Short() {
		seeds /= 4
	}
	var instances, retries int
	var stats [sim.NumFaultKinds]int64
	for seed := 1; seed <= seeds; seed++ {
		n := 3 + 2*(seed%2)
		s := setup{nodes: n, seed: uint64(seed), sim: faulty(2000)}
		c, live := campaign(t, s, 3, 10, 2000, 6000)
		if p, msg := outcome(c, live); p != "" {
			t.Fatalf("seed %d, %d nodes: %s: %s", seed, n, p, msg)
		}
		instances += len(c.log)
		for _, cl := range c.clients {
			retries += cl.retries
		}
		for k, v := range c.w.Stats().Faults {
			stats[k] += v
		}
	}
	t.Logf("%d seeds: %d instances applied, %d client retries; faults:", seeds, instances, retries)
	for k, v := range stats {
		t.Logf("  %s: %d", sim.FaultKind(k), v)
	}
}

// TestEveryFaultKindAlone runs one kind of fault at a time, harder, so
// that a failure names its cause.
func TestEveryFaultKindAlone(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  sim.Config
	}{
		{"drops", sim.Config{Network: sim.NetworkConfig{DropRate: 0.3}}},
		{"duplicates", sim.Config{Network: sim.NetworkConfig{DupRate: 0.3, RedeliverRate: 0.1}}},
		{"long-tail delays", sim.Config{Network: sim.NetworkConfig{Delay: sim.Delay{Dist: sim.LongTail, Min: 1, Max: 20}}}},
		{"crashes", sim.Config{Faults: sim.FaultConfig{CrashRate: 0.03, Downtime: sim.Range{Min: 20, Max: 600}}}},
		{"partitions", sim.Config{Faults: sim.FaultConfig{PartitionRate: 0.03, PartitionLength: sim.Range{Min: 20, Max: 600}}}},
		{"slow nodes", sim.Config{Faults: sim.FaultConfig{SlowRate: 0.02}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for seed := uint64(1); seed <= 10; seed++ {
				cfg := tt.cfg
				cfg.HealAt = 3000
				c, live := campaign(t, setup{nodes: 5, seed: seed, sim: cfg}, 3, 15, 3000, 6000)
				if p, msg := outcome(c, live); p != "" {
					t.Fatalf("seed %d: %s: %s", seed, p, msg)
				}
			}
		})
	}
}
