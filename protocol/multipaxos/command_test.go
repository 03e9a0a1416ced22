package multipaxos_test

import (
	"testing"

	mp "github.com/paxsim/paxsim/protocol/multipaxos"
)

// The checker prints command ids itself (in violations and traces): its
// rendering must agree with FormatID's.
func TestCheckerPrintsCommandIDs(t *testing.T) {
	for _, id := range []mp.Value{mp.CommandID(1, 1), mp.CommandID(mp.MaxClient, mp.MaxSeq), mp.ReconfigID(9, 2)} {
		if got, want := id.String(), mp.FormatID(id); got != want {
			t.Errorf("checker prints %q, FormatID %q", got, want)
		}
	}
}
