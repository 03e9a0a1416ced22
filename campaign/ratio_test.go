package campaign

import (
	"context"
	"runtime/debug"
	"testing"

	"github.com/paxsim/paxsim/internal/cputime"
)

// BenchmarkCampaignVsBareLoop measures, in one run, the floor of any
// discrete-event simulation, a bare typed-heap event loop (one pop and one
// push per event, nothing else), and a whole campaign on one worker as
// paxsim campaign runs it (the default swarm of single-decree seeds, with
// the campaign's GOGC): per-seed setup, the runs, the checkers, the
// liveness phase and the tallies. It reports each one's events per CPU
// second and per wall second, and the campaign's share of the floor: the
// fraction of a bare loop's speed that the whole harness keeps. CPU time
// (every thread of the process, the collector's included) is what a shared
// machine's other work inflates least.
func BenchmarkCampaignVsBareLoop(b *testing.B) {
	const seeds, loopEvents = 20_000, 4_000_000
	var campaignEvents, bareEvents int64
	var campaignCPU, bareCPU, campaignWall, bareWall float64
	start := uint64(0)
	for b.Loop() {
		cpu, wall := cputime.Seconds(), b.Elapsed().Seconds()
		bareEvents += bareLoop(loopEvents)
		bareCPU += cputime.Seconds() - cpu
		bareWall += b.Elapsed().Seconds() - wall

		cpu, wall = cputime.Seconds(), b.Elapsed().Seconds()
		gc := debug.SetGCPercent(GCPercent)
		s, err := Run(context.Background(), Options{Protocol: protocolOf(defaultConfig()), Config: defaultConfig(), Swarm: true, Start: start, Seeds: seeds, Workers: 1})
		debug.SetGCPercent(gc)
		if err != nil || s.Seeds != seeds {
			b.Fatalf("%d seeds: %v", s.Seeds, err)
		}
		campaignEvents += s.Events
		campaignCPU += cputime.Seconds() - cpu
		campaignWall += b.Elapsed().Seconds() - wall
		start += seeds
	}
	if bareCPU > 0 && campaignCPU > 0 {
		b.ReportMetric(float64(bareEvents)/bareCPU, "bare-events/cpu-s")
		b.ReportMetric(float64(campaignEvents)/campaignCPU, "campaign-events/cpu-s")
		b.ReportMetric(float64(campaignEvents)/campaignCPU/(float64(bareEvents)/bareCPU), "ratio-cpu")
	}
	b.ReportMetric(float64(bareEvents)/bareWall, "bare-events/s")
	b.ReportMetric(float64(campaignEvents)/campaignWall, "campaign-events/s")
	b.ReportMetric(float64(campaignEvents)/campaignWall/(float64(bareEvents)/bareWall), "ratio-wall")
}

// bareEvent is an event as a simulator's queue holds one: a time, a
// tie-breaking sequence number and a payload, by value.
type bareEvent struct {
	at, seq  uint64
	kind     uint8
	from, to int32
	payload  [3]uint64
}

// bareLoop runs events events through a binary min-heap of bareEvents,
// ordered by (at, seq), with 256 pending: the floor of an event loop. It
// returns the events run.
func bareLoop(events int) int64 {
	heap := make([]bareEvent, 0, 256)
	less := func(a, b *bareEvent) bool { return a.at < b.at || a.at == b.at && a.seq < b.seq }
	push := func(e bareEvent) { // moves a hole up, as sim's queue does
		heap = append(heap, e)
		i := len(heap) - 1
		for i > 0 && less(&e, &heap[(i-1)/2]) {
			heap[i] = heap[(i-1)/2]
			i = (i - 1) / 2
		}
		heap[i] = e
	}
	pop := func() bareEvent { // and down
		top, last := heap[0], len(heap)-1
		e := heap[last]
		heap = heap[:last]
		i := 0
		for last > 0 {
			least := 2*i + 1
			if least >= last {
				break
			}
			if r := least + 1; r < last && less(&heap[r], &heap[least]) {
				least = r
			}
			if !less(&heap[least], &e) {
				break
			}
			heap[i] = heap[least]
			i = least
		}
		if last > 0 {
			heap[i] = e
		}
		return top
	}
	x, seq := uint64(1), uint64(0)
	for range 256 {
		seq++
		x = x*6364136223846793005 + 1442695040888963407
		push(bareEvent{at: x >> 60, seq: seq})
	}
	for range events {
		e := pop()
		seq++
		x = x*6364136223846793005 + 1442695040888963407
		e.at += 1 + x>>60
		e.seq = seq
		push(e)
	}
	return int64(events)
}
