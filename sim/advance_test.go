package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// worldState is what a driver sees of a world between steps.
type worldState struct {
	now    Time
	events int64
	hash   uint64
	stats  Stats
	next   Time
	more   bool
}

func stateOf(w *toyWorld) worldState {
	next, more := w.Next()
	return worldState{w.Now(), w.Events(), w.Hash(), w.Stats(), next, more}
}

// watch attaches a tracer, a schedule log and an observer log to what r
// keeps, and returns a world for cfg and seed that feeds them.
func watch(rt *rapid.T, r *runRecord, cfg Config, seed uint64, opts *toyOpts) *toyWorld {
	log := &toyLog{}
	w, err := New(cfg, NewRandom(seed), newToy(opts), func(id NodeID, o toyObs) {
		log.observe(id, o)
		r.obs = log.entries
	})
	if err != nil {
		rt.Fatalf("New(%+v): %v", cfg, err)
	}
	w.SetTracer(func(e TraceEntry) { r.trace = append(r.trace, e.String()) })
	w.SetScheduleLog(func(line string) { r.sched = append(r.sched, line) })
	return w
}

// TestAdvanceSkipsOnlyQuietSteps: a world driven by Advance(limit) passes
// through exactly the states that one driven by Step passes through after
// each step that folded something into the hash, and the state after the
// last step due by limit, with the same trace, schedule log and
// observations. The steps Advance takes on its own (held messages and
// timers, faults' ends that find them over, fault draws that start
// nothing) change nothing a driver sees but the time.
func TestAdvanceSkipsOnlyQuietSteps(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		draw := func(label string, n int) int { return rapid.IntRange(0, n-1).Draw(rt, label) }
		cfg, opts := drawConfig(draw), resetOpts(draw)
		cfg.Mode = Timed
		seed := rapid.Uint64().Draw(rt, "seed")
		limit := Time(draw("limit", 1500))
		const maxSteps = 20000

		var byStep, byAdvance runRecord
		w := watch(rt, &byStep, cfg, seed, opts)
		var want []worldState
		last, steps := stateOf(w), 0
		for ; last.more && last.next <= limit; steps++ {
			if steps == maxSteps {
				return // too long to compare
			}
			w.Step()
			s := stateOf(w)
			if s.hash != last.hash {
				want = append(want, s)
			}
			last = s
		}
		if steps > 0 && (len(want) == 0 || want[len(want)-1] != last) {
			want = append(want, last) // quiet steps after the last event
		}

		w = watch(rt, &byAdvance, cfg, seed, opts)
		var got []worldState
		for w.Advance(limit) {
			got = append(got, stateOf(w))
		}
		if !slices.Equal(got, want) {
			rt.Fatalf("limit %d: Advance passed through\n%s\nStep through\n%s", limit, states(got), states(want))
		}
		if d := sameRun(byStep, byAdvance); d != "" {
			rt.Fatalf("limit %d: Step and Advance ran otherwise: %s", limit, d)
		}
	})
}

func states(ss []worldState) string {
	var b strings.Builder
	for _, s := range ss {
		fmt.Fprintf(&b, "  now %d, events %d, hash %#x, next %d %t\n", s.now, s.events, s.hash, s.next, s.more)
	}
	return b.String()
}
