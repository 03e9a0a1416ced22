package sim

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paxsim/paxsim/fingerprint"
)

// Fingerprinter is a value that can write its state to a fingerprint:
// nodes, durable state and messages of a protocol under exhaustive search.
// It writes node ids with h.Node and sets of them with h.NodeSet, so that
// symmetry reduction can rename them. Nodes and durable state must be
// Fingerprinters (Explorable); a message that is not one is identified by
// its link and Digest, which a renaming cannot reach into.
type Fingerprinter interface {
	Fingerprint(h *fingerprint.Hasher)
}

// Explorable reports why the worlds of newNode's nodes cannot be explored,
// or nil. An explorer knows a state by its fingerprint: each node must be
// a Cloner, and the durable state a Fingerprinter, since one left out of
// the fingerprint would merge distinct states and hide their bugs. With
// renamed (symmetry reduction), messages must be Fingerprinters too, to
// rename the node ids in them. It builds one node to look at it, without
// starting it.
func Explorable[M Message, D, O any](newNode NewNode[M, D, O], renamed bool) error {
	if err := fingerprints[D]("durable state", "every field a crash leaves"); err != nil {
		return err
	}
	if renamed {
		if err := fingerprints[M]("message", "its fields, node ids with h.Node, so that symmetry reduction can rename them"); err != nil {
			return err
		}
	}
	var zero D
	n, ok := probe(newNode, zero)
	if _, cloner := n.(Cloner[M, D, O]); ok && !cloner {
		return fmt.Errorf("the node %T is not a sim.Cloner: an explorer copies and fingerprints nodes; give it the methods CloneInto and Fingerprint", n)
	}
	return nil
}

// probe builds node 1 from durable d; ok is false if newNode panics (the
// run that boots it reports that).
func probe[M Message, D, O any](newNode NewNode[M, D, O], d D) (n Node[M, D, O], ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return newNode(1, d), true
}

// fingerprints reports whether values of type T are Fingerprinters, as
// the type says: an interface type must have the method itself.
func fingerprints[T any](what, writes string) error {
	t := reflect.TypeFor[T]()
	if t.Implements(reflect.TypeFor[Fingerprinter]()) {
		return nil
	}
	return fmt.Errorf("the %s %s is not a sim.Fingerprinter: an explorer would leave it out of a state's identity "+
		"and merge distinct states; give %s a method Fingerprint(*fingerprint.Hasher) that writes %s", what, t, t, writes)
}

// writeDurable writes durable state d, a Fingerprinter but for a nil
// interface value, which writes nothing.
func writeDurable[D any](h *fingerprint.Hasher, d D) {
	if fp, ok := any(d).(Fingerprinter); ok {
		fp.Fingerprint(h)
	}
}

// Cloner is a Node an explorer can copy and fingerprint: what a protocol
// implements, besides Node, to be model checked. The contract, which the
// explorer audits on every step it takes for the first time (a breach is
// a violation of the observation contract, rule cloner):
//
//   - Fingerprint writes everything that decides the node's steps, and is
//     a function of the node's state: two calls agree;
//   - a copy, into fresh memory (dst nil) or into a node it reuses,
//     fingerprints as its original and takes the same steps: the same
//     state after, durable state, sends and observations;
//   - a copy shares no memory that a step of either writes;
//   - a step is a function of the node's state and the message or timer
//     (no map iterated in its random order, no clock, no global source
//     of randomness).
type Cloner[M Message, D, O any] interface {
	Node[M, D, O]
	Fingerprinter
	// CloneInto returns a deep copy of the node, reusing dst's memory
	// when dst is non-nil (a node of the same type that is no longer
	// needed).
	CloneInto(dst Node[M, D, O]) Node[M, D, O]
}

// Fingerprinted makes a Choice world keep a fingerprint of every message in
// its network, as an explorer needs; call it before the first step. Nodes
// must be Cloners and durable state a Fingerprinter (Explorable): a durable
// state that is not returns an error, and the world stays as it was.
func (w *World[M, D, O]) Fingerprinted() error {
	w.mustBeChoice()
	if err := fingerprints[D]("durable state", "every field a crash leaves"); err != nil {
		return err
	}
	w.fingerprinted = true
	w.identity = &identityAudit[M, D, O]{
		msgs: map[fingerprint.Key]*sampled[string]{}, durables: map[fingerprint.Key]*sampled[D]{}, nodes: map[fingerprint.Key]*nodeAliases[M, D, O]{},
	}
	for i := range w.inflight {
		w.inflight[i].elem = w.element(&w.inflight[i])
	}
	for i := range w.sentLog {
		w.sentLog[i].elem = w.element(&w.sentLog[i])
	}
	return nil
}

// element fingerprints one message in the network with its link, under the
// renaming of h (nil: w's scratch hasher, no renaming).
func (w *World[M, D, O]) element(f *flight[M]) fingerprint.Key {
	return w.elementUnder(f, nil)
}

func (w *World[M, D, O]) elementUnder(f *flight[M], perm *[64]uint8) fingerprint.Key {
	h := &w.scratchHash
	h.Reset()
	h.SetRenaming(perm)
	h.Node(int(f.from))
	h.Node(int(f.to))
	if fp, ok := any(f.msg).(Fingerprinter); ok {
		fp.Fingerprint(h)
	} else {
		h.Uint64(f.digest)
	}
	return h.Sum()
}

// EachInFlight calls fn with every message in the network of a Choice
// world, in sending order, until fn returns false. fn gets a pointer into
// the network, which it must neither keep nor write through.
func (w *World[M, D, O]) EachInFlight(fn func(*M) bool) {
	for i := range w.inflight {
		if !fn(&w.inflight[i].msg) {
			return
		}
	}
}

// CloneInto returns a deep copy of a Choice world whose observations go to
// observe, reusing dst's memory when dst is non-nil (a world that is no
// longer needed). Every node must be a Cloner. Tracers and schedule log are
// not copied.
func (w *World[M, D, O]) CloneInto(dst *World[M, D, O], observe Observer[O]) *World[M, D, O] {
	w.mustBeChoice()
	w.boot()
	if dst == nil {
		dst = new(World[M, D, O])
	}
	if dst == w {
		panic("sim: CloneInto a world's own memory")
	}
	slots, inflight, sentLog, actions, cut := dst.slots[:0], dst.inflight[:0], dst.sentLog[:0], dst.actions[:0], dst.cut[:0]
	old, local := dst.oldNodes[:0], dst.local[:0]
	for i := range dst.slots {
		old = append(old, dst.slots[i].node)
	}
	oldQueue := dst.queue.items[:0]
	*dst = *w
	dst.oldNodes = old
	dst.observe = observe
	dst.tracer, dst.sendTr, dst.sendFn, dst.schedLog = nil, nil, nil, nil
	dst.pendRand, dst.pendNet, dst.local, dst.texts = nil, nil, local, nil
	dst.env.w = dst
	dst.queue.items = oldQueue
	dst.timers, dst.links, dst.fifo = timerQueue{}, links{}, fifoLinks[M]{} // a Choice world has none (World.timed)
	dst.trials, dst.none, dst.history, dst.reservoir, dst.partitions = nil, nil, nil, nil, slices.Clone(w.partitions)
	dst.leader, dst.healCore = nil, nil
	dst.identityFault = ""
	dst.spells = slices.Clone(w.spells)
	dst.cut = append(cut, w.cut...)
	dst.inflight = append(inflight, w.inflight...)
	dst.sentLog = append(sentLog, w.sentLog...)
	dst.netIdx = netIndex{}                            // not shared: rebuilt when needed
	dst.asserts = assertions{failed: w.asserts.failed} // a tally of its own
	dst.actions = actions
	dst.slots = append(slots, w.slots...)
	for i := range dst.slots {
		n := w.slots[i].node
		if n == nil {
			continue
		}
		c, ok := n.(Cloner[M, D, O])
		if !ok {
			panic(fmt.Sprintf("sim: node %d (%T) is not a sim.Cloner: it cannot be explored", i, n))
		}
		var reuse Node[M, D, O]
		if i < len(old) {
			reuse = old[i]
		}
		dst.slots[i].node = c.CloneInto(reuse)
	}
	for i := range dst.slots {
		dst.slots[i].unsynced = slices.Clone(w.slots[i].unsynced) // writes are values: a shallow copy is the state
		dst.slots[i].unsyncedKeys = slices.Clone(w.slots[i].unsyncedKeys)
	}
	dst.held = heldEffects[M, D, O]{}
	return dst
}

// Fingerprint writes what decides the future of a Choice world: each
// node's liveness, armed timers, state and durable state, the network's
// contents (as a multiset or set, whatever the order of sending; on FIFO
// links, each link's messages in order), the
// duplicates and crashes spent, and whether the world healed. Time and
// counters of the past are left out, so that two paths to the same state
// meet. Under a renaming of h the nodes are written in their renamed
// order. Call Fingerprinted first.
func (w *World[M, D, O]) Fingerprint(h *fingerprint.Hasher) {
	w.mustBeChoice()
	if !w.fingerprinted {
		panic("sim: Fingerprint on a world that is not Fingerprinted")
	}
	perm := h.Renaming()
	n := w.cfg.Nodes
	for j := 1; j <= n; j++ {
		id := j
		if perm != nil {
			id = inverse(perm, j, n)
		}
		s := &w.slots[id]
		switch {
		case h.Exact():
			h.Bool(s.up)
			h.Uint64(uint64(s.armed))
			if s.up {
				s.node.(Fingerprinter).Fingerprint(h)
			}
			writeDurable(h, s.durable)
			writeUnsynced(h, s.unsynced)
		case perm == nil:
			w.slotKeys(s)
			h.Key(slotKey(s.up, s.armed, s.nodeKey, s.durKey, s.unsynced, nil))
		default:
			// The same form as the cached keys, under the renaming: a
			// state and its renamed image must write alike.
			var sub fingerprint.Hasher
			sub.Reset()
			sub.SetRenaming(perm)
			if s.up {
				s.node.(Fingerprinter).Fingerprint(&sub)
			}
			node := sub.Sum()
			sub.Reset()
			sub.SetRenaming(perm)
			writeDurable(&sub, s.durable)
			h.Key(slotKey(s.up, s.armed, node, sub.Sum(), s.unsynced, perm))
		}
	}
	h.Uint64(uint64(w.dups))
	h.Uint64(uint64(w.crashes))
	h.Bool(w.healed)
	w.fingerprintFlights(h, w.inflight, perm, w.net.FIFO)
	if w.cfg.Choice.MaxDups > w.dups && w.cfg.Choice.Network == Multiset {
		w.fingerprintFlights(h, w.sentLog, perm, false)
	}
}

// slotKey is the fingerprint of one node's part of a Choice world, what
// a world's fingerprint writes of each node (but an exact one's): its
// liveness, armed timers, the fingerprints of its state (without its id)
// and durable state, and its unsynced writes, under the renaming perm.
// A snapshot's node part has its own (SnapshotPool.partKey), which a
// search computes once per part (LocalSteps).
func slotKey[D any](up bool, armed uint32, node, durable fingerprint.Key, unsynced []D, perm *[64]uint8) fingerprint.Key {
	var h fingerprint.Hasher
	h.Reset()
	h.SetRenaming(perm)
	h.Bool(up)
	h.Uint64(uint64(armed))
	h.Key(node)
	h.Key(durable)
	writeUnsynced(&h, unsynced)
	return h.Sum()
}

// slotKeys computes the fingerprints of a slot's node and durable state
// (no renaming), unless they are known.
func (w *World[M, D, O]) slotKeys(s *slot[M, D, O]) {
	if s.fpOK {
		return
	}
	h := &w.scratchHash
	h.Reset()
	if s.up {
		s.node.(Fingerprinter).Fingerprint(h)
	}
	s.nodeKey = h.Sum()
	s.durKey = durableKey(h, s.durable)
	s.fpOK = true
	if w.identity != nil {
		for id := range w.slots {
			if &w.slots[id] == s {
				w.auditSlot(NodeID(id), s)
			}
		}
	}
}

// durableKey is the fingerprint of durable state d, computed with h.
func durableKey[D any](h *fingerprint.Hasher, d D) fingerprint.Key {
	h.Reset()
	writeDurable(h, d)
	return h.Sum()
}

// writeUnsynced writes a node's unsynced writes, in order: they decide
// what a crash that loses some of them leaves.
func writeUnsynced[D any](h *fingerprint.Hasher, ds []D) {
	h.Uint64(uint64(len(ds)))
	for _, d := range ds {
		writeDurable(h, d)
	}
}

// fingerprintFlights writes a multiset of messages: the sum of their
// fingerprints, or, for an exact Hasher, every message's words in an order
// that does not depend on the order of sending. Ranked, each message is
// written with its place on its link (FIFO links), which a renaming keeps.
func (w *World[M, D, O]) fingerprintFlights(h *fingerprint.Hasher, fs []flight[M], perm *[64]uint8, ranked bool) {
	h.Uint64(uint64(len(fs)))
	if !h.Exact() {
		var sum fingerprint.Key
		for i := range fs {
			k := fs[i].elem
			if perm != nil {
				k = w.elementUnder(&fs[i], perm)
			}
			if ranked {
				k = fingerprint.Element(rank(fs, i), k[0], k[1])
			}
			sum = sum.Add(k)
		}
		h.Key(sum)
		return
	}
	keys := make([]fingerprint.Key, len(fs))
	order := make([]int, len(fs))
	for i := range fs {
		keys[i] = w.elementUnder(&fs[i], perm)
		if ranked {
			keys[i] = fingerprint.Element(rank(fs, i), keys[i][0], keys[i][1])
		}
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case keys[a].Less(keys[b]):
			return -1
		case keys[b].Less(keys[a]):
			return 1
		}
		return 0
	})
	for _, i := range order {
		f := &fs[i]
		if ranked {
			h.Uint64(rank(fs, i))
		}
		h.Node(int(f.from))
		h.Node(int(f.to))
		if fp, ok := any(f.msg).(Fingerprinter); ok {
			fp.Fingerprint(h)
		} else {
			h.Uint64(f.digest)
		}
	}
}

// rank is the place of message i on its link: how many of fs, which are
// in sending order, are on the same link before it.
func rank[M Message](fs []flight[M], i int) uint64 {
	n := uint64(0)
	for j := range i {
		if fs[j].from == fs[i].from && fs[j].to == fs[i].to {
			n++
		}
	}
	return n
}

// inverse returns the id that perm maps to j.
func inverse(perm *[64]uint8, j, n int) int {
	for i := 0; i <= n; i++ {
		if int(perm[i]) == j {
			return i
		}
	}
	panic(fmt.Sprintf("sim: the renaming is not a permutation of 0..%d", n))
}

// Snapshot is a Choice world's state in a few words: the indices, in a
// SnapshotPool, of its node states, durable states and messages, with the
// handful of counters that bound its future. An explorer keeps millions.
type Snapshot []uint32

// SnapshotPool stores each distinct node state, durable state and message
// of a search once, keyed by its fingerprint, so that a Snapshot is a list
// of small indices instead of a copy of the world. It is safe for
// concurrent use. Two node states, durable states or messages with the
// same 128-bit fingerprint are taken to be the same: the same assumption,
// with the same odds, as a fingerprinted visited set.
type SnapshotPool[M Message, D, O any] struct {
	template *World[M, D, O] // what Restore builds a world from

	nodes    Interner[keyedNode[M, D, O]] // immutable: restored worlds get clones
	durables Interner[D]
	msgs     Interner[flight[M]]
	downKey  fingerprint.Key // a down node's
}

// NewSnapshotPool returns a pool for the states of worlds like w: its
// configuration, node factory and decider. w must be Fingerprinted.
func NewSnapshotPool[M Message, D, O any](w *World[M, D, O]) *SnapshotPool[M, D, O] {
	if !w.fingerprinted {
		panic("sim: NewSnapshotPool of a world that is not Fingerprinted")
	}
	p := &SnapshotPool[M, D, O]{template: w.CloneInto(nil, nil)}
	var h fingerprint.Hasher
	h.Reset()
	p.downKey = h.Sum()
	return p
}

// Size is the number of node states, durable states and messages stored.
func (p *SnapshotPool[M, D, O]) Size() (nodes, durables, msgs int) {
	return p.nodes.Len(), p.durables.Len(), p.msgs.Len()
}

// keyedNode is a stored node state with its fingerprint (without the id).
type keyedNode[M Message, D, O any] struct {
	node Node[M, D, O]
	key  fingerprint.Key
}

const noNode = ^uint32(0)

// Snapshot layout: dups, crashes, crashed, healed, now; per node up,
// armed, node index (noNode when down), durable index, and the count and
// durable indices of its unsynced writes; then the network and the
// duplication log, each as a count and indices.
const snapshotHeader = 5

// Snapshot returns w's state as indices into p, appended to buf[:0].
func (p *SnapshotPool[M, D, O]) Snapshot(w *World[M, D, O], buf Snapshot) Snapshot {
	w.mustBeChoice()
	if size := snapshotHeader + 5*w.cfg.Nodes + 2 + len(w.inflight) + len(w.sentLog); cap(buf) < size {
		buf = make(Snapshot, 0, size)
	}
	s := append(buf[:0], uint32(w.dups), uint32(w.crashes), uint32(w.crashed), uint32(b2u(w.healed)), uint32(w.now))
	for id := 1; id <= w.cfg.Nodes; id++ {
		s = p.appendSlot(s, w, NodeID(id))
	}
	s = append(s, uint32(len(w.inflight)))
	for i := range w.inflight {
		s = append(s, p.msgs.Intern(w.inflight[i].elem, func() flight[M] { return w.inflight[i] }))
	}
	s = append(s, uint32(len(w.sentLog)))
	for i := range w.sentLog {
		s = append(s, p.msgs.Intern(w.sentLog[i].elem, func() flight[M] { return w.sentLog[i] }))
	}
	return s
}

// Interner stores values once each, keyed by fingerprint, and hands out
// their indices: what a search keeps instead of copies. It is safe for
// concurrent use; values are never modified once stored, and reading one
// by its index takes no lock (the explorer's workers do it for every
// successor).
type Interner[T any] struct {
	mu   sync.RWMutex
	idx  map[fingerprint.Key]uint32
	vals []T
	keys []fingerprint.Key
	// pub is vals and keys as of the last Intern: an index handed out is
	// below its length, and what is below never changes.
	pub atomic.Pointer[interned[T]]
}

type interned[T any] struct {
	vals []T
	keys []fingerprint.Key
}

// Intern returns the index of the value keyed k, storing value() under it
// first if there is none.
func (t *Interner[T]) Intern(k fingerprint.Key, value func() T) uint32 {
	t.mu.RLock()
	i, ok := t.idx[k]
	t.mu.RUnlock()
	if ok {
		return i
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.idx[k]; ok {
		return i
	}
	if t.idx == nil {
		t.idx = make(map[fingerprint.Key]uint32)
	}
	i = uint32(len(t.vals))
	t.vals = append(t.vals, value())
	t.keys = append(t.keys, k)
	t.idx[k] = i
	t.pub.Store(&interned[T]{t.vals, t.keys})
	return i
}

// Get returns the value at index i.
func (t *Interner[T]) Get(i uint32) T { return t.pub.Load().vals[i] }

// At returns the value at index i in place: never to be written.
func (t *Interner[T]) At(i uint32) *T { return &t.pub.Load().vals[i] }

// Key returns the key of the value at index i.
func (t *Interner[T]) Key(i uint32) fingerprint.Key { return t.pub.Load().keys[i] }

// Reset forgets every value: an index handed out before means nothing
// after.
func (t *Interner[T]) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.idx, t.vals, t.keys = nil, nil, nil
	t.pub.Store(nil)
}

// Len is the number of values stored.
func (t *Interner[T]) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.vals)
}

// Restore rebuilds the world of snapshot s in dst's memory (a world from
// an earlier Restore or CloneInto of this search, or nil) with its
// observations going to observe, and returns it.
func (p *SnapshotPool[M, D, O]) Restore(dst *World[M, D, O], s Snapshot, observe Observer[O]) *World[M, D, O] {
	if dst == nil {
		dst = p.template.CloneInto(nil, observe)
	}
	dst.observe = observe
	clear(dst.local) // what a panicking handler left queued
	dst.local, dst.pendRand, dst.pendNet = dst.local[:0], nil, nil
	dst.dups, dst.crashes, dst.crashed = int(s[0]), int(s[1]), int(s[2])
	dst.healed, dst.now = s[3] != 0, Time(s[4])
	k := snapshotHeader
	for id := 1; id <= dst.cfg.Nodes; id++ {
		sl := &dst.slots[id]
		sl.up, sl.armed = s[k] != 0, s[k+1]
		if n := s[k+2]; n != noNode {
			kn := p.nodes.Get(n)
			sl.node, sl.nodeKey = kn.node.(Cloner[M, D, O]).CloneInto(sl.node), kn.key
		} else {
			sl.node, sl.nodeKey = nil, p.downKey
		}
		sl.durable, sl.durKey = p.durables.Get(s[k+3]), p.durables.Key(s[k+3])
		sl.fpOK = true
		n := int(s[k+4])
		sl.unsynced, sl.unsyncedKeys = sl.unsynced[:0], sl.unsyncedKeys[:0]
		sl.durableKey = ownedKey{} // unchecked: the pool's copy is no node's
		for _, i := range s[k+5 : k+5+n] {
			sl.unsynced = append(sl.unsynced, p.durables.Get(i))
			sl.unsyncedKeys = append(sl.unsyncedKeys, ownedKey{})
		}
		k += 5 + n
	}
	n := int(s[k])
	k++
	dst.inflight = dst.inflight[:0]
	for _, i := range s[k : k+n] {
		dst.inflight = append(dst.inflight, p.msgs.Get(i))
	}
	k += n
	n = int(s[k])
	k++
	dst.sentLog, dst.netIdx = dst.sentLog[:0], netIndex{}
	for _, i := range s[k : k+n] {
		dst.sentLog = append(dst.sentLog, p.msgs.Get(i))
	}
	return dst
}
