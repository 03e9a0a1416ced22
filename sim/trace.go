package sim

import (
	"fmt"
	"github.com/paxsim/paxsim/fingerprint"
)

// TraceEntry is one line of the readable trace: an executed event or a
// network fault.
type TraceEntry struct {
	Index int64  // events executed so far, this one included
	Time  Time   // virtual time
	Kind  string // an EventKind or FaultKind name, "recover" or "partition-heal"
	From  NodeID // sender, or the node concerned
	To    NodeID // receiver, or the node concerned
	Msg   string // the message, or a description of the fault
}

func (t TraceEntry) String() string {
	who := ""
	switch t.Kind {
	case "crash", "restart", "timer", "slow", "pause", "recover":
		who = " " + t.From.String()
	default:
		if t.From != 0 || t.To != 0 {
			who = fmt.Sprintf(" %s->%s", t.From, t.To)
		}
	}
	msg := ""
	if t.Msg != "" {
		msg = " " + t.Msg
	}
	return fmt.Sprintf("t=%d #%d %s%s%s", t.Time, t.Index, t.Kind, who, msg)
}

// SetSendTracer makes the world call fn for every message a node sends, as
// it is sent, with Kind "send": what a space-time diagram needs to draw an
// arrow from the step that sent a message to the one that delivered or lost
// it (package diagram). The call comes before the network decides the
// message's fate, so a "drop", "partition-drop" or "dup" entry that the
// tracer receives right after it is about this message. Client requests
// (Request) are not sends: they come from outside the cluster.
func (w *World[M, D, O]) SetSendTracer(fn func(TraceEntry)) { w.sendTr = fn }

// SetSendHook makes the world call fn for every message a node sends, as
// it is sent, with the message itself: what a refinement mapping reads
// (package refine), where SetSendTracer's text would have to be parsed.
// Like the tracers, CloneInto does not copy it. Client requests are not
// sends.
func (w *World[M, D, O]) SetSendHook(fn func(from, to NodeID, msg M)) { w.sendFn = fn }

const hashSeed = 0xcbf29ce484222325

// foldEvent mixes one event into the rolling hash. It uses only integer
// arithmetic, so the result is the same on every machine.
func foldEvent(h uint64, at Time, kind, from, to, detail uint64) uint64 {
	h = fingerprint.Mix64(h ^ uint64(at))
	h = fingerprint.Mix64(h ^ (kind | from<<16 | to<<32))
	return fingerprint.Mix64(h ^ detail)
}
