package proptest_test

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/scenarios"
)

// safety checks that no run of the correct protocol violates p, in its
// drawn schedule or in the liveness phase after the heal. A run stops at
// its first violation; one of another property is left to that property's
// test.
func safety(t *testing.T, p checker.Property) {
	check(t, func(t *rapid.T) {
		d, res := run(t, protocol.Correct, true)
		failOnPanic(t, d, &res)
		if v := violation(&res, p); v != nil {
			t.Fatalf("%s", report(d, &res, v.String()))
		}
	})
}

// TestAgreement: at most one value is chosen (accepted by a majority in
// one ballot), judged from the acceptors' observations.
func TestAgreement(t *testing.T) { safety(t, checker.Agreement) }

// TestValidity: a chosen value was proposed by a client.
func TestValidity(t *testing.T) { safety(t, checker.Validity) }

// TestLearnerIntegrity: a learner learns at most once, and only a chosen
// value.
func TestLearnerIntegrity(t *testing.T) { safety(t, checker.LearnerIntegrity) }

// TestLivenessAfterHealing: whatever the drawn schedule did (drops,
// duplicates, crashes, reorderings), once every fault heals a value is
// chosen and every replica learns it within the liveness bound.
func TestLivenessAfterHealing(t *testing.T) {
	check(t, func(t *rapid.T) {
		d, res := run(t, protocol.Correct, true)
		failOnPanic(t, d, &res)
		if v := violation(&res, checker.Liveness); v != nil {
			t.Fatalf("%s", report(d, &res, v.String()))
		}
		if !res.LivenessChecked && !res.Failed() {
			// Not judged, and no safety violation explains why: a pass
			// would be a silent one.
			t.Fatalf("%s", report(d, &res, fmt.Sprintf("liveness not judged: the run stopped by %s", res.Stop)))
		}
	})
}

// linearizeBudget bounds porcupine's search for one history, in steps.
// The histories here have at most five operations, which it judges in a
// few dozen.
const linearizeBudget = linearize.DefaultBudget

// TestLinearizability: the clients' history, Propose(v) returning the
// decided value, is linearizable with respect to a consensus object
// (checker/linearize, porcupine): neither the run's own judgement
// (Result.Violations) nor a plain linearize.Check of Result.Ops finds
// otherwise. A client without an answer has an open-ended operation. An
// Unknown verdict (the search spent its budget) is never a pass: it fails
// the case, as no history of five operations can spend it.
func TestLinearizability(t *testing.T) {
	check(t, func(t *rapid.T) {
		d, res := run(t, protocol.Correct, true)
		failOnPanic(t, d, &res)
		if v := violation(&res, checker.Linearizability); v != nil { // the run's own check
			t.Fatalf("%s", report(d, &res, v.String()))
		}
		ops := make([]linearize.Op, len(res.Ops))
		for i, op := range res.Ops {
			ops[i] = linearize.Op(op)
		}
		switch verdict := linearize.Check(ops, linearizeBudget); verdict {
		case linearize.Ok:
		default:
			t.Fatalf("%s", report(d, &res, fmt.Sprintf("client history %s (linearizability):\n%s", verdict, history(res.Ops))))
		}
	})
}

// history lists a client history, one operation a line.
func history(ops []scenarios.Op) string {
	var b strings.Builder
	for _, op := range ops {
		ret := "?"
		if op.Return >= 0 {
			ret = fmt.Sprintf("%s at t=%d", op.Output, op.Return)
		}
		fmt.Fprintf(&b, "  client %d at node %d: propose(%s) at t=%d -> %s\n", op.Client, op.Node, op.Value, op.Invoke, ret)
	}
	return b.String()
}
