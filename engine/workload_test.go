package engine_test

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/engine"
)

// TestParseClientStepNamesWhatIsWrong: a client line that is cut short,
// or names what does not exist, is an error saying so, never a panic (a
// line with no operation once sliced past its end: found by
// FuzzParseTrace); one well formed reads back as written.
func TestParseClientStepNamesWhatIsWrong(t *testing.T) {
	kv := mpP.Info().Workload
	for _, tt := range []struct{ line, want string }{
		{"client 1 to 1", "want client C proposes vC to N"},
		{"client 1 to", "want client C"},
		{"client to 1", "want client C"},
		{"client x retry to 1", `client "x": want a number`},
		{"client 1 retry to 9", "node 9 does not exist"},
		{"client 1 proposes v2 to 1", "client 1 proposes v1"},
		{"client 1 fly a to 1", `unknown request "fly"`},
	} {
		if _, err := engine.ParseClientStep(tt.line, 3, paxosP.Info().Workload); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want an error containing %q", tt.line, err, tt.want)
		}
	}
	for _, line := range []string{"client 2 proposes v2 to 3", "client 1 retry to 2"} {
		if st, err := engine.ParseClientStep(line, 3, paxosP.Info().Workload); err != nil || st.String() != line {
			t.Errorf("%q: %v, reads back as %q", line, err, st)
		}
	}
	for _, line := range []string{"client 1 put a 1.1 to 2", "client 2 append b +2.1 to 1", "client 3 get c to 3", "client 4 reconfig 1+2 to 1"} {
		if st, err := engine.ParseClientStep(line, 3, kv); err != nil || st.String() != line {
			t.Errorf("%q: %v, reads back as %q", line, err, st)
		}
	}
}
