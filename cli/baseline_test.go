package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBaselineLabelsGroups runs the history of a fix: a campaign of a
// broken variant, the same campaign again (ongoing), the correct protocol
// (resolved), and the variant once more against that (regressed), each
// against the one before, as a user's CI would with --baseline.
func TestBaselineLabelsGroups(t *testing.T) {
	dir := t.TempDir()
	broken := []string{"--variant", "ignore-promised-values"}
	steps := []struct {
		args []string
		code int
		want string // the label of every finding
	}{
		{broken, exitViolation, ""},
		{broken, exitViolation, "ongoing"},
		{nil, exitOK, "resolved"},
		{broken, exitViolation, "regressed"},
	}
	prev := ""
	for i, s := range steps {
		file := filepath.Join(dir, "c"+string(rune('0'+i))+".json")
		args := append([]string{"campaign", "--seeds", "200", "--out", filepath.Join(dir, "f"), "--json"}, s.args...)
		if prev != "" {
			args = append(args, "--baseline", prev)
		}
		m := decodeObject(t, runTo(t, file, s.code, args...))
		prev = file
		if s.want == "" {
			continue
		}
		findings := m["triage"].(map[string]any)["findings"].([]any)
		if len(findings) == 0 {
			t.Fatalf("step %d: no findings", i)
		}
		for _, f := range findings {
			if got := f.(map[string]any)["label"]; got != s.want {
				t.Errorf("step %d: finding %v, want label %s", i, f, s.want)
			}
		}
	}
	_, out, _ := paxsim(t, context.Background(), "campaign", "--seeds", "200", "--out", "", "--baseline", prev)
	for _, want := range []string{"triage:", "0 new, 0 ongoing, 0 regressed", "[resolved]: ", "ran again and passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("text summary lacks %q:\n%s", want, out)
		}
	}
}

func TestBadBaselineIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return file
	}
	mp := filepath.Join(dir, "mp.json")
	runTo(t, mp, exitOK, "campaign", "--protocol", "multipaxos", "--seeds", "5", "--out", "", "--json")
	for _, tt := range []struct{ file, want string }{
		{filepath.Join(dir, "missing.json"), "no such file"},
		{write("text.json", "seed 1\n"), "not a campaign summary"},
		{write("object.json", `{"seeds": 3}`), "no campaign_hash"},
		{write("two.json", `{"seeds": 3} {"seeds": 4}`), "more than one summary"},
		{mp, "a campaign of protocol multipaxos, not of paxos"},
	} {
		code, _, stderr := paxsim(t, context.Background(), "campaign", "--seeds", "5", "--out", "", "--baseline", tt.file)
		if code != exitUsage || !strings.Contains(stderr, "--baseline") || !strings.Contains(stderr, tt.want) {
			t.Errorf("--baseline %s: exit %d, stderr %q; want exit 2 naming --baseline and %q", filepath.Base(tt.file), code, stderr, tt.want)
		}
	}
}
