package linearize

import (
	"math/rand/v2"
	"testing"

	"github.com/paxsim/paxsim/checker"
)

// TestDecideAgreesWithPorcupine compares the closed form with porcupine's
// search on random small histories, half of them with a corrupted answer.
func TestDecideAgreesWithPorcupine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	counts := map[Verdict]int{}
	for i := 0; i < 20000; i++ {
		n := 1 + rng.IntN(5)
		ops := make([]Op, n)
		for k := range ops {
			invoke := int64(rng.IntN(20))
			ops[k] = Op{Client: k + 1, Node: 1, Value: checker.Value(k + 1), Invoke: invoke, Return: -1}
			if rng.IntN(4) > 0 {
				ops[k].Return = invoke + int64(rng.IntN(10))
				ops[k].Output = checker.Value(1 + rng.IntN(n+1)) // sometimes nobody's value
			}
		}
		want := Check(ops, Unlimited)
		if got := Decide(ops); got != want {
			t.Fatalf("history %+v: Decide says %s, porcupine %s", ops, got, want)
		}
		counts[want]++
	}
	if counts[Ok] < 1000 || counts[Illegal] < 1000 {
		t.Fatalf("verdicts %v: the random histories do not cover both answers", counts)
	}
}

func BenchmarkDecide(b *testing.B) {
	ops := []Op{
		{Client: 1, Node: 1, Value: 1, Invoke: 3, Return: 40, Output: 2},
		{Client: 2, Node: 2, Value: 2, Invoke: 0, Return: 35, Output: 2},
		{Client: 3, Node: 3, Value: 3, Invoke: 9, Return: -1},
	}
	b.ReportAllocs()
	for b.Loop() {
		if Decide(ops) != Ok {
			b.Fatal("not linearizable")
		}
	}
}
