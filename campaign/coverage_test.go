package campaign

import (
	"context"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/scenarios"
	"github.com/paxsim/paxsim/sim"
)

// TestCoverageGapWhenAFaultDoesNothing: switching off a fault kind's
// effect in the simulator (sim.FaultConfig.Inert, as a bug would) leaves
// it enabled but never fired, and the campaign reports the gap; the same
// campaign with the fault working has none. With swarm on and off.
func TestCoverageGapWhenAFaultDoesNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  sim.FaultKind
		group string
	}{
		{"drop", sim.FaultDrop, "drop"},
		{"crash", sim.FaultCrash, "crash"},
		{"partition", sim.FaultPartition, "partition"},
	} {
		for _, swarm := range []bool{false, true} {
			o := Options{Config: scenarios.Default(), Seeds: CoverageMinSeeds, Workers: 2, NoShrink: true, Swarm: swarm}
			ok, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if len(ok.CoverageGaps) != 0 {
				t.Fatalf("%s, swarm %v: the working simulator has gaps: %v", tc.name, swarm, ok.CoverageGaps)
			}
			// Overflow never fires here, and is reported, not required.
			if n, listed := ok.Faults[sim.FaultOverflow.String()]; !listed || n != 0 {
				t.Fatalf("%s, swarm %v: faults %v, want overflow listed with 0", tc.name, swarm, ok.Faults)
			}
			o.inertFaults = 1 << tc.kind
			broken, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			want := "fault " + tc.group + " was on in"
			if len(broken.CoverageGaps) == 0 || !strings.Contains(strings.Join(broken.CoverageGaps, "; "), want) {
				t.Fatalf("%s, swarm %v: gaps %v, want %q", tc.name, swarm, broken.CoverageGaps, want)
			}
		}
	}
}

// TestCoverageTableCounts: the table counts the runs in which each fault
// kind was on and each sometimes property possible and held, and the
// decided instances by ballots; it does not depend on the workers.
func TestCoverageTableCounts(t *testing.T) {
	c := scenarios.Default()
	c.Slow = 0 // off: in no run
	var want [4]int64
	decided := int64(0)
	for seed := uint64(0); seed < 100; seed++ {
		r, err := scenarios.Run(c, seed, scenarios.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range r.Coverage.Held() {
			if h {
				want[i]++
			}
		}
		if r.Chosen != nil {
			decided++
		}
	}
	for _, workers := range []int{1, 2} {
		s, err := Run(context.Background(), Options{Config: c, Seeds: 100, Workers: workers, NoShrink: true})
		if err != nil {
			t.Fatal(err)
		}
		cov := s.Coverage
		if cov.Enabled["slow"] != 0 || cov.Enabled["drop"] != 100 || cov.Expected["chosen_after_crash"] != 100 {
			t.Errorf("workers %d: enabled %v, expected %v", workers, cov.Enabled, cov.Expected)
		}
		for i, name := range scenarios.Sometimes {
			if cov.Held[name] != want[i] {
				t.Errorf("workers %d: %s held in %d runs, want %d", workers, name, cov.Held[name], want[i])
			}
		}
		if total := cov.Ballots[0] + cov.Ballots[1] + cov.Ballots[2] + cov.Ballots[3]; total != decided {
			t.Errorf("workers %d: %d decided instances by ballots, want %d", workers, total, decided)
		}
	}
}
