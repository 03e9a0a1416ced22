package scenarios

import (
	"testing"

	"github.com/paxsim/paxsim/checker"
)

// mpConfig is a Multi-Paxos campaign's configuration with the issue's
// faults: drops, duplicates, crashes, partitions and (by default)
// reconfigurations.
func mpConfig(variant string) Config {
	c := Default()
	c.Protocol, c.Variant = MultiPaxos, variant
	c.Drop, c.Dup, c.Crash, c.Partition = 0.05, 0.02, 0.01, 0.01
	return c
}

func TestMultiPaxosSafeUnderFaults(t *testing.T) {
	seeds := uint64(300)
	if testing.Short() {
		seeds = 60
	}
	for _, nodes := range []int{3, 5} {
		c := mpConfig("none")
		c.Nodes = nodes
		ops, answered := 0, 0
		for seed := uint64(1); seed <= seeds; seed++ {
			res, err := Run(c, seed, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed() {
				t.Fatalf("nodes %d, seed %d: %s", nodes, seed, res.Violations[0].String())
			}
			if res.Stop != StopDecided || res.Linearizability != "ok" {
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
// the first seed that catches it and the property: if a change moves
// them, the campaign still has to catch each within the bound.
func TestMultiPaxosVariants(t *testing.T) {
	for _, tc := range []struct {
		variant string
		within  uint64
		breaks  checker.Property
	}{
		{"leader-skips-recovery", 50, checker.Agreement},
		{"no-dedup", 50, checker.ExactlyOnce},
		{"no-overwrite", 50, checker.Liveness},
		{"commit-index-only", 1000, checker.LearnerIntegrity},
		{"no-gap-fill", 1000, checker.Liveness},
		{"no-view", 3000, checker.Agreement},
		{"no-restamp", 200, checker.PromiseKept},
	} {
		found := false
		for seed := uint64(1); seed <= tc.within && !found; seed++ {
			res, err := Run(mpConfig(tc.variant), seed, Options{})
			if err != nil {
				t.Fatal(err)
			}
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
	c := mpConfig("none")
	for seed := uint64(1); seed <= 20; seed++ {
		a, _ := Run(c, seed, Options{})
		b, _ := Run(c, seed, Options{})
		if a.TraceHash != b.TraceHash || a.Events != b.Events || len(a.KVOps) != len(b.KVOps) {
			t.Fatalf("seed %d: two runs differ: hash %x/%x, events %d/%d", seed, a.TraceHash, b.TraceHash, a.Events, b.Events)
		}
	}
}

func TestMultiPaxosConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"clients on paxos", func(c *Config) { c.Protocol = "paxos"; c.Clients = 2 }, "clients"},
		{"reconfig on paxos", func(c *Config) { c.Protocol = "paxos"; c.Reconfig = "0.1" }, "reconfig"},
		{"bad reconfig rate", func(c *Config) { c.Reconfig = "2" }, "reconfig"},
		{"bad reconfig member", func(c *Config) { c.Reconfig = "1+9@100" }, "reconfig"},
		{"bad reconfig time", func(c *Config) { c.Reconfig = "1+2@soon" }, "reconfig"},
		{"negative clients", func(c *Config) { c.Clients = -1 }, "clients"},
		{"variant", func(c *Config) { c.Variant = "ignore-promised-values" }, "variant"},
	} {
		c := mpConfig("none")
		tc.edit(&c)
		err := c.Validate()
		ce, ok := err.(*ConfigError)
		if !ok || ce.Field != tc.field {
			t.Errorf("%s: got %v, want a *ConfigError on %s", tc.name, err, tc.field)
		}
	}
	c := mpConfig("none")
	c.Reconfig = "1+2@100,1+2+3@300"
	if res, err := Run(c, 1, Options{}); err != nil || res.Failed() {
		t.Errorf("a scheduled reconfiguration: %v %v", err, res.Violations)
	}
}
