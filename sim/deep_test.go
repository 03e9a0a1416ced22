package sim

import "testing"

// TestRedeliveryDrawsFromTheWholeRun: the history re-delivery draws from
// holds, late in a long run, messages sent long before its latest
// historyRecent sends, and never more than it bounds; a world's messages
// keep their sending time (OldestInFlight).
func TestRedeliveryDrawsFromTheWholeRun(t *testing.T) {
	cfg := faultyConfig(3)
	w := newToyWorld(t, cfg, NewRandom(7), busyOpts(), nil)
	runUntil(w, 20000)
	if w.historyN < 10*historyReservoir {
		t.Fatalf("test is vacuous: %d sends remembered", w.historyN)
	}
	if len(w.history) > historyRecent || len(w.reservoir) > historyReservoir {
		t.Fatalf("history %d and reservoir %d past their bounds", len(w.history), len(w.reservoir))
	}
	oldestRecent := w.now
	for _, s := range w.history {
		oldestRecent = min(oldestRecent, s.at)
	}
	old := 0
	for _, s := range w.reservoir {
		if s.at < oldestRecent-1000 {
			old++
		}
	}
	if old == 0 {
		t.Errorf("the reservoir holds nothing sent 1000 ticks before the recent sends (from t=%d)", oldestRecent)
	}
	for id := NodeID(1); id <= 3; id++ {
		if at, ok := w.OldestInFlight(id); ok && at > w.now {
			t.Errorf("node %d: oldest in flight sent at %d, after now %d", id, at, w.now)
		}
	}
}

// TestLongDelayOutlivesTheRest: with long delays on, some message
// arrives at least DefaultLongDelay.Min ticks after it was sent, which
// no plain delay (at most ten times 10, tail) does.
func TestLongDelayOutlivesTheRest(t *testing.T) {
	cfg := faultyConfig(3)
	cfg.Network.LongDelayRate = 0.05
	w := newToyWorld(t, cfg, NewRandom(3), busyOpts(), nil)
	longest := Time(0)
	for w.now < 5000 && w.Step() {
		for i := range w.queue.items {
			if e := &w.queue.items[i]; e.kind == EventDeliver && e.from != e.to {
				longest = max(longest, e.at-Time(e.arg))
			}
		}
	}
	if longest < DefaultLongDelay.Min || w.Stats().Faults[FaultLongDelay] == 0 {
		t.Errorf("the longest delay in flight was %d ticks, %d long delays", longest, w.Stats().Faults[FaultLongDelay])
	}
}
