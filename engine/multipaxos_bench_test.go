package engine_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/internal/cputime"
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
	cfg  engine.Config
} {
	campaign := mpConfig("none")
	campaign.Nodes = nodes

	steady := config(mpP.Name())
	steady.Nodes = nodes
	steady.Drop, steady.Dup, steady.Redeliver, steady.Crash, steady.Partition, steady.Slow = 0, 0, 0, 0, 0, 0
	steady.Reconfig = "none"
	steady.Clients, steady.Commands = 5, 200
	steady.ProposeWindow = 0 // think times of 5-6 ticks
	steady.HealAt, steady.Liveness = 1, 1_000_000

	faults := config(mpP.Name())
	faults.Nodes = nodes
	faults.Drop, faults.Dup, faults.Redeliver, faults.Crash, faults.Partition, faults.Slow = 0.05, 0.02, 0.01, 0.01, 0.01, 0.01
	faults.Clients, faults.Commands = 5, 100
	faults.ProposeWindow = 10_000 // think times of 5-205 ticks
	faults.HealAt, faults.Liveness = 20_000, 20_000

	return []struct {
		name string
		cfg  engine.Config
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
				cpu, mallocs := cputime.Seconds(), heapAllocs()
				var loop allocMeter
				runner := mpP.NewRunner()
				for b.Loop() {
					res, err := runner.Run(bc.cfg, seed, engine.Options{OnEvent: loop.onEvent})
					if err != nil {
						b.Fatal(err)
					}
					if res.Failed() || res.Stop != engine.StopDecided {
						b.Fatalf("seed %d: stop %s, violations %v", seed, res.Stop, res.Violations)
					}
					events += res.Events
					commands += int64(res.Service.Commands)
					reconfigs += int64(res.Service.Reconfigs)
					crashes += res.Faults()["crash"]
					seed++
				}
				cpu, mallocs = cputime.Seconds()-cpu, heapAllocs()-mallocs
				secs := b.Elapsed().Seconds()
				b.ReportMetric(float64(commands)/secs, "commands/s")
				b.ReportMetric(float64(events)/secs, "events/s")
				if cpu > 0 {
					b.ReportMetric(float64(commands)/cpu, "commands/cpu-s")
					b.ReportMetric(float64(events)/cpu, "events/cpu-s")
				}
				b.ReportMetric(float64(mallocs)/float64(events), "allocs/event")
				if per := loop.perEvent(); loop.events > 0 { // runs of 1,024 events or more
					b.ReportMetric(per, "loop-allocs/event")
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
					res, err := mpP.Run(bc.cfg, seed, engine.Options{})
					if err != nil {
						t.Fatal(err)
					}
					if res.Failed() || res.Stop != engine.StopDecided || res.Linearizability != "ok" {
						t.Fatalf("seed %d: stop %s, linearizability %s, violations %v", seed, res.Stop, res.Linearizability, res.Violations)
					}
					e := bc.cfg.Effective(mpP.Info())
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

// heapAllocs is how many heap objects the process has allocated so far.
func heapAllocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// allocMeter counts the heap allocations of runs' event loops, an
// Options.OnEvent of each: those made from a run's first event to its last
// sampled one (every allocMeterEvery-th), leaving out the run's setup and
// its end (the linearizability check of its history).
type allocMeter struct {
	first, allocs uint64 // the count at the run's first event; the loops' total
	sampled       uint64 // the count at the run's last sample
	runEvents     int64  // the run's events to its last sample
	events        int64  // the loops' total
}

const allocMeterEvery = 1024

func (m *allocMeter) onEvent(event int64, _ uint64) {
	switch {
	case event == 1:
		m.flush()
		m.first, m.sampled, m.runEvents = heapAllocs(), 0, 0
	case event%allocMeterEvery == 0:
		m.sampled, m.runEvents = heapAllocs(), event-1
	}
}

// flush adds the run measured so far to the totals.
func (m *allocMeter) flush() {
	if m.runEvents > 0 {
		m.allocs += m.sampled - m.first
		m.events += m.runEvents
	}
	m.runEvents = 0
}

// perEvent is the allocations per event of the loops measured.
func (m *allocMeter) perEvent() float64 {
	m.flush()
	if m.events == 0 {
		return 0
	}
	return float64(m.allocs) / float64(m.events)
}

// TestMultiPaxosLoopAllocations: in steady state, a Multi-Paxos run's event
// loop (the protocol, the network, the checkers and the clients) makes at
// most 0.1 heap allocations per event. Messages and persisted tails take
// their entries from write-once arenas, the service's appends and the
// clients' values their bytes, instead of a fresh slice or string each.
func TestMultiPaxosLoopAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("measures allocations")
	}
	for _, nodes := range []int{3, 5} {
		cfg := mpBenchConfigs(nodes)[1].cfg // steady
		var m allocMeter
		for seed := range uint64(2) {
			if _, err := mpP.Run(cfg, seed, engine.Options{OnEvent: m.onEvent}); err != nil {
				t.Fatal(err)
			}
		}
		if per := m.perEvent(); per > 0.1 || m.events < 4000 {
			t.Errorf("%d nodes: %d allocations in %d events of the loop: %.3f per event, want <= 0.1", nodes, m.allocs, m.events, per)
		} else {
			t.Logf("%d nodes: %d allocations in %d events of the loop: %.3f per event", nodes, m.allocs, m.events, per)
		}
	}
}

// TestMultiPaxosRetainedHeap: what a long steady run keeps grows with its
// log, by at most 140 bytes an event (3 replicas: their logs, the
// checkers' records of each instance, the clients' history), measured as
// the live heap after a collection at the run's first event and at its
// 150,000th. It was 177: the checkers kept per-(replica, instance) maps,
// indexed every vote in maps of their fields, and coverage kept every
// decided instance.
func TestMultiPaxosRetainedHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap of a long run")
	}
	cfg := mpBenchConfigs(3)[1].cfg // steady
	cfg.Commands = 4000
	const at = 150_000
	var first, last uint64
	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	res, err := mpP.Run(cfg, 1, engine.Options{OnEvent: func(event int64, _ uint64) {
		switch {
		case event == 1 && first == 0:
			first = live()
		case event == at && last == 0:
			last = live()
		}
	}})
	if err != nil || res.Events < at || last == 0 {
		t.Fatalf("%d events (%v): the run is too short to measure", res.Events, err)
	}
	per := float64(int64(last)-int64(first)) / at
	if per > 140 {
		t.Errorf("the live heap grew %d KB in %d events: %.0f B/event, want <= 140", (int64(last)-int64(first))/1024, at, per)
	}
	t.Logf("the live heap grew %d KB in %d events: %.0f B/event", (int64(last)-int64(first))/1024, at, per)
}
