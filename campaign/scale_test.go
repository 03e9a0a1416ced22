package campaign

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"
)

// BenchmarkCampaignWorkers measures a campaign's seeds per second on one
// worker and on two: the second should run nearly twice as many on two
// free cores (workers share nothing but a seed counter and merge their
// tallies at the end).
// gogc=400 is what paxsim campaign runs with (GCPercent).
func BenchmarkCampaignWorkers(b *testing.B) {
	for _, tt := range []struct{ gogc, workers int }{{100, 1}, {100, 2}, {GCPercent, 1}, {GCPercent, 2}} {
		workers := tt.workers
		b.Run(fmt.Sprintf("gogc=%d/workers=%d", tt.gogc, workers), func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(tt.gogc))
			var seeds, events int64
			for b.Loop() {
				s, err := Run(context.Background(), Options{Protocol: protocolOf(faulty()), Config: faulty(), Start: uint64(seeds), Seeds: 5000, Workers: workers})
				if err != nil {
					b.Fatal(err)
				}
				seeds += int64(s.Seeds)
				events += s.Events
			}
			b.ReportMetric(float64(seeds)/b.Elapsed().Seconds(), "seeds/s")
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// TestCampaignMemoryIsFlat samples the live heap while a campaign runs:
// it must not grow with the seeds run, since a campaign keeps counts and
// failures, not per-seed results. Keeping even 8 bytes a seed would grow
// it by 480 KiB over these 60,000 seeds.
func TestCampaignMemoryIsFlat(t *testing.T) {
	if os.Getenv("PAXSIM_SCALE") == "" {
		t.Skip("a heap measurement, noisy on a busy machine: PAXSIM_SCALE=1 go test ./campaign -run MemoryIsFlat")
	}
	const seeds = 60000
	type sample struct {
		done uint64
		heap uint64
	}
	var mu sync.Mutex
	var samples []sample
	_, err := Run(context.Background(), Options{Protocol: protocolOf(faulty()), Config: faulty(), Seeds: seeds, Workers: 2, ProgressEvery: 20 * time.Millisecond,
		Progress: func(p Progress) {
			runtime.GC()
			runtime.GC() // and what sync.Pools kept through the first
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			mu.Lock()
			samples = append(samples, sample{p.Done, m.HeapAlloc})
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	// A sample sees the runs in progress too, whose garbage-free heap
	// varies by megabytes with their size: compare the floors, the least
	// heap over the early samples and over the late ones. What a campaign
	// kept would raise the floor.
	var early, late []sample
	for _, s := range samples {
		switch {
		case s.done >= seeds/10 && s.done < seeds*4/10:
			early = append(early, s)
		case s.done >= seeds*7/10 && s.done < seeds:
			late = append(late, s)
		}
	}
	if len(early) < 3 || len(late) < 3 {
		t.Skipf("too few samples while the campaign ran (%d): the machine is too slow or too fast", len(samples))
	}
	floor := func(ss []sample) *sample {
		low := &ss[0]
		for i := range ss {
			if ss[i].heap < low.heap {
				low = &ss[i]
			}
		}
		return low
	}
	first, last := floor(early), floor(late)
	grown := int64(last.heap) - int64(first.heap)
	t.Logf("live heap %d KiB after %d seeds, %d KiB after %d", first.heap>>10, first.done, last.heap>>10, last.done)
	if grown > 256<<10 {
		t.Fatalf("the live heap's floor grew by %d KiB from seed %d to seed %d: %.1f bytes a seed", grown>>10, first.done, last.done,
			float64(grown)/float64(last.done-first.done))
	}
}
