package scenarios

import (
	"fmt"
	"testing"
)

// mpBenchConfigs are the Multi-Paxos benchmarks' configurations, by name,
// for nodes replicas:
//
//   - campaign: whole seeds as a campaign runs them (3 clients of 4
//     operations, the faults and the default reconfiguration rate
//     until the heal at t=600);
//   - steady: no fault and no reconfiguration, 5 clients of 200 operations
//     each with the least think time: the log's steady state;
//   - faults: long runs under every fault (drops, duplicates,
//     re-deliveries, crashes, partitions, slowdowns) and reconfigurations
//     until the heal at t=20,000, 5 clients of 100 operations spread over
//     the faulty period.
func mpBenchConfigs(nodes int) []struct {
	name string
	cfg  Config
} {
	campaign := mpConfig("none")
	campaign.Nodes = nodes

	steady := Default()
	steady.Protocol, steady.Nodes = MultiPaxos, nodes
	steady.Drop, steady.Dup, steady.Redeliver, steady.Crash, steady.Partition, steady.Slow = 0, 0, 0, 0, 0, 0
	steady.Reconfig = "none"
	steady.Clients, steady.Commands = 5, 200
	steady.ProposeWindow = 0 // think times of 5-6 ticks
	steady.HealAt, steady.Liveness = 1, 1_000_000

	faults := Default()
	faults.Protocol, faults.Nodes = MultiPaxos, nodes
	faults.Drop, faults.Dup, faults.Redeliver, faults.Crash, faults.Partition, faults.Slow = 0.05, 0.02, 0.01, 0.01, 0.01, 0.01
	faults.Clients, faults.Commands = 5, 100
	faults.ProposeWindow = 10_000 // think times of 5-205 ticks
	faults.HealAt, faults.Liveness = 20_000, 20_000

	return []struct {
		name string
		cfg  Config
	}{{"campaign", campaign}, {"steady", steady}, {"faults", faults}}
}

// BenchmarkMultiPaxos measures whole Multi-Paxos runs, setup, checkers and
// the linearizability check included, on one goroutine: committed
// key-value commands and events per wall second, in steady state and
// under faults, with 3 and 5 replicas. On a shared machine wall time
// counts other processes' work too, so it also reports the same rates per
// CPU second of the process (commands/cpu-s, events/cpu-s: every thread,
// the garbage collector's included). One op is one seed; -benchmem's
// allocs/op are per run. A run that fails or does not end decided stops
// the benchmark.
func BenchmarkMultiPaxos(b *testing.B) {
	for _, nodes := range []int{3, 5} {
		for _, bc := range mpBenchConfigs(nodes) {
			b.Run(fmt.Sprintf("%s/nodes=%d", bc.name, nodes), func(b *testing.B) {
				var events, commands, reconfigs, crashes int64
				seed := uint64(0)
				b.ReportAllocs()
				cpu := cpuSeconds()
				for b.Loop() {
					res, err := Run(bc.cfg, seed, Options{})
					if err != nil {
						b.Fatal(err)
					}
					if res.Failed() || res.Stop != StopDecided {
						b.Fatalf("seed %d: stop %s, violations %v", seed, res.Stop, res.Violations)
					}
					events += res.Events
					commands += int64(res.Service.Commands)
					reconfigs += int64(res.Service.Reconfigs)
					crashes += res.Faults()["crash"]
					seed++
				}
				cpu = cpuSeconds() - cpu
				secs := b.Elapsed().Seconds()
				b.ReportMetric(float64(commands)/secs, "commands/s")
				b.ReportMetric(float64(events)/secs, "events/s")
				if cpu > 0 {
					b.ReportMetric(float64(commands)/cpu, "commands/cpu-s")
					b.ReportMetric(float64(events)/cpu, "events/cpu-s")
				}
				b.ReportMetric(float64(events)/float64(seed), "events/run")
				b.ReportMetric(float64(commands)/float64(seed), "commands/run")
				b.ReportMetric(float64(reconfigs)/float64(seed), "reconfigs/run")
				b.ReportMetric(float64(crashes)/float64(seed), "crashes/run")
			})
		}
	}
}

// The benchmarks' configurations run: every seed decides, commits every
// operation, and the faulty ones see faults and reconfigurations.
func TestMultiPaxosBenchConfigs(t *testing.T) {
	for _, nodes := range []int{3, 5} {
		for _, bc := range mpBenchConfigs(nodes) {
			t.Run(fmt.Sprintf("%s/nodes=%d", bc.name, nodes), func(t *testing.T) {
				seeds := uint64(3)
				if bc.name == "campaign" {
					seeds = 20
				}
				var faults, reconfigs int64
				for seed := uint64(0); seed < seeds; seed++ {
					res, err := Run(bc.cfg, seed, Options{})
					if err != nil {
						t.Fatal(err)
					}
					if res.Failed() || res.Stop != StopDecided || res.Linearizability != "ok" {
						t.Fatalf("seed %d: stop %s, linearizability %s, violations %v", seed, res.Stop, res.Linearizability, res.Violations)
					}
					e := bc.cfg.Effective()
					if s := res.Service; s.Commands != e.Clients*e.Commands || s.CaughtUp < nodes-len(res.LeftFaulty) {
						t.Fatalf("seed %d: %+v", seed, *s)
					}
					for _, n := range res.Faults() {
						faults += n
					}
					reconfigs += int64(res.Service.Reconfigs)
				}
				switch {
				case bc.name == "steady" && (faults != 0 || reconfigs != 0):
					t.Errorf("steady state had %d faults and %d reconfigurations", faults, reconfigs)
				case bc.name != "steady" && (faults == 0 || reconfigs == 0):
					t.Errorf("%d faults and %d reconfigurations in %d seeds", faults, reconfigs, seeds)
				}
			})
		}
	}
}
