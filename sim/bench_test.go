package sim

import (
	"fmt"
	"github.com/paxsim/paxsim/fingerprint"
	"testing"
)

// benchConfig is the benchmark's network: every fault on.
func benchConfig(nodes int) Config {
	return Config{
		Nodes: nodes,
		Network: NetworkConfig{
			Delay:         Delay{Min: 1, Max: 10},
			DropRate:      0.05,
			DupRate:       0.05,
			RedeliverRate: 0.01,
		},
		Faults: FaultConfig{
			CrashRate:     0.01,
			PartitionRate: 0.01,
			SlowRate:      0.01,
		},
	}
}

// benchOpts keeps the network busy forever: every delivery sends one
// message on (for 20 hops), and each node's timer injects a new message
// every 15-19 ticks, so drops never starve the network and the number of
// messages in flight stays bounded.
func benchOpts() *toyOpts { return &toyOpts{TTL: 20, Inject: 15, Jitter: 5, Kickoff: true} }

// BenchmarkWorld measures the event loop with toy nodes under every fault.
// One op is one event (one Step), so allocs/op is allocations per event.
func BenchmarkWorld(b *testing.B) {
	for _, nodes := range []int{3, 5} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			w := newToyWorld(b, benchConfig(nodes), NewRandom(1), benchOpts(), nil)
			runSteps(w, 20000) // warm up: the queue and history reach steady size
			start := w.Events()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if !w.Step() {
					b.Fatal("the world ran out of events")
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(w.Events()-start)/float64(b.N), "counted/op")
		})
	}
}

// BenchmarkWorldFIFO is BenchmarkWorld on FIFO links.
func BenchmarkWorldFIFO(b *testing.B) {
	w := newToyWorld(b, fifoConfig(benchConfig(3)), NewRandom(1), benchOpts(), nil)
	runSteps(w, 20000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if !w.Step() {
			b.Fatal("the world ran out of events")
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkWorldReliable is BenchmarkWorld without faults: the cost of the
// loop itself.
func BenchmarkWorldReliable(b *testing.B) {
	w := newToyWorld(b, Config{Nodes: 3}, NewRandom(1), benchOpts(), nil)
	runSteps(w, 20000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w.Step()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkQueue is the floor to compare against: a bare typed heap with a
// steady population, one pop and one push per op.
func BenchmarkQueue(b *testing.B) {
	var q queue[toyMsg]
	var seq uint64
	x := uint64(1)
	for range 256 {
		seq++
		x = fingerprint.Mix64(x)
		q.push(&event[toyMsg]{at: Time(x % 10), seq: seq, kind: EventDeliver})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		e := q.pop()
		seq++
		x = fingerprint.Mix64(x)
		e.at += 1 + Time(x%10)
		e.seq = seq
		q.push(&e)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkTraced shows what the readable trace costs.
func BenchmarkTraced(b *testing.B) {
	w := newToyWorld(b, benchConfig(3), NewRandom(1), benchOpts(), nil)
	var lines int
	w.SetTracer(func(e TraceEntry) {
		if len(e.String()) > 0 {
			lines++
		}
	})
	runSteps(w, 20000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w.Step()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// TestNoAllocsPerEvent: in steady state, with no tracer, delivering
// messages allocates nothing. With faults on, the only allocations left are
// the rare restarts (NewNode builds a node) and partition bookkeeping.
func TestNoAllocsPerEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("measures allocations")
	}
	for _, tc := range []struct {
		name     string
		cfg      Config
		perEvent float64 // bound on allocations per event
	}{
		{"reliable", Config{Nodes: 3}, 0},
		{"faults-3", benchConfig(3), 0.01},
		{"faults-5", benchConfig(5), 0.01},
		{"fifo-5", fifoConfig(benchConfig(5)), 0.01},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newToyWorld(t, tc.cfg, NewRandom(7), benchOpts(), nil)
			runSteps(w, 10000)
			const steps = 1000
			delivered := w.Stats().Delivered
			// AllocsPerRun divides by its run count with integer division:
			// count all the allocations of 1000 steps in one run instead.
			allocs := testing.AllocsPerRun(1, func() { runSteps(w, steps) })
			if w.Stats().Delivered == delivered {
				t.Fatal("nothing delivered")
			}
			// (AllocsPerRun runs the function once more first, unmeasured.)
			if per := allocs / steps; per > tc.perEvent {
				t.Errorf("%v allocations in %d steps: %.4f per event, want <= %v", allocs, steps, per, tc.perEvent)
			}
		})
	}
}
