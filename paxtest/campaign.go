package paxtest

import (
	"cmp"
	"fmt"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/watchdog"
)

// CampaignOptions shape a Campaign. The zero value is a fine default.
type CampaignOptions struct {
	// Variant is the protocol variant under test: "" is the correct
	// protocol.
	Variant string
	// Seeds is how many seeds run, from Start (0: DefaultSeeds; Campaign
	// runs LongFactor times as many with PAXSIM_LONG=1).
	Seeds int
	Start uint64 // the first seed
	// Config is the runs' configuration (nil: each seed draws its own from
	// engine.Default(), as `paxsim campaign`'s swarm does: cluster size,
	// clients, delays, fault rates, FIFO links, durability faults, the
	// scheduler and the protocol's knobs; a Config given is every seed's,
	// as `paxsim campaign --swarm=false` runs one). Its
	// Protocol and Variant are set from the protocol and Variant. It must
	// heal (HealAt > 0): every run is judged with the liveness phase.
	Config *engine.Config
	// Properties are the properties whose violation fails a run (nil:
	// every one), as in Options.
	Properties []checker.Property
	// Scheduler, when set, answers the runs' message delays instead of
	// Config's (engine.SchedulerRandom or SchedulerPCT), with PCTDepth
	// priority levels (0: engine.DefaultPCTDepth): paxsim's --scheduler
	// and --pct-depth. Properties' rapid schedules are rapid's own.
	Scheduler string
	PCTDepth  int
}

// DefaultSeeds is the number of seeds of a Campaign by default: a bug
// that shows once in a few hundred runs fails, and a protocol of a few
// thousand events a run takes seconds (paxsim's Multi-Paxos: about 1 s).
const DefaultSeeds = 2_000

// Campaign runs a small timed campaign of p: each seed draws every delay,
// loss, duplicate, crash and partition until the heal; then a random
// quorum core heals and must catch up within the liveness bound. It fails
// t on the first failing seed with its reproduction: the seed, the config
// as paxsim flags, and the run's decision trace, shrunk to 1-minimal and
// written to a file that `paxsim replay` runs. A seed whose run takes no
// step for watchdog.DefaultTimeout fails t as hung, with the seed and the
// stack of the protocol code it is stuck in.
func Campaign(t *testing.T, p *harness.Protocol, o CampaignOptions) {
	t.Helper()
	if f := campaign(t, p, o, scaled(cmp.Or(o.Seeds, DefaultSeeds))); f != nil {
		t.Fatal(f.report(t))
	}
}

// FindInCampaign runs the campaign of Campaign, for a test that expects a
// bug: it returns the first failing seed's counterexample, its trace
// shrunk, or nil when every seed passes.
func FindInCampaign(t *testing.T, p *harness.Protocol, o CampaignOptions) *Finding {
	t.Helper()
	return campaign(t, p, o, cmp.Or(o.Seeds, DefaultSeeds))
}

// campaign runs seeds seeds of o's campaign, up to the first failure, on
// a goroutine of its own that a watchdog watches: a seed whose run takes
// no step for watchdog.DefaultTimeout fails t as hung, with the stack of
// the protocol code it is stuck in, instead of holding the test until go
// test's own timeout.
func campaign(t *testing.T, p *harness.Protocol, o CampaignOptions, seeds int) *Finding {
	t.Helper()
	base, err := o.config(p)
	if err != nil {
		t.Fatal(err)
	}
	f, hang, err := watchdog.Run(watchdog.DefaultTimeout, o.Start, func(pulse *watchdog.Pulse) (*Finding, error) {
		return o.run(p, base, seeds, pulse)
	})
	if err != nil {
		t.Fatal(err)
	}
	if hang != nil {
		c := o.seedConfig(p, base, hang.Seed)
		t.Fatalf("paxtest: %v; run it again with the run verb (of paxsim, or of your own program's cli.Main): run --seed %d %s\nstuck in:\n%s",
			hang, hang.Seed, configFlags(c, p.Info().Workload), hang.Stack)
	}
	return f
}

// run runs the campaign's seeds, each begun on pulse, up to the first
// failure, and returns its counterexample.
func (o *CampaignOptions) run(p *harness.Protocol, base engine.Config, seeds int, pulse *watchdog.Pulse) (*Finding, error) {
	j := judge{only: o.Properties, liveness: true}
	for i := range seeds {
		seed := o.Start + uint64(i)
		c := o.seedConfig(p, base, seed)
		pulse.Begin(seed)
		res, err := p.Run(c, seed, engine.Options{Steps: pulse.Steps()})
		if err != nil {
			return nil, fmt.Errorf("paxtest: seed %d: %v", seed, err)
		}
		if j.failure(&res) == nil {
			continue
		}
		res, _ = p.Run(c, seed, engine.Options{Record: true, Steps: pulse.Steps()}) // the same run, with its trace
		// What follows, the shrinking, is paxsim's own work, bounded by its
		// budget: not watched.
		pulse.End()
		v := j.failure(&res)
		if v == nil {
			return nil, fmt.Errorf("paxtest: seed %d failed once and passed when run again: the run is not a function of its seed", seed)
		}
		how := fmt.Sprintf("seed %d of the campaign from seed %d; run it again with the run verb (of paxsim, or of your own program's cli.Main): run --seed %d %s",
			seed, o.Start, seed, configFlags(c, p.Info().Workload))
		return newFinding(p, c, &res, *v, how, i+1), nil
	}
	return nil, nil
}

// seedConfig is seed's configuration: base, or drawn from it as a swarm
// campaign draws it.
func (o *CampaignOptions) seedConfig(p *harness.Protocol, base engine.Config, seed uint64) engine.Config {
	if o.Config != nil {
		return base
	}
	return base.Swarm(p.Info(), seed, o.pinned)
}

// pinned reports whether a swarm knob is the options' own, not drawn: the
// scheduler and its depth, when set.
func (o *CampaignOptions) pinned(knob string) bool {
	return (knob == "scheduler" && o.Scheduler != "") || (knob == "pct-depth" && o.PCTDepth != 0)
}

// config is the campaign's configuration for p, checked.
func (o *CampaignOptions) config(p *harness.Protocol) (engine.Config, error) {
	c := engine.Default()
	c.Nodes = p.Info().DefaultNodes()
	c.TornCrash, c.LoseUnsynced = engine.DurabilityRate, engine.DurabilityRate
	if o.Config != nil {
		c = *o.Config
	}
	c.Protocol, c.Variant = p.Name(), cmp.Or(o.Variant, engine.Correct)
	c.Scheduler, c.PCTDepth = cmp.Or(o.Scheduler, c.Scheduler), cmp.Or(o.PCTDepth, c.PCTDepth)
	if o.Config == nil {
		c.TornCrash, c.LoseUnsynced = 0, 0 // the swarm draws them
	}
	if err := p.Err(); err != nil {
		return c, err
	}
	if o.Seeds < 0 {
		return c, fmt.Errorf("paxtest: CampaignOptions.Seeds is %d: want a positive number, or 0 for the default", o.Seeds)
	}
	if c.HealAt <= 0 {
		return c, fmt.Errorf("paxtest: a campaign judges every run's liveness: its Config must heal (HealAt > 0)")
	}
	if _, _, err := c.Resolve(p.Info()); err != nil {
		return c, fmt.Errorf("paxtest: campaign config: %v", err)
	}
	return c, nil
}
