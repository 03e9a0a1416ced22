package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// spellRun runs three nodes that ping each other every 3 ticks over a
// 2-tick network, with faults on node 2, until limit; it returns the
// observations and the readable trace's slow, pause and recover entries
// (time, kind and text).
func spellRun(t interface{ Fatalf(string, ...any) }, limit Time, faults ...string) (*toyLog, []string) {
	cfg := Config{Nodes: 3, Network: NetworkConfig{Delay: Delay{Min: 2, Max: 2}}}
	for _, s := range faults {
		f, err := ParseFault(s)
		if err != nil {
			t.Fatalf("ParseFault(%q): %v", s, err)
		}
		cfg.Faults.Schedule = append(cfg.Faults.Schedule, f)
	}
	log := &toyLog{}
	w, err := New(cfg, NewRandom(1), newToy(pingOpts(3)), log.observe)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var lines []string
	w.SetTracer(func(e TraceEntry) {
		switch e.Kind {
		case "slow", "pause", "recover":
			lines = append(lines, fmt.Sprintf("t=%d %s %s", e.Time, e.Kind, e.Msg))
		}
	})
	runUntil(w, limit)
	return log, lines
}

// checkTook checks how long each message to node 2 took, by when it was
// sent: want(sent) ticks, or any when want says 0 (held by a pause).
func checkTook(t *testing.T, log *toyLog, want func(sent Time) Time) {
	t.Helper()
	checked := 0
	for _, e := range deliveries(log, 0, 2) {
		if w := want(e.Msg.Sent); e.Msg.Sent > 0 && w > 0 {
			checked++
			if e.At-e.Msg.Sent != w {
				t.Errorf("%d->2 sent at %d took %d ticks, want %d", e.From, e.Msg.Sent, e.At-e.Msg.Sent, w)
			}
		}
	}
	if checked < 20 {
		t.Errorf("test is vacuous: %d deliveries checked", checked)
	}
}

// handledIn counts what node 2 handled (deliveries, timers) in [lo, hi).
func handledIn(log *toyLog, lo, hi Time) int {
	return countIn(log.filter(func(e toyEntry) bool { return e.Node == 2 && (e.Kind == obsDeliver || e.Kind == obsFire) }), lo, hi)
}

// TestPauseEndsOnlyThePause: node 2 is paused from 10 to 50 and slowed 4x
// from 20 to 100. The pause's end must not end the slowdown: messages sent
// to it from 50 to 100 take 8 ticks.
func TestPauseEndsOnlyThePause(t *testing.T) {
	log, lines := spellRun(t, 200, "pause:2@10-50", "slow:2x4@20-100")
	if n := handledIn(log, 10, 50); n != 0 {
		t.Errorf("node 2 handled %d events while paused", n)
	}
	checkTook(t, log, func(sent Time) Time {
		switch {
		case sent >= 50 && sent < 100:
			return 8
		case sent >= 100:
			return 2
		}
		return 0
	})
	want := []string{
		"t=10 pause paused until 50",
		"t=20 slow 4x slower (now paused until 50 and 4x slower)",
		"t=50 recover the pause ends; still 4x slower",
		"t=100 recover back to normal speed",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("trace:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestPauseInsideASlowdown: node 2 is slowed 4x from 10 to 100 and paused
// from 20 to 50. The pause neither ends the slowdown early nor keeps it
// past its own end.
func TestPauseInsideASlowdown(t *testing.T) {
	log, _ := spellRun(t, 200, "slow:2x4@10-100", "pause:2@20-50")
	if n := handledIn(log, 20, 50); n != 0 {
		t.Errorf("node 2 handled %d events while paused", n)
	}
	checkTook(t, log, func(sent Time) Time {
		switch {
		case sent >= 10 && sent < 12, sent >= 50 && sent < 100:
			return 8
		case sent >= 100:
			return 2
		}
		return 0
	})
}

// TestOverlappingSlowdowns: 4x from 10 to 100 and 2x from 20 to 50. The
// slowest in force wins, and the shorter one's end ends only it.
func TestOverlappingSlowdowns(t *testing.T) {
	log, lines := spellRun(t, 200, "slow:2x4@10-100", "slow:2x2@20-50")
	checkTook(t, log, func(sent Time) Time {
		if sent >= 10 && sent < 100 {
			return 8
		}
		return 2
	})
	if len(lines) != 4 || !strings.HasSuffix(lines[2], "the slowdown ends; still 4x slower") {
		t.Errorf("trace:\n%s", strings.Join(lines, "\n"))
	}
}

// TestOverlappingPauses: a pause from 10 to 100 and one from 20 to 50, in
// either order: node 2 handles nothing until 100, then everything that
// reached it, in arrival order.
func TestOverlappingPauses(t *testing.T) {
	for _, faults := range [][]string{{"pause:2@10-100", "pause:2@20-50"}, {"pause:2@10-50", "pause:2@20-100"}} {
		t.Run(strings.Join(faults, ","), func(t *testing.T) {
			log, _ := spellRun(t, 200, faults...)
			if n := handledIn(log, 10, 100); n != 0 {
				t.Errorf("node 2 handled %d events while paused", n)
			}
			caught := log.filter(func(e toyEntry) bool { return e.Node == 2 && e.Kind == obsDeliver && e.At == 100 })
			if len(caught) < 50 {
				t.Fatalf("node 2 caught up with %d messages at 100", len(caught))
			}
			if !slices.IsSortedFunc(caught, func(a, b toyEntry) int { return int(a.Msg.Sent - b.Msg.Sent) }) {
				t.Errorf("held messages delivered out of arrival order: sent at %v", sentTimes(caught))
			}
		})
	}
}

func sentTimes(es []toyEntry) []Time {
	out := make([]Time, len(es))
	for i, e := range es {
		out[i] = e.Msg.Sent
	}
	return out
}

// TestTimerSetBeforeASlowdownKeepsItsTime: a timer armed at normal speed
// is not stretched by a slowdown that starts later, so its end must not
// shrink it either.
func TestTimerSetBeforeASlowdownKeepsItsTime(t *testing.T) {
	log := &toyLog{}
	w := newToyWorld(t, pingConfig(t, 3, 2, "slow:2x4@10-50"), NewRandom(1), &toyOpts{LongTimer: 100, Observe: true}, log)
	runUntil(w, 200)
	fires := log.filter(func(e toyEntry) bool { return e.Node == 2 && e.Kind == obsFire && e.Tag == 1 })
	if got := times(fires); !slices.Equal(got, []Time{100}) {
		t.Errorf("node 2's timer armed at 0 for 100 ticks fired at %v, want [100]", got)
	}
}

// spellPlan is one slowdown or pause of node 2, as the property test
// draws it.
type spellPlan struct {
	pause      bool
	factor     int
	start, end Time
}

func (p spellPlan) String() string {
	if p.pause {
		return fmt.Sprintf("pause:2@%d-%d", p.start, p.end)
	}
	return fmt.Sprintf("slow:2x%d@%d-%d", p.factor, p.start, p.end)
}

// TestSpellsAgainstAModel draws overlapping slowdowns and pauses of node 2
// and checks every message it receives against a model of the semantics:
// a message sent at s takes 2 ticks times the largest factor in force at
// s, and one that arrives while a pause is in force is delivered when the
// pauses in force (overlapping or touching) have all ended. Node 2 handles
// nothing while paused. Messages sent or arriving at a spell's start or
// end are left out: there, events at one time run in scheduling order.
func TestSpellsAgainstAModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var plans []spellPlan
		var faults []string
		bounds := map[Time]bool{}
		for range rapid.IntRange(1, 4).Draw(rt, "spells") {
			p := spellPlan{pause: rapid.Bool().Draw(rt, "pause"), factor: rapid.IntRange(2, 5).Draw(rt, "factor")}
			p.start = Time(rapid.IntRange(5, 150).Draw(rt, "start"))
			p.end = p.start + Time(rapid.IntRange(1, 100).Draw(rt, "length"))
			plans, faults = append(plans, p), append(faults, p.String())
			bounds[p.start], bounds[p.end] = true, true
		}
		log, _ := spellRun(rt, 400, faults...)
		for _, e := range log.filter(func(e toyEntry) bool { return e.Node == 2 && (e.Kind == obsDeliver || e.Kind == obsFire) }) {
			if pausedAt(plans, e.At) && !bounds[e.At] {
				rt.Fatalf("%v: node 2 handled %v at %d, while paused", faults, e.Kind, e.At)
			}
		}
		for _, e := range deliveries(log, 0, 2) {
			s := e.Msg.Sent
			arrive := s + 2*factorAt(plans, s)
			if s == 0 || nearBound(bounds, s, arrive) {
				continue
			}
			want := arrive
			for pausedAt(plans, want) {
				want = pauseEnd(plans, want)
			}
			if e.At != want {
				rt.Fatalf("%v: %d->2 sent at %d delivered at %d, want %d", faults, e.From, s, e.At, want)
			}
		}
	})
}

func factorAt(plans []spellPlan, t Time) Time {
	f := Time(1)
	for _, p := range plans {
		if !p.pause && p.start <= t && t < p.end {
			f = max(f, Time(p.factor))
		}
	}
	return f
}

func pausedAt(plans []spellPlan, t Time) bool {
	for _, p := range plans {
		if p.pause && p.start <= t && t < p.end {
			return true
		}
	}
	return false
}

// pauseEnd is the latest end of the pauses in force at t.
func pauseEnd(plans []spellPlan, t Time) Time {
	end := t
	for _, p := range plans {
		if p.pause && p.start <= t && t < p.end {
			end = max(end, p.end)
		}
	}
	return end
}

// nearBound reports whether a message sent at s that arrives at a meets
// a spell's start or end, where the order of simultaneous events decides.
func nearBound(bounds map[Time]bool, s, a Time) bool {
	return bounds[s] || bounds[a]
}
