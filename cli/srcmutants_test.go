package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSourceMutantsBadInput: mutants --source outside a module's root,
// without the go command, with an unknown operator or a bad equivalent
// file exits 2 with a message that says what is wrong.
func TestSourceMutantsBadInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "equivalent.txt")
	if err := os.WriteFile(bad, []byte("# comment\nprotocol/paxos.go:Node.onAccept:cmp-negate:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		path string // PATH, when set
		want string
	}{
		{[]string{"--source"}, "", "is not a Go module's root"},
		{[]string{"--source"}, t.TempDir(), "no go command on the PATH"},
		{[]string{"--source", "--operators", "cmp-negate,bogus"}, "", `unknown operator "bogus"`},
		{[]string{"--source", "--equivalent", bad}, "", "equivalent.txt:2: protocol/paxos.go:Node.onAccept:cmp-negate:1 has no reason"},
		{[]string{"--source", "--mutant-timeout", "0s"}, "", "invalid value for --mutant-timeout"},
		{[]string{"--source", "--mutants", "("}, "", "invalid value for --mutants"},
	} {
		if c.path != "" {
			t.Setenv("PATH", c.path)
		}
		code, out, stderr := paxsim(t, context.Background(), append([]string{"mutants"}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("mutants %v: exit %d, stderr %q, want 2 and %q\n%s", c.args, code, stderr, c.want, out)
		}
	}
}
