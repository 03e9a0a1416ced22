package sim

import (
	"fmt"
	"reflect"

	"github.com/paxsim/paxsim/fingerprint"
)

// A cloneAudit checks a protocol's side of the Cloner contract on a step
// the explorer takes for the first time (LocalSteps.run): a node whose
// CloneInto is wrong makes the explorer judge states the protocol never
// reaches, or merge states it does, and so give a wrong verdict with no
// sign of it. The audit makes the sign. The contract it checks:
//
//   - the node the world holds fingerprints as the copy it was restored
//     from said it would (a copy made into reused memory is the same
//     state);
//   - a copy made into fresh memory, CloneInto(nil), fingerprints as its
//     original;
//   - the step taken from that fresh copy leaves the node in the state,
//     with the durable state, sends and observations, that the same step
//     took from a copy made into reused memory (the explorer's copies
//     reuse the memory of nodes of other states);
//   - stepping a copy changes nothing of the original (no memory shared
//     that either writes).
//
// A broken rule is reported as the step's Fault, which the model turns
// into a violation of the contract with a shortest path to the step.
// Which reused memory a copy lands in depends on what a worker explored
// before, so a broken contract may show at another step from one search
// to the next; a kept contract never shows.
type cloneAudit[M Message, D, O any] struct {
	world *World[M, D, O] // the step's live world, which the steps were copied from
	act   *Action[M]
	msgAt int
}

// check audits the step that probe took from a copy of the world, whose
// observations were obs. It returns the rule broken, or "".
func (c cloneAudit[M, D, O]) check(probe *World[M, D, O], obs []Observed[O]) string {
	id := c.act.To
	src := c.world.slots[id].node
	if src == nil {
		return ""
	}
	orig := nodeKey(src)
	if nodeKey(src) != orig {
		return c.broke(src, "Fingerprint is not a function of the node's state: two calls with nothing changed between them write different keys (a map iterated in its random order?)")
	}
	if sl := &c.world.slots[id]; sl.fpOK && sl.nodeKey != orig {
		return c.broke(src, "the node copied from the search's stored copy does not fingerprint as that copy did when stored: "+
			"CloneInto shares memory that a step then wrote, or keeps what the reused memory held")
	}
	other, freshObs, taken := c.fresh()
	switch taken {
	case copyDiffers:
		return c.broke(src, "CloneInto(nil) returns a node that does not fingerprint as its original")
	case notTaken:
		return "" // a panic or a crash: the step is taken the long way, and judged there
	}
	why := sameStep(probe, other, id)
	if why == "" && !reflect.DeepEqual(obs, freshObs) {
		why = "what it observes"
	}
	if why != "" {
		if again, againObs, _ := c.fresh(); sameStep(other, again, id) != "" || !reflect.DeepEqual(freshObs, againObs) {
			return c.broke(src, "the step is not a function of the node's state: taken twice from fresh copies, it differs (a map iterated in its random order, a clock, a global random source?)")
		}
		return c.broke(src, "the same step from a copy made into fresh memory and from one made into reused memory differs: "+why)
	}
	if nodeKey(src) != orig {
		return c.broke(src, "a step of a copy changed the original: the copy shares memory with it")
	}
	return ""
}

// How a step from a fresh copy went (cloneAudit.fresh).
const (
	stepTaken   = iota
	copyDiffers // the fresh copy does not fingerprint as its original
	notTaken    // the step panicked, or was not local
)

// fresh takes the step alone in a copy of the world made into fresh
// memory (every node CloneInto(nil)), and says how it went.
func (c cloneAudit[M, D, O]) fresh() (w *World[M, D, O], obs []Observed[O], taken int) {
	w = c.world.CloneInto(nil, func(node NodeID, o O) { obs = append(obs, Observed[O]{node, o}) })
	switch {
	case nodeKey(w.slots[c.act.To].node) != nodeKey(c.world.slots[c.act.To].node):
		return w, obs, copyDiffers
	case !takeAlone(c.world, w, c.act, c.msgAt):
		return w, obs, notTaken
	}
	return w, obs, stepTaken
}

// broke words a broken rule of the contract of node src.
func (c cloneAudit[M, D, O]) broke(src Node[M, D, O], why string) string {
	return fmt.Sprintf("cloner: node %d (%T) breaks the sim.Cloner contract at %s: %s", c.act.To, src, c.act, why)
}

// nodeKey is the fingerprint of node n.
func nodeKey[M Message, D, O any](n Node[M, D, O]) fingerprint.Key {
	var h fingerprint.Hasher
	h.Reset()
	n.(Fingerprinter).Fingerprint(&h)
	return h.Sum()
}

// takeAlone takes action a in probe, a copy of w, with only the message
// a delivers (at msgAt in w's network; -1 for a timer) in its network, so
// that every message the node sends shows. It reports false when the
// handler panics or the step is not local after all (another node went
// down or up).
func takeAlone[M Message, D, O any](w, probe *World[M, D, O], a *Action[M], msgAt int) (ok bool) {
	probe.inflight = probe.inflight[:0]
	if msgAt >= 0 {
		probe.inflight = append(probe.inflight, w.inflight[msgAt])
	}
	probe.netIdx = netIndex{}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	probe.Do(*a)
	for i := range probe.slots {
		if NodeID(i) != a.To && probe.slots[i].up != w.slots[i].up {
			return false
		}
	}
	return true
}

// sameStep compares node id's part of worlds a and b, and what each sent,
// after the same step (takeAlone); it says how they differ, or "".
func sameStep[M Message, D, O any](a, b *World[M, D, O], id NodeID) string {
	sa, sb := &a.slots[id], &b.slots[id]
	a.slotKeys(sa)
	b.slotKeys(sb)
	switch {
	case sa.up != sb.up || sa.armed != sb.armed:
		return "the node's liveness or timers"
	case sa.nodeKey != sb.nodeKey:
		return "the node's state after it"
	case sa.durKey != sb.durKey || !sameWrites(a, sa.unsynced, sb.unsynced):
		return "the durable state after it"
	}
	if len(a.inflight) != len(b.inflight) {
		return fmt.Sprintf("%d messages in flight after it against %d", len(a.inflight), len(b.inflight))
	}
	for i := range a.inflight {
		if a.inflight[i].elem != b.inflight[i].elem {
			fa, fb := &a.inflight[i], &b.inflight[i]
			return fmt.Sprintf("message %d in flight after it: %s->%s %v against %s->%s %v", i+1, fa.from, fa.to, fa.msg, fb.from, fb.to, fb.msg)
		}
	}
	return ""
}

// sameWrites reports whether two lists of unsynced writes are the same.
func sameWrites[M Message, D, O any](w *World[M, D, O], a, b []D) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if durableKey(&w.scratchHash, a[i]) != durableKey(&w.scratchHash, b[i]) {
			return false
		}
	}
	return true
}

// AuditStep audits the Cloner contract of the node that action a, a
// delivery or a timer, runs on from world w, as LocalSteps does for each
// step it remembers: the step taken alone (the network holding only the
// message delivered) in a copy of w made into probe's reused memory
// against the same step from a copy made into fresh memory. It returns
// the rule broken, or "", and probe's memory, for the next call. A search
// that copies whole worlds calls it once per distinct node state and
// step (AuditKey).
func (w *World[M, D, O]) AuditStep(a *Action[M], probe *World[M, D, O]) (string, *World[M, D, O]) {
	msgAt, ok := w.auditedMessage(a)
	if !ok {
		return "", probe
	}
	var obs []Observed[O]
	probe = w.CloneInto(probe, func(node NodeID, o O) { obs = append(obs, Observed[O]{node, o}) })
	if !takeAlone(w, probe, a, msgAt) {
		return "", probe
	}
	if fault := (cloneAudit[M, D, O]{w, a, msgAt}).check(probe, obs); fault != "" {
		return fault, probe
	}
	return w.auditAliases(a, probe, obs), probe
}

// auditedMessage is where in w's network the message that a delivers is
// (-1 for a timer); ok is false for an action AuditStep does not audit.
func (w *World[M, D, O]) auditedMessage(a *Action[M]) (msgAt int, ok bool) {
	if int(a.To) <= 0 || int(a.To) >= len(w.slots) || w.slots[a.To].node == nil || a.Crash != (Crash{}) {
		return 0, false
	}
	switch a.Kind {
	case ActTimer:
		return -1, true
	case ActDeliver:
		at := int(a.at) - 1
		return at, at >= 0 && at < len(w.inflight) && w.inflight[at].is(a)
	}
	return 0, false
}

// AuditKey identifies what AuditStep audits of action a from w: the
// node's state, durable state, armed timers and unsynced writes, and the
// action (its kind, and the message or timer), so that a search audits
// each once.
func (w *World[M, D, O]) AuditKey(a *Action[M]) (key [6]uint64, ok bool) {
	msgAt, ok := w.auditedMessage(a)
	if !ok {
		return key, false
	}
	sl := &w.slots[a.To]
	w.slotKeys(sl)
	action := uint64(a.To)<<56 | uint64(a.Kind)<<48 | uint64(a.Tag)<<40 | uint64(sl.armed)
	key = [6]uint64{sl.nodeKey[0], sl.nodeKey[1], sl.durKey[0], sl.durKey[1], action, uint64(len(sl.unsynced))}
	for _, d := range sl.unsynced { // what a crash inside the step would keep decides it too
		k := durableKey(&w.scratchHash, d)
		key[5] = key[5]*0x9e3779b97f4a7c15 ^ k[0] ^ k[1]
	}
	if msgAt >= 0 {
		key[5] = key[5]*0x9e3779b97f4a7c15 ^ w.inflight[msgAt].elem[0] ^ w.inflight[msgAt].elem[1]
	}
	return key, true
}
