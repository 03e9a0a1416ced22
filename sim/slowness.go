package sim

import (
	"fmt"
	"math"
)

// A node's slowdowns and pauses are spells: each starts and ends on its
// own, whatever else is in force on the node, and its end ends only it.
// What the node's spells make of it:
//
//   - Slowdowns do not compose: the slowest in force wins (4x and 2x make
//     4x), so a node never runs slower than Faults.SlowFactorMax, the bound
//     a liveness deadline allows for. Messages sent to the node take that
//     many times longer, and timers it sets that many times longer; when
//     the slowest ends, the node runs at the next slowest, and what is
//     left of each timer stretched more than that shrinks back to it.
//   - Pauses dominate: while one is in force the node runs nothing,
//     however slow it is, and what comes due for it (deliveries, timers)
//     is held, in arrival order, until the last pause in force ends. A
//     pause that ends later than the one holding them holds them longer.
//     A pause leaves slowdowns and timers alone: when it ends, the node
//     runs at the speed its slowdowns give it.
//
// The heal ends every spell.

// spell is one slowdown or pause in force on a node.
type spell struct {
	id     uint32 // its end event's gen
	node   NodeID
	pause  bool
	factor Time // a slowdown's: how many times slower
	until  Time // a pause's: when it ends
}

// slow slows node id by factor, or pauses it, until end (0: until healed).
func (w *World[M, D, O]) slow(id NodeID, pause bool, factor Time, end Time) {
	kind := FaultSlow
	if pause {
		kind = FaultPause
	}
	w.slowAs(kind, id, pause, factor, end)
}

// slowAs is slow counted and traced as a fault of kind: a slowdown or
// pause, or the depose that makes it.
func (w *World[M, D, O]) slowAs(kind FaultKind, id NodeID, pause bool, factor Time, end Time) {
	w.spellN++
	sp := spell{id: w.spellN, node: id, pause: pause, factor: factor}
	if pause {
		sp.factor, sp.until = 1, end
		if end == 0 {
			sp.until = w.cfg.HealAt
		}
		if sp.until == 0 {
			sp.until = math.MaxInt64 // no end and no heal: paused for good
		}
	}
	w.spells = append(w.spells, sp)
	w.respeed(id)
	w.eligibleGen++
	w.stats.Faults[kind]++
	w.record(EventSlowStart, id, id, uint64(factor)<<1|b2u(pause))
	if w.tracer != nil {
		msg := fmt.Sprintf("paused until %d", sp.until)
		if !pause {
			msg = fmt.Sprintf("%dx slower", factor)
		}
		if now := w.speed(id); now != msg {
			msg += " (now " + now + ")"
		}
		w.tracer(TraceEntry{Index: w.executed, Time: w.now, Kind: kind.String(), From: id, To: id, Msg: msg})
	}
	w.logStep("# %s %s", kind, id)
	if end > 0 {
		w.schedule(event[M]{at: end, kind: EventSlowEnd, to: node8(id), gen: sp.id})
	}
}

// endSpell ends spell id of node, and reports whether it was still in
// force (the heal ends every spell).
func (w *World[M, D, O]) endSpell(node NodeID, id uint32) bool {
	i := 0
	for i < len(w.spells) && w.spells[i].id != id {
		i++
	}
	if i == len(w.spells) {
		return false
	}
	pause := w.spells[i].pause
	w.spells = append(w.spells[:i], w.spells[i+1:]...)
	w.respeed(node)
	w.eligibleGen++
	w.record(EventSlowEnd, node, node, 0)
	if w.tracer != nil {
		msg := "back to normal speed"
		if now := w.speed(node); now != "normal speed" {
			what := "slowdown"
			if pause {
				what = "pause"
			}
			msg = fmt.Sprintf("the %s ends; still %s", what, now)
		}
		w.tracer(TraceEntry{Index: w.executed, Time: w.now, Kind: "recover", From: node, To: node, Msg: msg})
	}
	return true
}

// respeed sets node id's speed from the spells in force: its slowest
// slowdown, and its latest pause. Timers stretched past the new speed
// shrink back to it; what a pause holds, a longer one holds longer.
func (w *World[M, D, O]) respeed(id NodeID) {
	factor, until := Time(1), Time(0)
	for i := range w.spells {
		switch sp := &w.spells[i]; {
		case sp.node != id:
		case sp.pause:
			until = max(until, sp.until)
		default:
			factor = max(factor, sp.factor)
		}
	}
	s := &w.slots[id]
	w.retime(id, factor)
	if s.pausedUntil > w.now && until > s.pausedUntil {
		w.holdLonger(id, s.pausedUntil, until)
	}
	s.slowFactor, s.pausedUntil = factor, until
}

// speed describes node id's speed, for the trace.
func (w *World[M, D, O]) speed(id NodeID) string {
	s := &w.slots[id]
	switch paused := s.pausedUntil > w.now; {
	case paused && s.slowFactor > 1:
		return fmt.Sprintf("paused until %d and %dx slower", s.pausedUntil, s.slowFactor)
	case paused:
		return fmt.Sprintf("paused until %d", s.pausedUntil)
	case s.slowFactor > 1:
		return fmt.Sprintf("%dx slower", s.slowFactor)
	}
	return "normal speed"
}

// retime shrinks node id's pending timers that were set while it ran more
// than factor times slower: what is left of each runs at factor from now.
// A node that speeds up (or heals) keeps no timer stretched past its
// slowness; one that slows down leaves the timers it set before alone.
func (w *World[M, D, O]) retime(id NodeID, factor Time) {
	if w.cfg.Mode != Timed {
		return // armed bits have no time to shrink
	}
	for tag := range TimerTag(MaxTimerTags) {
		t, ok := w.timers.get(int32(id), tag)
		if !ok || Time(t.stretch) <= factor || t.at <= w.now {
			continue // not pending, held by a pause, not stretched so far, or due now anyway
		}
		w.setTimer(id, tag, w.now+max((t.at-w.now)*factor/Time(t.stretch), 1), factor)
	}
}

// holdLonger moves what a pause of node id holds until from to until,
// keeping its order: the messages and timers that came due while it was
// paused wait for the pause in force that ends last.
func (w *World[M, D, O]) holdLonger(id NodeID, from, until Time) {
	moved := false
	for i := range w.queue.items {
		if e := &w.queue.items[i]; e.held && NodeID(e.to) == id && e.at == from {
			e.at, moved = until, true
		}
	}
	if moved {
		w.queue.heapify()
	}
	for tag := range TimerTag(MaxTimerTags) {
		if t, ok := w.timers.get(int32(id), tag); ok && t.stretch == heldStretch && t.at == from {
			t.at = until
			w.timers.set(t) // its own seq: the order in which they came due
		}
	}
}
