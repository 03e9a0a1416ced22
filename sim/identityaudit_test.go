package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/fingerprint"
)

// noteMsg is a message whose Digest may leave out its note (the field
// added after Digest was written), which String shows.
type noteMsg struct {
	Kind, Note uint8
	weak       bool // Digest leaves the note out
}

func (m noteMsg) Digest() uint64 {
	if m.weak {
		return fingerprint.Mix64(uint64(m.Kind))
	}
	return fingerprint.Mix64(uint64(m.Kind)<<8 | uint64(m.Note))
}

func (m noteMsg) String() string { return fmt.Sprintf("note(%d, %d)", m.Kind, m.Note) }

// noteDurable is what a note node persists; its Fingerprint may leave
// out Extra, which a rebuilt node reads.
type noteDurable struct {
	Kind, Extra uint8
	weak        bool
}

func (d noteDurable) Fingerprint(h *fingerprint.Hasher) {
	h.Uint64(uint64(d.Kind))
	if !d.weak {
		h.Uint64(uint64(d.Extra))
	}
}

// noteNode sends node 2, at start, every kind of note twice, with two
// notes: 128 messages whose digests, when weak, come in 64 pairs.
type noteNode struct {
	id    NodeID
	extra uint8 // read from the durable state
	weak  bool
}

func (n *noteNode) Start(env *Env[noteMsg, noteDurable, int]) {
	if n.id != 1 {
		return
	}
	for k := range 64 {
		for note := range 2 {
			env.Send(2, noteMsg{Kind: uint8(k), Note: uint8(note), weak: n.weak})
		}
	}
}

func (n *noteNode) Deliver(*Env[noteMsg, noteDurable, int], NodeID, noteMsg) {}
func (n *noteNode) Fire(*Env[noteMsg, noteDurable, int], TimerTag)           {}

func (n *noteNode) CloneInto(dst Node[noteMsg, noteDurable, int]) Node[noteMsg, noteDurable, int] {
	c := *n
	return &c
}

func (n *noteNode) Fingerprint(h *fingerprint.Hasher) { h.Uint64(uint64(n.extra)) }

// noteWorld is a fingerprinted Choice world of three note nodes.
func noteWorld(t *testing.T, net NetworkSemantics, weak bool) *World[noteMsg, noteDurable, int] {
	t.Helper()
	newNode := func(id NodeID, d noteDurable) Node[noteMsg, noteDurable, int] {
		return &noteNode{id: id, extra: d.Extra, weak: weak}
	}
	w, err := New(Config{Nodes: 3, Mode: Choice, Choice: ChoiceConfig{Network: net}}, NewRandom(1), newNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Fingerprinted(); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestDigestsThatLeaveOutFieldsAreReported: messages that one Digest
// stands for but that render differently are merged by an explorer (a
// set network keeps the first alone; without a message Fingerprint, a
// multiset's fingerprint is the digest's), so the audit reports the
// Digest, naming both messages; a Digest that covers the note raises no
// alarm.
func TestDigestsThatLeaveOutFieldsAreReported(t *testing.T) {
	for _, net := range []NetworkSemantics{SentSet, Multiset} {
		for _, weak := range []bool{false, true} {
			w := noteWorld(t, net, weak)
			w.Actions() // boot: node 1 sends
			fault := w.IdentityFault(1)
			if weak != (fault != "") {
				t.Fatalf("%s, weak digest %v: fault %q", net, weak, fault)
			}
			if weak && (!strings.HasPrefix(fault, "identity: ") || !strings.Contains(fault, "note(") || !strings.Contains(fault, "Digest")) {
				t.Fatalf("%s: the fault names neither the rule, the messages nor Digest: %s", net, fault)
			}
			if w.IdentityFault(1) != "" {
				t.Fatalf("%s: IdentityFault does not clear what it returned", net)
			}
		}
	}
}

// TestDurableFingerprintsThatLeaveOutFieldsAreReported: two durable
// states that one fingerprint stands for must rebuild a node alike; one
// whose Fingerprint leaves out a field the node reads is reported; the
// same state met twice raises no alarm.
func TestDurableFingerprintsThatLeaveOutFieldsAreReported(t *testing.T) {
	w := noteWorld(t, SentSet, false)
	var k fingerprint.Key
	k[0] = identityEvery // audited
	w.auditDurable(2, noteDurable{Kind: 1, Extra: 0, weak: true}, k)
	w.auditDurable(2, noteDurable{Kind: 1, Extra: 0, weak: true}, k)
	if f := w.IdentityFault(2); f != "" {
		t.Fatalf("the same durable state twice: %s", f)
	}
	w.auditDurable(2, noteDurable{Kind: 1, Extra: 7, weak: true}, k)
	f := w.IdentityFault(2)
	if !strings.Contains(f, "durable") || !strings.Contains(f, ".Extra") {
		t.Fatalf("a durable state whose Fingerprint leaves out Extra: %q", f)
	}
}

// TestFirstDifferenceNamesThePath: the comparison under the audit names
// where two values differ, takes nil and empty alike, follows pointers
// (cycles too) and compares maps by key.
func TestFirstDifferenceNamesThePath(t *testing.T) {
	type inner struct {
		Vals []int
		M    map[string]int
	}
	type outer struct {
		Name string
		In   *inner
		Next *outer
	}
	a := &outer{Name: "x", In: &inner{Vals: []int{1, 2}, M: map[string]int{"k": 1}}}
	a.Next = a
	b := &outer{Name: "x", In: &inner{Vals: []int{1, 2}, M: map[string]int{"k": 1}}}
	b.Next = b
	if where, d := firstDifference(a, b); d {
		t.Fatalf("equal contents differ at %s", where)
	}
	b.In.Vals[1] = 3
	if where, _ := firstDifference(a, b); where != ".In.Vals[1]" {
		t.Fatalf("a changed element: %q", where)
	}
	b.In.Vals[1] = 2
	b.In.M["k"] = 2
	if where, _ := firstDifference(a, b); where != ".In.M[k]" {
		t.Fatalf("a changed map value: %q", where)
	}
	if _, d := firstDifference(inner{}, inner{Vals: []int{}, M: map[string]int{}}); d {
		t.Fatal("nil and empty differ")
	}
}
