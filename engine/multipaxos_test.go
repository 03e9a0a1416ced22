package engine_test

import (
	"errors"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

func TestMultiPaxosSafeUnderFaults(t *testing.T) {
	seeds := uint64(300)
	if testing.Short() {
		seeds = 60
	}
	for _, nodes := range []int{3, 5} {
		c := mpConfig(engine.Correct)
		c.Nodes = nodes
		ops, answered := 0, 0
		for seed := uint64(1); seed <= seeds; seed++ {
			res := run(t, mpP, c, seed, engine.Options{})
			if res.Failed() {
				t.Fatalf("nodes %d, seed %d: %s", nodes, seed, first(&res))
			}
			if res.Stop != engine.StopDecided || res.Linearizability != "ok" {
				t.Fatalf("nodes %d, seed %d: stop %s, linearizability %s", nodes, seed, res.Stop, res.Linearizability)
			}
			for _, op := range res.KVOps {
				ops++
				if op.Return >= 0 {
					answered++
				}
			}
		}
		if ops == 0 || answered != ops {
			t.Errorf("nodes %d: %d of %d operations answered", nodes, answered, ops)
		}
	}
}

// TestMultiPaxosVariants pins, for each variant a random campaign catches,
// a bound on the first seed that catches it and the property: if a change
// moves them, the campaign still has to catch each within the bound.
func TestMultiPaxosVariants(t *testing.T) {
	for _, tc := range []struct {
		variant string
		within  uint64
		breaks  checker.Property
	}{
		{"leader-skips-recovery", 50, checker.SafeProposal},
		{"no-dedup", 50, checker.ExactlyOnce},
		{"no-overwrite", 50, checker.Liveness},
		{"commit-index-only", 1000, checker.LearnerIntegrity},
		{"no-gap-fill", 1000, checker.Liveness},
		{"no-view", 10000, checker.Agreement}, // 7825 since a handler's messages leave after its write
		{"no-restamp", 200, checker.PromiseKept},
	} {
		found := false
		for seed := uint64(1); seed <= tc.within && !found; seed++ {
			res := run(t, mpP, mpConfig(tc.variant), seed, engine.Options{})
			for _, v := range res.Violations {
				if v.Property == tc.breaks {
					found = true
					t.Logf("%s: seed %d breaks %s", tc.variant, seed, v.Property)
				}
			}
		}
		if !found {
			t.Errorf("%s: no seed in 1..%d breaks %s", tc.variant, tc.within, tc.breaks)
		}
	}
}

func TestMultiPaxosDeterministic(t *testing.T) {
	c := mpConfig(engine.Correct)
	for seed := uint64(1); seed <= 20; seed++ {
		a := run(t, mpP, c, seed, engine.Options{})
		b := run(t, mpP, c, seed, engine.Options{})
		if a.TraceHash != b.TraceHash || a.Events != b.Events || len(a.KVOps) != len(b.KVOps) {
			t.Fatalf("seed %d: two runs differ: hash %x/%x, events %d/%d", seed, a.TraceHash, b.TraceHash, a.Events, b.Events)
		}
	}
}

func TestMultiPaxosConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*engine.Config)
		field string
	}{
		{"commands on paxos", func(c *engine.Config) { c.Protocol = paxosP.Name(); c.Commands = 2 }, "commands"},
		{"more proposers than nodes on paxos", func(c *engine.Config) { c.Protocol = paxosP.Name(); c.Clients = 4 }, "proposers"},
		{"reconfig on paxos", func(c *engine.Config) { c.Protocol = paxosP.Name(); c.Reconfig = "0.1" }, "reconfig"},
		{"alpha on paxos", func(c *engine.Config) { c.Protocol = paxosP.Name(); c.Params = map[string]string{"alpha": "2"} }, "alpha"},
		{"bad alpha", func(c *engine.Config) { c.Params = map[string]string{"alpha": "0"} }, "alpha"},
		{"bad reconfig rate", func(c *engine.Config) { c.Reconfig = "2" }, "reconfig"},
		{"bad reconfig member", func(c *engine.Config) { c.Reconfig = "1+9@100" }, "reconfig"},
		{"bad reconfig time", func(c *engine.Config) { c.Reconfig = "1+2@soon" }, "reconfig"},
		{"negative clients", func(c *engine.Config) { c.Clients = -1 }, "clients"},
		{"variant", func(c *engine.Config) { c.Variant = "ignore-promised-values" }, "variant"},
	} {
		c := mpConfig(engine.Correct)
		tc.edit(&c)
		info := mpP.Info()
		if c.Protocol == paxosP.Name() {
			info = paxosP.Info()
		}
		err := c.Validate(info)
		var ce *engine.ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: got %v, want a *ConfigError on %s", tc.name, err, tc.field)
		}
	}
	c := mpConfig(engine.Correct)
	c.Reconfig = "1+2@100,1+2+3@300"
	if res, err := mpP.Run(c, 1, engine.Options{}); err != nil || res.Failed() {
		t.Errorf("a scheduled reconfiguration: %v %v", err, res.Violations)
	}
}

// TestClientsStopStartingHalfwayThroughTheLiveness: no key-value client
// starts an operation later than half the liveness bound after the heal,
// so that the liveness judgement at the deadline is of progress, never of
// a request sent just before it; before that, clients keep working.
func TestClientsStopStartingHalfwayThroughTheLiveness(t *testing.T) {
	c := mpConfig(engine.Correct)
	c.Commands, c.Liveness = 40, 1000                                                   // more operations than the bound leaves room for
	lastStart := c.HealAt + engine.LivenessBound(c.Liveness, c.Commands, c.Nodes, 10)/2 // delays 1-10
	afterHeal := 0
	for seed := uint64(1); seed <= 20; seed++ {
		res := run(t, mpP, c, seed, engine.Options{})
		for _, op := range res.KVOps {
			if op.Invoke >= lastStart {
				t.Fatalf("seed %d: an operation started at t=%d, past t=%d", seed, op.Invoke, lastStart)
			}
			if op.Invoke > c.HealAt {
				afterHeal++
			}
		}
	}
	if afterHeal == 0 {
		t.Fatal("no operation started after the heal: the test shows nothing")
	}
}

// TestRestartsReachTheLogChecker: the harness reports each restart to the
// checkers (checker.Restarted, before the node's Start), so that a replica
// whose restart loses part of its log and applies it again from its
// durable state is judged as one that restarted. Under no-sync, whose
// power cuts take unsynced log entries back, that replay was reported as
// "applies instance 1 again after instance 7, without a restart": a
// log-consistency failure on most failing seeds, where what no-sync
// breaks is its promises.
func TestRestartsReachTheLogChecker(t *testing.T) {
	base := mpConfig("no-sync")
	base.TornCrash, base.LoseUnsynced = 0.01, 0.01
	restarts, failed := 0, 0
	for seed := uint64(0); seed < 150; seed++ {
		seen := 0
		c := base.Swarm(mpP.Info(), seed, nil) // as paxsim campaign draws it
		r := run(t, mpP, c, seed, engine.Options{OnObserve: func(_ sim.NodeID, o checker.Observation) {
			if o.Kind == checker.Restarted {
				seen++
			}
		}})
		if n := int(r.Stats.Faults[sim.FaultRestart]); seen != n {
			t.Fatalf("seed %d: %d restarts, %d reported", seed, n, seen)
		}
		restarts += seen
		for _, v := range r.Violations {
			failed++
			if v.Property == checker.LogConsistency {
				t.Errorf("seed %d: %s", seed, v.String())
			}
		}
	}
	if restarts == 0 || failed == 0 {
		t.Fatalf("vacuous: %d restarts, %d violations in 150 seeds", restarts, failed)
	}
}
