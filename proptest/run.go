package proptest

import (
	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/scenarios"
)

// RunChoice is scenarios.RunChoice with rapid taking every decision: the
// clients' replicas and each scheduling step of c's reference Paxos. It
// fails t on a bad configuration and re-raises rapid's own control panics
// (see Rapid), so the Result it returns is that of a whole, valid case.
func RunChoice(t *rapid.T, c scenarios.Config, o scenarios.ChoiceOptions, opts scenarios.Options) scenarios.Result {
	t.Helper()
	d := Rapid(t)
	res, err := scenarios.RunChoice(c, d, o, opts)
	d.Rethrow()
	if err != nil {
		t.Fatalf("RunChoice: %v", err)
	}
	return res
}
