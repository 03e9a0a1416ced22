package script

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// act takes the first enabled action a step names, printing it and the
// state after it.
func (in *interp[M, D]) act(kind sim.ActionKind, l link, tag sim.TimerTag, msg string) error {
	c := in.crash
	in.crash = sim.Crash{}
	a, text, err := in.find(kind, l, tag, msg)
	if err != nil {
		return err
	}
	w := in.s.World()
	switch {
	case c.Lost && c.Unsynced < 0:
		c.Unsynced = w.Unsynced(a.To)
		c.Lose = min(c.Lose, c.Unsynced)
	case c.Lost && c.Unsynced != w.Unsynced(a.To):
		return fmt.Errorf("node %s has %d unsynced writes, not %d", a.To, w.Unsynced(a.To), c.Unsynced)
	}
	a.Crash = c
	in.do(a, text)
	if made, missed := w.TornMissed(); missed {
		return fmt.Errorf("the handler made %d effects: a crash after effect %d does not fall inside it (want 0..%d)", made, c.Cut, made)
	}
	return nil
}

// crashNext makes the next action a crash of the kind c says.
func (in *interp[M, D]) crashNext(c sim.Crash) { in.crash = c }

// do takes enabled action a, printing it (its message's text, when it
// has one, is text) and the state after it.
func (in *interp[M, D]) do(a sim.Action[M], text string) {
	torn := ""
	if a.Crash.Torn {
		torn = fmt.Sprintf("crash %s after effect %d of ", a.To, a.Crash.Cut)
	}
	switch a.Kind {
	case sim.ActTimer:
		in.printf("%stimer %s %s", torn, a.To, in.timerName(a.Tag))
	case sim.ActDeliver, sim.ActDrop, sim.ActDup:
		in.printf("%s%s %s->%s %s", torn, a.Kind, a.From, a.To, text)
	default:
		in.printf("%s", a)
	}
	in.s.World().Do(a)
	in.state()
}

// timerName names a timer tag as the protocol does, or by number.
func (in *interp[M, D]) timerName(tag sim.TimerTag) string {
	if t := in.c.info.Timers; int(tag) < len(t) && t[tag] != "" {
		return t[tag]
	}
	return fmt.Sprint(tag)
}

// find returns the enabled action of kind on link l whose message has
// type msg (the text before "(") or is msg, any when msg is empty (the
// first in flight; for a duplication, the latest sent); or the timer tag
// of l.to; or the crash or restart of l.to. The message's text comes
// along, formatted once.
func (in *interp[M, D]) find(kind sim.ActionKind, l link, tag sim.TimerTag, msg string) (sim.Action[M], string, error) {
	w := in.s.World()
	var text string
	a, ok := w.Find(kind, l.from, l.to, tag, func(m M) bool {
		text = m.String()
		typ, _, _ := strings.Cut(text, "(")
		return msg == "" || text == msg || typ == msg
	})
	switch {
	case ok:
		return a, text, nil
	case kind == sim.ActTimer:
		return a, "", errors.New("that timer is not armed (or its node is down)")
	case kind == sim.ActCrash:
		return a, "", errors.New("the node is already down")
	case kind == sim.ActRestart:
		return a, "", errors.New("the node is not down")
	}
	var there []string
	w.Find(kind, l.from, l.to, tag, func(m M) bool {
		if text := m.String(); !slices.Contains(there, text) {
			there = append(there, text)
		}
		return false
	})
	if len(there) == 0 {
		return a, "", fmt.Errorf("nothing to %s on %s", kind, l)
	}
	return a, "", fmt.Errorf("no %s on %s; there: %s", msg, l, strings.Join(there, ", "))
}

// send puts a hand-written message in flight, read by the protocol's
// engine.MessageParser.
func (in *interp[M, D]) send(l link, text string) error {
	parser, ok := any(in.p).(engine.MessageParser[M])
	if !ok {
		return fmt.Errorf("%s's adapter reads no messages (it implements no engine.MessageParser)", in.c.info.Name)
	}
	msg, err := parser.ParseMessage(text)
	if err != nil {
		return fmt.Errorf("message %q: %v", text, err)
	}
	w := in.s.World()
	if l.from == sim.External {
		w.Request(w.Now(), l.to, msg)
	} else {
		w.Send(l.from, l.to, msg)
	}
	in.printf("send %s %s", l, msg)
	in.state()
	return nil
}

// maxDeliverAll bounds a deliver-all step: a protocol that never stops
// sending must not hang the script.
const maxDeliverAll = 10_000

// deliverAll delivers the first message in flight until none is left.
func (in *interp[M, D]) deliverAll() {
	for i := 0; i < maxDeliverAll; i++ {
		a, ok := in.firstDelivery()
		if !ok {
			if i == 0 {
				in.printf("deliver-all: nothing in flight")
			}
			return
		}
		in.do(a, a.Msg.String())
	}
}

// firstDelivery is the first enabled delivery, if any: the first in
// Actions' order, which lists deliveries first.
func (in *interp[M, D]) firstDelivery() (sim.Action[M], bool) {
	acts := in.s.World().Actions()
	if len(acts) > 0 && acts[0].Kind == sim.ActDeliver {
		return acts[0], true
	}
	return sim.Action[M]{}, false
}

// settle ends a run: faults heal and the cluster runs on its own, timed,
// until it is done or the liveness bound passes. Only the outcome and the
// state at the end are printed, not every event on the way.
func (in *interp[M, D]) settle() {
	in.printf("settle: faults heal; the cluster runs on its own until it is done or the liveness bound passes")
	w := in.s.World()
	start, events := w.Now(), w.Events()
	in.quiet = true
	in.s.LivenessPhase()
	in.quiet = false
	in.printf("  ... %d events, t=%d to t=%d", w.Events()-events, start, w.Now())
	in.state()
}
