package cli

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/explore"
)

// TestIncompleteAdvice: a search stopped by the memory cap the user never
// set (--max-memory auto) is not told to "raise the bound", which is
// already what the machine allows, but to bound its depth or states (a
// fifth trial's default check of a third party's Multi-Paxos stopped so
// after 8.4 million states, and the advice named a flag it never gave).
// A cap the user set, and the other bounds, keep their advice.
func TestIncompleteAdvice(t *testing.T) {
	for _, c := range []struct {
		stop        string
		set         bool
		want, never string
	}{
		{explore.StopMaxMemory, false, "the memory cap (--max-memory auto", "raise the bound"},
		{explore.StopMaxMemory, false, "--max-depth or --max-states", "raise the bound"},
		{explore.StopMaxMemory, true, "--max-memory stopped it after 7 states", "auto"},
		{explore.StopMaxStates, false, "--max-states stopped it after 7 states, so it is not a pass (raise the bound", "auto"},
		{explore.StopInterrupted, false, "interrupted after 7 states", "raise"},
	} {
		got := incomplete(c.stop, 7, c.set)
		if !strings.Contains(got, c.want) || strings.Contains(got, c.never) {
			t.Errorf("stop %s, cap set %v: %q: want %q, never %q", c.stop, c.set, got, c.want, c.never)
		}
	}
}
