package protocol_test

import (
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

func TestVariantsAreListedOnceAndSorted(t *testing.T) {
	vs := protocol.Variants()
	if len(vs) < 13 {
		t.Fatalf("%d variants, want the 13 of the catalogue at least", len(vs))
	}
	for i, v := range vs {
		if i > 0 && vs[i-1].Name >= v.Name {
			t.Errorf("%s listed after %s: not sorted, or twice", v.Name, vs[i-1].Name)
		}
		got, err := protocol.LookupVariant(v.Name)
		if err != nil || got != v {
			t.Errorf("LookupVariant(%q) = %+v, %v", v.Name, got, err)
		}
	}
}

// decide runs one proposal through a fault-free cluster of variant.
func decide(t *testing.T, variant protocol.Variant) *cluster {
	t.Helper()
	c := newCluster(t, 3, 1, protocol.Config{Variant: variant}, nil)
	c.propose(0, 1, 1)
	c.runUntil(t, 1000)
	return c
}

func TestNoPersistForgetsTheAcceptorOnly(t *testing.T) {
	for _, tt := range []struct {
		name    string
		variant protocol.Variant
	}{
		{"correct", protocol.Variant{}},
		{"no-persist", protocol.NoPersist},
		// A Variant built from a name alone is looked up by it.
		{"no-persist by name", protocol.Variant{Name: "no-persist"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := decide(t, tt.variant)
			forgets := tt.variant.Name == protocol.NoPersist.Name
			for id := sim.NodeID(1); id <= 3; id++ {
				d := c.world.Durable(id)
				if d.Learned != 1 {
					t.Errorf("node %d persisted learned %s, want v1", id, d.Learned)
				}
				if empty := d.Promised.IsZero() && d.AcceptedBallot.IsZero() && d.AcceptedValue == checker.None; empty != forgets {
					t.Errorf("node %d persisted %+v: acceptor state empty = %v, want %v", id, d, empty, forgets)
				}
			}
			if d := c.world.Durable(1); d.Round != 1 {
				t.Errorf("the proposer persisted round %d, want 1", d.Round)
			}
		})
	}
}

func TestOneBallotKeepsOneNumber(t *testing.T) {
	// Acceptor 1 accepted v7 at 1.1 before replica 3 proposes: its promise
	// to replica 3's higher ballot raises its one number, which is then
	// also the ballot it persists (and reports) for v7.
	old := checker.Ballot{Round: 1, Node: 1}
	pre := protocol.Durable{Promised: old, AcceptedBallot: old, AcceptedValue: 7}
	for _, variant := range []protocol.Variant{{}, protocol.OneBallot} {
		t.Run(variant.String(), func(t *testing.T) {
			c := newCluster(t, 3, 1, protocol.Config{Variant: variant}, seeded(map[sim.NodeID]protocol.Durable{1: pre}))
			c.propose(0, 3, 3)
			for !old.Less(c.world.Durable(1).Promised) && c.world.Step() {
			}
			d := c.world.Durable(1)
			want := old
			if variant == protocol.OneBallot {
				want = d.Promised
			}
			if !old.Less(d.Promised) || d.AcceptedValue != 7 || d.AcceptedBallot != want {
				t.Fatalf("acceptor 1 persisted %+v, want a promise above %s and v7 accepted at %s", d, old, want)
			}
		})
	}
}

func TestUnknownVariantPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewNodes accepted a variant that is not in the catalogue")
		}
	}()
	protocol.NewNodes(3, protocol.Config{Variant: protocol.Variant{Name: "no-such-bug"}})
}
