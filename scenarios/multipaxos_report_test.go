package scenarios

import (
	"reflect"
	"testing"
)

func TestEffective(t *testing.T) {
	paxos := Default()
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want func(*Config) // from the edited config; nil: unchanged
	}{
		{"paxos is left alone", func(c *Config) { *c = paxos }, nil},
		{"multipaxos defaults written out", func(c *Config) {}, func(c *Config) { c.Clients, c.Commands, c.Reconfig = 3, 4, "0.005" }},
		{"blank reconfig is the default", func(c *Config) { c.Reconfig = "  " }, func(c *Config) { c.Clients, c.Commands, c.Reconfig = 3, 4, "0.005" }},
		{"set values kept", func(c *Config) { c.Clients, c.Commands, c.Reconfig = 2, 7, "0.1" }, nil},
		{"none kept", func(c *Config) { c.Reconfig = "none" }, func(c *Config) { c.Clients, c.Commands = 3, 4 }},
		{"a schedule kept", func(c *Config) { c.Clients, c.Reconfig = 1, "1+2@100" }, func(c *Config) { c.Commands = 4 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mpConfig("none")
			tc.edit(&c)
			want := c
			if tc.want != nil {
				tc.want(&want)
			}
			got := c.Effective()
			if !equalConfigs(got, want) {
				t.Errorf("Effective() = %+v\nwant %+v", got, want)
			}
			if again := got.Effective(); !equalConfigs(again, got) {
				t.Errorf("Effective is not idempotent: %+v then %+v", got, again)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("the effective config is invalid: %v", err)
			}
		})
	}
}

func equalConfigs(a, b Config) bool { return reflect.DeepEqual(a, b) }

// A config and its effective form make the same run: reports may show
// either.
func TestEffectiveIsTheSameRun(t *testing.T) {
	for _, c := range []Config{Default(), mpConfig("none"), mpConfig("no-dedup")} {
		for seed := uint64(1); seed <= 30; seed++ {
			a, errA := Run(c, seed, Options{})
			b, errB := Run(c.Effective(), seed, Options{})
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			if a.TraceHash != b.TraceHash || a.Events != b.Events || a.Verdict != b.Verdict {
				t.Fatalf("%s seed %d: hash %x/%x events %d/%d", c.Protocol, seed, a.TraceHash, b.TraceHash, a.Events, b.Events)
			}
		}
	}
}

func TestServiceSummary(t *testing.T) {
	for _, tc := range []struct {
		name      string
		edit      func(*Config)
		reconfigs int  // the operator's requests, when fixed by a schedule; -1 when drawn
		some      bool // some seed of 40 reconfigures
	}{
		{"defaults", func(c *Config) {}, -1, false},
		{"no reconfiguration", func(c *Config) { c.Reconfig = "none" }, 0, false},
		{"a schedule", func(c *Config) { c.Nodes, c.Clients, c.Commands, c.Reconfig = 5, 2, 3, "1+2+3@100,1+2+3+4+5@400" }, 2, true},
		{"frequent reconfigurations", func(c *Config) { c.Reconfig = "0.05" }, -1, true},
		{"one client", func(c *Config) { c.Clients, c.Commands = 1, 10 }, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mpConfig("none")
			tc.edit(&c)
			e := c.Effective()
			reconfigs := 0
			for seed := uint64(1); seed <= 40; seed++ {
				res, err := Run(c, seed, Options{})
				if err != nil {
					t.Fatal(err)
				}
				s := res.Service
				if s == nil {
					t.Fatalf("seed %d: no service summary", seed)
				}
				if res.Stop != StopDecided {
					t.Fatalf("seed %d: stop %s", seed, res.Stop)
				}
				// A run that ends decided answered and committed every
				// operation and reconfiguration, on every replica of the
				// core (the heal may leave the others down or cut off).
				want := ServiceSummary{
					Operations: e.Clients * e.Commands, Answered: e.Clients * e.Commands, Commands: e.Clients * e.Commands,
					Reconfigs: s.ReconfigsInvoked, ReconfigsInvoked: s.ReconfigsInvoked, Instances: s.Instances, CaughtUp: c.Nodes - len(res.LeftFaulty),
				}
				if s.CaughtUp > want.CaughtUp { // a node left faulty may have caught up before the heal
					want.CaughtUp = s.CaughtUp
				}
				if tc.reconfigs >= 0 {
					want.Reconfigs, want.ReconfigsInvoked = tc.reconfigs, tc.reconfigs
				}
				if *s != want {
					t.Errorf("seed %d: %+v\nwant %+v", seed, *s, want)
				}
				if s.Instances < int64(s.Commands+s.Reconfigs) {
					t.Errorf("seed %d: %d instances hold %d commands and %d reconfigurations", seed, s.Instances, s.Commands, s.Reconfigs)
				}
				answered := 0
				for _, op := range res.KVOps {
					if op.Return >= 0 {
						answered++
					}
				}
				if s.Operations != len(res.KVOps) || s.Answered != answered {
					t.Errorf("seed %d: %d of %d answered, the history has %d of %d", seed, s.Answered, s.Operations, answered, len(res.KVOps))
				}
				reconfigs += s.Reconfigs
			}
			if tc.some && reconfigs == 0 {
				t.Errorf("no reconfiguration committed in 40 seeds")
			}
		})
	}
	res, err := Run(Default(), 1, Options{})
	if err != nil || res.Service != nil {
		t.Errorf("single-decree Paxos: service %+v, err %v; want none", res.Service, err)
	}
}

// A run stopped by a violation counts what it committed up to then.
func TestServiceSummaryOfAFailure(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		res, err := Run(mpConfig("no-dedup"), seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Failed() {
			continue
		}
		s := res.Service
		if s == nil || s.Operations == 0 || s.Answered > s.Operations || s.CaughtUp > 3 || s.Instances < int64(s.Commands) {
			t.Fatalf("seed %d: %+v", seed, s)
		}
		return
	}
	t.Fatal("no-dedup failed no seed of 50")
}
