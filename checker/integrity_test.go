package checker

import (
	"strings"
	"testing"
)

// stamp is a Proposed or Accepted of instance 0 in view members (0: every
// node).
func stamp(kind Kind, node int, round uint32, by int32, v Value, members uint64) step {
	return step{node, Observation{Kind: kind, Ballot: Ballot{round, by}, Value: v, State: members}}
}

// claim is node's Learned of v in instance 0, naming ballot round.by (0.0:
// no ballot).
func claim(node int, round uint32, by int32, v Value) step {
	return step{node, Observation{Kind: Learned, Ballot: Ballot{round, by}, Value: v}}
}

// judged runs steps on a checker of nodes and returns its violations.
func judged(nodes int, steps []step) []Violation {
	c := NewSafety(nodes)
	for i, s := range steps {
		c.At(int64(10*i), int64(i))
		c.Observe(s.node, s.o)
	}
	return c.Violations()
}

// firstOf returns the first violation of p, or nil.
func firstOf(vs []Violation, p Property) *Violation {
	for i := range vs {
		if vs[i].Property == p {
			return &vs[i]
		}
	}
	return nil
}

func TestViewIntegrity(t *testing.T) {
	const a, b, all = 1<<1 | 1<<2 | 1<<3, 1<<3 | 1<<4 | 1<<5, 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<5
	tests := []struct {
		name     string
		steps    []step
		want     Property
		evidence string
	}{
		{
			name:  "every entry of an instance in one view",
			steps: []step{invoke(1), stamp(Proposed, 1, 1, 1, 1, a), stamp(Accepted, 1, 1, 1, 1, a), stamp(Accepted, 2, 1, 1, 1, a)},
		},
		{
			name: "a later ballot of the instance in the same view",
			steps: []step{invoke(1), invoke(2), stamp(Accepted, 1, 1, 1, 1, a),
				stamp(Proposed, 3, 2, 3, 2, a), stamp(Accepted, 3, 2, 3, 2, a)},
		},
		{
			name:  "no view and every node spelled out are one view",
			steps: []step{invoke(1), stamp(Proposed, 1, 1, 1, 1, 0), stamp(Accepted, 2, 1, 1, 1, all)},
		},
		{
			name: "instances in different views",
			steps: []step{invoke(1), stamp(Accepted, 1, 1, 1, 1, a),
				{4, Observation{Kind: Accepted, Instance: 1, Ballot: Ballot{1, 1}, Value: 1, State: b}}},
		},
		{
			name:     "a proposal stamped with a stale view",
			steps:    []step{invoke(1), invoke(2), stamp(Accepted, 1, 1, 1, 1, a), stamp(Proposed, 4, 2, 4, 2, b)},
			want:     ViewIntegrity,
			evidence: "instance 0 carries two views: {1,2,3} and {3,4,5}\n  node 1 accepted (1.1, v1) in view {1,2,3}\n  node 4 proposed (2.4, v2) in view {3,4,5}",
		},
		{
			name:     "an acceptor that stamps its own view",
			steps:    []step{invoke(1), stamp(Proposed, 1, 1, 1, 1, a), stamp(Accepted, 3, 1, 1, 1, b)},
			want:     ViewIntegrity,
			evidence: "node 3 accepted (1.1, v1) in view {3,4,5}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFirst(t, judged(5, tt.steps), tt.want, tt.evidence)
		})
	}
}

func TestChosenIntegrity(t *testing.T) {
	const a = 1<<1 | 1<<2 | 1<<3
	tests := []struct {
		name     string
		nodes    int
		steps    []step
		want     Property
		evidence string
	}{
		{
			name:  "a claim a majority of its ballot made",
			nodes: 3,
			steps: []step{invoke(1), accept(1, 1, 1, 1), accept(2, 1, 1, 1), claim(1, 1, 1, 1), claim(3, 1, 1, 1)},
		},
		{
			name:  "a claim without a ballot is learner integrity's alone",
			nodes: 3,
			steps: []step{invoke(1), accept(1, 1, 1, 1), accept(2, 2, 2, 1), accept(3, 2, 2, 1), claim(1, 0, 0, 1)},
		},
		{
			name:  "a claim in a view: a majority of the view, not of the cluster",
			nodes: 5,
			steps: []step{invoke(1), stamp(Accepted, 1, 1, 1, 1, a), stamp(Accepted, 2, 1, 1, 1, a), claim(5, 1, 1, 1)},
		},
		{
			name: "a leader counts a reply of its earlier ballot",
			// v1 is chosen at 1.1, so learner integrity holds; but at
			// 2.1 only node 1 accepted it: the leader counted node 2's
			// reply to 1.1 toward 2.1.
			nodes:    3,
			steps:    []step{invoke(1), accept(1, 1, 1, 1), accept(2, 1, 1, 1), accept(1, 2, 1, 1), claim(1, 2, 1, 1)},
			want:     ChosenIntegrity,
			evidence: "node 1 claims v1 chosen at ballot 2.1, but only {1} of view {1,2,3} accepted it there (1 of 3)\n  (2.1, v1) accepted by {1}",
		},
		{
			name:     "a claim of a value its ballot did not carry",
			nodes:    3,
			steps:    []step{invoke(1), invoke(2), accept(1, 1, 1, 1), accept(2, 1, 1, 1), claim(3, 1, 1, 2)},
			want:     LearnerIntegrity, // first; chosen integrity at the same step
			evidence: "node 3 learns v2, but v1 is chosen",
		},
		{
			name:     "a claim before any vote of its ballot",
			nodes:    3,
			steps:    []step{invoke(1), claim(2, 3, 3, 1)},
			want:     LearnerIntegrity,
			evidence: "no acceptor accepted anything",
		},
		{
			name:     "a claim in a view counted outside it",
			nodes:    5,
			steps:    []step{invoke(1), stamp(Accepted, 1, 1, 1, 1, a), stamp(Accepted, 4, 1, 1, 1, a), stamp(Accepted, 5, 1, 1, 1, a), claim(1, 1, 1, 1)},
			want:     LearnerIntegrity,
			evidence: "no value is chosen",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := judged(tt.nodes, tt.steps)
			checkFirst(t, vs, tt.want, tt.evidence)
			if tt.want != "" && firstOf(vs, ChosenIntegrity) == nil {
				t.Fatalf("no chosen-integrity violation beside %v", vs)
			}
		})
	}
}

// checkFirst checks that the first violation of vs is of want ("" for
// none) and mentions evidence.
func checkFirst(t *testing.T, vs []Violation, want Property, evidence string) {
	t.Helper()
	switch {
	case want == "" && len(vs) > 0:
		t.Fatalf("unexpected violation: %v", &vs[0])
	case want != "" && len(vs) == 0:
		t.Fatalf("want a %s violation, got none", want)
	case want != "" && vs[0].Property != want:
		t.Fatalf("violation %s, want %s: %v", vs[0].Property, want, &vs[0])
	case evidence != "" && !strings.Contains(vs[0].String(), evidence):
		t.Fatalf("violation %q does not mention %q", &vs[0], evidence)
	}
}

// TestEarlyIntegrityChecksComeBeforeAgreement: each new check fires at the
// step that starts a path to two values chosen, strictly before the step
// that completes it.
func TestEarlyIntegrityChecksComeBeforeAgreement(t *testing.T) {
	const a, b = 1<<1 | 1<<2 | 1<<3, 1<<3 | 1<<4 | 1<<5
	for _, tt := range []struct {
		name  string
		nodes int
		steps []step
		early Property
	}{
		{
			// A leader that did not apply a reconfiguration stamps the
			// instance with the old view, whose majority {4,5} does not
			// meet the new view's {1,2}.
			name:  "a stale view",
			nodes: 5,
			steps: []step{invoke(1), invoke(2),
				stamp(Proposed, 1, 1, 1, 1, a), stamp(Accepted, 1, 1, 1, 1, a), stamp(Accepted, 2, 1, 1, 1, a),
				stamp(Proposed, 4, 2, 4, 2, b), stamp(Accepted, 4, 2, 4, 2, b), stamp(Accepted, 5, 2, 4, 2, b)},
			early: ViewIntegrity,
		},
		{
			// Leader 3 counts node 1's reply to ballot 1.1 toward 2.3, so
			// it claims v2 chosen with votes {1,3}. Later, leading again
			// at 4.3, it re-proposes the value it took for chosen instead
			// of the one its promises report, and v1, chosen at 1.1 in
			// the meantime, is overwritten. The claim is the first sign.
			name:  "a leader counts a reply of another ballot",
			nodes: 3,
			steps: []step{invoke(1), invoke(2),
				accept(1, 1, 1, 1), accept(3, 2, 3, 2), claim(3, 2, 3, 2),
				accept(2, 1, 1, 1), // v1 chosen at 1.1
				accept(2, 4, 3, 2), // a later ballot of leader 3, re-proposing what it took for chosen
				accept(3, 4, 3, 2)},
			early: ChosenIntegrity,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vs := judged(tt.nodes, tt.steps)
			early, agree := firstOf(vs, tt.early), firstOf(vs, Agreement)
			if early == nil || agree == nil || early.Event >= agree.Event {
				t.Fatalf("want %s strictly before agreement, got %v", tt.early, vs)
			}
		})
	}
}

// TestContractOfAClaimsBallot: a Learned may name no ballot; one it names
// is owned by a node of the cluster.
func TestContractOfAClaimsBallot(t *testing.T) {
	c := NewContract(3)
	for _, tt := range []struct {
		b    Ballot
		rule string
	}{{Ballot{}, ""}, {Ballot{2, 3}, ""}, {Ballot{2, 4}, "ballot-owner"}, {Ballot{2, 0}, "ballot-owner"}} {
		if rule, why := c.Observe(1, Observation{Kind: Learned, Ballot: tt.b, Value: 1}); rule != tt.rule {
			t.Errorf("a claim at %s: rule %q (%s), want %q", tt.b, rule, why, tt.rule)
		}
	}
}

// TestContractOfABallotOwnedByNoNode: a ballot's owner is a node, 1..N.
// Node 0, which a protocol that numbers its nodes from 0, or decodes an
// integer ballot round*N+id as b/N, b%N, reports for its last node, is
// none: every phase observation naming it breaks ballot-owner, whatever
// its round (it once passed, so that two nodes' ballots could be one).
func TestContractOfABallotOwnedByNoNode(t *testing.T) {
	for _, k := range []Kind{Proposed, Promised, Accepted} {
		for _, b := range []Ballot{{Round: 0, Node: 0}, {Round: 2, Node: 0}, {Round: 1, Node: 4}, {Round: 1, Node: -1}} {
			want := "ballot-owner"
			if b.IsZero() {
				want = "ballot-set"
			}
			if rule, why := NewContract(3).Observe(1, Observation{Kind: k, Ballot: b, Value: 1}); rule != want {
				t.Errorf("%s at %s: rule %q (%s), want %q", k, b, rule, why, want)
			}
		}
		if rule, why := NewContract(3).Observe(1, Observation{Kind: k, Ballot: Ballot{Round: 2, Node: 3}, Value: 1}); rule != "" {
			t.Errorf("%s at 2.3: rule %q (%s), want none", k, rule, why)
		}
	}
}

// TestChosenIntegrityFlexibleQuorums: with quorums that are not majorities
// (engine.Info.Quorums), a claim is judged by a phase-2 quorum, and the
// violation says that is what was missing: "1 of 4" alone reads as a
// majority's shortfall. Two accepts of four choose; one does not.
func TestChosenIntegrityFlexibleQuorums(t *testing.T) {
	flexible := func(steps []step) []Violation {
		c := NewSafety(4)
		c.SetQuorums(QuorumSizes(func(int) int { return 3 }, func(int) int { return 2 }))
		for i, s := range steps {
			c.At(int64(10*i), int64(i))
			c.Observe(s.node, s.o)
		}
		return c.Violations()
	}
	checkFirst(t, flexible([]step{invoke(1), accept(1, 1, 1, 1), accept(2, 1, 1, 1), claim(3, 1, 1, 1)}), "", "")
	vs := flexible([]step{invoke(1), accept(1, 1, 1, 1), accept(2, 2, 2, 1), claim(3, 2, 2, 1)})
	v := firstOf(vs, ChosenIntegrity)
	if v == nil || !strings.Contains(v.Message, "(1 of 4, not a phase-2 quorum") {
		t.Fatalf("a claim one accept of four backs, with phase-2 quorums of 2: %v, want a chosen-integrity violation that names the phase-2 quorum", vs)
	}
}
