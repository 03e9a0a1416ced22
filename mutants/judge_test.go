package mutants

import (
	"context"
	"reflect"
	"testing"

	"github.com/paxsim/paxsim/harness"
)

// TestJudgeIsDeterministic: the original code survives its own
// judgement, and the same code judged twice gets the same verdict (the
// verdict of a source mutant is a pure function of its code).
func TestJudgeIsDeterministic(t *testing.T) {
	o := JudgeOptions{Protocols: []*harness.Protocol{paxos, multiPaxos}, Budget: 30, Start: 7, NoExplore: true}
	calls := 0
	o.Progress = func() { calls++ }
	a, err := Judge(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Judge(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if a.Killed {
		t.Fatalf("the original code is killed: %+v", a)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two judgements differ:\n%+v\n%+v", a, b)
	}
	if a.Seeds != 2*30 || calls < 2*30 {
		t.Errorf("%d seeds, %d progress calls: want every protocol's whole budget", a.Seeds, calls)
	}
}

// TestJudgeStopsWhereTheMutationIsNotReached: a campaign whose probe never
// reached the mutated code runs no further.
func TestJudgeStopsWhereTheMutationIsNotReached(t *testing.T) {
	o := JudgeOptions{Protocols: []*harness.Protocol{paxos}, Budget: 2 * SourceProbe, NoExplore: true,
		Reached: func() bool { return false }, Reset: func() {}}
	v, err := Judge(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if v.Killed || v.Reached || v.Seeds != SourceProbe {
		t.Errorf("verdict %+v: want %d seeds, not reached, not killed", v, SourceProbe)
	}
}
