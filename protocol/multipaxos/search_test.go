package multipaxos_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/paxsim/paxsim/checker"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// TestSearchVariantSeeds prints, for each variant, the first seeds whose
// run breaks the variant's property. MPSEARCH=N searches seeds 1..N.
func TestSearchVariantSeeds(t *testing.T) {
	seeds, _ := strconv.Atoi(os.Getenv("MPSEARCH"))
	if seeds == 0 {
		t.Skip("set MPSEARCH=N")
	}
	for _, v := range mp.Variants() {
		var found []string
		for seed := 1; seed <= seeds && len(found) < 6; seed++ {
			c, live := variantRun(t, v, seed)
			p, _ := outcome(c, live)
			if p == "" {
				continue
			}
			all := c.broken()
			if !live && len(all) == 0 {
				all = append(all, checker.Liveness)
			}
			if slices.Contains(all, v.Breaks) {
				found = append(found, fmt.Sprintf("%d%v", seed, all))
			}
		}
		fmt.Printf("%s (%s): %v\n", v.Name, v.Breaks, found)
	}
}

var _ = sim.Time(0)
