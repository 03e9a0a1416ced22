package engine_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// TestSwarmDrawsFIFO: a swarm puts FIFO links in about a quarter of its
// runs, drawn after the knobs it drew before it, so that those draw what
// they drew before; a pinned --fifo stays as set, and the diff names a drawn one.
func TestSwarmDrawsFIFO(t *testing.T) {
	info := paxos.Adapter{}.Info()
	base := engine.Default()
	base.Protocol = info.Name
	if knobs := engine.SwarmKnobs(&info); !slices.Contains(knobs, "fifo") {
		t.Fatalf("SwarmKnobs %q: no fifo", knobs)
	}
	const seeds = 800
	fifo := 0
	for seed := range uint64(seeds) {
		drawn := base.Swarm(&info, seed, nil)
		kept := base.Swarm(&info, seed, noFIFO)
		if kept.FIFO {
			t.Fatalf("seed %d: a pinned --fifo=false drew FIFO links", seed)
		}
		if drawn.FIFO {
			fifo++
			if diff := base.SwarmDiff(&info, drawn); !slices.Contains(diff, "--fifo") {
				t.Fatalf("seed %d: drawn FIFO links, diff %q", seed, diff)
			}
		}
		drawn.FIFO = false
		if !reflect.DeepEqual(drawn, kept) {
			t.Fatalf("seed %d: pinning fifo changed other draws:\n%+v\n%+v", seed, drawn, kept)
		}
		on := base
		on.FIFO = true
		if !on.Swarm(&info, seed, noFIFO).FIFO {
			t.Fatalf("seed %d: a pinned --fifo lost", seed)
		}
	}
	if fifo < seeds/4-60 || fifo > seeds/4+60 {
		t.Fatalf("FIFO links in %d of %d runs, want about a quarter", fifo, seeds)
	}
}

// TestReferenceProtocolsOnFIFOLinks: the correct reference protocols keep
// every property on FIFO links, under a swarm of faults.
func TestReferenceProtocolsOnFIFOLinks(t *testing.T) {
	seeds := uint64(300)
	if testing.Short() {
		seeds = 40
	}
	check := func(t *testing.T, info *engine.Info, run func(engine.Config, uint64) (engine.Result, error)) {
		base := engine.Default()
		base.Protocol, base.FIFO = info.Name, true
		for seed := range seeds {
			c := base.Swarm(info, seed, noFIFO)
			res, err := run(c, seed)
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed() {
				t.Fatalf("seed %d %v: %v", seed, base.SwarmDiff(info, c), res.Violations)
			}
			if res.Stats.Delivered == 0 {
				t.Fatalf("seed %d: nothing delivered", seed)
			}
		}
	}
	t.Run("paxos", func(t *testing.T) {
		a := paxos.Adapter{}
		info := a.Info()
		check(t, &info, func(c engine.Config, seed uint64) (engine.Result, error) {
			return engine.Run(a, &info, c, seed, engine.Options{})
		})
	})
	t.Run("multipaxos", func(t *testing.T) {
		a := multipaxos.Adapter{}
		info := a.Info()
		check(t, &info, func(c engine.Config, seed uint64) (engine.Result, error) {
			return engine.Run(a, &info, c, seed, engine.Options{})
		})
	})
}

// TestChoiceRunsOnFIFOLinks: schedules a Decider picks over FIFO links,
// then the timed liveness phase, keep the correct protocols' properties.
func TestChoiceRunsOnFIFOLinks(t *testing.T) {
	bounds := sim.ChoiceConfig{Drops: true, MaxDups: 2, MaxCrashes: 1}
	for _, name := range []string{"paxos", "multipaxos"} {
		var info engine.Info
		var run func(c engine.Config, seed uint64) (engine.Result, error)
		switch name {
		case "paxos":
			a := paxos.Adapter{}
			info = a.Info()
			run = func(c engine.Config, seed uint64) (engine.Result, error) {
				return engine.RunChoice(a, &info, c, sim.NewRandom(seed), bounds, 300, seed, engine.Options{})
			}
		default:
			a := multipaxos.Adapter{}
			info = a.Info()
			run = func(c engine.Config, seed uint64) (engine.Result, error) {
				return engine.RunChoice(a, &info, c, sim.NewRandom(seed), bounds, 300, seed, engine.Options{})
			}
		}
		c := engine.Default()
		c.Protocol, c.FIFO = name, true
		for seed := range uint64(60) {
			res, err := run(c, seed)
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed() {
				t.Fatalf("%s seed %d: %v", name, seed, res.Violations)
			}
		}
	}
}

// noFIFO pins FIFO links to off, leaving every other knob to the draw.
func noFIFO(knob string) bool { return knob == "fifo" }

// TestSwarmDrawsDurabilityFaults: a swarm turns each durability fault on
// in about half its runs, drawn after every other knob, so that pinning
// them (as a campaign from before they existed had them: off) leaves every
// other draw as it was; a pinned rate stays as set.
func TestSwarmDrawsDurabilityFaults(t *testing.T) {
	info := paxos.Adapter{}.Info()
	base := engine.Default()
	base.Protocol = info.Name
	pinned := func(k string) bool { return k == "torn-crash" || k == "lose-unsynced" }
	const seeds = 800
	var torn, lost int
	for seed := range uint64(seeds) {
		drawn, kept := base.Swarm(&info, seed, nil), base.Swarm(&info, seed, pinned)
		if kept.TornCrash != 0 || kept.LoseUnsynced != 0 {
			t.Fatalf("seed %d: pinned rates drew %v and %v", seed, kept.TornCrash, kept.LoseUnsynced)
		}
		if drawn.TornCrash > 0 {
			torn++
		}
		if drawn.LoseUnsynced > 0 {
			lost++
		}
		drawn.TornCrash, drawn.LoseUnsynced = 0, 0
		if !reflect.DeepEqual(drawn, kept) {
			t.Fatalf("seed %d: pinning the durability faults changed other draws:\n%+v\n%+v", seed, drawn, kept)
		}
	}
	for name, n := range map[string]int{"torn-crash": torn, "lose-unsynced": lost} {
		if n < seeds/3 || n > 2*seeds/3 {
			t.Errorf("%s on in %d of %d swarm runs, want about half", name, n, seeds)
		}
	}
}
