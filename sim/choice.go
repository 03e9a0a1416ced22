package sim

import (
	"fmt"
	"math/bits"

	"github.com/paxsim/paxsim/fingerprint"
)

// Mode says how a World picks its next event.
type Mode uint8

const (
	// Timed worlds give every message and timer a virtual timestamp from
	// drawn delays and run the earliest event next: realistic timing, in
	// which timeouts and backoff mean something. Campaigns run timed.
	Timed Mode = iota
	// Choice worlds let the scheduler pick any enabled action next (deliver
	// any in-flight message, drop or duplicate one, fire any armed timer,
	// crash or restart a node), from a list in a fixed order; time is
	// nominal, one tick a step. Every interleaving is reachable, and a
	// decision is a small index that shrinks well: the mode of property
	// tests, fuzzing, decision-trace replay and exhaustive exploration.
	Choice
)

// ChoiceConfig bounds what the scheduler of a Choice world may do besides
// delivering messages and firing timers.
type ChoiceConfig struct {
	Drops      bool // in-flight messages may be dropped (not a node's to itself: they never cross the network, and a timed world never drops them)
	MaxDups    int  // copies of already-sent messages it may inject, in all
	MaxCrashes int  // crashes in all; at most Faults.MaxCrashed down at once
	// Network is how the network holds messages: a multiset that delivery
	// consumes (the default), or the grow-only set of every message sent.
	Network NetworkSemantics
	// DupSelf lets a node's messages to itself be duplicated too, which
	// never happens in a timed world: what the replay of a trace from a
	// set network needs, where such a message may arrive twice.
	DupSelf bool
	// LocalSelf delivers a node's messages to itself as local calls, at
	// once, in the order sent, as part of the step that sent them, instead
	// of putting them in the network for the scheduler to deliver. A
	// replica that is proposer, acceptor and learner is one process, and
	// real ones call their own acceptor rather than message it; the
	// schedules this leaves out (a replica's acceptor hearing its own
	// proposer late) cost exhaustive search most of its states. A trace
	// from such a world replays in one without it, every local delivery
	// written out as a step.
	LocalSelf bool
	// TornCuts, with crashes left in the budget, lists each delivery and
	// timer a second time for every cut 1..TornCuts: run as a torn crash
	// that lets that many of the handler's effects happen (effects.go).
	// A cut past the handler's effects runs it whole, and crashes
	// nothing: the plain step's successor again.
	TornCuts int
	// LoseUnsynced, with crashes left in the budget, lists the crashes of
	// a node with unsynced writes that lose the last 1..all of them
	// (storage.go).
	LoseUnsynced bool
}

// NetworkSemantics says what delivering a message does to the network of a
// Choice world.
type NetworkSemantics uint8

const (
	// Multiset networks hold each sent message until it is delivered or
	// dropped: loss and duplication are actions of their own.
	Multiset NetworkSemantics = iota
	// SentSet networks hold every distinct message ever sent, and
	// delivery does not remove it: any message may arrive any number of
	// times in any order, or never, as in Lamport's TLA+ specifications.
	// One state covers loss, reordering and duplication at once, which
	// keeps exhaustive search small; drops and duplications are not
	// separate actions. A node's messages to itself die with it in a crash,
	// as in a multiset.
	SentSet
)

func (n NetworkSemantics) String() string {
	if n == SentSet {
		return "set"
	}
	return "multiset"
}

// ParseNetworkSemantics reads "multiset" or "set".
func ParseNetworkSemantics(s string) (NetworkSemantics, error) {
	switch s {
	case "multiset":
		return Multiset, nil
	case "set":
		return SentSet, nil
	}
	return 0, fmt.Errorf("unknown network semantics %q (want multiset or set)", s)
}

// ActionKind names what a choice-mode action does.
type ActionKind uint8

// The actions of a Choice world, in the order Actions lists them.
const (
	ActDeliver ActionKind = iota + 1 // deliver an in-flight message (or client request)
	ActTimer                         // fire an armed timer
	ActDrop                          // lose an in-flight message
	ActDup                           // inject one more copy of a message sent before
	ActCrash                         // crash a node
	ActRestart                       // restart a crashed node from its durable state
)

var actionNames = [...]string{
	ActDeliver: "deliver", ActTimer: "timer", ActDrop: "drop",
	ActDup: "dup", ActCrash: "crash", ActRestart: "restart",
}

func (k ActionKind) String() string {
	if int(k) < len(actionNames) && actionNames[k] != "" {
		return actionNames[k]
	}
	return fmt.Sprintf("action(%d)", uint8(k))
}

// Action is one enabled step of a Choice world.
type Action[M Message] struct {
	Kind     ActionKind
	From, To NodeID   // the message's link; for timers, crashes and restarts the node is To
	Tag      TimerTag // ActTimer
	Msg      M        // ActDeliver, ActDrop, ActDup
	Crash    Crash    // ActDeliver, ActTimer: a torn crash; ActCrash: one that loses writes
	digest   uint64
	seq      uint64 // ActDeliver, ActDrop: the flight's seq + 1 when Find found it; 0 if unknown
	at       int32  // ActDeliver: the flight's index in the network + 1 when Actions listed it; 0 if unknown
}

// String is the action as a decision-trace line, e.g. "deliver 1->2
// Prepare(1.1)" or "timer 3 0": the form that replays match against.
func (a Action[M]) String() string {
	if a.Crash != (Crash{}) {
		inner := a
		inner.Crash = Crash{}
		return a.Crash.line(a.To, inner)
	}
	switch a.Kind {
	case ActDeliver, ActDrop, ActDup:
		return fmt.Sprintf("%s %s->%s %s", a.Kind, a.From, a.To, a.Msg)
	case ActTimer:
		return fmt.Sprintf("timer %s %d", a.To, a.Tag)
	default:
		return fmt.Sprintf("%s %s", a.Kind, a.To)
	}
}

// flight is a message in the network of a Choice world.
type flight[M Message] struct {
	from, to NodeID
	msg      M
	digest   uint64
	elem     fingerprint.Key // its fingerprint, once the world is Fingerprinted
}

func (f *flight[M]) same(o *flight[M]) bool {
	return f.digest == o.digest && f.from == o.from && f.to == o.to
}

// is reports whether f is the message that action a delivers or drops.
func (f *flight[M]) is(a *Action[M]) bool {
	return f.digest == a.digest && f.from == a.From && f.to == a.To
}

// Actions lists the enabled actions of a Choice world in a fixed order:
// deliveries (in sending order, identical copies once; on FIFO links, each
// link's oldest message alone), timers, drops (likewise), duplications
// (on FIFO links, of each link's latest message), crashes, restarts. An
// index into it is a decision. The slice is reused by the next call.
func (w *World[M, D, O]) Actions() []Action[M] {
	w.mustBeChoice()
	w.boot()
	acts := w.actions[:0]
	for i := range w.inflight {
		f := &w.inflight[i]
		if w.slots[f.to].up && w.listed(i) {
			acts = append(acts, Action[M]{Kind: ActDeliver, From: f.from, To: f.to, Msg: f.msg, digest: f.digest, at: int32(i + 1)})
		}
	}
	for id := NodeID(1); int(id) <= w.cfg.Nodes; id++ {
		s := &w.slots[id]
		for m := s.armed; s.up && m != 0; m &= m - 1 {
			acts = append(acts, Action[M]{Kind: ActTimer, To: id, Tag: TimerTag(bits.TrailingZeros32(m))})
		}
	}
	if w.dropsEnabled() {
		for i := range w.inflight {
			f := &w.inflight[i]
			if w.listed(i) && f.from != f.to { // a node's message to itself never crosses the network
				acts = append(acts, Action[M]{Kind: ActDrop, From: f.from, To: f.to, Msg: f.msg, digest: f.digest})
			}
		}
	}
	if w.dupsEnabled() {
		for i := range w.sentLog {
			f := &w.sentLog[i]
			acts = append(acts, Action[M]{Kind: ActDup, From: f.from, To: f.to, Msg: f.msg, digest: f.digest})
		}
	}
	if w.crashesEnabled() {
		acts = w.crashActions(acts)
	}
	for id := NodeID(1); int(id) <= w.cfg.Nodes; id++ {
		if !w.slots[id].up {
			acts = append(acts, Action[M]{Kind: ActRestart, To: id})
		}
	}
	w.actions = acts
	return acts
}

// listed reports whether in-flight message i is one that Actions lists
// for delivery and drop: the first of identical copies on its link, and on
// a FIFO link the oldest message alone.
func (w *World[M, D, O]) listed(i int) bool {
	if w.cfg.Choice.Network == SentSet && !w.net.FIFO {
		return true // a set holds no copies (sendChoice)
	}
	f := &w.inflight[i]
	for j := range i {
		if g := &w.inflight[j]; g.from == f.from && g.to == f.to && (g.digest == f.digest || w.net.FIFO) {
			return false
		}
	}
	return true
}

// dropsEnabled, dupsEnabled and crashesEnabled report whether the
// bounds leave the scheduler drops, duplications and crashes.
func (w *World[M, D, O]) dropsEnabled() bool {
	return w.cfg.Choice.Drops && w.cfg.Choice.Network == Multiset
}

func (w *World[M, D, O]) dupsEnabled() bool {
	return w.dups < w.cfg.Choice.MaxDups && w.cfg.Choice.Network == Multiset
}

func (w *World[M, D, O]) crashesEnabled() bool {
	return w.crashes < w.cfg.Choice.MaxCrashes && w.crashed < w.cfg.Faults.MaxCrashed
}

func (w *World[M, D, O]) seenBefore(prefix []flight[M], f *flight[M]) bool {
	return w.indexOf(prefix, f) >= 0
}

// indexOf returns where in flights the message that f is (same link and
// digest) is, or -1.
func (w *World[M, D, O]) indexOf(flights []flight[M], f *flight[M]) int {
	for i := range flights {
		if flights[i].same(f) {
			return i
		}
	}
	return -1
}

// Do takes action a, which must be one that Actions listed since the last
// step. Time advances one tick.
func (w *World[M, D, O]) Do(a Action[M]) {
	w.mustBeChoice()
	w.boot()
	w.now++
	w.tornMiss = 0
	switch a.Kind {
	case ActDeliver, ActDrop:
		var f flight[M]
		ok := false
		if w.cfg.Choice.Network == SentSet && a.Kind == ActDeliver {
			f, ok = w.findFlight(a.From, a.To, a.digest)
		} else {
			f, ok = w.takeFlight(a.From, a.To, a.digest, a.seq)
		}
		if !ok {
			panic(fmt.Sprintf("sim: %s: no such message in flight", a))
		}
		// Self-sends in flight died with their sender's crashes already.
		e := event[M]{at: w.now, kind: EventDeliver, from: node8(f.from), to: node8(f.to), msg: f.msg, gen: w.slots[f.to].crashGen}
		e.sent = sampledDigest(f.digest)
		if f.from == External {
			e.kind = EventRequest
		}
		if a.Kind == ActDrop {
			w.fault(FaultDrop, f.from, f.to, &e, logStep)
			return
		}
		w.current = e
		w.held.on, w.held.cut = a.Crash.Torn, a.Crash.Cut
		w.deliver(&w.current)
		w.endTorn(a)
	case ActTimer:
		s := &w.slots[a.To]
		if !s.up || s.armed&(1<<a.Tag) == 0 {
			panic(fmt.Sprintf("sim: %s: the timer is not armed", a))
		}
		s.armed &^= 1 << a.Tag
		w.current = event[M]{at: w.now, kind: EventTimer, to: node8(a.To), tag: a.Tag}
		w.held.on, w.held.cut = a.Crash.Torn, a.Crash.Cut
		w.fire(&w.current)
		w.endTorn(a)
	case ActDup:
		w.dups++
		f := flight[M]{from: a.From, to: a.To, msg: a.Msg, digest: a.digest}
		if w.fingerprinted {
			f.elem = w.element(&f)
		}
		w.addFlight(f)
		e := event[M]{at: w.now, kind: EventDeliver, from: node8(f.from), to: node8(f.to), msg: f.msg}
		w.fault(FaultDup, f.from, f.to, &e, logStep)
	case ActCrash:
		w.doCrash(a)
	case ActRestart:
		if w.slots[a.To].up {
			panic(fmt.Sprintf("sim: %s: the node is up", a))
		}
		w.record(EventRestart, a.To, a.To, 0)
		w.logStep("restart %s", a.To)
		w.restart(a.To)
	default:
		panic(fmt.Sprintf("sim: unknown action %d", a.Kind))
	}
	w.deliverLocal()
	w.flushLog()
}

// doCrash takes crash action a: plain, or losing unsynced writes.
func (w *World[M, D, O]) doCrash(a Action[M]) {
	if !w.slots[a.To].up {
		panic(fmt.Sprintf("sim: %s: the node is down", a))
	}
	w.crashes++
	if c := a.Crash; c.Lost {
		w.crashAs(a.To, 0, FaultLostUnsynced, c.Lose, lostLine(a.To, c.Lose, c.Unsynced))
	} else {
		w.crash(a.To, 0)
	}
	w.dropSelfSends(a.To)
}

// deliverLocal runs the local deliveries a LocalSelf world's step queued,
// and those they queue, in order.
func (w *World[M, D, O]) deliverLocal() {
	for i := 0; i < len(w.local); i++ {
		f := w.local[i]
		if !w.slots[f.to].up {
			continue
		}
		w.current = event[M]{at: w.now, kind: EventDeliver, from: node8(f.from), to: node8(f.to), msg: f.msg, gen: w.slots[f.to].crashGen}
		w.current.sent = sampledDigest(f.digest)
		w.deliver(&w.current)
	}
	clear(w.local)
	w.local = w.local[:0]
}

// takeFlight removes the first in-flight message on from->to with digest
// (on a FIFO link, the oldest message, if it has that digest): the one
// whose seq is hint-1 when hint is not 0 (Find found it).
func (w *World[M, D, O]) takeFlight(from, to NodeID, digest, hint uint64) (flight[M], bool) {
	i, ok := w.flightAt(hint)
	if !ok {
		i, ok = w.scanFlight(from, to, digest)
	}
	if !ok {
		return flight[M]{}, false
	}
	f := w.inflight[i]
	if f.digest != digest || f.from != from || f.to != to {
		panic(fmt.Sprintf("sim: the network's index names %s->%s for a message on %s->%s", f.from, f.to, from, to))
	}
	w.unindexFlight(i)
	w.inflight = append(w.inflight[:i], w.inflight[i+1:]...)
	return f, true
}

// scanFlight is the position of the first in-flight message on from->to
// with digest (on a FIFO link, of its oldest message, if it has that
// digest).
func (w *World[M, D, O]) scanFlight(from, to NodeID, digest uint64) (int, bool) {
	for i := range w.inflight {
		f := &w.inflight[i]
		if f.from != from || f.to != to {
			continue
		}
		if f.digest == digest {
			return i, true
		}
		if w.net.FIFO {
			break
		}
	}
	return 0, false
}

// findFlight returns the first in-flight message on from->to with digest,
// leaving it in flight.
func (w *World[M, D, O]) findFlight(from, to NodeID, digest uint64) (flight[M], bool) {
	for i := range w.inflight {
		f := w.inflight[i]
		if f.digest == digest && f.from == from && f.to == to {
			return f, true
		}
	}
	return flight[M]{}, false
}

// dropSelfSends removes node id's messages to itself from the network of
// a Choice world: they die with the process.
func (w *World[M, D, O]) dropSelfSends(id NodeID) {
	kept := w.inflight[:0]
	for _, f := range w.inflight {
		if f.from != id || f.to != id {
			kept = append(kept, f)
		}
	}
	clear(w.inflight[len(kept):])
	w.inflight = kept
	w.netIdx.dropFlights()
}

// stepChoice is Step for a Choice world: the Decider picks the action.
func (w *World[M, D, O]) stepChoice() bool {
	acts := w.Actions()
	if len(acts) == 0 {
		return false
	}
	i := 0
	if len(acts) > 1 {
		i = w.decide.Intn(Decision{Kind: DecideAction}, len(acts))
	}
	w.Do(acts[i])
	return true
}

// sendChoice puts a message in the in-flight multiset of a Choice world.
func (w *World[M, D, O]) sendChoice(from, to NodeID, msg M) {
	f := flight[M]{from: from, to: to, msg: msg, digest: msg.Digest()}
	if from == to && w.cfg.Choice.LocalSelf {
		w.local = append(w.local, f)
		return
	}
	if w.cfg.Choice.Network == SentSet {
		if i := w.indexOf(w.inflight, &f); i >= 0 {
			w.auditDigest(&w.inflight[i], &f)
			return // the set has it already
		}
	}
	if w.fingerprinted {
		f.elem = w.element(&f)
		w.auditMessage(&f)
	}
	w.addFlight(f)
	if w.cfg.Choice.MaxDups == 0 || (from == to && !w.cfg.Choice.DupSelf) || from == External {
		return
	}
	switch {
	case w.net.FIFO:
		w.keepLatest(&f)
	case !w.wasSent(&f):
		w.sentLog = append(w.sentLog, f)
	}
}

// keepLatest makes f the message that sentLog holds for its link: on FIFO
// links the network duplicates the latest message sent on each (fifo.go).
func (w *World[M, D, O]) keepLatest(f *flight[M]) {
	for i := range w.sentLog {
		if s := &w.sentLog[i]; s.from == f.from && s.to == f.to {
			*s = *f
			return
		}
	}
	w.sentLog = append(w.sentLog, *f)
}

// Heal ends every fault now, as HealAt does in a Timed world: crashed nodes
// restart, partitions heal, slow nodes recover, the network turns reliable.
func (w *World[M, D, O]) Heal() {
	w.boot()
	if !w.healed {
		w.healAll()
		if w.cfg.Mode == Choice {
			w.deliverLocal()
		}
		w.flushLog()
	}
}

// SwitchToTimed turns a Choice world into a Timed one in its current state:
// every in-flight message gets a drawn delay and every armed timer its
// remaining duration, counted from now. The liveness phase after a
// choice-mode schedule runs this way, with realistic timing.
func (w *World[M, D, O]) SwitchToTimed() {
	w.mustBeChoice()
	w.boot()
	w.cfg.Mode = Timed
	w.timed()
	for _, f := range w.inflight {
		e := event[M]{at: w.now + w.delay(f.from, f.to), kind: EventDeliver, from: node8(f.from), to: node8(f.to), msg: f.msg, gen: w.slots[f.from].crashGen, arg: sentAt(w.now)}
		if f.from == External {
			e.kind = EventRequest
			w.schedule(e)
			continue
		}
		w.links.add(f.from, f.to) // in the network already: the bound applies to what comes next
		if w.net.FIFO {
			w.admitFIFO(&e) // in sending order: inflight's
			continue
		}
		w.schedule(e)
	}
	w.inflight = w.inflight[:0]
	w.netIdx.dropFlights()
	for id := NodeID(1); int(id) <= w.cfg.Nodes; id++ {
		s := &w.slots[id]
		for m := s.armed; m != 0; m &= m - 1 {
			tag := TimerTag(bits.TrailingZeros32(m))
			w.setTimer(id, tag, w.now+max(s.after[tag], 1), 1)
		}
		s.armed = 0
	}
}

// Send puts msg in flight from node from to node to in a Choice world,
// as if from had just sent it: a scenario script's hand-written message.
func (w *World[M, D, O]) Send(from, to NodeID, msg M) {
	w.mustBeChoice()
	w.mustBeNode(External, from)
	w.boot()
	w.send(from, to, msg)
}

// SetDecider replaces the world's Decider, as when a replayed schedule
// hands over to a seeded liveness phase.
func (w *World[M, D, O]) SetDecider(d Decider) { w.decide, w.random = d, asRandom(d) }

// InFlight is the number of messages in the network of a Choice world.
func (w *World[M, D, O]) InFlight() int { return len(w.inflight) }

func (w *World[M, D, O]) mustBeChoice() {
	if w.cfg.Mode != Choice {
		panic("sim: a choice-mode call on a timed world")
	}
}

// Durable returns what node id last wrote: its state as a plain crash
// would leave it (a crash that loses unsynced writes may leave less).
// Scenario printouts show it after every step.
func (w *World[M, D, O]) Durable(id NodeID) D { return w.slots[id].latest() }
