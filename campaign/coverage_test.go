package campaign

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
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
			o := Options{Protocol: protocolOf(defaultConfig()), Config: defaultConfig(), Seeds: CoverageMinSeeds, Workers: 2, NoShrink: true, Swarm: swarm}
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
	c := defaultConfig()
	c.Slow = 0 // off: in no run
	var want [engine.NumSometimes]int64
	decided := int64(0)
	for seed := uint64(0); seed < 100; seed++ {
		r, err := protocolOf(c).Run(c, seed, engine.Options{})
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
		s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 100, Workers: workers, NoShrink: true})
		if err != nil {
			t.Fatal(err)
		}
		cov := s.Coverage
		if cov.Enabled["slow"] != 0 || cov.Enabled["drop"] != 100 || cov.Expected["chosen_after_crash"] != 100 {
			t.Errorf("workers %d: enabled %v, expected %v", workers, cov.Enabled, cov.Expected)
		}
		for i, name := range engine.Sometimes {
			if cov.Held[name] != want[i] {
				t.Errorf("workers %d: %s held in %d runs, want %d", workers, name, cov.Held[name], want[i])
			}
		}
		if total := cov.Ballots[0] + cov.Ballots[1] + cov.Ballots[2] + cov.Ballots[3]; total != decided {
			t.Errorf("workers %d: %d decided instances by ballots, want %d", workers, total, decided)
		}
	}
}

// TestNothingJudgedIsAGap: a campaign whose runs all stop before anything
// is chosen, and before the heal, has judged nothing: both are gaps,
// although no fault was on.
func TestNothingJudgedIsAGap(t *testing.T) {
	c := defaultConfig()
	c.Clients, c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow, c.MaxTime = 1, 0, 0, 0, 0, 0, 0, 1
	s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: CoverageMinSeeds, NoShrink: true})
	if err != nil {
		t.Fatal(err)
	}
	gaps := strings.Join(s.CoverageGaps, "; ")
	for _, want := range []string{"no value was chosen in any of the 200 runs", "liveness was to be judged in 200 runs"} {
		if !strings.Contains(gaps, want) {
			t.Errorf("gaps %q lack %q", gaps, want)
		}
	}
}

// TestFaultsThatCannotFireAreNoGap: in a cluster of one replica no
// message crosses the network and no partition splits it, and in one or
// two replicas a minority is none, so no random crash fires: these kinds
// are counted inert, not enabled, and make no gap.
func TestFaultsThatCannotFireAreNoGap(t *testing.T) {
	for _, tc := range []struct {
		protocol string
		nodes    int
		inert    []string
	}{
		{paxos.Name, 1, []string{"crash", "drop", "dup", "partition", "redeliver"}},
		{paxos.Name, 2, []string{"crash"}},
		{multipaxos.Name, 1, []string{"crash", "drop", "dup", "partition", "redeliver"}},
	} {
		c := defaultConfig()
		c.Protocol, c.Nodes, c.Clients = tc.protocol, tc.nodes, 1
		s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: CoverageMinSeeds, NoShrink: true, Swarm: true,
			Pinned: func(k string) bool { return k == "nodes" }})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.CoverageGaps) != 0 {
			t.Errorf("%s on %d nodes: gaps %v", tc.protocol, tc.nodes, s.CoverageGaps)
		}
		for _, k := range tc.inert {
			if s.Coverage.Inert[k] == 0 || s.Coverage.Enabled[k] != 0 {
				t.Errorf("%s on %d nodes: %s inert in %d runs, enabled in %d", tc.protocol, tc.nodes, k, s.Coverage.Inert[k], s.Coverage.Enabled[k])
			}
		}
	}
}

// TestUnjudgedRunsAreAFailingGap: a run whose linearizability is unknown
// is a gap that fails a campaign of any size, interrupted or not, while a
// coverage gap fails only a campaign big enough to judge that ran to the
// end.
func TestUnjudgedRunsAreAFailingGap(t *testing.T) {
	summary := func(seeds uint64, interrupted bool) *Summary {
		s := &Summary{
			Seeds: seeds, Interrupted: interrupted,
			Linearizability: map[string]int{"ok": int(seeds) - 1, "unknown": 1},
			Coverage:        Coverage{Enabled: map[string]int64{"drop": 5}, Ballots: []int64{1}}, // drop on, never fired; something chosen
		}
		s.CoverageGaps = Gaps(s)
		return s
	}
	unjudged := "linearizability was not judged in 1 of 20 runs"
	s := summary(20, false)
	if len(s.CoverageGaps) != 2 || !strings.HasPrefix(s.CoverageGaps[0], unjudged) {
		t.Fatalf("gaps %q: want the unjudged run first, then fault drop", s.CoverageGaps)
	}
	for _, s := range []*Summary{summary(20, false), summary(5000, true)} {
		if failing := FailingGaps(s); len(failing) != 1 || failing[0] != s.CoverageGaps[0] {
			t.Errorf("%d seeds, interrupted %v: failing gaps %q, want only the unjudged run", s.Seeds, s.Interrupted, failing)
		}
	}
	if s := summary(CoverageMinSeeds, false); len(FailingGaps(s)) != 2 {
		t.Errorf("%d seeds: failing gaps %q, want both", s.Seeds, FailingGaps(s))
	}
	judged := &Summary{Seeds: 20, Linearizability: map[string]int{"ok": 20}, Coverage: Coverage{Ballots: []int64{20}}}
	if gaps := Gaps(judged); len(gaps) != 0 {
		t.Errorf("every run judged: gaps %q, want none", gaps)
	}
}

// TestSmallCatchUpRepliesStayLive: Multi-Paxos whose promises and
// catch-up replies carry two chosen entries, with replicas cut off to lag
// and leaders deposed, catches replicas up from past the catch-up window
// and stays safe and live. A leader that waited to learn an instance a
// departed peer had reported chosen without carrying it, instead of
// proposing it again from a quorum of promises that carried it, failed
// liveness in 5 of these 1,000 seeds.
func TestSmallCatchUpRepliesStayLive(t *testing.T) {
	c := engine.Default()
	c.Protocol, c.Nodes, c.Clients, c.Commands = multipaxos.Name, 5, 6, 20
	c.Lag, c.Depose, c.Params = 0.5, 0.05, map[string]string{"catchup": "2"}
	pinned := []string{"nodes", "clients", "commands", "lag", "depose", "catchup"}
	s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 1000, NoShrink: true, Swarm: true,
		Pinned: func(k string) bool { return slices.Contains(pinned, k) }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Violations != 0 {
		t.Fatalf("%d violations %v, first seeds %v", s.Violations, s.ByProperty, s.Failures[0].Seed)
	}
	if held := s.Coverage.Held["caught_up_past_catchup_window"]; held == 0 {
		t.Fatalf("no replica caught up from past the window: coverage %v", s.Coverage.Held)
	}
}

// TestNoProposalAnywhereIsAGap: values chosen while no node ever reported
// Proposed is a gap that says what to report; one decided instance with
// a proposal is enough to make none.
func TestNoProposalAnywhereIsAGap(t *testing.T) {
	s := Summary{Seeds: CoverageMinSeeds, Coverage: Coverage{Ballots: []int64{5, 0, 0, 0}, Unproposed: 5}}
	if gaps := strings.Join(Gaps(&s), "; "); !strings.Contains(gaps, "no node reported Proposed: ") || !strings.Contains(gaps, "(5 instances decided)") {
		t.Errorf("gaps %q", gaps)
	}
	s.Coverage.Unproposed = 4
	if gaps := strings.Join(Gaps(&s), "; "); strings.Contains(gaps, "reported Proposed") {
		t.Errorf("one instance proposed, gaps %q", gaps)
	}
	// paxsim's own protocols report their proposals: no gap, none counted.
	c := defaultConfig()
	res, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 50, NoShrink: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Coverage.Unproposed != 0 {
		t.Errorf("paxos: %d decided instances without a proposal", res.Coverage.Unproposed)
	}
}

// TestNoPromiseOrLearningAnywhereIsAGap: values chosen while no node ever
// reported Promised, or Learned, is a gap that says what to report, as
// for Proposed; one run that reported it is enough to make none, and
// paxsim's own protocols report both.
func TestNoPromiseOrLearningAnywhereIsAGap(t *testing.T) {
	s := Summary{Seeds: CoverageMinSeeds, Coverage: Coverage{Ballots: []int64{3, 2, 0, 0}, Unpromised: 5, Unlearned: 5}}
	gaps := strings.Join(Gaps(&s), "; ")
	for _, want := range []string{"no node reported Promised: ", "no node reported Learned: ", "(5 instances decided)"} {
		if !strings.Contains(gaps, want) {
			t.Errorf("gaps %q lack %q", gaps, want)
		}
	}
	s.Coverage.Unpromised, s.Coverage.Unlearned = 4, 4
	if gaps := strings.Join(Gaps(&s), "; "); strings.Contains(gaps, "reported Learned") || strings.Contains(gaps, "reported Promised") {
		t.Errorf("one run promised and learned, gaps %q", gaps)
	}
	for _, name := range []string{paxos.Name, multipaxos.Name} {
		c := defaultConfig()
		c.Protocol = name
		res, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 50, NoShrink: true, Swarm: true})
		if err != nil {
			t.Fatal(err)
		}
		if c := res.Coverage; c.Unpromised != 0 || c.Unlearned != 0 || c.decided() == 0 {
			t.Errorf("%s: of %d decided instances, %d in runs that promised nothing, %d that learned nothing",
				name, c.decided(), c.Unpromised, c.Unlearned)
		}
	}
}
