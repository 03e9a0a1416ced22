package sim

import (
	"math/bits"
	"slices"
	"sync"
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
	parts  memo.Table[partKey, partInfo]
	nParts atomic.Uint32
	steps  memo.Table[stepAt, *LocalStep[O]]
	n      atomic.Uint32
	// rows are the steps in front of the table, by part number and
	// action: a few hundred parts and messages make most searches.
	rows   atomic.Pointer[[]*stepRow[O]]
	growMu sync.Mutex // held to grow rows, or a row
}

// stepRow is what LocalSteps holds of one numbered node part, in a row
// of a table by part number: its fingerprint, and its steps, a
// delivery's by its message's index in the pool, a timer's by its tag. A
// step missing from it is looked up in the table, and put in it.
type stepRow[O any] struct {
	key    fingerprint.Key
	msgs   atomic.Pointer[[]atomic.Pointer[LocalStep[O]]]
	timers [32]atomic.Pointer[LocalStep[O]]
}

// row returns the row of part number num, nil when there is none yet.
func (t *LocalSteps[M, D, O]) row(num uint32) *stepRow[O] {
	if rows := t.rows.Load(); rows != nil && int(num) < len(*rows) {
		return (*rows)[num]
	}
	return nil
}

// newRow makes the row of part number num, whose fingerprint is key.
func (t *LocalSteps[M, D, O]) newRow(num uint32, key fingerprint.Key) {
	t.growMu.Lock()
	defer t.growMu.Unlock()
	var rows []*stepRow[O]
	if old := t.rows.Load(); old != nil {
		rows = *old
	}
	if int(num) >= len(rows) {
		rows = append(rows[:len(rows):len(rows)], make([]*stepRow[O], int(num)+1-len(rows))...)
	} else {
		rows = slices.Clone(rows)
	}
	rows[num] = &stepRow[O]{key: key}
	t.rows.Store(&rows)
}

// cached returns the step of move mv in row r, or nil.
func (r *stepRow[O]) cached(mv *Move) *LocalStep[O] {
	if mv.Kind == ActTimer {
		return r.timers[mv.Tag&31].Load()
	}
	if msgs := r.msgs.Load(); msgs != nil && int(mv.msg) < len(*msgs) {
		return (*msgs)[mv.msg].Load()
	}
	return nil
}

// cache puts step st of move mv in the row of part number num, making
// it longer when needed. A step written to a row just replaced is lost
// to it, not to the table.
func (t *LocalSteps[M, D, O]) cache(num uint32, mv *Move, st *LocalStep[O]) {
	r := t.row(num)
	if r == nil {
		return
	}
	if mv.Kind == ActTimer {
		r.timers[mv.Tag&31].Store(st)
		return
	}
	msgs := r.msgs.Load()
	if msgs == nil || int(mv.msg) >= len(*msgs) {
		t.growMu.Lock()
		if msgs = r.msgs.Load(); msgs == nil || int(mv.msg) >= len(*msgs) {
			longer := make([]atomic.Pointer[LocalStep[O]], max(64, 2*int(mv.msg)+2))
			if msgs != nil {
				for i := range *msgs {
					longer[i].Store((*msgs)[i].Load())
				}
			}
			msgs = &longer
			r.msgs.Store(msgs)
		}
		t.growMu.Unlock()
	}
	(*msgs)[mv.msg].Store(st)
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
	// What a search reads of every step it takes from memory comes
	// first, in one cache line.

	// Cut is what the LocalSteps' cut said of the step.
	Cut bool
	// same: the node's part after the step is its part before.
	same bool
	// ID numbers the distinct steps of a search from 0: a key for what a
	// caller derives from a step once (its checkers' effect, its bounds).
	ID   uint32
	sent []uint32
	// Obs are the observations the step made, in order.
	Obs []Observed[O]
	// Fault is the rule of the contract an explorer audits that the step
	// broke, as "RULE: what" ("cloner", cloneAudit; "identity",
	// identityAudit), or "": the step's successor is then not to be
	// trusted.
	Fault string
	node  NodeID

	part []uint32 // up, armed, node, durable, count and indices of unsynced writes
	// key is the fingerprint of the node's part after the step
	// (SnapshotPool.partKey), after its number (noPart: none).
	key   fingerprint.Key
	after uint32
	// Derived is the caller's memory of what it derived from the step,
	// by a small index (the model: its checkers' state after, by the one
	// before).
	Derived memo.Row
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

// partInfo is what LocalSteps knows of a node part: its number and its
// fingerprint (SnapshotPool.partKey).
type partInfo struct {
	num uint32
	key fingerprint.Key
}

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
	// from. keys are their fingerprints, where ids are known.
	ids  [16]uint32
	keys [16]fingerprint.Key
	// held has bit i set for message i of the pool in the network.
	held []uint64
}

// holds reports whether the network of the snapshot holds message m.
func (l *Layout) holds(m uint32) bool {
	i := int(m >> 6)
	return i < len(l.held) && l.held[i]&(1<<(m&63)) != 0
}

const noPart = ^uint32(0)

// Layout computes the layout of snapshot s into l.
func (p *SnapshotPool[M, D, O]) Layout(s Snapshot, l *Layout) {
	l.parts, l.net = snapshotLayout(s, p.template.cfg.Nodes, l.offs[:0])
	l.ids = [16]uint32{}
	clear(l.held)
	for _, m := range s[l.net+1 : l.net+1+int(s[l.net])] {
		i := int(m >> 6)
		for i >= len(l.held) {
			l.held = append(l.held, 0)
		}
		l.held[i] |= 1 << (m & 63)
	}
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
// s (whose layout is l), takes from s: remembered, or run in probe (a
// world of this search's, or nil; the new one is returned) from s's live
// world, which live returns, and remembered. ok is false when a is not
// such an action or its handler panics: the caller takes it the long way.
func (t *LocalSteps[M, D, O]) Take(s Snapshot, l *Layout, live func() *World[M, D, O], a *Action[M], probe *World[M, D, O]) (*LocalStep[O], *World[M, D, O], bool) {
	if (a.Kind != ActDeliver && a.Kind != ActTimer) || a.Crash != (Crash{}) {
		return nil, probe, false
	}
	mv := Move{Kind: a.Kind, from: uint8(a.From), to: uint8(a.To), Tag: a.Tag, at: a.at}
	if a.Kind == ActDeliver {
		msgAt, net := int(a.at)-1, l.net // where Actions found it
		if msgAt < 0 || msgAt >= int(s[net]) || !t.pool.msgs.At(s[net+1+msgAt]).is(a) {
			return nil, probe, false
		}
		mv.msg = s[net+1+msgAt]
	}
	return t.TakeMove(s, l, live, &mv, probe)
}

// TakeMove is Take of the action that move mv, which Moves listed for s,
// stands for: a restart is no local step.
func (t *LocalSteps[M, D, O]) TakeMove(s Snapshot, l *Layout, live func() *World[M, D, O], mv *Move, probe *World[M, D, O]) (*LocalStep[O], *World[M, D, O], bool) {
	if mv.Kind != ActDeliver && mv.Kind != ActTimer {
		return nil, probe, false
	}
	part := t.part(s, l, mv.To())
	if part == noPart {
		return nil, probe, false
	}
	if r := t.row(part); r != nil {
		if st := r.cached(mv); st != nil {
			return st, probe, true
		}
	}
	key := stepOf(part, mv)
	if st, ok := t.steps.Load(key); ok {
		t.cache(part, mv, st)
		return st, probe, true
	}
	a := t.pool.Action(mv)
	st, probe, ok := t.run(live(), &a, int(mv.at)-1, probe)
	if !ok {
		return nil, probe, false
	}
	at := l.parts[mv.to-1]
	st.same = slices.Equal(st.part, s[at:at+5+int(s[at+4])])
	after := t.number(mv.To(), s[3], st.part)
	st.key, st.after = after.key, after.num
	if after.num == noPart {
		st.key = t.pool.partKey(st.part)
	}
	st.ID = t.n.Add(1) - 1 // before it is shared; a step that loses a race wastes its number
	st, _ = t.steps.LoadOrStore(key, st)
	t.cache(part, mv, st)
	return st, probe, true
}

// stepOf is the memory's key of move mv from the node part numbered
// part.
func stepOf(part uint32, mv *Move) stepAt {
	if mv.Kind == ActTimer {
		return stepAt(uint64(part)<<32 | timerStep | uint64(mv.Tag))
	}
	return stepAt(uint64(part)<<32 | uint64(mv.msg))
}

// part is the number of node id's part of snapshot s (partKey), whose
// layout is l, or noPart when steps are not remembered from it (more than
// two unsynced writes); l keeps it, and the part's fingerprint, for the
// first nodes.
func (t *LocalSteps[M, D, O]) part(s Snapshot, l *Layout, id NodeID) uint32 {
	i := int(id) - 1
	if i < len(l.ids) && l.ids[i] != 0 {
		if l.ids[i] == noPart {
			return noPart
		}
		return l.ids[i] - 1
	}
	info := t.number(id, s[3], s[l.parts[i]:])
	if i < len(l.ids) {
		l.ids[i] = info.num
		if info.num != noPart {
			l.ids[i]++
			l.keys[i] = info.key
		}
	}
	return info.num
}

// number returns the number and fingerprint of node part p (at its
// start) of node id in a world healed or not: numbered now if it is new;
// noPart for one with more than two unsynced writes.
func (t *LocalSteps[M, D, O]) number(id NodeID, healed uint32, p []uint32) partInfo {
	n := int(p[4])
	if n > 2 {
		return partInfo{num: noPart}
	}
	var k partKey
	k[0], k[1] = uint32(id), healed
	copy(k[2:], p[:5+n])
	if info, ok := t.parts.Load(k); ok {
		return info
	}
	// A part that loses a race wastes its number, and its row.
	info := partInfo{t.nParts.Add(1) - 1, t.pool.partKey(p)}
	t.newRow(info.num, info.key)
	info, _ = t.parts.LoadOrStore(k, info)
	return info
}

// PartsAfter appends to buf, and returns, the numbers of the node parts
// of the snapshot that step st leads to from s, whose layout is l: s's,
// but the step's node's. A caller that keeps them with that snapshot
// tells its layout (KnownParts) and spares their look-ups.
func (t *LocalSteps[M, D, O]) PartsAfter(s Snapshot, l *Layout, st *LocalStep[O], buf []uint32) []uint32 {
	for id := NodeID(1); int(id) <= t.pool.template.cfg.Nodes; id++ {
		if id == st.node {
			buf = append(buf, st.after)
		} else {
			buf = append(buf, t.part(s, l, id))
		}
	}
	return buf
}

// KnownParts tells l, the layout of a snapshot, the numbers of its node
// parts, as PartsAfter gave them.
func (t *LocalSteps[M, D, O]) KnownParts(l *Layout, parts []uint32) {
	for i, num := range parts[:min(len(parts), len(l.ids))] {
		if num == noPart {
			l.ids[i] = noPart
		} else if r := t.row(num); r != nil {
			l.ids[i], l.keys[i] = num+1, r.key
		}
	}
}

// partKey is the fingerprint of node id's part of snapshot s, whose
// layout is l.
func (t *LocalSteps[M, D, O]) partKey(s Snapshot, l *Layout, id NodeID) fingerprint.Key {
	if i := int(id) - 1; t.part(s, l, id) != noPart && i < len(l.keys) {
		return l.keys[i]
	}
	return t.pool.partKey(s[l.parts[id-1]:])
}

// run takes action a in probe, a copy of w whose network holds only the
// message a delivers, so that every message the node sends shows, and
// audits the node's Cloner contract on it (cloneAudit).
func (t *LocalSteps[M, D, O]) run(w *World[M, D, O], a *Action[M], msgAt int, probe *World[M, D, O]) (st *LocalStep[O], _ *World[M, D, O], ok bool) {
	st = &LocalStep[O]{node: a.To}
	probe = w.CloneInto(probe, func(node NodeID, o O) { st.Obs = append(st.Obs, Observed[O]{node, o}) })
	if !takeAlone(w, probe, a, msgAt) {
		return nil, probe, false
	}
	st.Fault = cloneAudit[M, D, O]{w, a, msgAt}.check(probe, st.Obs)
	if st.Fault == "" {
		st.Fault = w.auditAliases(a, probe, st.Obs)
	}
	st.part = t.pool.appendSlot(nil, probe, a.To)
	if f := probe.IdentityFault(a.To); st.Fault == "" {
		st.Fault = f
	}
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
		if !l.holds(m) && !holds(out[count+1+len(flights):], m) {
			out = append(out, m)
			out[count]++
			added = added.Add(t.pool.msgs.Key(m))
		}
	}
	return append(out, s[net+1+len(flights):]...), added
}

// Effect is what step st does to the network of snapshot s, whose
// layout is l: the sum of the keys of the messages it sent that the
// network did not hold (what it adds to NetKey) and how many there are;
// and whether it stutters, leading back to s but for the clock: the
// node's part unchanged and no message added. What the step observed is
// the caller's to judge.
func (t *LocalSteps[M, D, O]) Effect(s Snapshot, l *Layout, st *LocalStep[O]) (added fingerprint.Key, n int, stutters bool) {
	for i, m := range st.sent {
		if !l.holds(m) && !holds(st.sent[:i], m) {
			added = added.Add(t.pool.msgs.Key(m))
			n++
		}
	}
	return added, n, st.same && n == 0
}

// Fingerprint writes what SnapshotPool.Fingerprint writes of the
// snapshot that Apply builds from s (whose layout is l) by step st,
// without building it: net is that snapshot's NetKey, and added how many
// messages the step adds (Effect). A search fingerprints every successor
// and keeps few.
func (t *LocalSteps[M, D, O]) Fingerprint(h *fingerprint.Hasher, s Snapshot, l *Layout, st *LocalStep[O], net fingerprint.Key, added int) {
	for id := NodeID(1); int(id) <= t.pool.template.cfg.Nodes; id++ {
		if id == st.node {
			h.Key(st.key)
		} else {
			h.Key(t.partKey(s, l, id))
		}
	}
	h.Uint64(uint64(s[0]))
	h.Uint64(uint64(s[1]))
	h.Bool(s[3] != 0)
	h.Uint64(uint64(int(s[l.net]) + added))
	h.Key(net)
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
// renaming, not exact) from the keys the pool holds, without restoring it:
// FIFO links' places and a multiset's duplication log included.
func (p *SnapshotPool[M, D, O]) Fingerprint(h *fingerprint.Hasher, s Snapshot) {
	p.FingerprintNet(h, s, p.NetKey(s))
}

// NetKey is the network's part of the fingerprint of s (but on FIFO
// links, whose messages' places count too): the sum of its messages'
// keys, a multiset hash, so that a step's successor has its parent's plus
// the keys of the messages the step added (Apply, Effect).
func (p *SnapshotPool[M, D, O]) NetKey(s Snapshot) fingerprint.Key {
	var offs [16]int
	_, net := snapshotLayout(s, p.template.cfg.Nodes, offs[:0])
	return p.sumKeys(s[net+1 : net+1+int(s[net])])
}

// FingerprintNet is Fingerprint of s, whose NetKey is net (unread on
// FIFO links).
func (p *SnapshotPool[M, D, O]) FingerprintNet(h *fingerprint.Hasher, s Snapshot, net fingerprint.Key) {
	k := snapshotHeader
	for range p.template.cfg.Nodes {
		h.Key(p.partKey(s[k:]))
		k += 5 + int(s[k+4])
	}
	h.Uint64(uint64(s[0]))
	h.Uint64(uint64(s[1]))
	h.Bool(s[3] != 0)
	h.Uint64(uint64(s[k]))
	flights := s[k+1 : k+1+int(s[k])]
	if p.template.net.FIFO {
		net = p.rankedKey(flights)
	}
	h.Key(net)
	if c := &p.template.cfg.Choice; c.MaxDups > int(s[0]) && c.Network == Multiset {
		j := k + 1 + len(flights) // the duplication log
		log := s[j+1 : j+1+int(s[j])]
		h.Uint64(uint64(len(log)))
		h.Key(p.sumKeys(log))
	}
}

// sumKeys is the sum of the keys of messages ms: a multiset's part of a
// fingerprint.
func (p *SnapshotPool[M, D, O]) sumKeys(ms []uint32) fingerprint.Key {
	var sum fingerprint.Key
	for _, i := range ms {
		sum = sum.Add(p.msgs.Key(i))
	}
	return sum
}

// rankedKey is the network part of the fingerprint of FIFO links holding
// flights, in sending order: each message's key with its place on its
// link, as World.Fingerprint writes them.
func (p *SnapshotPool[M, D, O]) rankedKey(flights []uint32) fingerprint.Key {
	var sum fingerprint.Key
	for i, m := range flights {
		f := p.msgs.At(m)
		r := uint64(0)
		for _, o := range flights[:i] {
			if g := p.msgs.At(o); g.from == f.from && g.to == f.to {
				r++
			}
		}
		sum = sum.Add(fingerprint.Element(r, f.elem[0], f.elem[1]))
	}
	return sum
}

// partKey is the fingerprint of the node part at the start of part, from
// the keys the pool holds: what slotKey is of the world's slot.
func (p *SnapshotPool[M, D, O]) partKey(part []uint32) fingerprint.Key {
	var h fingerprint.Hasher
	h.Reset()
	h.Bool(part[0] != 0)
	h.Uint64(uint64(part[1]))
	if n := part[2]; n != noNode {
		h.Key(p.nodes.Get(n).key)
	} else {
		h.Key(p.downKey)
	}
	h.Key(p.durables.Key(part[3]))
	n := int(part[4])
	h.Uint64(uint64(n))
	for _, i := range part[5 : 5+n] {
		writeDurable(&h, p.durables.Get(i))
	}
	return h.Sum()
}

// Move is an action of a snapshot's world in a few words, as Moves lists
// it: a delivery names its message by its index in the pool. Action
// writes it out whole.
type Move struct {
	Kind     ActionKind
	Tag      TimerTag // ActTimer
	from, to uint8    // node ids, at most MaxNodes
	msg      uint32   // ActDeliver: the message's index in the pool
	at       int32    // ActDeliver: its index in the network + 1
}

// From is the sender of the message a delivery delivers.
func (mv *Move) From() NodeID { return NodeID(mv.from) }

// To is the node the move's action runs on.
func (mv *Move) To() NodeID { return NodeID(mv.to) }

// Action is the action mv stands for.
func (p *SnapshotPool[M, D, O]) Action(mv *Move) Action[M] {
	if mv.Kind != ActDeliver {
		return Action[M]{Kind: mv.Kind, To: mv.To(), Tag: mv.Tag}
	}
	f := p.msgs.At(mv.msg)
	return Action[M]{Kind: ActDeliver, From: f.from, To: f.to, Msg: f.msg, digest: f.digest, at: mv.at}
}

// Actions lists, into buf[:0], the actions World.Actions lists for the
// world of snapshot s, in its order, without restoring it: deliveries,
// timers and restarts. ok is false when the world's bounds leave it
// drops, duplications or crashes, or its network is not a set: then only
// the world can list them.
func (p *SnapshotPool[M, D, O]) Actions(s Snapshot, buf []Action[M]) (acts []Action[M], ok bool) {
	moves, ok := p.Moves(s, nil)
	acts = buf[:0]
	for i := range moves {
		acts = append(acts, p.Action(&moves[i]))
	}
	return acts, ok
}

// Moves is Actions, as moves: what a search that takes most steps from
// memory (LocalSteps.TakeMove) lists, a few words an action.
func (p *SnapshotPool[M, D, O]) Moves(s Snapshot, buf []Move) (moves []Move, ok bool) {
	w := p.template
	c := &w.cfg.Choice
	crashes := int(s[1]) < c.MaxCrashes && int(s[2]) < w.cfg.Faults.MaxCrashed
	if c.Network != SentSet || w.net.FIFO || c.MaxDups > 0 || crashes {
		return buf[:0], false
	}
	var offs [16]int
	parts, net := snapshotLayout(s, w.cfg.Nodes, offs[:0])
	var up uint64 // bit id: node id is up
	for id := 1; id <= w.cfg.Nodes; id++ {
		up |= uint64(s[parts[id-1]]&1) << id
	}
	var msgs []flight[M]
	if pub := p.msgs.pub.Load(); pub != nil {
		msgs = pub.vals
	}
	moves = buf[:0]
	for i, m := range s[net+1 : net+1+int(s[net])] {
		if f := &msgs[m]; up&(1<<f.to) != 0 {
			moves = append(moves, Move{Kind: ActDeliver, from: uint8(f.from), to: uint8(f.to), msg: m, at: int32(i + 1)})
		}
	}
	for id := 1; id <= w.cfg.Nodes; id++ {
		for m := s[parts[id-1]+1]; up&(1<<id) != 0 && m != 0; m &= m - 1 {
			moves = append(moves, Move{Kind: ActTimer, to: uint8(id), Tag: TimerTag(bits.TrailingZeros32(m))})
		}
	}
	for id := 1; id <= w.cfg.Nodes; id++ {
		if up&(1<<id) == 0 {
			moves = append(moves, Move{Kind: ActRestart, to: uint8(id)})
		}
	}
	return moves, true
}
