package model

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paxsim/paxsim/engine"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// mpTurns is the default Multi-Paxos search with k requests per client.
func mpTurns(k int) CheckConfig {
	c := mpCheck(engine.Correct)
	c.Config.Commands = k
	return c
}

// TestCheckMPClientsTakeTurns: a client's second request is delivered
// only once the client has the answer to its first, and its lines send
// it right before that delivery, where the replay's checkers are told of
// it as the search's were.
func TestCheckMPClientsTakeTurns(t *testing.T) {
	c := mpTurns(2)
	m := newMPModel(t, c)
	first := `deliver client->1 Request(c1#1 put("a", "1.1"))`
	second := `deliver client->1 Request(c1#2 put("a", "1.2"))`
	path := []string{first, "timer 1 1", "deliver 1->2 Prepare(1.1, from i1)",
		"deliver 2->1 Promise(1.1, from i1, chosen 0)", "deliver 1->2 Accept(1.1, i1)", "deliver 2->1 Accepted(1.1, i1)"}
	s := m.Init()[0]
	var labels []string
	for _, l := range path {
		if _, labels = successor(m, s, ""); slices.Contains(labels, second) {
			t.Fatalf("client 1's second request is delivered before its first has an answer: %q", labels)
		}
		if s, labels = successor(m, s, l); s == nil {
			t.Fatalf("%q is not enabled; the steps are %q", l, labels)
		}
	}
	if a := m.judgeOf(s).answered.of(1); a != 1 {
		t.Fatalf("client 1 has %d answers after instance 1 was applied where it waits, want 1", a)
	}
	if _, labels = successor(m, s, ""); !slices.Contains(labels, second) || slices.Contains(labels, first) {
		t.Fatalf("with its answer, client 1's second request is not the one delivered: %q", labels)
	}
	if s, _ = successor(m, s, second); m.judgeOf(s).invoked.of(1) != 2 {
		t.Fatalf("the second request's delivery did not send it: %d requests invoked", m.judgeOf(s).invoked.of(1))
	}
	path = append(path, second)
	lines, err := m.lines(path)
	if err != nil {
		t.Fatal(err)
	}
	k := slices.Index(lines, second)
	if k < 1 || lines[k-1] != "client 1 put a 1.2 to 1" || slices.Index(lines, lines[k-1]) != k-1 {
		t.Fatalf("the lines do not send the second request right before its delivery: %q", lines)
	}
	if v, err := replayMP(c, lines); v != nil || err != nil {
		t.Fatalf("the lines replay to %v, %v", v, err)
	}
}

// TestTurnsHoldOnEveryPath: on random walks of the correct Multi-Paxos
// with three requests per client, every step that delivers a client's
// request delivers the one in its turn, each client's answers never
// outrun what it sent, no state breaks a property, and some walk gets
// a client all three answers (the turns are not a dead end).
func TestTurnsHoldOnEveryPath(t *testing.T) {
	const k = 3
	m := newMPModel(t, mpTurns(k))
	walks := 60
	if testing.Short() {
		walks = 15
	}
	rng := rand.New(rand.NewPCG(7, 11))
	most := 0
	for range walks {
		s := m.Init()[0]
		for step := 0; step < 200; step++ {
			j := m.judgeOf(s)
			var next []*mpState
			m.successors(s, func(a sim.Action[mp.Msg], n *mpState) {
				if r := m.requestOf(&a); r != nil && a.Kind == sim.ActDeliver && r.seq != j.answered.of(r.step.Client)+1 {
					t.Fatalf("%s delivered with %d answers", &a, j.answered.of(r.step.Client))
				}
				next = append(next, m.Retain(n))
			})
			if len(next) == 0 {
				break
			}
			s = next[rng.IntN(len(next))]
			if v := m.violation(s); v != nil {
				t.Fatalf("a walk breaks %s: %s", v.Property, v.Message)
			}
			for cl := 1; cl <= 2; cl++ {
				j := m.judgeOf(s)
				if j.answered.of(cl) > j.invoked.of(cl) {
					t.Fatalf("client %d: %d answers to %d requests sent", cl, j.answered.of(cl), j.invoked.of(cl))
				}
				most = max(most, j.answered.of(cl))
			}
		}
	}
	if most < k {
		t.Fatalf("no walk got a client more than %d answers of %d", most, k)
	}
}
