package rapidseed_test

import (
	"flag"
	"testing"

	"github.com/paxsim/paxsim/internal/rapidseed"
	"pgregory.net/rapid"
)

func init() { rapidseed.Fix() }

// TestTwoChecksDrawTheSame: with the seed fixed, two runs of one property
// draw the same values, in the same order.
func TestTwoChecksDrawTheSame(t *testing.T) {
	if rapidseed.Long() {
		t.Skip("PAXSIM_LONG=1: a random seed")
	}
	if got := flag.Lookup("rapid.seed").Value.String(); got == "0" {
		t.Fatalf("rapid.seed is %s: not fixed", got)
	}
	draw := func() []int {
		var out []int
		rapid.Check(t, func(t *rapid.T) {
			out = append(out, rapid.IntRange(0, 1<<30).Draw(t, "n"))
		})
		return out
	}
	a, b := draw(), draw()
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d and %d draws", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("draw %d: %d, then %d", i, a[i], b[i])
		}
	}
}
