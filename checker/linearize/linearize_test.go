package linearize_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
)

// budget is paxsim's: the small histories here take a few steps each, so
// Unknown would be a failure.
const budget = linearize.DefaultBudget

// done is client c's propose(v) on node c, over [invoke, ret], told out.
func done(c int, v checker.Value, invoke, ret int64, out checker.Value) linearize.Op {
	return linearize.Op{Client: c, Node: c, Value: v, Invoke: invoke, Return: ret, Output: out}
}

// lost is client c's propose(v) on node c, invoked at invoke, with an
// unknown outcome.
func lost(c int, v checker.Value, invoke int64) linearize.Op {
	return linearize.Op{Client: c, Node: c, Value: v, Invoke: invoke, Return: -1}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		ops  []linearize.Op
		want linearize.Verdict
	}{
		{"empty history", nil, linearize.Ok},
		{"one propose decides its value", []linearize.Op{done(1, 1, 0, 10, 1)}, linearize.Ok},
		{
			name: "sequential: the second learns the first's value",
			ops:  []linearize.Op{done(1, 1, 0, 10, 1), done(2, 2, 20, 30, 1)},
			want: linearize.Ok,
		},
		{
			name: "concurrent: the first invoked wins",
			ops:  []linearize.Op{done(1, 1, 0, 20, 1), done(2, 2, 5, 25, 1)},
			want: linearize.Ok,
		},
		{
			name: "concurrent: the second invoked wins",
			ops:  []linearize.Op{done(1, 1, 0, 20, 2), done(2, 2, 5, 25, 2)},
			want: linearize.Ok,
		},
		{
			name: "concurrent: a later client, overlapping both, wins",
			ops: []linearize.Op{
				done(1, 1, 0, 20, 3), done(2, 2, 5, 25, 3), done(3, 3, 15, 40, 3),
			},
			want: linearize.Ok,
		},
		{
			name: "closed intervals: invoked at the instant the other returns",
			ops:  []linearize.Op{done(1, 1, 0, 10, 2), done(2, 2, 10, 20, 2)},
			want: linearize.Ok,
		},
		{
			name: "unknown outcome whose value others were told",
			ops:  []linearize.Op{lost(1, 1, 0), done(2, 2, 5, 30, 1), done(3, 3, 40, 50, 1)},
			want: linearize.Ok,
		},
		{
			name: "unknown outcome that never took effect",
			ops:  []linearize.Op{lost(1, 1, 0), done(2, 2, 5, 30, 2), done(3, 3, 40, 50, 2)},
			want: linearize.Ok,
		},
		{
			name: "unknown outcome invoked after everything",
			ops:  []linearize.Op{done(1, 1, 0, 10, 1), lost(2, 2, 20)},
			want: linearize.Ok,
		},
		{
			name: "only unknown outcomes",
			ops:  []linearize.Op{lost(1, 1, 0), lost(2, 2, 0)},
			want: linearize.Ok,
		},
		{
			name: "a retry of the same value",
			ops:  []linearize.Op{lost(1, 1, 0), done(1, 1, 50, 60, 1)},
			want: linearize.Ok,
		},
		{
			name: "two clients told different values",
			ops:  []linearize.Op{done(1, 1, 0, 20, 1), done(2, 2, 5, 25, 2)},
			want: linearize.Illegal,
		},
		{
			name: "two sequential clients told different values",
			ops:  []linearize.Op{done(1, 1, 0, 10, 1), done(2, 2, 20, 30, 2)},
			want: linearize.Illegal,
		},
		{
			name: "a client told a value nobody proposed",
			ops:  []linearize.Op{done(1, 1, 0, 10, 7)},
			want: linearize.Illegal,
		},
		{
			name: "a client told a value nobody proposed, amid others",
			ops:  []linearize.Op{done(1, 1, 0, 20, 7), lost(2, 2, 5), lost(3, 3, 8)},
			want: linearize.Illegal,
		},
		{
			name: "told v2 although v1's propose completed with v1 before v2's was invoked",
			ops:  []linearize.Op{done(1, 1, 0, 10, 1), done(2, 2, 20, 30, 2)},
			want: linearize.Illegal,
		},
		{
			name: "told v2 by a propose of v2 invoked after v1 was returned",
			ops:  []linearize.Op{done(1, 1, 0, 10, 1), done(2, 2, 20, 30, 1), done(3, 3, 40, 50, 2)},
			want: linearize.Illegal,
		},
		{
			name: "told a value whose propose was invoked only after the return",
			ops:  []linearize.Op{done(1, 1, 0, 10, 2), done(2, 2, 20, 30, 2)},
			want: linearize.Illegal,
		},
		{
			name: "told a value whose propose, of unknown outcome, came after the return",
			ops:  []linearize.Op{done(1, 1, 0, 10, 2), lost(2, 2, 20)},
			want: linearize.Illegal,
		},
		{
			name: "a client told no value",
			ops:  []linearize.Op{done(1, 1, 0, 10, checker.None)},
			want: linearize.Illegal,
		},
		{
			name: "a non-positive proposal",
			ops:  []linearize.Op{done(1, -1, 0, 10, -1)},
			want: linearize.Illegal,
		},
		{
			name: "malformed: returns before its invoke",
			ops:  []linearize.Op{done(1, 1, 10, 5, 1)},
			want: linearize.Illegal,
		},
		{
			name: "malformed: negative client",
			ops:  []linearize.Op{done(-1, 1, 0, 5, 1)},
			want: linearize.Illegal,
		},
		{
			name: "malformed: negative invoke",
			ops:  []linearize.Op{lost(1, 1, -3)},
			want: linearize.Illegal,
		},
		{
			name: "malformed: the reserved time",
			ops:  []linearize.Op{done(1, 1, 0, math.MaxInt64, 1)},
			want: linearize.Illegal,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := linearize.Check(tt.ops, budget); got != tt.want {
				t.Fatalf("Check = %s, want %s", got, tt.want)
			}
			// The order of ops must not matter.
			reversed := slices.Clone(tt.ops)
			slices.Reverse(reversed)
			if got := linearize.Check(reversed, budget); got != tt.want {
				t.Fatalf("Check(reversed) = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestCheckBudget: Unlimited has no limit; a budget of 0 or less allows
// no step, so only a history with no operation is judged.
func TestCheckBudget(t *testing.T) {
	ok := []linearize.Op{done(1, 1, 0, 10, 1), done(2, 2, 5, 30, 1)}
	bad := []linearize.Op{done(1, 1, 0, 10, 1), done(2, 2, 5, 30, 2)}
	if got := linearize.Check(ok, linearize.Unlimited); got != linearize.Ok {
		t.Errorf("Check(ok, Unlimited) = %s, want ok", got)
	}
	if got := linearize.Check(bad, linearize.Unlimited); got != linearize.Illegal {
		t.Errorf("Check(bad, Unlimited) = %s, want illegal", got)
	}
	for _, b := range []linearize.Budget{0, -1} {
		for _, ops := range [][]linearize.Op{ok, bad} {
			if got := linearize.Check(ops, b); got != linearize.Unknown {
				t.Errorf("Check(%v, %d) = %s, want unknown: no step was allowed", ops, b, got)
			}
		}
		if got := linearize.Check(nil, b); got != linearize.Ok {
			t.Errorf("Check(nil, %d) = %s, want ok: an empty history needs no step", b, got)
		}
	}
}

// adversarial is an illegal history whose search takes 2^(n-1) steps:
// proposals 1..n, all concurrent and all told v1, and one more told v0
// that nobody could be told. Every order of the n proposals after the
// first is legal, so the search tries every subset before giving up.
func adversarial(n int) []linearize.Op {
	ops := make([]linearize.Op, 0, n+1)
	for c := 1; c <= n; c++ {
		ops = append(ops, done(c, checker.Value(c), int64(c), int64(1000+c), 1))
	}
	return append(ops, done(n+1, checker.Value(n+1), 0, 2000, checker.Value(n+2)))
}

// TestCheckUnknownWhenBudgetRunsOut: a search that needs 2^47 steps
// answers Unknown under a budget of a thousand, at once.
func TestCheckUnknownWhenBudgetRunsOut(t *testing.T) {
	if got := linearize.Check(adversarial(4), budget); got != linearize.Illegal {
		t.Fatalf("small adversarial history: Check = %s, want illegal", got)
	}
	if got := linearize.Check(adversarial(48), 1000); got != linearize.Unknown {
		t.Fatalf("Check = %s, want unknown: the search needs 2^47 steps", got)
	}
}

// TestCheckBudgetIsExact: the verdict is a function of the history and
// the budget, whatever the machine does meanwhile. A history has a least
// budget that judges it: one step less answers Unknown every time, on any
// GOMAXPROCS, and that budget answers Illegal every time.
func TestCheckBudgetIsExact(t *testing.T) {
	ops := adversarial(9)
	least := leastBudget(t, func(b linearize.Budget) bool { return linearize.Check(ops, b) != linearize.Unknown })
	if least < 256 {
		t.Fatalf("adversarial(9) is judged in %d steps: too few to test a budget with", least)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for i := range 20 {
		runtime.GOMAXPROCS(1 + i%4)
		if got := linearize.Check(ops, least-1); got != linearize.Unknown {
			t.Fatalf("try %d: Check with %d steps = %s, want unknown", i, least-1, got)
		}
		if got := linearize.Check(ops, least); got != linearize.Illegal {
			t.Fatalf("try %d: Check with %d steps = %s, want illegal", i, least, got)
		}
	}
}

// leastBudget is the least budget for which judged holds, judged being
// monotonic in the budget: more steps never turn a verdict into Unknown.
func leastBudget(t *testing.T, judged func(linearize.Budget) bool) linearize.Budget {
	t.Helper()
	lo, hi := linearize.Budget(0), linearize.Budget(1) // judged(lo) fails
	for !judged(hi) {
		if hi > 1<<30 {
			t.Fatalf("not judged in %d steps", hi)
		}
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if judged(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// TestRandomHistories checks histories generated from the sequential
// specification (so linearizable by construction) and the same histories
// with one answer corrupted (so not).
func TestRandomHistories(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var ok, corrupted int
	for range 500 {
		ops, decided := specHistory(r)
		if got := linearize.Check(ops, budget); got != linearize.Ok {
			t.Fatalf("history from the spec: Check = %s, want ok\n%s", got, dump(ops))
		}
		ok++
		known := knownOps(ops)
		if len(known) == 0 {
			continue
		}
		bad := slices.Clone(ops)
		i := known[r.IntN(len(known))]
		if len(known) > 1 && r.IntN(2) == 0 {
			bad[i].Output = otherValue(ops, decided, r) // told a proposed value, but another
		} else {
			bad[i].Output = 1000 // a value nobody proposed
		}
		if bad[i].Output == decided {
			continue
		}
		if got := linearize.Check(bad, budget); got != linearize.Illegal {
			t.Fatalf("op %d corrupted: Check = %s, want illegal\n%s", i, got, dump(bad))
		}
		corrupted++
	}
	if corrupted < 200 {
		t.Fatalf("only %d corrupted histories of %d: the generator lost its teeth", corrupted, ok)
	}
}

// specHistory draws 1..8 proposals of distinct values, each with an
// interval and a linearization point inside it, and answers them from the
// sequential specification. A quarter have an unknown outcome; half of those
// never take effect. It returns the decided value (0 when none).
func specHistory(r *rand.Rand) ([]linearize.Op, checker.Value) {
	n := 1 + r.IntN(8)
	ops := make([]linearize.Op, n)
	points := make([]int64, n) // -1: never takes effect
	for i := range ops {
		invoke := r.Int64N(100)
		ret := invoke + r.Int64N(50)
		ops[i] = done(i+1, checker.Value(i+1), invoke, ret, 0)
		points[i] = invoke + r.Int64N(ret-invoke+1)
		if r.IntN(4) == 0 {
			ops[i].Return = -1
			points[i] = invoke + r.Int64N(200)
			if r.IntN(2) == 0 {
				points[i] = -1
			}
		}
	}
	decided, first := checker.None, int64(math.MaxInt64)
	for i, p := range points {
		if p >= 0 && p < first {
			decided, first = ops[i].Value, p
		}
	}
	for i := range ops {
		if ops[i].Return >= 0 {
			ops[i].Output = decided
		}
	}
	return ops, decided
}

func knownOps(ops []linearize.Op) []int {
	var known []int
	for i, op := range ops {
		if op.Return >= 0 {
			known = append(known, i)
		}
	}
	return known
}

func otherValue(ops []linearize.Op, decided checker.Value, r *rand.Rand) checker.Value {
	for {
		if v := ops[r.IntN(len(ops))].Value; v != decided || len(ops) == 1 {
			return v
		}
	}
}

func dump(ops []linearize.Op) string {
	s := ""
	for _, op := range ops {
		s += fmt.Sprintf("  %+v\n", op)
	}
	return s
}
