package paxos_test

import (
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/paxtest"
)

// TestAssertionsDeclared lists every assertion in the protocol's source
// against the adapter's declarations, which campaigns check for coverage:
// an assertion added to the code without being declared, or declared and
// gone from the code, fails here, in review.
func TestAssertionsDeclared(t *testing.T) {
	info := paxos.Adapter{}.Info()
	paxtest.AssertionsDeclared(t, "../../protocol", &info)
	if len(info.Assertions) == 0 {
		t.Error("the reference protocol makes no assertions")
	}
}
