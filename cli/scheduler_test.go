package cli

import (
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
