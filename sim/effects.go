package sim

import "fmt"

// Torn crashes: a crash that falls inside a handler, between two of its
// effects (FaultConfig.TornCrashRate in a Timed world, an Action with Torn
// set in a Choice one). The effects a crash can fall between are those the
// world outside the node sees: its sends, and its storage's writes and
// syncs (Persist is one). A handler that a torn crash may cut runs with
// its effects held: they are kept, in the order made, instead of made.
// When it returns, the world makes them up to the cut and crashes the
// node: the effects before the crash happened, those after it did not.
// An observation, or a timer change, goes with the effect before it (or
// with the handler's start): a node reports a promise after the write
// that keeps it, so the report and the write happen together or not at
// all, and a timer dies with its node anyway. Every other handler's
// effects are made as they are made, at no cost. (A node's random draws,
// Env.Rand, are decisions, not effects: they are drawn as the handler
// asks.)

// effectKind names what an effect does.
type effectKind uint8

const (
	effSend effectKind = iota
	effBroadcast
	effSetTimer
	effCancelTimer
	effWrite
	effSync
	effPersist
	effObserve
)

// visible reports whether the world outside the node sees an effect of
// kind k: a torn crash falls between two such.
func (k effectKind) visible() bool {
	return k != effObserve && k != effSetTimer && k != effCancelTimer
}

// visible counts the effects of list the world outside the node sees.
func visible[M Message, D, O any](list []effect[M, D, O]) int {
	n := 0
	for i := range list {
		if list[i].kind.visible() {
			n++
		}
	}
	return n
}

// effect is one held effect of a handler.
type effect[M Message, D, O any] struct {
	kind  effectKind
	tag   TimerTag // effSetTimer, effCancelTimer
	to    NodeID   // effSend
	after Time     // effSetTimer
	msg   M        // effSend, effBroadcast
	d     D        // effWrite, effPersist
	o     O        // effObserve
}

// heldEffects is the running handler's effects while a torn crash may cut
// it.
type heldEffects[M Message, D, O any] struct {
	on   bool
	list []effect[M, D, O]
	// cut is a Choice world's torn crash: the effects the running
	// handler's crash lets happen, from the action.
	cut int
}

// apply makes effect e of node id.
func (w *World[M, D, O]) apply(id NodeID, e *effect[M, D, O]) {
	switch e.kind {
	case effSend:
		w.send(id, e.to, e.msg)
	case effBroadcast:
		w.broadcast(id, e.msg)
	case effSetTimer:
		w.setTimerOf(id, e.tag, e.after)
	case effCancelTimer:
		w.cancelTimerOf(id, e.tag)
	case effWrite:
		w.write(id, e.d)
	case effSync:
		w.sync(id)
	case effPersist:
		w.persist(id, e.d)
	case effObserve:
		if w.observe != nil {
			w.observe(id, e.o)
		}
	}
}

// tornHere reports whether node id's next handler is to run with its
// effects held, for a torn crash to cut: in a Timed world, when one is
// armed on the node and the crash quota has room; in a Choice world, when
// the action says so.
func (w *World[M, D, O]) tornHere(id NodeID) bool {
	if w.cfg.Mode == Choice {
		return w.held.on
	}
	s := &w.slots[id]
	if !s.tornArmed {
		return false
	}
	s.tornArmed = false
	w.eligibleGen++
	if w.crashed >= w.cfg.Faults.MaxCrashed {
		return false
	}
	w.held.on = true
	return true
}

// tear ends the handler of node id that ran e with its effects held: it
// makes those before the cut and crashes the node. A Timed world draws the
// cut among the points between two effects; a handler with fewer than two
// has none, so it makes its effects, crashes nothing, reports false, and
// leaves the crash armed for the node's next handler (most handlers are a
// heartbeat's or a tick's: a crash after their one effect is a plain
// crash; the handlers that reply and then write are the ones to tear). A
// Choice world takes the action's cut, and reports false, crashing
// nothing, when the handler made fewer effects than the cut.
func (w *World[M, D, O]) tear(id NodeID, e *event[M]) bool {
	list := w.held.list
	n, cut := visible(list), w.held.cut
	rearm := w.cfg.Mode == Timed && n < 2
	switch {
	case rearm:
		w.slots[id].tornArmed, cut = true, n+1
	case w.cfg.Mode == Timed:
		cut = 1 + w.intn(Decision{DecideTornPoint, id, 0}, n-1)
	}
	w.held.on, w.held.cut = false, 0
	ok := cut <= n // a replay's cut beyond the handler makes every effect
	made := 0
	for i := range list {
		if list[i].kind.visible() {
			if made == cut {
				break
			}
			made++
		}
		w.apply(id, &list[i])
	}
	clear(list)
	w.held.list = list[:0]
	// The step's words are for the log and the tracer alone: a search
	// tears handlers by the hundred thousand, with neither.
	logged := w.schedLog != nil || w.tracer != nil
	step := ""
	if logged {
		step = w.stepOf(e)
	}
	if !ok {
		if !rearm {
			w.tornMiss = n + 1
		}
		w.logStep("%s", step)
		return false
	}
	restartAt := Time(0)
	if w.cfg.Mode == Timed {
		restartAt = w.now + w.draw(Decision{DecideDowntime, id, 0}, w.cfg.Faults.Downtime)
	}
	line := ""
	if logged {
		line = fmt.Sprintf("crash %s after effect %d of %s", id, cut, step)
	}
	w.crashAs(id, restartAt, FaultTornCrash, 0, line)
	return true
}

// Aborted ends the handler that protocol code panicked in (the session
// recovers the panic, and the run ends there). A handler a torn crash may
// cut has its step logged only when it returns, with the cut, so its step
// is logged now, as the plain step it was; then, for any handler, the
// draws it made before the panic: a replay of the log runs the handler
// to the same panic. Its held effects never happen.
func (w *World[M, D, O]) Aborted() {
	if w.held.on {
		w.held.on, w.held.cut = false, 0
		clear(w.held.list)
		w.held.list = w.held.list[:0]
		if w.schedLog != nil {
			w.logStep("%s", w.stepOf(&w.current))
		}
	}
	w.flushLog()
}

// stepOf is event e, a delivery or a timer, as a decision-trace step.
func (w *World[M, D, O]) stepOf(e *event[M]) string {
	if e.kind == EventTimer {
		return fmt.Sprintf("timer %s %d", NodeID(e.to), e.tag)
	}
	return fmt.Sprintf("deliver %s->%s %s", NodeID(e.from), NodeID(e.to), e.msg)
}

// TornMissed reports whether the last action of a Choice world was a torn
// crash whose cut fell past its handler's effects (the handler then ran
// whole and nothing crashed), and how many effects the handler made.
func (w *World[M, D, O]) TornMissed() (effects int, missed bool) {
	return w.tornMiss - 1, w.tornMiss > 0
}
