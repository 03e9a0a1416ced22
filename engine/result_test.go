package engine_test

import (
	"reflect"
	"testing"

	"github.com/paxsim/paxsim/engine"
)

func TestEffective(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*engine.Config)
		want func(*engine.Config) // from the edited config; nil: unchanged
	}{
		{"paxos defaults written out", func(c *engine.Config) { *c = config(paxosP.Name()) }, func(c *engine.Config) { c.Clients, c.Commands = 2, 1 }},
		{"paxos proposers kept", func(c *engine.Config) { *c = config(paxosP.Name()); c.Clients = 3 }, func(c *engine.Config) { c.Commands = 1 }},
		{"multipaxos defaults written out", func(c *engine.Config) {}, func(c *engine.Config) { c.Clients, c.Commands, c.Reconfig = 3, 4, "0.005" }},
		{"blank reconfig is the default", func(c *engine.Config) { c.Reconfig = "  " }, func(c *engine.Config) { c.Clients, c.Commands, c.Reconfig = 3, 4, "0.005" }},
		{"set values kept", func(c *engine.Config) { c.Clients, c.Commands, c.Reconfig = 2, 7, "0.1" }, nil},
		{"none kept", func(c *engine.Config) { c.Reconfig = "none" }, func(c *engine.Config) { c.Clients, c.Commands = 3, 4 }},
		{"a schedule kept", func(c *engine.Config) { c.Clients, c.Reconfig = 1, "1+2@100" }, func(c *engine.Config) { c.Commands = 4 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mpConfig(engine.Correct)
			tc.edit(&c)
			info := mpP.Info()
			if c.Protocol == paxosP.Name() {
				info = paxosP.Info()
			}
			want := c
			if tc.want != nil {
				tc.want(&want)
			}
			got := c.Effective(info)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Effective() = %+v\nwant %+v", got, want)
			}
			if again := got.Effective(info); !reflect.DeepEqual(again, got) {
				t.Errorf("Effective is not idempotent: %+v then %+v", got, again)
			}
			if err := got.Validate(info); err != nil {
				t.Errorf("the effective config is invalid: %v", err)
			}
		})
	}
}

// A config and its effective form make the same run: reports may show
// either.
func TestEffectiveIsTheSameRun(t *testing.T) {
	for _, c := range []engine.Config{config(paxosP.Name()), mpConfig(engine.Correct), mpConfig("no-dedup")} {
		p := paxosP
		if c.Protocol == mpP.Name() {
			p = mpP
		}
		for seed := uint64(1); seed <= 30; seed++ {
			a := run(t, p, c, seed, engine.Options{})
			b := run(t, p, c.Effective(p.Info()), seed, engine.Options{})
			if a.TraceHash != b.TraceHash || a.Events != b.Events || a.Verdict != b.Verdict {
				t.Fatalf("%s seed %d: hash %x/%x events %d/%d", c.Protocol, seed, a.TraceHash, b.TraceHash, a.Events, b.Events)
			}
		}
	}
}

func TestServiceSummary(t *testing.T) {
	for _, tc := range []struct {
		name      string
		edit      func(*engine.Config)
		reconfigs int  // the operator's requests, when fixed by a schedule; -1 when drawn
		some      bool // some seed of 40 reconfigures
	}{
		{"defaults", func(c *engine.Config) {}, -1, false},
		{"no reconfiguration", func(c *engine.Config) { c.Reconfig = "none" }, 0, false},
		{"a schedule", func(c *engine.Config) {
			c.Nodes, c.Clients, c.Commands, c.Reconfig = 5, 2, 3, "1+2+3@100,1+2+3+4+5@400"
		}, 2, true},
		{"frequent reconfigurations", func(c *engine.Config) { c.Reconfig = "0.05" }, -1, true},
		{"one client", func(c *engine.Config) { c.Clients, c.Commands = 1, 10 }, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mpConfig(engine.Correct)
			tc.edit(&c)
			e := c.Effective(mpP.Info())
			reconfigs := 0
			for seed := uint64(1); seed <= 40; seed++ {
				res := run(t, mpP, c, seed, engine.Options{})
				s := res.Service
				if s == nil {
					t.Fatalf("seed %d: no service summary", seed)
				}
				if res.Stop != engine.StopDecided {
					t.Fatalf("seed %d: stop %s", seed, res.Stop)
				}
				// A run that ends decided answered and committed every
				// operation and reconfiguration, on every replica of the
				// core (the heal may leave the others down or cut off).
				want := engine.ServiceSummary{
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
	if res := run(t, paxosP, config(paxosP.Name()), 1, engine.Options{}); res.Service != nil {
		t.Errorf("single-decree Paxos: service %+v; want none", res.Service)
	}
}

// A run stopped by a violation counts what it committed up to then.
func TestServiceSummaryOfAFailure(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		res := run(t, mpP, mpConfig("no-dedup"), seed, engine.Options{})
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
