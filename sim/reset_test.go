package sim

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// drawConfig draws a world's configuration from draw (draw(label, n) is in
// [0, n)): any size, either mode, every fault, scheduled faults, a heal or
// none, small link capacities that overflow, and FIFO links or not.
func drawConfig(draw func(label string, n int) int) Config {
	nodes := 1 + draw("nodes", 7)
	rate := func(label string, scale float64) float64 { return float64(draw(label, 11)) * scale / 10 }
	cfg := Config{
		Nodes: nodes,
		Network: NetworkConfig{
			Delay:         Delay{Dist: DelayDist(draw("dist", 2)), Min: Time(1 + draw("delay-min", 3))},
			DropRate:      rate("drop", 0.2),
			DupRate:       rate("dup", 0.2),
			RedeliverRate: rate("redeliver", 0.05),
			LinkCapacity:  []int{0, 1, 3, 64}[draw("capacity", 4)],
			FIFO:          draw("fifo", 3) == 0,
		},
		Faults: FaultConfig{
			Interval:      Time(draw("interval", 21)),
			CrashRate:     rate("crash", 0.1),
			PartitionRate: rate("partition", 0.1),
			SlowRate:      rate("slow", 0.1),
			Downtime:      Range{Time(draw("downtime", 30)), Time(30 + draw("downtime-max", 100))},
		},
		HealAt: []Time{0, 0, 100, 400}[draw("heal", 4)],
	}
	cfg.Network.Delay.Max = cfg.Network.Delay.Min + Time(draw("delay-spread", 12))
	if draw("max-crashed", 3) == 0 {
		cfg.Faults.MaxCrashed = nodes
	}
	if nodes >= 3 && draw("keep-faulty", 2) == 0 {
		cfg.Faults.KeepFaulty = nodeSet(1 + draw("faulty", nodes))
	}
	for range draw("scheduled", 4) {
		f := ScheduledFault{Kind: []FaultKind{FaultCrash, FaultPartition, FaultOneWay, FaultSlow, FaultPause}[draw("kind", 5)]}
		f.Nodes = nodeSet(1 + draw("node", nodes))
		f.Start = Time(draw("start", 300))
		if draw("open", 3) > 0 {
			f.End = f.Start + Time(1+draw("length", 200))
		}
		if f.Kind == FaultSlow {
			f.Factor = 2 + draw("factor", 4)
		}
		if (f.Kind == FaultPartition || f.Kind == FaultOneWay) && nodes < 2 {
			f.Kind = FaultCrash
		}
		cfg.Faults.Schedule = append(cfg.Faults.Schedule, f)
	}
	if draw("mode", 5) == 0 {
		cfg.Mode = Choice
		cfg.Choice = ChoiceConfig{Drops: true, MaxDups: draw("dups", 3), MaxCrashes: draw("crashes", 3)}
	}
	return cfg
}

// runRecord is everything a run shows: what two runs of the same
// configuration and seed must agree on.
type runRecord struct {
	hash   uint64
	events int64
	now    Time
	stats  Stats
	steps  []string // what Next reported before each step, and what Step did
	trace  []string
	sched  []string
	obs    []toyEntry
}

// recordRun runs w, with tracer, schedule log and observer log attached,
// for at most steps steps or until time limit, and records it. A Choice
// world heals and turns timed after handover steps (never if negative).
func recordRun(w *toyWorld, log *toyLog, steps, handover int, limit Time) runRecord {
	var r runRecord
	w.SetTracer(func(e TraceEntry) { r.trace = append(r.trace, e.String()) })
	w.SetScheduleLog(func(line string) { r.sched = append(r.sched, line) })
	for i := range steps {
		if i == handover && w.Config().Mode == Choice {
			w.Heal()
			w.SwitchToTimed()
		}
		at, ok := w.Next()
		if !ok || (w.Config().Mode == Timed && at > limit) {
			r.steps = append(r.steps, fmt.Sprintf("next %d %t", at, ok))
			break
		}
		stepped := w.Step()
		r.steps = append(r.steps, fmt.Sprintf("next %d %t step %t now %d events %d", at, ok, stepped, w.Now(), w.Events()))
	}
	r.hash, r.events, r.now, r.stats, r.obs = w.Hash(), w.Events(), w.Now(), w.Stats(), log.entries
	return r
}

// sameRun reports how two records differ, or "" when they do not.
func sameRun(a, b runRecord) string {
	switch {
	case a.hash != b.hash || a.events != b.events || a.now != b.now:
		return fmt.Sprintf("hash %#x/%#x, events %d/%d, now %d/%d", a.hash, b.hash, a.events, b.events, a.now, b.now)
	case a.stats != b.stats:
		return fmt.Sprintf("stats %+v / %+v", a.stats, b.stats)
	case !slices.Equal(a.steps, b.steps):
		return "steps: " + diffLines(a.steps, b.steps)
	case !slices.Equal(a.trace, b.trace):
		return "traces: " + diffLines(a.trace, b.trace)
	case !slices.Equal(a.sched, b.sched):
		return "schedule logs: " + diffLines(a.sched, b.sched)
	case !slices.Equal(a.obs, b.obs):
		return "observations differ"
	}
	return ""
}

// resetOpts are the toy nodes of the reset tests: busy, observed, with
// jitter, a long timer and sparse persists.
func resetOpts(draw func(label string, n int) int) *toyOpts {
	return &toyOpts{
		TTL: uint16(draw("ttl", 20)), Inject: Time(5 + draw("inject", 20)), Jitter: draw("jitter", 6),
		Fanout: draw("fanout", 2) == 0, Kickoff: true, PersistEvery: draw("persist", 3),
		LongTimer: Time(draw("long-timer", 300)), Observe: true,
	}
}

// TestResetIsNew: a world reset for a configuration and seed runs as a new
// world of them does, step for step (what Next reports, the trace, the
// schedule log, the observations, the hash, the events and the stats),
// whatever it ran before: any configuration, either mode, stopped
// anywhere, a Choice world turned timed. A bad configuration leaves the
// world as it was, and a reset world has no tracer of its past.
func TestResetIsNew(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		draw := func(label string, n int) int { return rapid.IntRange(0, n-1).Draw(rt, label) }
		var reused *toyWorld
		for run := range 4 {
			cfg, opts := drawConfig(draw), resetOpts(draw)
			seed := rapid.Uint64().Draw(rt, "seed")
			steps := 1 + draw("steps", 800)
			handover := draw("handover", steps+1)
			if reused != nil && draw("bad", 8) == 0 {
				checkBadReset(rt, reused, []int{0, MaxNodes + 1}[draw("bad-nodes", 2)], opts)
			}
			freshLog, log := &toyLog{}, &toyLog{}
			fresh, err := New(cfg, NewRandom(seed), newToy(opts), freshLog.observe)
			if err != nil {
				rt.Fatalf("New(%+v): %v", cfg, err)
			}
			if reused == nil {
				reused, err = New(cfg, NewRandom(seed), newToy(opts), log.observe)
			} else {
				err = reused.Reset(cfg, NewRandom(seed), newToy(opts), log.observe)
			}
			if err != nil {
				rt.Fatalf("Reset(%+v): %v", cfg, err)
			}
			want := recordRun(fresh, freshLog, steps, handover, 2000)
			got := recordRun(reused, log, steps, handover, 2000)
			if d := sameRun(want, got); d != "" {
				rt.Fatalf("run %d, %+v, seed %d: the reset world runs otherwise than a new one: %s", run, cfg, seed, d)
			}
			reused.SetSendTracer(func(e TraceEntry) { rt.Fatalf("the tracer of the run before the reset saw %s", e) })
		}
	})
}

// checkBadReset resets w for a cluster of nodes nodes, which must fail
// and leave w as it was.
func checkBadReset(rt *rapid.T, w *toyWorld, nodes int, opts *toyOpts) {
	hash, events, now, cfg := w.Hash(), w.Events(), w.Now(), w.Config()
	if err := w.Reset(Config{Nodes: nodes}, NewRandom(1), newToy(opts), nil); err == nil {
		rt.Fatalf("Reset of %d nodes: no error", nodes)
	}
	if w.Hash() != hash || w.Events() != events || w.Now() != now || w.Config().Nodes != cfg.Nodes {
		rt.Fatalf("a failed Reset changed the world")
	}
}
