package sim

import (
	"math/bits"
	"slices"
	"sync/atomic"

	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/internal/memo"
)

// LocalSteps remembers the local steps of a search's Choice worlds, in snapshot
// space: a delivery or a timer changes only the node it runs on and adds
// the messages that node sends, so its effect is a function of that
// node's part of the snapshot (its liveness, armed timers, state, durable
// state and unsynced writes) and of the message or timer. An explorer
// that meets the same node state and message again, in another state of
// the world, takes the step from memory: no copy of the world, no run of
// the handler. It is the same assumption as the fingerprint's: what the
// fingerprint of a node, its durable state and a message leaves out does
// not decide the node's step.
//
// Only a set network (SentSet) with local self-sends (LocalSelf) and no
// FIFO links has steps this local; Memoizes says whether a world does.
// LocalSteps is safe for concurrent use.
type LocalSteps[M Message, D, O any] struct {
	pool *SnapshotPool[M, D, O]
	// cut judges a step once, when it first runs: whether a bound of the
	// caller's (a ballot bound, say) cuts it, from what it sent and
	// observed.
	cut func(sent []M, obs []Observed[O]) bool
	// parts numbers the node parts met (partKey), steps keys each step
	// by its node part's number and its action (stepAt): most successors
	// of a search are remembered steps, and a state's node parts are
	// numbered once for all its steps (Layout).
	parts  memo.Table[partKey, uint32]
	nParts atomic.Uint32
	steps  memo.Table[stepAt, *LocalStep[O]]
	n      atomic.Uint32
}

// NewLocalSteps returns the memory of local steps of the worlds of pool;
// cut, when not nil, judges each step once (LocalStep.Cut).
func NewLocalSteps[M Message, D, O any](pool *SnapshotPool[M, D, O], cut func(sent []M, obs []Observed[O]) bool) *LocalSteps[M, D, O] {
	return &LocalSteps[M, D, O]{pool: pool, cut: cut}
}

// Memoizes reports whether the steps of worlds like the pool's are local
// enough to remember.
func (t *LocalSteps[M, D, O]) Memoizes() bool {
	c := t.pool.template.cfg.Choice
	return c.Network == SentSet && c.LocalSelf && !t.pool.template.net.FIFO && c.MaxDups == 0
}

// LocalStep is one remembered step: the node's part of the snapshot after it,
// the messages it sent (pool indices, in order, before the set network
// drops those it holds), and what it observed.
type LocalStep[O any] struct {
	// ID numbers the distinct steps of a search from 0: a key for what a
	// caller derives from a step once (its checkers' effect, its bounds).
	ID   uint32
	node NodeID
	part []uint32 // up, armed, node, durable, count and indices of unsynced writes
	sent []uint32
	// Obs are the observations the step made, in order.
	Obs []Observed[O]
	// Cut is what the LocalSteps' cut said of the step.
	Cut bool
	// Last is the caller's one-entry cache of what it last derived from
	// the step (the model: its checkers' state before and after), read
	// and written atomically.
	Last atomic.Uint64
	// same: the node's part after the step is its part before.
	same bool
}

// Observed is an observation with the node that made it.
type Observed[O any] struct {
	Node NodeID
	O    O
}

// Node is the node the step ran on.
func (s *LocalStep[O]) Node() NodeID { return s.node }

// partKey is what decides a node's local steps but the action: the
// node, its part of the snapshot (with at most two unsynced writes), and
// whether the world healed.
type partKey [10]uint32

// Hash implements memo.Key.
func (k partKey) Hash() uint64 { return memo.HashWords(k[:]...) }

// stepAt is what decides a local step: the number of the node's part
// (partKey) in the high word, the action in the low one (a timer's tag
// with the top bit set, or the index of the message delivered).
type stepAt uint64

// Hash implements memo.Key.
func (k stepAt) Hash() uint64 { return memo.HashWords(uint32(k), uint32(k>>32)) }

const timerStep = 1 << 31

// Layout is where the parts of a snapshot lie: each node's, and the
// network's. A caller that reads one snapshot many times (a state's
// every step) computes it once (SnapshotPool.Layout).
type Layout struct {
	parts []int
	net   int
	offs  [16]int
	// ids are the numbers of the first nodes' parts in LocalSteps, plus
	// one; 0: not looked up yet; noPart: not a part steps are remembered
	// from.
	ids [16]uint32
}

const noPart = ^uint32(0)

// Layout computes the layout of snapshot s into l.
func (p *SnapshotPool[M, D, O]) Layout(s Snapshot, l *Layout) {
	l.parts, l.net = snapshotLayout(s, p.template.cfg.Nodes, l.offs[:0])
	l.ids = [16]uint32{}
}

// snapshotLayout is where each node's part, the network and the
// duplication log start in a snapshot.
func snapshotLayout(s Snapshot, nodes int, offs []int) (parts []int, net int) {
	k := snapshotHeader
	offs = offs[:0]
	for range nodes {
		offs = append(offs, k)
		k += 5 + int(s[k+4])
	}
	return offs, k
}

// Take returns the step that action a, a delivery or a timer without a
// torn crash that Actions (the world's or the pool's) listed for snapshot
// s (whose layout is l), takes from s: remembered, or run in probe (a world of this
// search's, or nil; the new one is returned) from s's live world, which
// live returns, and remembered. ok is false when a is not such an action
// or its handler panics: the caller takes it the long way.
func (t *LocalSteps[M, D, O]) Take(s Snapshot, l *Layout, live func() *World[M, D, O], a *Action[M], probe *World[M, D, O]) (*LocalStep[O], *World[M, D, O], bool) {
	if (a.Kind != ActDeliver && a.Kind != ActTimer) || a.Crash != (Crash{}) {
		return nil, probe, false
	}
	key, msgAt, ok := t.key(s, l, a)
	if !ok {
		return nil, probe, false
	}
	if st, ok := t.steps.Load(key); ok {
		return st, probe, true
	}
	st, probe, ok := t.run(live(), a, msgAt, probe)
	if !ok {
		return nil, probe, false
	}
	at := l.parts[a.To-1]
	st.same = slices.Equal(st.part, s[at:at+5+int(s[at+4])])
	st.ID = t.n.Add(1) - 1 // before it is shared; a step that loses a race wastes its number
	st, _ = t.steps.LoadOrStore(key, st)
	return st, probe, true
}

// key is the memory's key of action a from snapshot s, whose layout is
// l, and the position in s's network of the message a delivers (-1 for a
// timer).
func (t *LocalSteps[M, D, O]) key(s Snapshot, l *Layout, a *Action[M]) (key stepAt, msgAt int, ok bool) {
	part := t.part(s, l, a.To)
	if part == noPart {
		return 0, 0, false
	}
	if a.Kind == ActTimer {
		return stepAt(uint64(part)<<32 | timerStep | uint64(a.Tag)), -1, true
	}
	msgAt, net := int(a.at)-1, l.net // where Actions found it
	if msgAt < 0 || msgAt >= int(s[net]) || !t.pool.msgs.At(s[net+1+msgAt]).is(a) {
		return 0, 0, false
	}
	return stepAt(uint64(part)<<32 | uint64(s[net+1+msgAt])), msgAt, true
}

// part is the number of node id's part of snapshot s (partKey), whose
// layout is l, or noPart when steps are not remembered from it (more than
// two unsynced writes); l keeps it for the first nodes.
func (t *LocalSteps[M, D, O]) part(s Snapshot, l *Layout, id NodeID) uint32 {
	i := int(id) - 1
	if i < len(l.ids) && l.ids[i] != 0 {
		if l.ids[i] == noPart {
			return noPart
		}
		return l.ids[i] - 1
	}
	p := s[l.parts[i]:]
	num := noPart
	if n := int(p[4]); n <= 2 {
		var k partKey
		k[0], k[1] = uint32(id), s[3] // healed
		copy(k[2:], p[:5+n])
		var ok bool
		if num, ok = t.parts.Load(k); !ok {
			// A part that loses a race wastes its number.
			num, _ = t.parts.LoadOrStore(k, t.nParts.Add(1)-1)
		}
	}
	if i < len(l.ids) {
		l.ids[i] = num
		if num != noPart {
			l.ids[i]++
		}
	}
	return num
}

// run takes action a in probe, a copy of w whose network holds only the
// message a delivers, so that every message the node sends shows.
func (t *LocalSteps[M, D, O]) run(w *World[M, D, O], a *Action[M], msgAt int, probe *World[M, D, O]) (st *LocalStep[O], _ *World[M, D, O], ok bool) {
	st = &LocalStep[O]{node: a.To}
	probe = w.CloneInto(probe, func(node NodeID, o O) { st.Obs = append(st.Obs, Observed[O]{node, o}) })
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
			return nil, probe, false // not a local step after all
		}
	}
	part := t.pool.appendSlot(nil, probe, a.To)
	st.part = part
	first := 0
	if msgAt >= 0 {
		first = 1 // the message delivered
	}
	var sent []M
	for i := first; i < len(probe.inflight); i++ {
		f := &probe.inflight[i]
		st.sent = append(st.sent, t.pool.msgs.Intern(f.elem, func() flight[M] { return *f }))
		sent = append(sent, f.msg)
	}
	st.Cut = t.cut != nil && t.cut(sent, st.Obs)
	return st, probe, true
}

// Apply writes the snapshot that step st leads to from s, whose layout is
// l, into buf[:0]:
// s with the step's node part and the messages it sent that the network
// did not hold, in the order sent. added is the sum of those messages'
// keys: what the step adds to the network's part of the fingerprint
// (NetKey).
func (t *LocalSteps[M, D, O]) Apply(s Snapshot, l *Layout, st *LocalStep[O], buf Snapshot) (next Snapshot, added fingerprint.Key) {
	net := l.net
	at := l.parts[st.node-1]
	old := 5 + int(s[at+4])
	out := append(buf[:0], s[:at]...)
	out[4]++ // a step is a tick
	out = append(out, st.part...)
	out = append(out, s[at+old:net]...)
	flights := s[net+1 : net+1+int(s[net])]
	count := len(out)
	out = append(out, s[net:net+1+int(s[net])]...)
	for _, m := range st.sent {
		if !holds(flights, m) && !holds(out[count+1+len(flights):], m) {
			out = append(out, m)
			out[count]++
			added = added.Add(t.pool.msgs.Key(m))
		}
	}
	return append(out, s[net+1+len(flights):]...), added
}

// Stutters reports whether step st from snapshot s (whose layout is l)
// leads back to s, but
// for the clock: the node's part is unchanged and the network held every
// message it sent. What the step observed is the caller's to judge.
func (t *LocalSteps[M, D, O]) Stutters(s Snapshot, l *Layout, st *LocalStep[O]) bool {
	if !st.same {
		return false
	}
	net := l.net
	flights := s[net+1 : net+1+int(s[net])]
	for _, m := range st.sent {
		if !holds(flights, m) {
			return false
		}
	}
	return true
}

func holds(xs []uint32, x uint32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// appendSlot appends node id's part of a snapshot of w to s.
func (p *SnapshotPool[M, D, O]) appendSlot(s Snapshot, w *World[M, D, O], id NodeID) Snapshot {
	sl := &w.slots[id]
	w.slotKeys(sl)
	node := noNode
	if sl.up {
		// A node knows its id, which its fingerprint leaves out.
		k := fingerprint.Element(uint64(id), sl.nodeKey[0], sl.nodeKey[1])
		n, key := sl.node, sl.nodeKey
		node = p.nodes.Intern(k, func() keyedNode[M, D, O] {
			return keyedNode[M, D, O]{n.(Cloner[M, D, O]).CloneInto(nil), key}
		})
	}
	s = append(s, uint32(b2u(sl.up)), sl.armed, node, p.durables.Intern(sl.durKey, func() D { return sl.durable }), uint32(len(sl.unsynced)))
	for _, d := range sl.unsynced {
		s = append(s, p.durables.Intern(durableKey(&w.scratchHash, d), func() D { return d }))
	}
	return s
}

// Fingerprint writes what World.Fingerprint writes of the world of s (no
// renaming, not exact) from the keys the pool holds, without restoring it.
func (p *SnapshotPool[M, D, O]) Fingerprint(h *fingerprint.Hasher, s Snapshot) {
	p.FingerprintNet(h, s, p.NetKey(s))
}

// NetKey is the network's part of the fingerprint of s: the sum of its
// messages' keys, a multiset hash, so that a step's successor has its
// parent's plus the keys of the messages the step added (Apply).
func (p *SnapshotPool[M, D, O]) NetKey(s Snapshot) fingerprint.Key {
	var offs [16]int
	_, net := snapshotLayout(s, p.template.cfg.Nodes, offs[:0])
	var sum fingerprint.Key
	for _, i := range s[net+1 : net+1+int(s[net])] {
		sum = sum.Add(p.msgs.Key(i))
	}
	return sum
}

// FingerprintNet is Fingerprint of s, whose NetKey is net.
func (p *SnapshotPool[M, D, O]) FingerprintNet(h *fingerprint.Hasher, s Snapshot, net fingerprint.Key) {
	k := snapshotHeader
	for range p.template.cfg.Nodes {
		h.Bool(s[k] != 0)
		h.Uint64(uint64(s[k+1]))
		if n := s[k+2]; n != noNode {
			h.Key(p.nodes.Get(n).key)
		} else {
			h.Key(p.downKey)
		}
		h.Key(p.durables.Key(s[k+3]))
		n := int(s[k+4])
		h.Uint64(uint64(n))
		for _, i := range s[k+5 : k+5+n] {
			writeDurable(h, p.durables.Get(i))
		}
		k += 5 + n
	}
	h.Uint64(uint64(s[0]))
	h.Uint64(uint64(s[1]))
	h.Bool(s[3] != 0)
	h.Uint64(uint64(s[k]))
	h.Key(net)
}

// Actions lists, into buf[:0], the actions World.Actions lists for the
// world of snapshot s, in its order, without restoring it: deliveries,
// timers and restarts. ok is false when the world's bounds leave it
// drops, duplications or crashes, or its network is not a set: then only
// the world can list them.
func (p *SnapshotPool[M, D, O]) Actions(s Snapshot, buf []Action[M]) (acts []Action[M], ok bool) {
	w := p.template
	c := &w.cfg.Choice
	crashes := int(s[1]) < c.MaxCrashes && int(s[2]) < w.cfg.Faults.MaxCrashed
	if c.Network != SentSet || w.net.FIFO || c.MaxDups > 0 || crashes {
		return buf, false
	}
	var offs [16]int
	parts, net := snapshotLayout(s, w.cfg.Nodes, offs[:0])
	up := func(id NodeID) bool { return s[parts[id-1]] != 0 }
	acts = buf[:0]
	for i, m := range s[net+1 : net+1+int(s[net])] {
		if f := p.msgs.At(m); up(f.to) {
			acts = append(acts, Action[M]{Kind: ActDeliver, From: f.from, To: f.to, Msg: f.msg, digest: f.digest, at: int32(i + 1)})
		}
	}
	for id := NodeID(1); int(id) <= w.cfg.Nodes; id++ {
		for m := s[parts[id-1]+1]; up(id) && m != 0; m &= m - 1 {
			acts = append(acts, Action[M]{Kind: ActTimer, To: id, Tag: TimerTag(bits.TrailingZeros32(m))})
		}
	}
	for id := NodeID(1); int(id) <= w.cfg.Nodes; id++ {
		if !up(id) {
			acts = append(acts, Action[M]{Kind: ActRestart, To: id})
		}
	}
	return acts, true
}
