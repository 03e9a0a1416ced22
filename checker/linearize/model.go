package linearize

import (
	"fmt"

	"github.com/anishathalye/porcupine"

	"github.com/paxsim/paxsim/checker"
)

// Output is what a client was told, as the Model sees it. An operation whose
// outcome is unknown (the client timed out, its replica crashed) has Known
// false, and the Model accepts any decided value for it: it may have taken
// effect or not, and nobody heard which.
type Output struct {
	Known bool
	Value checker.Value // the decided value the client was told; meaningful when Known
}

// Model returns the sequential specification of single-decree Paxos as a
// consensus object, in porcupine's terms. Step: while undecided, a Propose
// decides its own value and must return it; once decided, a Propose returns
// the decided value. A Propose with an unknown Output is legal in any state
// (and decides its value if it comes first).
//
// The Model's values, with their dynamic types:
//
//	state  checker.Value  the decided value, checker.None (0) while undecided
//	input  checker.Value  the value proposed: positive, unique per proposal
//	output Output         what the client was told
//
// Step is total: a value of another type, a non-positive proposal, a
// negative state or a known Output other than the decided value is an
// illegal step, never a panic. Each call returns a fresh Model; its
// functions are pure and safe for concurrent use, as porcupine requires.
func Model() porcupine.Model {
	return porcupine.Model{
		Init:                      func() any { return checker.None },
		Step:                      step,
		Equal:                     func(a, b any) bool { return a == b },
		Hash:                      hash,
		DescribeOperation:         describeOperation,
		DescribeState:             describeState,
		DescribeOperationMetadata: describeMetadata,
	}
}

// step is the Model's Step. It returns the given state unchanged with every
// illegal step: porcupine ignores the state then, and a garbage state must
// not turn into a valid one.
func step(state, input, output any) (bool, any) {
	decided, okState := state.(checker.Value)
	proposal, okInput := input.(checker.Value)
	out, okOutput := output.(Output)
	if !okState || !okInput || !okOutput || decided < checker.None || proposal <= checker.None {
		return false, state
	}
	next := decided
	if next == checker.None {
		next = proposal // the first Propose linearized decides its own value
	}
	if out.Known && out.Value != next {
		return false, state
	}
	return true, next
}

func hash(state any) uint64 {
	decided, _ := state.(checker.Value)
	return uint64(decided)
}

// describeOperation renders "propose(v2) -> v1", or "propose(v2) -> ?" for an
// unknown outcome.
func describeOperation(input, output any) string {
	proposal, okInput := input.(checker.Value)
	out, okOutput := output.(Output)
	if !okInput || !okOutput {
		return fmt.Sprintf("propose(%v) -> %v", input, output)
	}
	if !out.Known {
		return fmt.Sprintf("propose(%s) -> ?", proposal)
	}
	return fmt.Sprintf("propose(%s) -> %s", proposal, out.Value)
}

// describeState renders "decided v1" or "undecided".
func describeState(state any) string {
	decided, ok := state.(checker.Value)
	switch {
	case !ok:
		return fmt.Sprintf("bad state %v", state)
	case decided == checker.None:
		return "undecided"
	}
	return "decided " + decided.String()
}
