package checker

import (
	"slices"
	"strings"
	"testing"
)

// step is one observation by one node in a table test.
type step struct {
	node int
	o    Observation
}

func invoke(v Value) step { return step{0, Observation{Kind: Invoked, Client: int(v), Value: v}} }
func accept(node int, round uint32, by int32, v Value) step {
	return step{node, Observation{Kind: Accepted, Ballot: Ballot{round, by}, Value: v}}
}
func learn(node int, v Value) step { return step{node, Observation{Kind: Learned, Value: v}} }

// acceptAt and applyAt are a replicated log's accept (at ballot 1.1) and
// apply of v at instance i.
func acceptAt(node int, i int64, v Value) step {
	return step{node, Observation{Kind: Accepted, Instance: i, Ballot: Ballot{Round: 1, Node: 1}, Value: v}}
}
func applyAt(node int, i int64, v Value) step {
	return step{node, Observation{Kind: Applied, Instance: i, Value: v}}
}

func TestSafety(t *testing.T) {
	tests := []struct {
		name     string
		nodes    int
		steps    []step
		want     Property   // "" means no violation
		also     []Property // when not nil, the properties broken after want
		chosen   Value
		evidence string // a substring of the evidence or message
	}{
		{
			name:   "majority in one ballot chooses",
			nodes:  3,
			steps:  []step{invoke(1), accept(1, 1, 1, 1), accept(2, 1, 1, 1), learn(3, 1)},
			chosen: 1,
		},
		{
			name:  "same value in different ballots is not chosen",
			nodes: 3,
			// The seed notes' question: (v1, 1) on replica 1 and (v1, 3) on
			// replica 2 is no choice, since replica 3 may hold (v2, 2).
			steps: []step{invoke(1), invoke(2), accept(1, 1, 1, 1), accept(2, 3, 1, 1), accept(3, 2, 2, 2)},
		},
		{
			name:  "a duplicate accept counts once",
			nodes: 3,
			steps: []step{invoke(1), accept(1, 1, 1, 1), accept(1, 1, 1, 1)},
		},
		{
			name:     "two values chosen",
			nodes:    3,
			steps:    []step{invoke(1), invoke(2), accept(1, 1, 1, 1), accept(2, 1, 1, 1), accept(2, 2, 3, 2), accept(3, 2, 3, 2)},
			want:     SafeProposal, // at the first accept of v2, above the ballot that chose v1
			also:     []Property{Agreement},
			chosen:   1,
			evidence: "node 2 accepts v2 at ballot 2.3, above ballot 1.1, which chose v1",
		},
		{
			name:     "accepting another value above the choice breaks safe-proposal, and agreement only at a majority",
			nodes:    5,
			steps:    []step{invoke(1), invoke(2), accept(1, 1, 1, 1), accept(2, 1, 1, 1), accept(3, 1, 1, 1), accept(4, 2, 2, 2), accept(5, 2, 2, 2)},
			want:     SafeProposal,
			also:     []Property{},
			chosen:   1,
			evidence: "v1 chosen at ballot 1.1: accepted by {1,2,3}",
		},
		{
			name:     "proposing another value above the choice",
			nodes:    3,
			steps:    []step{invoke(1), invoke(2), accept(1, 1, 1, 1), accept(2, 1, 1, 1), propose(3, 2, 3, 2)},
			want:     SafeProposal,
			also:     []Property{},
			chosen:   1,
			evidence: "node 3 proposes v2 at ballot 2.3, above ballot 1.1, which chose v1",
		},
		{
			name:     "a choice completed after a higher ballot proposed another value",
			nodes:    3,
			steps:    []step{invoke(1), invoke(2), accept(1, 1, 1, 1), propose(3, 2, 3, 2), accept(2, 1, 1, 1)},
			want:     SafeProposal,
			also:     []Property{},
			chosen:   1,
			evidence: "node 3 proposes v2 at ballot 2.3, above ballot 1.1, which chose v1",
		},
		{
			name:   "proposing the chosen value above its ballot, and another below it",
			nodes:  3,
			steps:  []step{invoke(1), invoke(2), propose(1, 1, 1, 2), accept(1, 2, 2, 1), accept(2, 2, 2, 1), propose(3, 3, 3, 1), propose(2, 1, 2, 2)},
			chosen: 1,
		},
		{
			name:     "a value no client proposed",
			nodes:    3,
			steps:    []step{invoke(1), accept(1, 1, 1, 7), accept(3, 1, 1, 7)},
			want:     Validity,
			chosen:   7,
			evidence: "v7 chosen at ballot 1.1",
		},
		{
			name:     "learning before anything is chosen",
			nodes:    3,
			steps:    []step{invoke(1), accept(1, 1, 1, 1), learn(2, 1)},
			want:     LearnerIntegrity,
			evidence: "(1.1, v1) accepted by {1}",
		},
		{
			name:     "learning a value that is not the chosen one",
			nodes:    3,
			steps:    []step{invoke(1), invoke(2), accept(1, 1, 1, 1), accept(2, 1, 1, 1), learn(3, 2)},
			want:     LearnerIntegrity,
			chosen:   1,
			evidence: "node 3 learns v2, but v1 is chosen",
		},
		{
			name:     "learning another value",
			nodes:    3,
			steps:    []step{invoke(1), invoke(2), accept(1, 1, 1, 1), accept(2, 1, 1, 1), learn(3, 1), learn(3, 2)},
			want:     LearnerIntegrity,
			chosen:   1,
			evidence: "learns a second time: v2 after v1",
		},
		{
			name:     "applying a value not chosen",
			nodes:    3,
			steps:    []step{invoke(1), acceptAt(1, 1, 1), applyAt(1, 1, 1)},
			want:     LearnerIntegrity,
			evidence: "applies v1 at instance 1, but nothing is chosen there",
		},
		{
			name:     "applying another value than the one chosen",
			nodes:    3,
			steps:    []step{invoke(1), invoke(2), acceptAt(1, 1, 1), acceptAt(2, 1, 1), applyAt(3, 1, 2)},
			want:     LearnerIntegrity,
			evidence: "applies v2 at instance 1, but v1 is chosen there",
		},
		{
			name:  "applying the value chosen, and a no-op where one is",
			nodes: 3,
			steps: []step{invoke(1), acceptAt(1, 1, 1), acceptAt(2, 1, 1), applyAt(3, 1, 1), applyAt(1, 1, None)},
		},
		{
			name:   "learning the same value again, as after a restart",
			nodes:  3,
			steps:  []step{invoke(1), accept(1, 1, 1, 1), accept(2, 1, 1, 1), learn(3, 1), learn(3, 1)},
			chosen: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewSafety(tt.nodes)
			for i, s := range tt.steps {
				c.At(int64(10*i), int64(i))
				c.Observe(s.node, s.o)
			}
			v := c.Violation()
			switch {
			case tt.want == "" && v != nil:
				t.Fatalf("unexpected violation: %v", v)
			case tt.want != "" && v == nil:
				t.Fatalf("want a %s violation, got none", tt.want)
			case tt.want != "" && v.Property != tt.want:
				t.Fatalf("violation %s, want %s: %v", v.Property, tt.want, v)
			}
			if tt.also != nil {
				var got []Property
				for _, w := range c.Violations()[1:] {
					got = append(got, w.Property)
				}
				if !slices.Equal(got, tt.also) && (len(got) > 0 || len(tt.also) > 0) {
					t.Fatalf("also broken: %v, want %v", got, tt.also)
				}
			}
			if tt.evidence != "" && !strings.Contains(v.String(), tt.evidence) {
				t.Errorf("violation %q does not mention %q", v, tt.evidence)
			}
			ch, ok := c.Chosen(0)
			if tt.chosen == None && ok {
				t.Errorf("chosen %s, want nothing chosen", ch.Value)
			}
			if tt.chosen != None && (!ok || ch.Value != tt.chosen) {
				t.Errorf("chosen = %v (%v), want %s", ch.Value, ok, tt.chosen)
			}
		})
	}
}

func TestSafetyStampsTheBreakingStep(t *testing.T) {
	c := NewSafety(3)
	c.Observe(0, Observation{Kind: Invoked, Value: 1})
	c.At(40, 17)
	c.Observe(2, Observation{Kind: Learned, Value: 1})
	v := c.Violation()
	if v == nil || v.Time != 40 || v.Event != 17 {
		t.Fatalf("violation %+v, want one stamped t=40 event 17", v)
	}
	c.At(50, 18)
	c.Observe(3, Observation{Kind: Learned, Value: 2})
	if c.Violation() != v {
		t.Fatal("a later violation replaced the first")
	}
}

func TestInstancesAreIndependent(t *testing.T) {
	c := NewSafety(3)
	c.Observe(0, Observation{Kind: Invoked, Value: 1})
	c.Observe(0, Observation{Kind: Invoked, Value: 2})
	for _, o := range []struct {
		node int
		inst int64
		v    Value
	}{{1, 1, 1}, {2, 1, 1}, {1, 2, 2}, {2, 2, 2}} {
		c.Observe(o.node, Observation{Kind: Accepted, Instance: o.inst, Ballot: Ballot{1, 1}, Value: o.v})
	}
	if v := c.Violation(); v != nil {
		t.Fatalf("different values in different instances: %v", v)
	}
	a, _ := c.Chosen(1)
	b, _ := c.Chosen(2)
	if a.Value != 1 || b.Value != 2 {
		t.Fatalf("chosen %s and %s, want v1 and v2", a.Value, b.Value)
	}
}

func TestCheckLiveness(t *testing.T) {
	tests := []struct {
		name    string
		steps   []step
		live    []int
		wantNil bool
		message string
	}{
		{"nothing chosen", []step{invoke(1), accept(1, 1, 1, 1)}, []int{1, 2, 3}, false, "no value chosen by t=500, 300 ticks after every fault healed at t=200"},
		{"a replica has not learned", []step{invoke(1), accept(1, 1, 1, 1), accept(2, 1, 1, 1), learn(1, 1)}, []int{1, 2, 3}, false, "node(s) 2,3 had not learned it"},
		{"every live replica learned", []step{invoke(1), accept(1, 1, 1, 1), accept(2, 1, 1, 1), learn(1, 1), learn(2, 1)}, []int{1, 2}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewSafety(3)
			for _, s := range tt.steps {
				c.Observe(s.node, s.o)
			}
			v := c.CheckLiveness(tt.live, 200, 500)
			if tt.wantNil != (v == nil) {
				t.Fatalf("CheckLiveness = %v, want nil: %v", v, tt.wantNil)
			}
			if v != nil && (v.Property != Liveness || !strings.Contains(v.Message, tt.message)) {
				t.Fatalf("got %v, want a liveness violation saying %q", v, tt.message)
			}
			if all := c.AllLearned(tt.live); all != tt.wantNil {
				t.Fatalf("AllLearned = %v, want %v", all, tt.wantNil)
			}
		})
	}
}

func TestBallotOrder(t *testing.T) {
	ordered := []Ballot{{}, {1, 1}, {1, 2}, {2, 1}, {2, 3}, {10, 1}}
	for i := range ordered {
		for j := range ordered {
			if got, want := ordered[i].Less(ordered[j]), i < j; got != want {
				t.Errorf("%s.Less(%s) = %v, want %v", ordered[i], ordered[j], got, want)
			}
		}
	}
	if s := (Ballot{3, 2}).String(); s != "3.2" {
		t.Errorf("String = %q", s)
	}
	if s := (Ballot{}).String() + None.String() + Value(4).String(); s != "--v4" {
		t.Errorf("zero renderings = %q", s)
	}
}

func BenchmarkObserveAccepted(b *testing.B) {
	c := NewSafety(5)
	c.Observe(0, Observation{Kind: Invoked, Value: 1})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Observe(1+i%5, Observation{Kind: Accepted, Ballot: Ballot{uint32(1 + i%8), 1}, Value: 1})
	}
}

func TestValidityWantsTheProposalFirst(t *testing.T) {
	c := NewSafety(3)
	c.At(100, 0)
	c.Observe(0, Observation{Kind: Invoked, Client: 1, Value: 1}) // the client will ask at t=100
	c.At(40, 7)
	c.Observe(1, Observation{Kind: Accepted, Ballot: Ballot{1, 1}, Value: 1})
	c.Observe(2, Observation{Kind: Accepted, Ballot: Ballot{1, 1}, Value: 1})
	v := c.Violation()
	if v == nil || v.Property != Validity || !strings.Contains(v.Message, "before its client proposed it at t=100") {
		t.Fatalf("violation %v, want validity: chosen before proposed", v)
	}
}

func promise(node int, round uint32, by int32, priorRound uint32, priorBy int32, v Value) step {
	return step{node, Observation{Kind: Promised, Ballot: Ballot{round, by}, Prior: Ballot{priorRound, priorBy}, Value: v}}
}
func propose(node int, round uint32, by int32, v Value) step {
	return step{node, Observation{Kind: Proposed, Ballot: Ballot{round, by}, Value: v}}
}

// TestEarlyChecks: the invariants whose break precedes a break of
// agreement, each judged at the observation that breaks it.
func TestEarlyChecks(t *testing.T) {
	tests := []struct {
		name     string
		steps    []step
		want     Property // "" means no violation
		evidence string   // a substring of the violation's text
	}{
		// PromiseIntegrity.
		{
			name:  "a promise of nothing accepted",
			steps: []step{promise(1, 1, 1, 0, 0, None)},
		},
		{
			name:  "a promise reports the value its acceptor accepted",
			steps: []step{invoke(1), accept(1, 1, 1, 1), promise(1, 2, 2, 1, 1, 1)},
		},
		{
			name: "a promise reports an older accepted value",
			// It did accept it, but later accepted v2 at 2.2: a proposer
			// of 3.3 may take v1 over v2, which 2.2 may have chosen.
			steps:    []step{invoke(1), invoke(2), accept(1, 1, 1, 1), accept(1, 2, 2, 2), promise(1, 3, 3, 1, 1, 1)},
			want:     PromiseIntegrity,
			evidence: "node 1 promises 3.3 reporting (1.1, v1) accepted, but it accepted at 2.2 there",
		},
		{
			name: "a promise reports nothing after a vote",
			// The no-sync bug: a crash took the vote back before the
			// acceptor promised a higher ballot.
			steps:    []step{invoke(1), accept(1, 1, 1, 1), promise(1, 2, 2, 0, 0, None)},
			want:     PromiseIntegrity,
			evidence: "node 1 promises 2.2 reporting nothing accepted, but it accepted at 1.1 there",
		},
		{
			name: "a promise reports less once the instance is chosen",
			// A decided slot: the acceptor may keep the chosen value
			// under the ballot it was chosen in, or forget it.
			steps: []step{invoke(1), accept(1, 1, 1, 1), accept(2, 1, 1, 1), promise(1, 2, 2, 0, 0, None)},
		},
		{
			name: "a promise reports its own ballot as the accepted one",
			// The one-ballot bug: the acceptor accepted v1 at 1.1 and,
			// keeping one number, reports it at 2.2.
			steps:    []step{invoke(1), accept(1, 1, 1, 1), promise(1, 2, 2, 2, 2, 1)},
			want:     PromiseIntegrity,
			evidence: "node 1 promises 2.2 reporting (2.2, v1) accepted, but it never accepted v1 at 2.2\n  node 1 accepted (1.1, v1)",
		},
		{
			name:     "a promise reports another acceptor's value",
			steps:    []step{invoke(1), accept(2, 1, 1, 1), promise(1, 2, 2, 1, 1, 1)},
			want:     PromiseIntegrity,
			evidence: "node 1 accepted nothing",
		},
		{
			name:     "a promise reports a value without a ballot",
			steps:    []step{invoke(1), accept(1, 1, 1, 1), promise(1, 2, 2, 0, 0, 1)},
			want:     PromiseIntegrity,
			evidence: "reporting (-, v1)",
		},
		{
			name:     "a promise reports a ballot without a value",
			steps:    []step{invoke(1), accept(1, 1, 1, 1), promise(1, 2, 2, 1, 1, None)},
			want:     PromiseIntegrity,
			evidence: "reporting (1.1, -)",
		},
		// OneValuePerBallot.
		{
			name:  "one value proposed and accepted in a ballot",
			steps: []step{invoke(1), propose(1, 1, 1, 1), accept(1, 1, 1, 1), accept(2, 1, 1, 1)},
		},
		{
			name:     "a ballot proposed with two values",
			steps:    []step{invoke(1), invoke(2), propose(1, 1, 1, 1), propose(1, 1, 1, 2)},
			want:     OneValuePerBallot,
			evidence: "ballot 1.1 carries two values: v1 and v2\n  node 1 proposed: (1.1, v1)\n  node 1 proposes (1.1, v2)",
		},
		{
			name:     "an acceptor accepts another value than the ballot's proposal",
			steps:    []step{invoke(1), invoke(2), propose(1, 1, 1, 1), accept(2, 1, 1, 2)},
			want:     OneValuePerBallot,
			evidence: "node 2 accepts (1.1, v2)",
		},
		{
			name:     "two acceptors accept different values in one ballot",
			steps:    []step{invoke(1), invoke(2), accept(1, 1, 1, 1), accept(2, 1, 1, 2)},
			want:     OneValuePerBallot,
			evidence: "node 1 accepted: (1.1, v1)",
		},
		// PromiseMonotonicity.
		{
			name:  "a repeated promise",
			steps: []step{promise(1, 2, 2, 0, 0, None), promise(1, 2, 2, 0, 0, None)},
		},
		{
			name:  "promises of different acceptors are independent",
			steps: []step{promise(1, 2, 2, 0, 0, None), promise(2, 1, 1, 0, 0, None)},
		},
		{
			name:     "a promise below an earlier promise",
			steps:    []step{promise(1, 2, 2, 0, 0, None), promise(1, 1, 1, 0, 0, None)},
			want:     PromiseMonotonicity,
			evidence: "node 1 promises 1.1 after promising or accepting 2.2",
		},
		{
			name: "a promise below an earlier accept",
			// The no-persist bug: a restarted acceptor forgot it accepted.
			steps:    []step{invoke(1), promise(1, 2, 2, 0, 0, None), accept(1, 2, 2, 1), promise(1, 1, 3, 0, 0, None)},
			want:     PromiseMonotonicity,
			evidence: "node 1 promises 1.3 after promising or accepting 2.2",
		},
		{
			name: "an accept below a single-decree promise",
			// Not this check's business (it breaks agreement later).
			steps: []step{invoke(1), promise(1, 2, 2, 0, 0, None), accept(1, 1, 1, 1)},
		},
		{
			name:  "an accept at the promised ballot",
			steps: []step{invoke(1), promise(1, 2, 2, 0, 0, None), accept(1, 2, 2, 1)},
		},
		{
			name: "a promise for every instance binds an instance it did not report",
			steps: []step{invoke(1),
				{1, Observation{Kind: Promised, Instance: 1, Ballot: Ballot{2, 2}, AllInstances: true}},
				{1, Observation{Kind: Accepted, Instance: 5, Ballot: Ballot{1, 1}, Value: 1}}},
			want:     PromiseKept,
			evidence: "after promising 2.2 for every instance",
		},
		{
			name: "a promise for every instance below an earlier one",
			steps: []step{
				{1, Observation{Kind: Promised, Instance: 1, Ballot: Ballot{2, 2}, AllInstances: true}},
				{1, Observation{Kind: Promised, Instance: 3, Ballot: Ballot{1, 3}, AllInstances: true}}},
			want: PromiseMonotonicity,
		},
		// The earliest violation is reported.
		{
			name: "the early check comes before the agreement it leads to",
			steps: []step{invoke(1), invoke(2),
				accept(1, 1, 1, 1), accept(2, 1, 1, 1), // v1 chosen at 1.1
				promise(2, 3, 3, 3, 3, 1),               // reports v1 at 3.3 (one-ballot)
				accept(2, 3, 3, 2), accept(3, 3, 3, 2)}, // v2 chosen at 3.3
			want:     PromiseIntegrity,
			evidence: "never accepted v1 at 3.3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewSafety(3)
			for i, s := range tt.steps {
				c.At(int64(10*i), int64(i))
				c.Observe(s.node, s.o)
			}
			v := c.Violation()
			switch {
			case tt.want == "" && v != nil:
				t.Fatalf("unexpected violation: %v", v)
			case tt.want != "" && v == nil:
				t.Fatalf("want a %s violation, got none", tt.want)
			case tt.want != "" && v.Property != tt.want:
				t.Fatalf("violation %s, want %s: %v", v.Property, tt.want, v)
			}
			if tt.evidence != "" && !strings.Contains(v.String(), tt.evidence) {
				t.Errorf("violation %q does not mention %q", v, tt.evidence)
			}
		})
	}
}
