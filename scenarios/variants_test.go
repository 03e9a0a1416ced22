package scenarios_test

import (
	"testing"

	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/scenarios"
)

// variantCampaign is the configuration of the catalogue's measurement
// (BENCHMARKS.md, "Variant catalogue: seeds to first failure"):
//
//	paxsim campaign --seeds 3000 --drop 0.1 --dup 0.05 --crash 0.01 --partition 0.01 --variant V
func variantCampaign(variant string) scenarios.Config {
	c := scenarios.Default()
	c.Variant = variant
	c.Drop, c.Dup, c.Crash, c.Partition = 0.1, 0.05, 0.01, 0.01
	return c
}

// variantBudgets is, per variant, how many consecutive seeds from 0 a
// random campaign may take to find the bug. Measured: the worst seeds to
// first failure over 20 starting seeds (BENCHMARKS.md), rounded up with
// room; from seed 0 each is found much sooner (in brackets, the first
// failing seed at the time of measurement).
var variantBudgets = map[string]uint64{
	"accept-below-promise":   200,   // [31]
	"count-duplicates":       3000,  // [183]
	"early-accept":           300,   // [69]
	"fixed-backoff":          50,    // [1]
	"ignore-promised-values": 200,   // [3]
	"lowest-ballot-value":    12000, // [109]
	"minority-quorum":        50,    // [3]
	"no-persist":             1000,  // [72]
	"no-promise":             50,    // [2]
	"one-ballot":             50,    // [3]
	"reply-own-value":        300,   // [31]
	"stale-promises":         3000,  // [139]
	"value-only-learner":     1000,  // [33]
}

// TestRandomCampaignsCatchEveryVariant: for every buggy variant, a random
// campaign over consecutive seeds finds a violation of the property the
// variant breaks within its measured budget, and the correct protocol
// passes the same seeds.
func TestRandomCampaignsCatchEveryVariant(t *testing.T) {
	var most uint64
	for _, v := range protocol.Variants() {
		budget, ok := variantBudgets[v.Name]
		if !ok {
			t.Errorf("%s: no budget measured; add it to variantBudgets and BENCHMARKS.md", v.Name)
			continue
		}
		most = max(most, budget)
		t.Run(v.Name, func(t *testing.T) {
			c := variantCampaign(v.Name)
			first := -1
			for seed := uint64(0); seed < budget; seed++ {
				res, err := scenarios.Run(c, seed, scenarios.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if !res.Failed() {
					continue
				}
				if first < 0 {
					first = int(seed)
				}
				for _, bad := range res.Violations {
					if bad.Property == v.Breaks {
						t.Logf("seed %d breaks %s (the first failing seed is %d): %s", seed, v.Breaks, first, bad.Message)
						return
					}
				}
			}
			t.Fatalf("no %s violation in seeds 0..%d (first failing seed: %d)", v.Breaks, budget-1, first)
		})
	}
	t.Run("correct", func(t *testing.T) {
		c := variantCampaign(protocol.Correct)
		for seed := uint64(0); seed < most; seed++ {
			res, err := scenarios.Run(c, seed, scenarios.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed() {
				t.Fatalf("seed %d: the correct protocol fails: %v", seed, res.Violations[0].String())
			}
		}
	})
}
