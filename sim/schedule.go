package sim

import "fmt"

// SetScheduleLog makes the world write its schedule to fn, one line per
// decision, in the form a Choice world's Actions print (see Action.String):
// "deliver 1->2 Prepare(1.1)", "drop 2->3 Accept(1.1, v1)", "dup ...",
// "timer 2 0", "crash 3", "restart 3", "heal", "rand 2 17" for a node's
// random draw, and "# ..." comments for faults that change only timing
// (partitions, slowdowns, pauses). A timed run logged this way replays in a
// Choice world step by step, whatever the delays were: the trace records
// what happened, not the seed that made it happen.
//
// A network fault met by a handler's send (a drop or duplicate at sending)
// and the handler's random draws are logged after the handler's own step:
// first the draws, then the faults, the order in which a replay needs them.
func (w *World[M, D, O]) SetScheduleLog(fn func(line string)) { w.schedLog = fn }

// logStep logs a step of its own (formatting only when a log is set).
func (w *World[M, D, O]) logStep(format string, args ...any) {
	if w.schedLog != nil {
		w.schedLog(fmt.Sprintf(format, args...))
	}
}

// flushLog logs what the last handler drew and met, after its step. It is
// on the path of every step: the logging is flushPending's.
func (w *World[M, D, O]) flushLog() {
	if w.schedLog != nil {
		w.flushPending()
	}
}

func (w *World[M, D, O]) flushPending() {
	for _, l := range w.pendRand {
		w.schedLog(l)
	}
	for _, l := range w.pendNet {
		w.schedLog(l)
	}
	w.pendRand, w.pendNet = w.pendRand[:0], w.pendNet[:0]
}
