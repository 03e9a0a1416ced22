package checker_test

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
)

func invoked(client int, v checker.Value) lstep {
	return lstep{o: checker.Observation{Kind: checker.Invoked, Client: client, Value: v}}
}

func returned(node, client int, v checker.Value) lstep {
	return lstep{node: node, o: checker.Observation{Kind: checker.Returned, Client: client, Value: v}}
}

// TestClientOrder: a client's command sent once it had the answer to
// another takes effect after it in every replica's log. Answered ahead of
// its effect, a command that then takes effect after the next one breaks
// linearizability (client-order) at the replica that executes it so; a
// command answered that never enters the log orders nothing.
func TestClientOrder(t *testing.T) {
	inOrder := service(1, 2)   // client 1's commands 1, then 2
	reordered := service(2, 1) // 2 took effect first
	tests := []struct {
		name  string
		steps []lstep
		want  string // "" for no violation, else a substring of the message
	}{
		{"answered after its effect, the next one after it",
			seq(one(invoked(1, 1)), replay(1, inOrder, 1, 1), one(returned(1, 1, 1), invoked(1, 2)), replay(1, inOrder, 2, 2), replay(2, inOrder, 1, 2)), ""},
		{"answered ahead of its effect, executed after the next one",
			seq(one(invoked(1, 1), returned(1, 1, 1), invoked(1, 2)), replay(2, reordered, 1, 2)),
			"node 2 executes v1 at instance 2, after v2 at instance 1"},
		{"answered, never in the log (a read served by a leader)",
			seq(one(invoked(1, 1), returned(1, 1, 1), invoked(1, 2)), replay(1, service(2), 1, 1)), ""},
		{"two clients' commands in either order",
			seq(one(invoked(1, 1), invoked(2, 2), returned(1, 1, 1)), replay(1, reordered, 1, 2)), ""},
		{"sent before the answer: concurrent, either order",
			seq(one(invoked(1, 1), invoked(1, 2), returned(1, 1, 1)), replay(1, reordered, 1, 2)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := checkerOf(tt.steps)
			v := c.Violation()
			switch {
			case tt.want == "" && v != nil:
				t.Fatalf("want no violation, got %v", v)
			case tt.want == "":
			case v == nil || v.Property != checker.Linearizability || v.Check != "client-order" || !strings.Contains(v.Message, tt.want):
				t.Fatalf("want linearizability (client-order) %q, got %v", tt.want, v)
			}
		})
	}
}

// TestClientOrderIsState: each client's order is part of the checker's
// state: its fingerprint tells apart what it will judge differently, and
// a clone judges as the original does.
func TestClientOrderIsState(t *testing.T) {
	ordered := checkerOf(one(invoked(1, 1), returned(1, 1, 1), invoked(1, 2)))
	concurrent := checkerOf(one(invoked(1, 1), invoked(1, 2), returned(1, 1, 1)))
	ka, wa := fingerprints(ordered, nil)
	kb, wb := fingerprints(concurrent, nil)
	if ka == kb || wa == wb {
		t.Fatal("a client's order and its absence share a fingerprint")
	}
	clone := ordered.CloneInto(nil)
	observe(clone, replay(1, service(2, 1), 1, 2))
	if v := clone.Violation(); v == nil || v.Check != "client-order" {
		t.Fatalf("the clone does not keep the client's order: %v", v)
	}
	if ordered.Violation() != nil {
		t.Fatal("judging the clone changed the original")
	}
}
