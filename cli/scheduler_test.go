package cli

import (
	"context"
	"strings"
	"testing"
)

// TestBadSchedulerFlags: an unknown scheduler, or a PCT depth below 1,
// is a usage error naming its flag, on every verb that runs seeds; and so
// is a bad scheduler in a reproducer's config.
func TestBadSchedulerFlags(t *testing.T) {
	for _, verb := range [][]string{{"run", "--seed", "1"}, {"campaign", "--seeds", "5"}} {
		requireInputError(t, append(verb, "--scheduler", "nosuch"), "--scheduler", `"nosuch" is not a scheduler (known: random, pct)`)
		requireInputError(t, append(verb, "--scheduler", "pct", "--pct-depth", "0"), "--pct-depth", `"0" is not a depth between 1 and 64`)
		requireInputError(t, append(verb, "--pct-depth", "-3"), "--pct-depth")
	}
	path := writeFile(t, "seed-12.json", reproducerText(t, func(s string) string {
		return strings.Replace(s, `"protocol": "paxos",`, `"protocol": "paxos", "scheduler": "fair",`, 1)
	}))
	requireInputError(t, []string{"replay", path}, "scheduler", `"fair" is not a scheduler`)
}

// TestTimeToFind: mutants --time-to-find prints a row per variant and a
// summary, or with --json the figures, and exits 0; bad bounds exit 2.
func TestTimeToFind(t *testing.T) {
	args := []string{"mutants", "--time-to-find", "--variant", "one-ballot", "--offsets", "2", "--cap", "50", "--workers", "2"}
	code, out, stderr := paxsim(t, context.Background(), args...)
	if code != 0 || !strings.Contains(out, "one-ballot") || !strings.Contains(out, "time-to-find: ") {
		t.Fatalf("exit %d, output:\n%s\nstderr:\n%s", code, out, stderr)
	}
	code, out, _ = paxsim(t, context.Background(), append(args, "--json")...)
	if code != 0 || !strings.Contains(out, `"median": `) || !strings.Contains(out, `"p90_ms": `) {
		t.Fatalf("--json: exit %d, output:\n%s", code, out)
	}
	requireInputError(t, []string{"mutants", "--time-to-find", "--offsets", "0"}, "--offsets")
	requireInputError(t, []string{"mutants", "--time-to-find", "--cap", "100000"}, "--cap")
}
