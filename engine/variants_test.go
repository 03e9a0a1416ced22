package engine_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// variantCampaign is the configuration of protocol p's variant catalogue
// (BENCHMARKS.md, "Variant catalogue: seeds to first failure"): for
// single-decree Paxos
//
//	paxsim campaign --seeds 3000 --drop 0.1 --dup 0.05 --crash 0.01 --partition 0.01 --variant V
//
// and for Multi-Paxos a campaign with the faults and the default
// reconfigurations (mpConfig).
func variantCampaign(p *harness.Protocol, variant string) engine.Config {
	c := mpConfig(variant)
	if p != mpP {
		c = config(p.Name())
		c.Variant = variant
		c.Drop, c.Dup, c.Crash, c.Partition = 0.1, 0.05, 0.01, 0.01
	}
	if durability[variant] {
		c.TornCrash, c.LoseUnsynced = 0.01, 0.01
	}
	return c
}

// durability are the variants whose bugs only the durability faults show:
// their campaigns turn those on (the others' budgets were measured
// without them).
var durability = map[string]bool{"reply-before-persist": true, "accept-before-persist": true, "no-sync": true}

// variantBudgets is, per protocol and variant, how many consecutive seeds
// from 0 a random campaign may take to find the bug. Measured for
// single-decree Paxos: the worst seeds to first failure over 20 starting
// seeds (BENCHMARKS.md), rounded up with room; from seed 0 each is found
// much sooner (in brackets, the first failing seed at the time of
// measurement). For Multi-Paxos, the bound TestMultiPaxosVariants pins.
var variantBudgets = map[string]uint64{
	"paxos/accept-below-promise":   200,   // [31]
	"paxos/count-duplicates":       3000,  // [183]
	"paxos/early-accept":           300,   // [69]
	"paxos/fixed-backoff":          50,    // [1]
	"paxos/ignore-promised-values": 200,   // [3]
	"paxos/lowest-ballot-value":    12000, // [1604] (109 when measured; main finds 1604 too)
	"paxos/minority-quorum":        50,    // [3]
	"paxos/no-persist":             1000,  // [72]
	"paxos/no-promise":             50,    // [2]
	"paxos/one-ballot":             50,    // [3]
	"paxos/reply-own-value":        300,   // [31]
	"paxos/stale-promises":         3000,  // [139]
	"paxos/value-only-learner":     1000,  // [33]
	"paxos/reply-before-persist":   300,   // [0] (durability: from seed 0 only, not over 20 starts yet)
	"paxos/no-sync":                300,   // [2] (likewise)

	"multipaxos/leader-skips-recovery": 50,    // [3]
	"multipaxos/no-dedup":              50,    // [1]
	"multipaxos/no-overwrite":          50,    // [3]
	"multipaxos/commit-index-only":     1000,  // [11]
	"multipaxos/no-gap-fill":           1000,  // [256]
	"multipaxos/no-view":               10000, // [7825] (402 before a handler's messages left after its write)
	"multipaxos/no-restamp":            200,   // [28]
	"multipaxos/accept-before-persist": 300,   // [18] (durability: from seed 0 only)
	"multipaxos/no-sync":               300,   // [0] (likewise)
}

// TestRandomCampaignsCatchEveryVariant: for every buggy variant of every
// registered protocol (engine.Info.Variants), a random campaign over
// consecutive seeds finds a violation of the property the variant breaks
// within its measured budget, and the correct protocol passes the same
// seeds: those that caught a variant, or with PAXSIM_LONG=1 every budget's.
func TestRandomCampaignsCatchEveryVariant(t *testing.T) {
	long, _ := strconv.ParseBool(os.Getenv("PAXSIM_LONG"))
	for _, p := range protocols {
		t.Run(p.Name(), func(t *testing.T) {
			var most, caught uint64
			for _, v := range p.Info().Variants {
				budget, ok := variantBudgets[p.Name()+"/"+v.Name]
				if !ok {
					t.Errorf("%s: no budget measured; add it to variantBudgets and BENCHMARKS.md", v.Name)
					continue
				}
				most = max(most, budget)
				t.Run(v.Name, func(t *testing.T) { caught = max(caught, catchWithin(t, p, v, budget)+1) })
			}
			if !long {
				most = caught
			}
			t.Run(engine.Correct, func(t *testing.T) {
				c := variantCampaign(p, engine.Correct)
				for seed := uint64(0); seed < most; seed++ {
					if res := run(t, p, c, seed, engine.Options{}); res.Failed() {
						t.Fatalf("seed %d: the correct protocol fails: %s", seed, first(&res))
					}
				}
			})
		})
	}
}

// catchWithin runs variant v's campaign until a seed breaks what v
// breaks, and returns it.
func catchWithin(t *testing.T, p *harness.Protocol, v engine.Variant, budget uint64) uint64 {
	c := variantCampaign(p, v.Name)
	first := -1
	for seed := uint64(0); seed < budget; seed++ {
		res := run(t, p, c, seed, engine.Options{})
		if !res.Failed() {
			continue
		}
		if first < 0 {
			first = int(seed)
		}
		for _, bad := range res.Violations {
			if bad.Property == v.Breaks {
				t.Logf("seed %d breaks %s (the first failing seed is %d): %s", seed, v.Breaks, first, bad.Message)
				return seed
			}
		}
	}
	t.Fatalf("no %s violation in seeds 0..%d (first failing seed: %d)", v.Breaks, budget-1, first)
	return 0
}
