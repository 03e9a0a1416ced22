package scenarios_test

import (
	"reflect"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/scenarios"
)

// TestOracleSameRuns (moved from package engine, to keep the old code the
// only one that imports it) proves engine.Run equals scenarios.Run seed by
// seed, for both protocols.
func TestOracleSameRuns(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(c scenarios.Config, seed uint64) (engine.Result, error)
	}{
		{"paxos", func(c scenarios.Config, seed uint64) (engine.Result, error) {
			a := paxos.Adapter{}
			info := a.Info()
			return engine.Run(a, &info, convert(c), seed, engine.Options{})
		}},
		{"multipaxos", func(c scenarios.Config, seed uint64) (engine.Result, error) {
			a := multipaxos.Adapter{}
			info := a.Info()
			return engine.Run(a, &info, convert(c), seed, engine.Options{})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := scenarios.Default()
			base.Protocol = tc.name
			bad, fails := 0, 0
			variants := []string{"none", "ignore-promised-values", "one-ballot", "no-promise", "reply-own-value"}
			if tc.name == "multipaxos" {
				variants = []string{"none", "no-dedup", "no-view", "no-restamp", "no-gap-fill", "no-overwrite", "leader-skips-recovery", "commit-index-only"}
			}
			for seed := uint64(0); seed < 1600; seed++ {
				c := base.Swarm(seed, nil)
				c.Variant = variants[seed%uint64(len(variants))]
				old, err := scenarios.Run(c, seed, scenarios.Options{})
				if err != nil {
					t.Fatal(err)
				}
				ec := convert(c)
				if name := tc.name; name == "paxos" {
					a := paxos.Adapter{}
					info := a.Info()
					base2 := convert(base)
					base2.Variant = c.Variant
					if drawn := base2.Swarm(&info, seed, noFIFOOld); !reflect.DeepEqual(drawn, ec) {
						t.Fatalf("seed %d: swarm drew %+v, old %+v", seed, drawn, ec)
					}
				} else {
					a := multipaxos.Adapter{}
					info := a.Info()
					base2 := convert(base)
					base2.Variant = c.Variant
					if drawn := base2.Swarm(&info, seed, noFIFOOld); !reflect.DeepEqual(drawn, ec) {
						t.Fatalf("seed %d: swarm drew %+v, old %+v", seed, drawn, ec)
					}
				}
				got, err := tc.run(c, seed)
				if err != nil {
					t.Fatal(err)
				}
				if old.Failed() {
					fails++
				}
				if old.TraceHash != got.TraceHash || old.Verdict != got.Verdict || old.Stop != got.Stop {
					bad++
					if bad < 5 {
						t.Errorf("seed %d: old %x %s %s %v, new %x %s %s %v", seed, old.TraceHash, old.Verdict, old.Stop, old.Violations, got.TraceHash, got.Verdict, got.Stop, got.Violations)
					}
				}
			}
			t.Logf("%d failing runs compared", fails)
			if bad > 0 {
				t.Errorf("%d seeds differ", bad)
			}
		})
	}
}

// noFIFOOld pins FIFO links, which the old swarm did not draw, to off: the
// other knobs draw what they drew.
func noFIFOOld(knob string) bool { return knob == "fifo" }

func convert(c scenarios.Config) engine.Config {
	e := engine.Config{
		Protocol: c.Protocol, Variant: c.Variant, Nodes: c.Nodes, Clients: c.Clients, Commands: c.Commands,
		ProposeWindow: c.ProposeWindow, Delay: c.Delay, Drop: c.Drop, Dup: c.Dup, Redeliver: c.Redeliver,
		Crash: c.Crash, Partition: c.Partition, Slow: c.Slow, FaultInterval: c.FaultInterval, MaxCrashed: c.MaxCrashed,
		Faults: c.Faults, HealAt: c.HealAt, Liveness: c.Liveness, MaxTime: c.MaxTime, MaxEvents: c.MaxEvents, Reconfig: c.Reconfig,
	}
	if c.Protocol == "paxos" {
		e.Clients, e.Commands = c.Proposers, 0
	}
	return e
}
