package script

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// act takes the first enabled action a step names, printing it and the
// state after it.
func (in *interp[M, D]) act(kind sim.ActionKind, l link, tag sim.TimerTag, msg string) error {
	a, err := in.find(kind, l, tag, msg)
	if err != nil {
		return err
	}
	in.do(a)
	return nil
}

// do takes enabled action a, printing it and the state after it.
func (in *interp[M, D]) do(a sim.Action[M]) {
	if a.Kind == sim.ActTimer {
		in.printf("timer %s %s", a.To, in.timerName(a.Tag))
	} else {
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

// find returns the first enabled action of kind on link l whose message
// has type msg (the text before "(") or is msg, any when msg is empty; or
// the timer tag of l.to; or the crash or restart of l.to.
func (in *interp[M, D]) find(kind sim.ActionKind, l link, tag sim.TimerTag, msg string) (sim.Action[M], error) {
	var there []string
	for _, a := range in.s.World().Actions() {
		if a.Kind != kind || a.To != l.to {
			continue
		}
		switch kind {
		case sim.ActDeliver, sim.ActDrop, sim.ActDup:
			if a.From != l.from {
				continue
			}
			text := a.Msg.String()
			if typ, _, _ := strings.Cut(text, "("); msg == "" || text == msg || typ == msg {
				return a, nil
			}
			there = append(there, text)
		case sim.ActTimer:
			if a.Tag == tag {
				return a, nil
			}
		default:
			return a, nil
		}
	}
	var none sim.Action[M]
	switch kind {
	case sim.ActTimer:
		return none, errors.New("that timer is not armed (or its node is down)")
	case sim.ActCrash:
		return none, errors.New("the node is already down")
	case sim.ActRestart:
		return none, errors.New("the node is not down")
	}
	if len(there) == 0 {
		return none, fmt.Errorf("nothing to %s on %s", kind, l)
	}
	return none, fmt.Errorf("no %s on %s; there: %s", msg, l, strings.Join(there, ", "))
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
		in.do(a)
	}
}

// firstDelivery is the first enabled delivery, if any.
func (in *interp[M, D]) firstDelivery() (sim.Action[M], bool) {
	for _, a := range in.s.World().Actions() {
		if a.Kind == sim.ActDeliver {
			return a, true
		}
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
