package paxtest

import (
	"testing"

	"github.com/paxsim/paxsim/trace"
)

// ReadTrace reads the decision trace in file (a campaign's shrunk.trace,
// a recorded run), failing the test when it cannot be read or parsed.
func ReadTrace(t testing.TB, file string) *trace.Trace {
	t.Helper()
	tr, err := trace.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
