package refine

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore/spec"
	"github.com/paxsim/paxsim/fingerprint"
)

// TestCoverageFollowsRunsIntoSpecStates: every state a run's messages
// lead to is a state of Paxos.tla (each one Init or a successor under
// Next of the one before, Step's oracle), the count is the same
// whichever worker ran which seed, and a run of other constants is not
// followed.
func TestCoverageFollowsRunsIntoSpecStates(t *testing.T) {
	p := paxos.Adapter{}
	info := p.Info()
	base := engine.Default()
	base.Protocol = paxos.Name
	whole, err := NewCoverage(p, &info, base)
	if err != nil {
		t.Fatal(err)
	}
	runner := engine.NewRunner(p, &info)
	a, b := whole.Fork(), whole.Fork()
	for seed := uint64(1); seed <= 60; seed++ {
		if _, err := runner.Run(base, seed, engine.Options{Spec: whole}); err != nil {
			t.Fatal(err)
		}
		part := a
		if seed%2 == 0 {
			part = b
		}
		if _, err := runner.Run(base, seed, engine.Options{Spec: part}); err != nil {
			t.Fatal(err)
		}
	}
	a.Merge(b)
	w, m := whole.Summary(), a.Summary()
	if w.States < 10 || w.States != m.States || w.Runs != 60 || m.Runs != 60 || w.Total != 185369 {
		t.Fatalf("whole %+v, merged %+v", w, m)
	}
	for k := range whole.seen { // order-free: membership
		if _, ok := a.seen[k]; !ok {
			t.Fatal("a state the whole reached is missing from the merge")
		}
	}
	other := base
	other.Nodes = 5
	before := whole.Summary().Runs
	if _, err := runner.Run(other, 1, engine.Options{Spec: whole}); err != nil {
		t.Fatal(err)
	}
	if whole.Summary().Runs != before {
		t.Fatal("a run of 5 replicas was followed under the constants of 3")
	}
}

// TestCoverageStatesAreSpecStates checks that every state a follower
// reaches is reachable in Paxos.tla, against the specification's own
// search.
func TestCoverageStatesAreSpecStates(t *testing.T) {
	p := paxos.Adapter{}
	info := p.Info()
	base := engine.Default()
	base.Protocol = paxos.Name
	c, err := NewCoverage(p, &info, base)
	if err != nil {
		t.Fatal(err)
	}
	sm, states := specStates(t, spec.Config{Acceptors: 3, Values: 2, MaxBallot: 2})
	reachable := map[fingerprint.Key]bool{}
	for _, s := range states {
		c.h.Reset()
		sm.Fingerprint(&c.h, s, false)
		reachable[c.h.Sum()] = true
	}
	c.seen = map[fingerprint.Key]struct{}{}
	runner := engine.NewRunner(p, &info)
	for seed := uint64(1); seed <= 40; seed++ {
		if _, err := runner.Run(base, seed, engine.Options{Spec: c}); err != nil {
			t.Fatal(err)
		}
	}
	for k := range c.seen { // order-free: membership
		if !reachable[k] {
			t.Fatal("a run reached a state Paxos.tla does not")
		}
	}
}

// BenchmarkCampaignSpecCoverage is a run of the default campaign config
// (seeds 1..64, one after another) without and with spec coverage.
func BenchmarkCampaignSpecCoverage(b *testing.B) {
	p := paxos.Adapter{}
	info := p.Info()
	base := engine.Default()
	base.Protocol = paxos.Name
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			c, err := NewCoverage(p, &info, base)
			if err != nil {
				b.Fatal(err)
			}
			runner := engine.NewRunner(p, &info)
			var opts engine.Options
			if on {
				opts.Spec = c
			}
			for i := 0; b.Loop(); i++ {
				if _, err := runner.Run(base, uint64(i%64)+1, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestCoverageOfAHugeSpaceIsBounded: for 5 acceptors (ballots 0..4),
// whose Paxos.tla space is far past MaxTotal, the count stops within its
// bounds (a predicted next level past MaxTotal, or totalMemory) and
// says how many states it found, a lower bound of the total, instead of
// growing to gigabytes (it once took 5.5 GB of a 40-seed campaign).
func TestCoverageOfAHugeSpaceIsBounded(t *testing.T) {
	p := paxos.Adapter{}
	info := p.Info()
	e := engine.Default()
	e.Protocol, e.Nodes = paxos.Name, 5
	c, err := NewCoverage(p, &info, e)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Summary()
	if s.Total != 0 || s.TotalAtLeast < 1000 || s.TotalAtLeast >= MaxTotal {
		t.Fatalf("5 acceptors: total %d, at least %d; want an unknown total and a lower bound under %d", s.Total, s.TotalAtLeast, MaxTotal)
	}
	if want := "of more than " + thousands(s.TotalAtLeast) + " Paxos.tla states"; !strings.Contains(s.String(), want) {
		t.Errorf("summary %q lacks %q", s.String(), want)
	}
}
