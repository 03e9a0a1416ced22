package engine

import (
	"fmt"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// Assertion declares an assertion that a protocol's code makes through
// its Env (sim.Env.Always, Sometimes, Reachable), in Info.Assertions, so
// that a campaign knows of it before, or whether, any run reaches it: a
// declared Sometimes that no run of a campaign held, or a Reachable or
// Always that none reached, is a coverage gap. (An undeclared assertion
// is tallied too, from the runs that reach it.)
type Assertion struct {
	Name string
	Kind sim.AssertKind
	// Needs lists what a run must have, one of them, for the assertion
	// to be expected in it: a fault kind, as campaigns name them
	// (FaultNames), or Contention. "A learner caught up by asking" needs
	// a fault that leaves one behind. None: every run.
	Needs []string
}

// FaultNames are the fault kinds as campaigns name them, which
// Assertion.Needs lists.
var FaultNames = []string{"drop", "dup", "redeliver", "crash", "partition", "slow", "torn-crash", "lose-unsynced", "long-delay", "depose", "lag", "outlive"}

// Contention is what Assertion.Needs names for runs in which proposers
// compete: two or more of them in a consensus workload, or a fault that
// can depose a leader (crashes, partitions).
const Contention = "contention"

// AssertionFailed is the property of a run whose code stated an Always
// assertion that did not hold; the violation's Check is its name.
const AssertionFailed checker.Property = "assertion"

// alwaysFailed is the world's hook for an Always that did not hold: a
// violation of the run, at that moment.
func (s *Session[M, D]) alwaysFailed(node sim.NodeID, name string) {
	j := &s.judge
	if j.asserted != nil {
		return
	}
	j.asserted = &checker.Violation{
		Property: AssertionFailed, Check: name, Time: int64(s.world.Now()), Event: s.world.Events(),
		Message: fmt.Sprintf("node %d: Always(%q) did not hold", node, name),
	}
	j.failed = true
}
