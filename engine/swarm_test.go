package engine_test

import (
	"fmt"
	"maps"
	"math/bits"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// TestSwarmDrawsValidVariedConfigs: every drawn configuration is valid,
// the same seed draws the same one, and over many seeds each fault kind is
// on in about half of them and the cluster sizes vary.
func TestSwarmDrawsValidVariedConfigs(t *testing.T) {
	for _, p := range protocols {
		info := p.Info()
		base := config(p.Name())
		on := map[string]int{}
		sizes := map[int]int{}
		const seeds = 4000
		for seed := uint64(0); seed < seeds; seed++ {
			c := base.Swarm(info, seed, nil)
			if err := c.Validate(info); err != nil {
				t.Fatalf("%s seed %d: %+v: %v", p.Name(), seed, c, err)
			}
			if !reflect.DeepEqual(c, base.Swarm(info, seed, nil)) {
				t.Fatalf("%s seed %d: two draws differ", p.Name(), seed)
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
				t.Errorf("%s: %s on in %d of %d seeds, want about half", p.Name(), knob, n, seeds)
			}
		}
		if len(on) != 6 || len(sizes) < 3 {
			t.Errorf("%s: kinds on %v, cluster sizes %v", p.Name(), on, sizes)
		}
	}
}

// pin pins the knobs named.
func pin(knobs ...string) func(string) bool {
	return func(k string) bool { return slices.Contains(knobs, k) }
}

// TestSwarmKeepsPinnedKnobs: a pinned knob keeps its value, and pinning
// one leaves the other knobs' draws as they were.
func TestSwarmKeepsPinnedKnobs(t *testing.T) {
	info := paxosP.Info()
	base := config(paxosP.Name())
	base.Drop, base.Clients = 0.3, 3
	for seed := uint64(0); seed < 500; seed++ {
		free := base.Swarm(info, seed, nil)
		got := base.Swarm(info, seed, pin("drop"))
		if got.Drop != 0.3 {
			t.Fatalf("seed %d: pinned drop is %v", seed, got.Drop)
		}
		got.Drop = free.Drop
		if !reflect.DeepEqual(got, free) {
			t.Fatalf("seed %d: pinning drop changed other knobs:\n%+v\n%+v", seed, got, free)
		}
		p := base.Swarm(info, seed, pin("proposers"))
		if p.Clients != 3 || p.Nodes < 3 {
			t.Fatalf("seed %d: pinned proposers: %d of %d nodes", seed, p.Clients, p.Nodes)
		}
		if err := p.Validate(info); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	if d := base.SwarmDiff(info, base.Swarm(info, 3, pin("drop"))); len(d) == 0 {
		t.Error("SwarmDiff shows nothing drawn")
	}
}

// TestCoverageCountsDecidedInstances: a run's ballots histogram counts its
// decided instances, and the sometimes properties hold only with what
// makes them possible.
func TestCoverageCountsDecidedInstances(t *testing.T) {
	c := config(paxosP.Name())
	c.Crash, c.Partition = 0, 0
	var held [4]int
	for seed := uint64(0); seed < 300; seed++ {
		r := run(t, paxosP, c, seed, engine.Options{})
		total := int64(0)
		for _, n := range r.Coverage.Ballots {
			total += n
		}
		if r.Chosen != nil && total != 1 || r.Chosen == nil && total != 0 {
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
// configuration of any protocol and any set of pinned knobs, every
// configuration a seed draws is valid, and keeps the pinned knobs as the
// configuration has them.
func TestSwarmDrawsAreValidForAnyPins(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := rapid.SampledFrom(protocols).Draw(t, "protocol")
		info := p.Info()
		base := drawConfig(t, p)
		if err := base.Validate(info); err != nil {
			t.Fatalf("the generator drew an invalid base %+v: %v", base, err)
		}
		pins := rapid.SliceOfDistinct(rapid.SampledFrom(engine.SwarmKnobs(info)), func(k string) string { return k }).Draw(t, "pinned")
		seed := rapid.Uint64().Draw(t, "seed")
		d := base.Swarm(info, seed, pin(pins...))
		if err := d.Validate(info); err != nil {
			t.Fatalf("seed %d, pinned %v: the draw %+v is invalid: %v\nbase %+v", seed, pins, d, err, base)
		}
		kept := map[string][2]any{
			"nodes": {base.Nodes, d.Nodes}, "delay": {base.Delay, d.Delay}, "drop": {base.Drop, d.Drop},
			"dup": {base.Dup, d.Dup}, "crash": {base.Crash, d.Crash}, "reconfig": {base.Reconfig, d.Reconfig},
			engine.ClientsKnob(info.Workload): {base.Clients, d.Clients}, "commands": {base.Commands, d.Commands},
			"fifo": {base.FIFO, d.FIFO},
		}
		for _, k := range info.Knobs {
			kept[k.Name] = [2]any{info.Param(base.Params, k.Name), info.Param(d.Params, k.Name)}
		}
		for _, k := range pins {
			if v, ok := kept[k]; ok && v[0] != v[1] {
				t.Fatalf("pinned %s is %v in the draw, %v in the base", k, v[1], v[0])
			}
		}
	})
}

// drawConfig draws a valid configuration of protocol p, with knobs that
// bound the swarm's draws: tight liveness bounds, scheduled faults and
// reconfigurations naming high nodes, --max-crashed, the protocol's own
// knobs.
func drawConfig(t *rapid.T, p *harness.Protocol) engine.Config {
	info := p.Info()
	c := config(p.Name())
	c.Nodes = rapid.IntRange(1, 9).Draw(t, "nodes")
	delays := map[string]int64{"1": 1, "1-3": 3, "1-10": 10, "5-10": 10, "tail:1-10": 10, "1-30": 30, "2-50": 50}
	c.Delay = rapid.SampledFrom(slices.Sorted(maps.Keys(delays))).Draw(t, "delay")
	c.HealAt = rapid.SampledFrom([]int64{0, 50, 600, 2000}).Draw(t, "heal-at")
	c.Liveness = 30*delays[c.Delay] + rapid.Int64Range(0, 2000).Draw(t, "liveness slack")
	c.MaxTime = rapid.SampledFrom([]int64{0, 500, 20000}).Draw(t, "max-time")
	c.MaxCrashed = rapid.IntRange(0, c.Nodes).Draw(t, "max-crashed")
	c.FIFO = rapid.Bool().Draw(t, "fifo")
	end := c.MaxTime // the run's end: a fault or a reconfiguration starts before it
	if end == 0 && c.HealAt > 0 {
		end = c.HealAt + c.Liveness
	} else if end == 0 {
		end = 10_000
	}
	for i := rapid.IntRange(0, 3).Draw(t, "faults"); i > 0; i-- {
		if f := drawFault(t, c.Nodes, end); f != "" {
			c.Faults = append(c.Faults, f)
		}
	}
	switch w := info.Workload; w.Kind {
	case engine.Consensus:
		c.Clients = rapid.IntRange(1, c.Nodes).Draw(t, "proposers")
	default:
		c.Clients = rapid.IntRange(0, 8).Draw(t, "clients")
		c.Commands = rapid.IntRange(0, 8).Draw(t, "commands")
	}
	if info.Workload.Reconfig {
		members := "1" // a member set names each replica once
		if member := rapid.IntRange(1, c.Nodes).Draw(t, "member"); member > 1 {
			members = fmt.Sprintf("1+%d", member)
		}
		c.Reconfig = rapid.SampledFrom([]string{"", "none", "0.02", fmt.Sprintf("%s@%d", members, min(100, end-1))}).Draw(t, "reconfig")
	}
	for _, k := range info.Knobs {
		if n, err := strconv.Atoi(k.Default); err == nil && rapid.Bool().Draw(t, k.Name+" set") {
			c.Params = map[string]string{k.Name: strconv.Itoa(max(1, n/rapid.IntRange(1, 8).Draw(t, k.Name)))}
		}
	}
	return c
}

// drawFault draws a scheduled fault on nodes 1..n that starts before
// end, or "" for a partition that would cut off every node.
func drawFault(t *rapid.T, n int, end int64) string {
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
	start := rapid.Int64Range(0, min(400, end-1)).Draw(t, "start")
	return fmt.Sprintf("%s:%s@%d-%d", kind, nodes, start, start+50)
}

// TestSwarmReconfiguresWhereViewsCanMiss: most runs that reconfigure do
// so in a cluster of five, the smallest in which a leader's phase-1
// quorum of the whole cluster can miss a majority of a new view it
// belongs to (reconfigure from five replicas to the leader and two
// others: the two others are that majority, and the leader's promises may
// come from the other two). A proposer that takes its quorum or its phase
// 1 from the wrong view breaks agreement only there.
func TestSwarmReconfiguresWhereViewsCanMiss(t *testing.T) {
	for n := 3; n <= 5; n++ {
		if got, want := viewsCanMiss(n), n >= 5; got != want {
			t.Errorf("%d nodes: a cluster majority can miss a view majority with the leader: %v, want %v", n, got, want)
		}
	}
	info := mpP.Info()
	base := config(mpP.Name())
	wide, reconfiguring := 0, 0
	const seeds = 4000
	for seed := uint64(0); seed < seeds; seed++ {
		c := base.Swarm(info, seed, nil)
		if c.Reconfig == "none" {
			continue
		}
		reconfiguring++
		if c.Nodes >= 5 {
			wide++
		}
	}
	if wide*2 < reconfiguring {
		t.Errorf("%d of %d reconfiguring draws have five nodes or more, want at least half", wide, reconfiguring)
	}
}

// viewsCanMiss reports whether, in a cluster of n nodes, some leader L,
// majority P of the cluster with L in it, view V with L in it and
// majority Q of V have Q and P disjoint: by brute force.
func viewsCanMiss(n int) bool {
	all := uint64(1)<<uint(n) - 1
	majority := func(set, of uint64) bool { return bits.OnesCount64(set&of)*2 > bits.OnesCount64(of) }
	for v := uint64(1); v <= all; v++ {
		for p := uint64(1); p <= all; p++ {
			if !majority(p, all) || p&v == 0 {
				continue // the leader is in both P and V
			}
			for q := v; q > 0; q = (q - 1) & v {
				if majority(q, v) && q&p == 0 {
					return true
				}
			}
		}
	}
	return false
}

// TestFaultFreeRunsHaveNoFault: a swarm draw made fault-free keeps its
// cluster, workload, delays and knobs, and its runs see no fault at all
// and pass.
func TestFaultFreeRunsHaveNoFault(t *testing.T) {
	for _, p := range protocols {
		info := p.Info()
		for seed := uint64(0); seed < 100; seed++ {
			drawn := config(p.Name()).Swarm(info, seed, nil)
			c := drawn.FaultFree()
			if c.Nodes != drawn.Nodes || c.Clients != drawn.Clients || c.Commands != drawn.Commands || c.Delay != drawn.Delay ||
				!maps.Equal(c.Params, drawn.Params) || c.Hedge != drawn.Hedge {
				t.Fatalf("%s seed %d: fault-free %+v is not the draw %+v without its faults", p.Name(), seed, c, drawn)
			}
			res, err := p.Run(c, seed, engine.Options{})
			if err != nil || res.Failed() {
				t.Fatalf("%s seed %d: %v %v", p.Name(), seed, err, res.Violations)
			}
			if res.Stats.Faults != [len(res.Stats.Faults)]int64{} {
				t.Errorf("%s seed %d: faults %v in a fault-free run", p.Name(), seed, res.Stats.Faults)
			}
		}
	}
}
