package cli

import (
	"flag"
	"strings"
	"testing"
)

// TestHelpStatesEachDefaultOnce: the help of every flag of every command
// states its default exactly once (a required flag, none), so that it
// cannot contradict itself, as "(default 0.005) ... (default none)" did.
func TestHelpStatesEachDefaultOnce(t *testing.T) {
	for _, cmd := range commands {
		fs := newFlagSet(cmd, newOptions(registry, registry.Default(), nil))
		fs.VisitAll(func(f *flag.Flag) {
			var b strings.Builder
			writeFlag(&b, f)
			text := b.String()
			want := 1
			if strings.Contains(text, "(required") {
				want = 0
			}
			if n := strings.Count(text, "(default"); n != want {
				t.Errorf("paxsim %s --%s states %d defaults, want %d:\n%s", cmd.name, f.Name, n, want, text)
			}
		})
	}
}
