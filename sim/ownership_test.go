package sim

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/fingerprint"
)

// tallyDurable is what a tally node persists: its counts.
type tallyDurable struct{ Counts []uint64 }

func (d tallyDurable) Fingerprint(h *fingerprint.Hasher) {
	h.Uint64(uint64(len(d.Counts)))
	for _, c := range d.Counts {
		h.Uint64(c)
	}
}

// tallyNode counts, in place, the messages it is delivered, and persists
// its counts after each: a copy of them (copies), or the slice it goes on
// writing (the bug the ownership check is for).
type tallyNode struct {
	counts []uint64
	copies bool
}

type tallyEnv = Env[snapMsg, tallyDurable, snapObs]

func (n *tallyNode) Start(*tallyEnv)          {}
func (n *tallyNode) Fire(*tallyEnv, TimerTag) {}

func (n *tallyNode) Deliver(env *tallyEnv, from NodeID, m snapMsg) {
	n.counts[0]++
	if m.Kind != snapHello {
		return // counted, and not persisted: a crash now must forget it
	}
	d := tallyDurable{Counts: n.counts}
	if n.copies {
		d.Counts = slices.Clone(n.counts)
	}
	env.Persist(d)
}

// tallyRun delivers node 1 a client's hello 2*ownershipEvery times, then
// an ack, and crashes it, and returns what the crash raised.
func tallyRun(t *testing.T, copies bool) (raised any) {
	t.Helper()
	newNode := func(id NodeID, d tallyDurable) Node[snapMsg, tallyDurable, snapObs] {
		counts := slices.Clone(d.Counts)
		if len(counts) == 0 {
			counts = make([]uint64, 1)
		}
		return &tallyNode{counts: counts, copies: copies}
	}
	w, err := New(Config{Nodes: 3, Mode: Choice, Choice: ChoiceConfig{Network: Multiset, MaxCrashes: 1}}, NewRandom(1), newNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 * ownershipEvery {
		w.Request(0, 1, snapMsg{snapHello, 1})
		if err := w.DoLine("deliver client->1 hello(1)"); err != nil {
			t.Fatal(err)
		}
	}
	w.Request(0, 1, snapMsg{snapAck, 1})
	if err := w.DoLine("deliver client->1 ack(1)"); err != nil {
		t.Fatal(err)
	}
	defer func() { raised = recover() }()
	if err := w.DoLine("crash 1"); err != nil {
		t.Fatal(err)
	}
	return nil
}

// TestDurableStateWrittenInPlaceIsReported: a node that persists a slice
// it then goes on writing in place makes a crash keep counts it never
// wrote; the crash raises the contract's durable-ownership rule, naming
// the durable state's type and the fix. A node that persists copies
// crashes quietly.
func TestDurableStateWrittenInPlaceIsReported(t *testing.T) {
	if r := tallyRun(t, true); r != nil {
		t.Fatalf("a node that persists copies: the crash raised %v", r)
	}
	r := tallyRun(t, false)
	var m *MisuseError
	if err, ok := r.(error); !ok || !errors.As(err, &m) || m.Rule != "durable-ownership" {
		t.Fatalf("a node that writes its persisted slice in place: the crash raised %v, want a durable-ownership misuse", r)
	}
	if !strings.Contains(m.Msg, "sim.tallyDurable") || !strings.Contains(m.Msg, "slices.Clone") {
		t.Fatalf("the misuse names neither the type nor the fix: %s", m.Msg)
	}
}

// logMsg is a message that carries a slice of its sender's counts.
type logMsg struct{ Vals []uint64 }

func (m logMsg) Digest() uint64 {
	h := uint64(len(m.Vals))
	for _, v := range m.Vals {
		h = fingerprint.Mix64(h ^ v)
	}
	return h
}

func (m logMsg) String() string { return fmt.Sprint(m.Vals) }

// leakNode sends node 2, at start, its counts 64 times, counting in
// place between sends: copies of them (copies), or the slice itself (the
// bug the message ownership check is for).
type leakNode struct {
	id     NodeID
	counts []uint64
	copies bool
}

type leakEnv = Env[logMsg, tallyDurable, snapObs]

func (n *leakNode) Start(env *leakEnv) {
	if n.id != 1 {
		return
	}
	for range 64 {
		m := logMsg{Vals: n.counts}
		if n.copies {
			m.Vals = slices.Clone(n.counts)
		}
		env.Send(2, m)
		n.counts[0]++
	}
}

func (n *leakNode) Deliver(*leakEnv, NodeID, logMsg) {}
func (n *leakNode) Fire(*leakEnv, TimerTag)          {}

// leakRun delivers every message node 1 sent, and returns what the
// deliveries raised.
func leakRun(t *testing.T, copies bool) (raised any) {
	t.Helper()
	newNode := func(id NodeID, d tallyDurable) Node[logMsg, tallyDurable, snapObs] {
		return &leakNode{id: id, counts: make([]uint64, 1), copies: copies}
	}
	w, err := New(Config{Nodes: 2, Mode: Choice, Choice: ChoiceConfig{Network: Multiset}}, NewRandom(1), newNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { raised = recover() }()
	for acts := w.Actions(); len(acts) > 0; acts = w.Actions() {
		w.Do(acts[0])
	}
	return nil
}

// TestMessageWrittenInFlightIsReported: a node that sends a slice of its
// state and then writes that state in place changes the messages in
// flight; a delivery raises the contract's message-ownership rule, naming
// the message's type and the fix. A node that sends copies raises nothing.
func TestMessageWrittenInFlightIsReported(t *testing.T) {
	if r := leakRun(t, true); r != nil {
		t.Fatalf("a node that sends copies: the deliveries raised %v", r)
	}
	r := leakRun(t, false)
	var m *MisuseError
	if err, ok := r.(error); !ok || !errors.As(err, &m) || m.Rule != "message-ownership" {
		t.Fatalf("a node that writes what it sent in place: the deliveries raised %v, want a message-ownership misuse", r)
	}
	if !strings.Contains(m.Msg, "sim.logMsg") || !strings.Contains(m.Msg, "slices.Clone") {
		t.Fatalf("the misuse names neither the type nor the fix: %s", m.Msg)
	}
}
