package scenarios

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestSwarmDrawsValidVariedConfigs: every drawn configuration is valid,
// the same seed draws the same one, and over many seeds each fault kind is
// on in about half of them and the cluster sizes and proposers vary.
func TestSwarmDrawsValidVariedConfigs(t *testing.T) {
	for _, protocol := range []string{Paxos, MultiPaxos} {
		base := Default()
		base.Protocol = protocol
		on := map[string]int{}
		sizes := map[int]int{}
		const seeds = 4000
		for seed := uint64(0); seed < seeds; seed++ {
			c := base.Swarm(seed, nil)
			if err := c.Validate(); err != nil {
				t.Fatalf("%s seed %d: %+v: %v", protocol, seed, c, err)
			}
			if !reflect.DeepEqual(c, base.Swarm(seed, nil)) {
				t.Fatalf("%s seed %d: two draws differ", protocol, seed)
			}
			for knob, rate := range map[string]float64{"drop": c.Drop, "dup": c.Dup, "redeliver": c.Redeliver, "crash": c.Crash, "partition": c.Partition, "slow": c.Slow} {
				if rate > 0 {
					on[knob]++
				}
			}
			sizes[c.Nodes]++
		}
		for knob, n := range on {
			if n < seeds*4/10 || n > seeds*6/10 {
				t.Errorf("%s: %s on in %d of %d seeds, want about half", protocol, knob, n, seeds)
			}
		}
		if len(on) != 6 || len(sizes) < 3 {
			t.Errorf("%s: kinds on %v, cluster sizes %v", protocol, on, sizes)
		}
	}
}

// TestSwarmKeepsPinnedKnobs: a pinned knob keeps its value, and pinning
// one leaves the other knobs' draws as they were.
func TestSwarmKeepsPinnedKnobs(t *testing.T) {
	base := Default()
	base.Drop, base.Proposers = 0.3, 3
	pin := func(knobs ...string) func(string) bool {
		return func(k string) bool {
			for _, p := range knobs {
				if p == k {
					return true
				}
			}
			return false
		}
	}
	for seed := uint64(0); seed < 500; seed++ {
		free := base.Swarm(seed, nil)
		got := base.Swarm(seed, pin("drop"))
		if got.Drop != 0.3 {
			t.Fatalf("seed %d: pinned drop is %v", seed, got.Drop)
		}
		got.Drop = free.Drop
		if !reflect.DeepEqual(got, free) {
			t.Fatalf("seed %d: pinning drop changed other knobs:\n%+v\n%+v", seed, got, free)
		}
		p := base.Swarm(seed, pin("proposers"))
		if p.Proposers != 3 || p.Nodes < 3 {
			t.Fatalf("seed %d: pinned proposers: %d of %d nodes", seed, p.Proposers, p.Nodes)
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	if d := base.SwarmDiff(base.Swarm(3, pin("drop"))); len(d) == 0 {
		t.Error("SwarmDiff shows nothing drawn")
	}
}

// TestCoverageCountsDecidedInstances: a run's ballots histogram counts its
// decided instances, and the sometimes properties hold only with what
// makes them possible.
func TestCoverageCountsDecidedInstances(t *testing.T) {
	c := Default()
	c.Crash, c.Partition = 0, 0
	var held [4]int
	for seed := uint64(0); seed < 300; seed++ {
		r, err := Run(c, seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		total := int64(0)
		for _, n := range r.Coverage.Ballots {
			total += n
		}
		if want := int64(0); r.Chosen != nil && total != 1 || r.Chosen == nil && total != want {
			t.Fatalf("seed %d: chosen %v, ballots %v", seed, r.Chosen, r.Coverage.Ballots)
		}
		if r.Coverage.AfterCrash || r.Coverage.AfterPartitionHealed {
			t.Fatalf("seed %d: no crash or partition, yet %+v", seed, r.Coverage)
		}
		for i, h := range r.Coverage.Held() {
			if h {
				held[i]++
			}
		}
	}
	if held[0] == 0 || held[2] == 0 {
		t.Errorf("two proposers never made a ballot change or a duel: %v", held)
	}
}

// TestSwarmDrawsAreValidForAnyPins is a property: for any valid
// configuration and any set of pinned knobs, every configuration a seed
// draws is valid, and keeps the pinned knobs as the configuration has them.
func TestSwarmDrawsAreValidForAnyPins(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := drawConfig(t)
		if err := base.Validate(); err != nil {
			t.Fatalf("the generator drew an invalid base %+v: %v", base, err)
		}
		pins := rapid.SliceOfDistinct(rapid.SampledFrom(SwarmKnobs), func(k string) string { return k }).Draw(t, "pinned")
		pinned := func(k string) bool { return slices.Contains(pins, k) }
		seed := rapid.Uint64().Draw(t, "seed")
		d := base.Swarm(seed, pinned)
		if err := d.Validate(); err != nil {
			t.Fatalf("seed %d, pinned %v: the draw %+v is invalid: %v\nbase %+v", seed, pins, d, err, base)
		}
		kept := map[string][2]any{
			"nodes": {base.Nodes, d.Nodes}, "delay": {base.Delay, d.Delay}, "drop": {base.Drop, d.Drop},
			"crash": {base.Crash, d.Crash}, "reconfig": {base.Reconfig, d.Reconfig}, "clients": {base.Clients, d.Clients},
		}
		if base.Protocol == Paxos {
			kept["proposers"] = [2]any{base.Proposers, d.Proposers}
		}
		for _, k := range pins {
			if v, ok := kept[k]; ok && v[0] != v[1] {
				t.Fatalf("pinned %s is %v in the draw, %v in the base", k, v[1], v[0])
			}
		}
	})
}

// drawConfig draws a valid configuration of either protocol, with knobs
// that bound the swarm's draws: tight liveness bounds, scheduled faults
// and reconfigurations naming high nodes, --max-crashed.
func drawConfig(t *rapid.T) Config {
	c := Default()
	c.Protocol = rapid.SampledFrom([]string{Paxos, MultiPaxos}).Draw(t, "protocol")
	c.Nodes = rapid.IntRange(1, 9).Draw(t, "nodes")
	c.Proposers = rapid.IntRange(1, c.Nodes).Draw(t, "proposers")
	delays := map[string]int64{"1": 1, "1-3": 3, "1-10": 10, "5-10": 10, "tail:1-10": 10, "1-30": 30, "2-50": 50}
	c.Delay = rapid.SampledFrom(slices.Sorted(maps.Keys(delays))).Draw(t, "delay")
	c.HealAt = rapid.SampledFrom([]int64{0, 50, 600, 2000}).Draw(t, "heal-at")
	c.Liveness = 30*delays[c.Delay] + rapid.Int64Range(0, 2000).Draw(t, "liveness slack")
	c.MaxTime = rapid.SampledFrom([]int64{0, 500, 20000}).Draw(t, "max-time")
	c.MaxCrashed = rapid.IntRange(0, c.Nodes).Draw(t, "max-crashed")
	for i := rapid.IntRange(0, 3).Draw(t, "faults"); i > 0; i-- {
		if f := drawFault(t, c.Nodes); f != "" {
			c.Faults = append(c.Faults, f)
		}
	}
	if c.Protocol == MultiPaxos {
		c.Clients = rapid.IntRange(0, 8).Draw(t, "clients")
		c.Commands = rapid.IntRange(0, 8).Draw(t, "commands")
		member := rapid.IntRange(1, c.Nodes).Draw(t, "member")
		c.Reconfig = rapid.SampledFrom([]string{"", "none", "0.02", fmt.Sprintf("1+%d@%d", member, min(100, c.maxTime()-1))}).Draw(t, "reconfig")
	}
	return c
}

// drawFault draws a scheduled fault on nodes 1..n, or "" for a partition
// that would cut off every node.
func drawFault(t *rapid.T, n int) string {
	kind := rapid.SampledFrom([]string{"crash", "partition", "oneway", "slow", "pause"}).Draw(t, "kind")
	ids := rapid.SliceOfNDistinct(rapid.IntRange(1, n), 1, n, func(i int) int { return i }).Draw(t, "fault nodes")
	if (kind == "partition" || kind == "oneway") && len(ids) == n {
		return ""
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(id)
	}
	nodes := strings.Join(parts, ",")
	if kind == "slow" {
		nodes += "x3"
	}
	start := rapid.Int64Range(0, 400).Draw(t, "start")
	return fmt.Sprintf("%s:%s@%d-%d", kind, nodes, start, start+50)
}

// TestRoundRateIsTheRoundTrip: roundRate's arithmetic is the formatting round trip it replaces, on
// random rates across the range swarms draw and past it, near ties and
// near powers of ten.
func TestRoundRateIsTheRoundTrip(t *testing.T) {
	x := uint64(1)
	check := func(r float64) {
		if got, want := roundRate(r), roundRateSlow(r); got != want {
			t.Fatalf("roundRate(%v) = %v, want %v", r, got, want)
		}
	}
	for range 200_000 {
		x = splitmix(x)
		u := float64(x>>11) / (1 << 53)
		check(math.Exp2(-40 + 40*u))
	}
	for _, r := range []float64{1e-22, 1e-9, 0.001, 0.01, 0.1, 0.0995, 0.09995, 0.1235, 0.0012345, 0.00999, 0.5, 0.9999, 1, 2, 0} {
		check(r)
		check(math.Nextafter(r, 0))
		check(math.Nextafter(r, 1))
	}
}
