package proptest_test

import (
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/protocol"
)

// Cases of TestEarlyChecksHoldForCorrectPaxos, as for the other suites
// (see check); fewer, since the other suites run the same schedules.
const (
	earlyChecks      = 3_000
	earlyShortChecks = 300
	earlyLongChecks  = 300_000
)

// TestEarlyChecksHoldForCorrectPaxos: the checker's early checks (a
// promise reports what its acceptor accepted, one value per ballot,
// promises never decrease) never fire on the correct protocol, in the
// drawn schedule or in the liveness phase after the heal. The other suites
// would not notice a false alarm: a run stops at its first violation, and
// each suite looks for its own property only.
func TestEarlyChecksHoldForCorrectPaxos(t *testing.T) {
	if !checksChosen() {
		n := earlyChecks
		switch {
		case long():
			n = earlyLongChecks
		case testing.Short():
			n = earlyShortChecks
		}
		setFlag(t, "rapid.checks", strconv.Itoa(n))
	}
	rapid.Check(t, func(t *rapid.T) {
		d, res := run(t, protocol.Correct, true)
		failOnPanic(t, d, &res)
		for _, p := range []checker.Property{checker.PromiseIntegrity, checker.OneValuePerBallot, checker.PromiseMonotonicity} {
			if v := violation(&res, p); v != nil {
				t.Fatalf("%s", report(d, &res, v.String()))
			}
		}
	})
}
