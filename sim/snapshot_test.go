package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/fingerprint"
)

// This file tests what an explorer needs of a Choice world: clones,
// fingerprints, compact snapshots, and the set network and local
// self-delivery that keep a search small. Its node, unlike the toy's, is a
// Cloner whose messages carry no time, so that two paths to one state can
// meet.

// snapMsg is a message of the snap node: hello(v) announces node v, ack(v)
// acknowledges it, kick(k) is a node's message to itself.
type snapMsg struct {
	Kind uint8
	Val  NodeID
}

const (
	snapHello uint8 = iota + 1
	snapAck
	snapKick
)

func (m snapMsg) Digest() uint64 { return fingerprint.Mix64(uint64(m.Kind)<<32 | uint64(m.Val)) }

func (m snapMsg) String() string {
	return fmt.Sprintf("%s(%d)", [...]string{"?", "hello", "ack", "kick"}[m.Kind], m.Val)
}

// Fingerprint writes node ids through h, so that a renaming renames them;
// a kick's number is not a node.
func (m snapMsg) Fingerprint(h *fingerprint.Hasher) {
	h.Uint64(uint64(m.Kind))
	if m.Kind == snapKick {
		h.Uint64(uint64(m.Val))
	} else {
		h.Node(int(m.Val))
	}
}

// snapDurable is what a snap node persists: the nodes it heard of.
type snapDurable struct{ Seen uint64 }

func (d snapDurable) Fingerprint(h *fingerprint.Hasher) { h.NodeSet(d.Seen) }

// snapObs is a delivery a snap node observed.
type snapObs struct {
	From NodeID
	Msg  snapMsg
}

// snapNode broadcasts hello(id) at start (to itself too) and acknowledges
// every hello to its sender; node 1 arms timer 0, whose firing sends it
// kick(1) and kick(2), and kick(1) sends kick(3): local deliveries that
// queue more.
type snapNode struct {
	id    NodeID
	seen  uint64 // hellos heard, persisted
	acks  uint64 // acks heard
	kicks []NodeID
}

type (
	snapEnv   = Env[snapMsg, snapDurable, snapObs]
	snapWorld = World[snapMsg, snapDurable, snapObs]
)

var _ Cloner[snapMsg, snapDurable, snapObs] = (*snapNode)(nil)

func newSnapNode(id NodeID, d snapDurable) Node[snapMsg, snapDurable, snapObs] {
	return &snapNode{id: id, seen: d.Seen}
}

func (n *snapNode) Start(env *snapEnv) {
	env.Broadcast(snapMsg{snapHello, n.id})
	if n.id == 1 {
		env.SetTimer(0, 5)
	}
}

func (n *snapNode) Deliver(env *snapEnv, from NodeID, m snapMsg) {
	env.Observe(snapObs{from, m})
	switch m.Kind {
	case snapHello:
		n.seen |= 1 << m.Val
		env.Persist(snapDurable{n.seen})
		env.Send(from, snapMsg{snapAck, m.Val})
	case snapAck:
		n.acks |= 1 << from
	case snapKick:
		n.kicks = append(n.kicks, m.Val)
		if m.Val == 1 {
			env.Send(n.id, snapMsg{snapKick, 3})
		}
	}
}

func (n *snapNode) Fire(env *snapEnv, tag TimerTag) {
	env.Send(n.id, snapMsg{snapKick, 1})
	env.Send(n.id, snapMsg{snapKick, 2})
}

func (n *snapNode) CloneInto(dst Node[snapMsg, snapDurable, snapObs]) Node[snapMsg, snapDurable, snapObs] {
	d, _ := dst.(*snapNode)
	if d == nil {
		d = new(snapNode)
	}
	kicks := d.kicks[:0]
	*d = *n
	d.kicks = append(kicks, n.kicks...)
	return d
}

func (n *snapNode) Fingerprint(h *fingerprint.Hasher) {
	h.NodeSet(n.seen)
	h.NodeSet(n.acks)
	h.Uint64(uint64(len(n.kicks)))
	for _, k := range n.kicks {
		h.Uint64(uint64(k))
	}
}

// snapLog collects observations as "from->to msg".
type snapLog []string

func (l *snapLog) observe(id NodeID, o snapObs) {
	*l = append(*l, fmt.Sprintf("%s->%s %s", o.From, id, o.Msg))
}

// newSnapWorld is a fingerprinted 3-node Choice world of snap nodes whose
// observations go to log (nil: nowhere).
func newSnapWorld(t testing.TB, cc ChoiceConfig, log *snapLog) *snapWorld {
	t.Helper()
	return newSnapWorldNet(t, cc, false, log)
}

// newSnapWorldNet is newSnapWorld, with FIFO links if fifo.
func newSnapWorldNet(t testing.TB, cc ChoiceConfig, fifo bool, log *snapLog) *snapWorld {
	t.Helper()
	var obs Observer[snapObs]
	if log != nil {
		obs = log.observe
	}
	cfg := Config{Nodes: 3, Mode: Choice, Choice: cc, Faults: FaultConfig{MaxCrashed: 1}, Network: NetworkConfig{FIFO: fifo}}
	w, err := New(cfg, NewRandom(1), newSnapNode, obs)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Fingerprinted(); err != nil {
		t.Fatal(err)
	}
	return w
}

func doLines(t testing.TB, w *snapWorld, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if err := w.DoLine(l); err != nil {
			t.Fatal(err)
		}
	}
}

func actionLines(w *snapWorld) []string {
	var out []string
	for _, a := range w.Actions() {
		out = append(out, a.String())
	}
	return out
}

// identity is the renaming that renames nothing: with it, a world writes
// its nodes' fingerprints whole, as under any other renaming.
func identity() *[64]uint8 {
	var p [64]uint8
	for i := range p {
		p[i] = uint8(i)
	}
	return &p
}

func swap23() *[64]uint8 {
	p := identity()
	p[2], p[3] = 3, 2
	return p
}

// fp is w's fingerprint and, from an exact Hasher, its exact key, under
// the renaming perm (nil: none).
func fp(w *snapWorld, perm *[64]uint8) (fingerprint.Key, string) {
	h := fingerprint.New(false)
	h.SetRenaming(perm)
	w.Fingerprint(h)
	x := fingerprint.New(true)
	x.SetRenaming(perm)
	w.Fingerprint(x)
	return h.Sum(), x.Words()
}

// sameState reports whether a and b fingerprint alike, plainly and
// exactly, and fails if the two disagree.
func sameState(t testing.TB, a, b *snapWorld) bool {
	t.Helper()
	ka, xa := fp(a, nil)
	kb, xb := fp(b, nil)
	if (ka == kb) != (xa == xb) {
		t.Fatalf("fingerprints equal: %v, exact keys equal: %v", ka == kb, xa == xb)
	}
	return ka == kb
}

var hellos = []string{
	"deliver 1->2 hello(1)", "deliver 1->3 hello(1)", "deliver 2->1 hello(2)",
	"deliver 2->3 hello(2)", "deliver 3->1 hello(3)", "deliver 3->2 hello(3)",
}

// TestLocalSelf: a node's messages to itself are delivered within the step
// that sent them, in the order sent (those they send after those already
// queued), and never enter the network; without LocalSelf they are
// deliveries for the scheduler like any other.
func TestLocalSelf(t *testing.T) {
	var log snapLog
	w := newSnapWorld(t, ChoiceConfig{LocalSelf: true}, &log)
	if got, want := actionLines(w), append(slices.Clone(hellos), "timer 1 0"); !slices.Equal(got, want) {
		t.Fatalf("actions after boot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Each node heard itself at boot: its hello, then the ack the hello
	// queued behind every node's hello.
	if want := []string{"1->1 hello(1)", "2->2 hello(2)", "3->3 hello(3)", "1->1 ack(1)", "2->2 ack(2)", "3->3 ack(3)"}; !slices.Equal(log, want) {
		t.Fatalf("boot observations %q, want %q", log, want)
	}
	log = nil
	doLines(t, w, "timer 1 0")
	if want := []string{"1->1 kick(1)", "1->1 kick(2)", "1->1 kick(3)"}; !slices.Equal(log, want) {
		t.Fatalf("timer step observations %q, want %q", log, want)
	}
	if w.InFlight() != 6 || !slices.Equal(actionLines(w), hellos) {
		t.Fatalf("after the timer: %d in flight, actions %q", w.InFlight(), actionLines(w))
	}

	log = nil
	w = newSnapWorld(t, ChoiceConfig{}, &log)
	w.Actions() // boot
	if len(log) != 0 || w.InFlight() != 9 {
		t.Fatalf("without LocalSelf: boot observed %q, %d in flight", log, w.InFlight())
	}
	doLines(t, w, "deliver 1->1 hello(1)", "deliver 1->1 ack(1)", "timer 1 0", "deliver 1->1 kick(2)", "deliver 1->1 kick(1)", "deliver 1->1 kick(3)")
	if want := []string{"1->1 hello(1)", "1->1 ack(1)", "1->1 kick(2)", "1->1 kick(1)", "1->1 kick(3)"}; !slices.Equal(log, want) {
		t.Fatalf("without LocalSelf: observations %q, want %q", log, want)
	}
}

// TestSentSet: in a set network delivery leaves the message deliverable,
// sending a message again adds no copy, and drops and duplications are no
// actions (whatever ChoiceConfig says); in a multiset delivery consumes.
func TestSentSet(t *testing.T) {
	w := newSnapWorld(t, ChoiceConfig{Network: SentSet, LocalSelf: true, Drops: true, MaxDups: 2}, nil)
	for _, a := range w.Actions() {
		if a.Kind == ActDrop || a.Kind == ActDup {
			t.Fatalf("set network offers %s", a)
		}
	}
	doLines(t, w, "deliver 1->2 hello(1)")
	once := w.CloneInto(nil, nil)
	if w.InFlight() != 7 || !slices.Contains(actionLines(w), "deliver 1->2 hello(1)") || !slices.Contains(actionLines(w), "deliver 2->1 ack(1)") {
		t.Fatalf("after one delivery: %d in flight, actions %q", w.InFlight(), actionLines(w))
	}
	doLines(t, w, "deliver 1->2 hello(1)", "deliver 2->1 ack(1)", "deliver 2->1 ack(1)")
	if w.InFlight() != 7 {
		t.Fatalf("the re-sent ack(1) was added again: %d in flight", w.InFlight())
	}
	doLines(t, once, "deliver 2->1 ack(1)")
	if !sameState(t, w, once) {
		t.Fatal("delivering hello(1) and ack(1) twice is another state than once")
	}

	m := newSnapWorld(t, ChoiceConfig{LocalSelf: true, Drops: true, MaxDups: 1}, nil)
	doLines(t, m, "deliver 1->2 hello(1)")
	acts := actionLines(m)
	if m.InFlight() != 6 || slices.Contains(acts, "deliver 1->2 hello(1)") {
		t.Fatalf("multiset: delivery does not consume: %d in flight, actions %q", m.InFlight(), acts)
	}
	for _, want := range []string{"drop 2->1 ack(1)", "dup 1->2 hello(1)", "dup 2->1 ack(1)"} {
		if !slices.Contains(acts, want) {
			t.Fatalf("multiset: no %q among %q", want, acts)
		}
	}
	// A copy makes the message deliverable again, once per distinct
	// message in the list; the budget spent, no more dups.
	doLines(t, m, "dup 1->3 hello(1)")
	acts = actionLines(m)
	n := 0
	for _, a := range acts {
		if a == "deliver 1->3 hello(1)" {
			n++
		}
		if strings.HasPrefix(a, "dup ") {
			t.Fatalf("multiset: %q after the one dup allowed", a)
		}
	}
	if n != 1 || m.InFlight() != 7 {
		t.Fatalf("multiset: two copies of hello(1) to 3 give %d deliveries, %d in flight", n, m.InFlight())
	}
	// Both copies delivered, node 3 acks twice; a drop takes one ack.
	doLines(t, m, "deliver 1->3 hello(1)", "deliver 1->3 hello(1)", "drop 3->1 ack(1)")
	if slices.Contains(actionLines(m), "deliver 1->3 hello(1)") || !slices.Contains(actionLines(m), "deliver 3->1 ack(1)") || m.InFlight() != 6 {
		t.Fatalf("multiset: %d in flight, actions %q", m.InFlight(), actionLines(m))
	}
}

// TestCrashLosesSelfSends: in a set network, as in a multiset, a node's
// messages to itself die with it; the others stay.
func TestCrashLosesSelfSends(t *testing.T) {
	for _, net := range []NetworkSemantics{SentSet, Multiset} {
		w := newSnapWorld(t, ChoiceConfig{Network: net, MaxCrashes: 1}, nil)
		doLines(t, w, "timer 1 0") // kick(1), kick(2) in flight to 1
		if w.InFlight() != 11 {
			t.Fatalf("%s: %d in flight, want 9 hellos and 2 kicks", net, w.InFlight())
		}
		doLines(t, w, "crash 1")
		for _, a := range w.Actions() {
			if a.From == 1 && a.To == 1 {
				t.Fatalf("%s: %s after node 1 crashed", net, a)
			}
		}
		if w.InFlight() != 8 {
			t.Fatalf("%s: %d in flight after the crash, want 8 (hello 1->1 and 2 kicks lost)", net, w.InFlight())
		}
		doLines(t, w, "restart 1", "deliver 2->1 hello(2)")
	}
}

// TestFingerprintIgnoresSendOrder: node 1 acks hello(2) and hello(3) in the
// order it hears them, so two schedules leave the same messages in
// different orders in the network: the same state, one fingerprint.
func TestFingerprintIgnoresSendOrder(t *testing.T) {
	for _, cc := range []ChoiceConfig{
		{LocalSelf: true},
		{Network: SentSet, LocalSelf: true},
		{MaxDups: 1},
	} {
		t.Run(fmt.Sprintf("%s/local=%v/dups=%d", cc.Network, cc.LocalSelf, cc.MaxDups), func(t *testing.T) {
			a := newSnapWorld(t, cc, nil)
			b := newSnapWorld(t, cc, nil)
			doLines(t, a, "deliver 2->1 hello(2)")
			doLines(t, b, "deliver 3->1 hello(3)")
			if sameState(t, a, b) {
				t.Fatal("after one step the worlds differ, but fingerprint alike")
			}
			doLines(t, a, "deliver 3->1 hello(3)")
			doLines(t, b, "deliver 2->1 hello(2)")
			if slices.Equal(actionLines(a), actionLines(b)) {
				t.Fatal("the schedules left the network in one order: the test is vacuous")
			}
			if !sameState(t, a, b) {
				t.Fatalf("one state, two fingerprints:\n%q\n%q", actionLines(a), actionLines(b))
			}
			if ka, _ := fp(a, identity()); ka != func() fingerprint.Key { k, _ := fp(b, identity()); return k }() {
				t.Fatal("one state, two fingerprints under the identity renaming")
			}
		})
	}
}

// TestFingerprintRenaming: nodes 2 and 3 are interchangeable (only node 1
// has a timer), so node 2 hearing hello(1) and node 3 hearing it are images
// of each other under swapping 2 and 3.
func TestFingerprintRenaming(t *testing.T) {
	for _, cc := range []ChoiceConfig{{LocalSelf: true}, {Network: SentSet, LocalSelf: true}, {MaxDups: 1}} {
		a := newSnapWorld(t, cc, nil)
		b := newSnapWorld(t, cc, nil)
		doLines(t, a, "deliver 1->2 hello(1)", "deliver 2->1 ack(1)")
		doLines(t, b, "deliver 1->3 hello(1)", "deliver 3->1 ack(1)")
		ka, xa := fp(a, swap23())
		kb, xb := fp(b, identity())
		if ka != kb || xa != xb {
			t.Fatalf("%+v: a renamed and its image b fingerprint differently", cc)
		}
		if k, _ := fp(a, identity()); k == kb {
			t.Fatalf("%+v: a and b fingerprint alike without the renaming", cc)
		}
		// The renaming is an involution here: b renamed is a.
		ka2, _ := fp(a, identity())
		kb2, _ := fp(b, swap23())
		if ka2 != kb2 {
			t.Fatalf("%+v: b renamed is not a", cc)
		}
	}
}

// TestCloneIsIndependent: stepping a clone leaves its original as it was,
// and stepping the original leaves the clone; a clone reusing an old
// world's memory is a faithful copy too. Observations go where the
// clone was told.
func TestCloneIsIndependent(t *testing.T) {
	for _, tc := range []struct {
		cc   ChoiceConfig
		fifo bool
	}{
		{ChoiceConfig{LocalSelf: true, Drops: true, MaxDups: 2, MaxCrashes: 1}, false},
		{ChoiceConfig{Network: SentSet, MaxCrashes: 1}, false},
		{ChoiceConfig{Drops: true, MaxDups: 2, MaxCrashes: 1}, true},
	} {
		cc := tc.cc
		var wlog snapLog
		w := newSnapWorldNet(t, cc, tc.fifo, &wlog)
		doLines(t, w, "deliver 1->2 hello(1)", "timer 1 0")
		before, beforeX := fp(w, nil)
		acts := actionLines(w)
		var reuse *snapWorld
		for i := range acts {
			var clog snapLog
			c := w.CloneInto(reuse, clog.observe)
			reuse = c
			if !sameState(t, c, w) || !slices.Equal(actionLines(c), acts) {
				t.Fatalf("%+v: a clone is another state", cc)
			}
			nw := len(wlog)
			c.Do(c.Actions()[i])
			if k, x := fp(w, nil); k != before || x != beforeX || !slices.Equal(actionLines(w), acts) {
				t.Fatalf("%+v: %s on a clone changed the original", cc, acts[i])
			}
			if len(wlog) != nw {
				t.Fatalf("%+v: %s on a clone was observed by the original's observer", cc, acts[i])
			}
			// (In a set network a delivery may change nothing.)
			if cc.Network == Multiset && sameState(t, c, w) {
				t.Fatalf("%+v: %s changed nothing", cc, acts[i])
			}
			if strings.HasPrefix(acts[i], "deliver") && len(clog) == 0 {
				t.Fatalf("%+v: %s on a clone observed nothing", cc, acts[i])
			}
		}
		// The other way round.
		c := w.CloneInto(reuse, nil)
		k0, x0 := fp(c, nil)
		doLines(t, w, acts[0])
		if k, x := fp(c, nil); k != k0 || x != x0 {
			t.Fatalf("%+v: %s on the original changed its clone", cc, acts[0])
		}
		if k, _ := fp(w, nil); k == k0 {
			t.Fatalf("%+v: %s changed nothing", cc, acts[0])
		}
	}
}

// TestSnapshotRestore walks schedules (crashes and restarts, drops and dups
// included) and at every step snapshots the world and restores it, into
// fresh memory and into a world restored before: the same fingerprint, the
// same actions, the same snapshot again, and the same successor for every
// action. Where the pool lists a snapshot's actions itself (a set
// network, no crash left), it lists the world's.
func TestSnapshotRestore(t *testing.T) {
	for _, tc := range []struct {
		cc   ChoiceConfig
		fifo bool
	}{
		{ChoiceConfig{LocalSelf: true, Drops: true, MaxDups: 2, MaxCrashes: 2}, false},
		{ChoiceConfig{Network: SentSet, MaxCrashes: 2}, false},
		{ChoiceConfig{Drops: true, MaxDups: 2, MaxCrashes: 2}, true},
	} {
		cc := tc.cc
		for seed := range uint64(4) {
			w := newSnapWorldNet(t, cc, tc.fifo, nil)
			pool := NewSnapshotPool(w)
			rng := NewRandom(seed)
			var reused, scratch *snapWorld
			crashed, fromSnapshot := false, 0
			for step := 0; step < 25; step++ {
				snap := pool.Snapshot(w, nil)
				if pooled, world := poolKey(pool, snap), worldKey(w); pooled != world {
					t.Fatalf("%+v seed %d step %d: the pool fingerprints %x, the world %x", cc, seed, step, pooled, world)
				}
				fresh := pool.Restore(nil, snap, nil)
				reused = pool.Restore(reused, snap, nil)
				acts := actionLines(w)
				for _, r := range []*snapWorld{fresh, reused} {
					if !sameState(t, r, w) || !slices.Equal(actionLines(r), acts) {
						t.Fatalf("%+v seed %d step %d: restored world differs", cc, seed, step)
					}
					if again := pool.Snapshot(r, nil); !slices.Equal(again, snap) {
						t.Fatalf("%+v seed %d step %d: snapshot of the restored world %v, want %v", cc, seed, step, again, snap)
					}
				}
				if listed, ok := pool.Actions(snap, nil); ok {
					fromSnapshot++
					if !slices.Equal(listed, w.Actions()) {
						t.Fatalf("%+v seed %d step %d: the pool lists %v, the world %v", cc, seed, step, listed, w.Actions())
					}
				} else if cc.Network == SentSet && !tc.fifo && !w.crashesEnabled() {
					t.Fatalf("%+v seed %d step %d: the pool does not list a set network's actions", cc, seed, step)
				}
				if len(acts) == 0 {
					break
				}
				// Every successor of the restored world is the original's.
				for i := range acts {
					scratch = w.CloneInto(scratch, nil)
					scratch.Do(scratch.Actions()[i])
					r := pool.Restore(fresh, snap, nil)
					r.Do(r.Actions()[i])
					if !sameState(t, r, scratch) {
						t.Fatalf("%+v seed %d step %d: %s from the restored world goes elsewhere", cc, seed, step, acts[i])
					}
				}
				i := rng.Intn(Decision{}, len(acts))
				if j := slices.Index(acts, "crash 2"); step == 3 && j >= 0 {
					i = j
				}
				crashed = crashed || strings.HasPrefix(acts[i], "crash")
				w.Do(w.Actions()[i])
			}
			if !crashed {
				t.Fatalf("%+v seed %d: no crash", cc, seed)
			}
			if cc.Network == SentSet && fromSnapshot == 0 {
				t.Fatalf("%+v seed %d: the pool never listed the actions", cc, seed)
			}
		}
		// The pool stores each part once.
		nodes, durables, msgs := NewSnapshotPool(newSnapWorld(t, cc, nil)).Size()
		if nodes != 0 || durables != 0 || msgs != 0 {
			t.Fatalf("a new pool holds %d nodes, %d durables, %d messages", nodes, durables, msgs)
		}
	}
}

// poolKey is the fingerprint the pool writes of snapshot s.
func poolKey(pool *SnapshotPool[snapMsg, snapDurable, snapObs], s Snapshot) fingerprint.Key {
	h := fingerprint.New(false)
	pool.Fingerprint(h, s)
	return h.Sum()
}

// worldKey is the fingerprint of w, without renaming.
func worldKey(w *snapWorld) fingerprint.Key {
	h := fingerprint.New(false)
	w.Fingerprint(h)
	return h.Sum()
}

// TestLocalStepsAreTheStepsTaken walks random paths of a world whose
// steps are local (a set network, local self-sends, crashes) and, at every
// state, takes every action from memory (LocalSteps) and the long way: the
// snapshot Apply builds is the world's after the step, the fingerprint
// written without building it is the world's, and the step stutters
// exactly when the world's fingerprint did not change.
func TestLocalStepsAreTheStepsTaken(t *testing.T) {
	cc := ChoiceConfig{Network: SentSet, LocalSelf: true, MaxCrashes: 1}
	taken := 0
	for seed := range uint64(6) {
		w := newSnapWorld(t, cc, nil)
		w.Actions() // boot
		pool := NewSnapshotPool(w)
		steps := NewLocalSteps(pool, nil)
		if !steps.Memoizes() {
			t.Fatal("a set network with local self-sends does not memoize")
		}
		rng := NewRandom(seed)
		var probe, after *snapWorld
		var l Layout
		for step := 0; step < 20; step++ {
			snap := pool.Snapshot(w, nil)
			pool.Layout(snap, &l)
			acts, ok := pool.Actions(snap, nil)
			if !ok {
				acts = slices.Clone(w.Actions())
			}
			if len(acts) == 0 {
				break
			}
			for i := range acts {
				a := &acts[i]
				st, p, ok := steps.Take(snap, &l, func() *snapWorld { return w }, a, probe)
				probe = p
				if !ok {
					continue
				}
				taken++
				after = w.CloneInto(after, nil)
				after.Do(*a)
				built, _ := steps.Apply(snap, &l, st, nil)
				if poolKey(pool, built) != worldKey(after) || !slices.Equal(built[5:], pool.Snapshot(after, nil)[5:]) {
					t.Fatalf("seed %d step %d: %s from memory builds %v, the world %v", seed, step, a, built, pool.Snapshot(after, nil))
				}
				var fresh, told Layout
				pool.Layout(built, &fresh)
				pool.Layout(built, &told)
				steps.KnownParts(&told, steps.PartsAfter(snap, &l, st, nil))
				for id := NodeID(1); id <= 3; id++ {
					if x, y := steps.part(built, &told, id), steps.part(built, &fresh, id); x != y || told.keys[id-1] != fresh.keys[id-1] {
						t.Fatalf("seed %d step %d: %s: node %d's part is numbered %d after the step, %d from the snapshot", seed, step, a, id, x, y)
					}
				}
				added, n, stutters := steps.Effect(snap, &l, st)
				h := fingerprint.New(false)
				steps.Fingerprint(h, snap, &l, st, pool.NetKey(snap).Add(added), n)
				if h.Sum() != worldKey(after) {
					t.Fatalf("seed %d step %d: %s from memory fingerprints %x, the world %x", seed, step, a, h.Sum(), worldKey(after))
				}
				if stutters != (worldKey(after) == worldKey(w)) {
					t.Fatalf("seed %d step %d: %s stutters %v", seed, step, a, stutters)
				}
			}
			w.Do(acts[rng.Intn(Decision{}, len(acts))])
		}
	}
	if taken < 100 {
		t.Fatalf("only %d steps taken from memory", taken)
	}
}

// TestSnapshotPoolShares: snapshots of one state are equal, and a pool
// stores a node state, durable state or message once however many
// snapshots name it.
func TestSnapshotPoolShares(t *testing.T) {
	w := newSnapWorld(t, ChoiceConfig{LocalSelf: true}, nil)
	pool := NewSnapshotPool(w)
	a := pool.Snapshot(w, nil)
	n0, d0, m0 := pool.Size()
	// 3 node states (each knows its id), 3 durable states, 6 hellos.
	if n0 != 3 || d0 != 3 || m0 != 6 {
		t.Fatalf("pool of the boot state: %d nodes, %d durables, %d messages", n0, d0, m0)
	}
	b := pool.Snapshot(w.CloneInto(nil, nil), make(Snapshot, 0, 1))
	if !slices.Equal(a, b) {
		t.Fatalf("two snapshots of one state: %v and %v", a, b)
	}
	if n, d, m := pool.Size(); n != n0 || d != d0 || m != m0 {
		t.Fatal("a second snapshot of one state grew the pool")
	}
	doLines(t, w, "deliver 1->2 hello(1)")
	pool.Snapshot(w, nil)
	// Node 2's new state and durable state, and ack(1).
	if n, d, m := pool.Size(); n != n0+1 || d != d0+1 || m != m0+1 {
		t.Fatalf("after a step: %d nodes, %d durables, %d messages", n, d, m)
	}
}

func TestSnapshotMisuse(t *testing.T) {
	plain := func() *snapWorld {
		w, err := New(Config{Nodes: 2, Mode: Choice}, NewRandom(1), newSnapNode, nil)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	timed, err := New(Config{Nodes: 2}, NewRandom(1), newSnapNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		fn   func()
	}{
		{"fingerprint without Fingerprinted", func() { plain().Fingerprint(fingerprint.New(false)) }},
		{"pool without Fingerprinted", func() { NewSnapshotPool(plain()) }},
		{"clone into itself", func() { w := plain(); w.CloneInto(w, nil) }},
		{"clone a timed world", func() { timed.CloneInto(nil, nil) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.fn()
		}()
	}
}

// BenchmarkCloneStep is the inner loop of an explorer: clone a world, take
// one action, fingerprint the result.
func BenchmarkCloneStep(b *testing.B) {
	w := newSnapWorld(b, ChoiceConfig{Network: SentSet, LocalSelf: true}, nil)
	doLines(b, w, "deliver 1->2 hello(1)", "timer 1 0")
	h := fingerprint.New(false)
	var c *snapWorld
	for b.Loop() {
		for i := range w.Actions() {
			c = w.CloneInto(c, nil)
			c.Do(c.Actions()[i])
			h.Reset()
			c.Fingerprint(h)
		}
	}
}
