package engine_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// TestMistuneSlowsTheNetworkNotTheTimers: --mistune F multiplies every
// delay by F while Setup.MaxDelay, what a protocol's timeouts scale with,
// stays the top of --delay as written; the liveness rule counts the
// slower delays, and F is bounded.
func TestMistuneSlowsTheNetworkNotTheTimers(t *testing.T) {
	info := paxos.Adapter{}.Info()
	c := engine.Default()
	c.Protocol, c.Delay = info.Name, "5-10"
	sc, setup, err := c.Resolve(&info)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Network.Delay.Max != 10 || setup.MaxDelay != 10 {
		t.Fatalf("tuned: delays up to %d, timers for %d; want 10 and 10", sc.Network.Delay.Max, setup.MaxDelay)
	}
	c.Mistune = 4
	sc, setup, err = c.Resolve(&info)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Network.Delay.Min != 20 || sc.Network.Delay.Max != 40 || setup.MaxDelay != 10 {
		t.Fatalf("--mistune 4: delays %d-%d, timers for %d; want 20-40 and 10", sc.Network.Delay.Min, sc.Network.Delay.Max, setup.MaxDelay)
	}
	c.Delay = "1-30" // 120 ticks at most: the liveness bound of 3000 is too short
	if err := c.Validate(&info); err == nil {
		t.Fatal("--mistune 4 --delay 1-30 --liveness 3000: valid, want the liveness rule to count the slower delays")
	}
	for _, f := range []int{-1, engine.MaxMistune + 1} {
		c.Delay, c.Mistune = "1-10", f
		if err := c.Validate(&info); err == nil {
			t.Fatalf("--mistune %d: valid", f)
		}
	}
}

// TestSwarmDrawsMistune: a swarm slows the network below its timers in
// about a quarter of the runs whose delays are not long-tailed and still
// fit the liveness bound four times slower, drawn after every other knob,
// which keeps its value; a pinned --mistune stays as set.
func TestSwarmDrawsMistune(t *testing.T) {
	info := paxos.Adapter{}.Info()
	base := engine.Default()
	base.Protocol = info.Name
	if knobs := engine.SwarmKnobs(&info); !slices.Contains(knobs, "mistune") {
		t.Fatalf("SwarmKnobs %q: no mistune", knobs)
	}
	pinned := func(k string) bool { return k == "mistune" }
	const seeds = 1600
	on, eligible := 0, 0
	for seed := range uint64(seeds) {
		drawn, kept := base.Swarm(&info, seed, nil), base.Swarm(&info, seed, pinned)
		if kept.Mistune != 0 {
			t.Fatalf("seed %d: a pinned --mistune 0 drew %d", seed, kept.Mistune)
		}
		delay, err := sim.ParseDelay(drawn.Delay)
		if err != nil {
			t.Fatal(err)
		}
		fits := delay.Dist != sim.LongTail && 30*4*int64(delay.Max) <= base.Liveness
		if fits {
			eligible++
		}
		if drawn.Mistune != 0 {
			if drawn.Mistune != engine.MistuneFactor || !fits {
				t.Fatalf("seed %d: drew --mistune %d with --delay %s", seed, drawn.Mistune, drawn.Delay)
			}
			if err := drawn.Validate(&info); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			on++
		}
		drawn.Mistune = 0
		if !reflect.DeepEqual(drawn, kept) {
			t.Fatalf("seed %d: pinning mistune changed other draws:\n%+v\n%+v", seed, drawn, kept)
		}
		slow := base
		slow.Mistune = 2
		if got := slow.Swarm(&info, seed, pinned); got.Mistune != 2 || got.Validate(&info) != nil {
			t.Fatalf("seed %d: a pinned --mistune 2 drew %d (%v)", seed, got.Mistune, got.Validate(&info))
		}
	}
	if on < eligible/4-60 || on > eligible/4+60 {
		t.Fatalf("--mistune in %d of %d eligible runs, want about a quarter", on, eligible)
	}
}
