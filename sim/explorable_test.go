package sim

import (
	"github.com/paxsim/paxsim/fingerprint"
	"strings"
	"testing"
)

// bareMsg is a message without a Fingerprint, and bareDurable a durable
// state without one.
type (
	bareMsg     struct{ Val int }
	bareDurable struct{ Ballot int }
)

func (m bareMsg) Digest() uint64 { return fingerprint.Mix64(uint64(m.Val)) }
func (m bareMsg) String() string { return "bare" }

// bareNode is a node that is no Cloner.
type bareNode[M Message, D any] struct{}

func (bareNode[M, D]) Start(*Env[M, D, snapObs])              {}
func (bareNode[M, D]) Deliver(*Env[M, D, snapObs], NodeID, M) {}
func (bareNode[M, D]) Fire(*Env[M, D, snapObs], TimerTag)     {}

func newBare[M Message, D any](NodeID, D) Node[M, D, snapObs] { return bareNode[M, D]{} }

// TestExplorable: an explorer is told, as an error naming the type and
// what it lacks, of a durable state without a Fingerprint (which would
// leave it out of a state's identity and merge distinct states), of a
// node that is no Cloner, and, for symmetry reduction, of a message
// without a Fingerprint; a world will not be Fingerprinted without one.
func TestExplorable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string // "" for none
	}{
		{"durable", Explorable(newBare[bareMsg, bareDurable], false), "durable state sim.bareDurable is not a sim.Fingerprinter"},
		{"node", Explorable(newBare[bareMsg, snapDurable], false), "sim.snapDurable] is not a sim.Cloner"},
		{"message unrenamed", Explorable(newSnapNode, false), ""},
		{"message renamed", Explorable(newBare[bareMsg, snapDurable], true), "message sim.bareMsg is not a sim.Fingerprinter"},
		{"snap", Explorable(newSnapNode, true), ""},
	} {
		switch {
		case tc.want == "" && tc.err != nil:
			t.Errorf("%s: %v", tc.name, tc.err)
		case tc.want != "" && (tc.err == nil || !strings.Contains(tc.err.Error(), tc.want)):
			t.Errorf("%s: got %v, want an error containing %q", tc.name, tc.err, tc.want)
		}
	}
	w, err := New(Config{Nodes: 2, Mode: Choice}, NewRandom(1), newBare[bareMsg, bareDurable], nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Fingerprinted(); err == nil || !strings.Contains(err.Error(), "give sim.bareDurable a method Fingerprint(*fingerprint.Hasher)") {
		t.Fatalf("Fingerprinted: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a pool of a world that could not be Fingerprinted")
		}
	}()
	NewSnapshotPool(w)
}
