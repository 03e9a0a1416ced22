package engine

import (
	"cmp"
	"fmt"
	"maps"
	"math/bits"
	"strings"

	"github.com/paxsim/paxsim/sim"
)

// Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012): instead of
// every run exercising a little of every fault, each seed draws its own
// configuration. Each fault kind is on or off with even odds, and a kind
// that is on gets a rate drawn from a wide range around the default,
// skewed so that a few runs are hammered by one kind; the cluster size,
// the workload (proposers; or clients, their operations and the
// reconfiguration rate), the message delays, the protocol's own knobs
// that have a Draw, FIFO links (in a quarter of the runs), a narrow
// propose window (in half), for a run that reconfigures, a cluster of
// five (in two thirds: viewChangeNodes), and hedged requests (in half:
// Config.Hedge) are drawn too. A configuration
// that leaves a fault out is what lets a bug that another fault masks
// show itself (a crash-heavy run without drops, say).

// SwarmKnobs are the knobs Swarm draws for a protocol, by their flag
// names, in the order it draws them: the protocol's own knobs that have a
// Draw come before fifo, the last.
func SwarmKnobs(info *Info) []string {
	var out []string
	fields := func(fs []swarmField) {
		for _, f := range fs {
			if f.applies == nil || f.applies(info.Workload) {
				out = append(out, f.name(info))
			}
		}
	}
	head := len(swarmFields) - swarmTail
	fields(swarmFields[:head])
	for _, k := range info.Knobs {
		if k.Draw != nil {
			out = append(out, k.Name)
		}
	}
	fields(swarmFields[head:])
	return out
}

// Swarm draws seed's configuration from c: the knobs SwarmKnobs lists are
// drawn, except those pinned reports (the flags a user set); the others
// (protocol, variant, timing of the heal, bounds) stay as c has them. The
// draw is a pure function of c, seed and the pinned knobs, made from its
// own random stream: the run itself still draws from the seed as any run
// does, so `paxsim run` with the drawn configuration and the seed
// reproduces it. A drawn configuration is valid whenever c is (fit).
func (c Config) Swarm(info *Info, seed uint64, pinned func(knob string) bool) Config {
	d := c.swarmAll(info, seed)
	if pinned == nil {
		pinned = func(string) bool { return false }
	}
	// Every knob is drawn, pinned or not, so that pinning one leaves the
	// others' draws as they were.
	for _, k := range swarmFields {
		if pinned(k.name(info)) {
			d = k.keep(d, c)
		}
	}
	for _, k := range info.Knobs {
		if k.Draw != nil && pinned(k.Name) {
			v, ok := c.Params[k.Name]
			d.setParam(k.Name, v, ok)
		}
	}
	d.fit(c, info, pinned)
	return d
}

// swarmField is one of Config's knobs that Swarm draws.
type swarmField struct {
	flag    string                // its flag, "" for the workload's clients knob
	applies func(w Workload) bool // whether a workload draws it (nil: every one)
	get     func(c Config) any    // c's value of it, as SwarmDiff compares and prints it
	// keep returns the draw d with the knob as c has it (by value: a
	// pointer into the draw would put it on the heap, seed after seed).
	keep func(d, c Config) Config
}

// name is the field's flag for the protocol info describes.
func (f swarmField) name(info *Info) string { return cmp.Or(f.flag, ClientsKnob(info.Workload)) }

// swarmFields are in the order Swarm draws them: the last swarmTail after
// the protocol's own knobs (SwarmKnobs lists them so).
var swarmFields = []swarmField{
	{"nodes", nil, func(c Config) any { return c.Nodes }, func(d, c Config) Config { d.Nodes = c.Nodes; return d }},
	{"", nil, func(c Config) any { return c.Clients }, func(d, c Config) Config { d.Clients = c.Clients; return d }},
	{"commands", func(w Workload) bool { return w.Kind == KeyValue },
		func(c Config) any { return c.Commands }, func(d, c Config) Config { d.Commands = c.Commands; return d }},
	{"reconfig", func(w Workload) bool { return w.Reconfig },
		func(c Config) any { return c.Reconfig }, func(d, c Config) Config { d.Reconfig = c.Reconfig; return d }},
	{"delay", nil, func(c Config) any { return c.Delay }, func(d, c Config) Config { d.Delay = c.Delay; return d }},
	{"drop", nil, func(c Config) any { return c.Drop }, func(d, c Config) Config { d.Drop = c.Drop; return d }},
	{"dup", nil, func(c Config) any { return c.Dup }, func(d, c Config) Config { d.Dup = c.Dup; return d }},
	{"redeliver", nil, func(c Config) any { return c.Redeliver }, func(d, c Config) Config { d.Redeliver = c.Redeliver; return d }},
	{"crash", nil, func(c Config) any { return c.Crash }, func(d, c Config) Config { d.Crash = c.Crash; return d }},
	{"partition", nil, func(c Config) any { return c.Partition }, func(d, c Config) Config { d.Partition = c.Partition; return d }},
	{"slow", nil, func(c Config) any { return c.Slow }, func(d, c Config) Config { d.Slow = c.Slow; return d }},
	{"fifo", nil, func(c Config) any { return c.FIFO }, func(d, c Config) Config { d.FIFO = c.FIFO; return d }},
	{"torn-crash", nil, func(c Config) any { return c.TornCrash }, func(d, c Config) Config { d.TornCrash = c.TornCrash; return d }},
	{"lose-unsynced", nil, func(c Config) any { return c.LoseUnsynced }, func(d, c Config) Config { d.LoseUnsynced = c.LoseUnsynced; return d }},
	{"scheduler", nil, func(c Config) any { return cmp.Or(c.Scheduler, SchedulerRandom) }, func(d, c Config) Config { d.Scheduler = c.Scheduler; return d }},
	{"pct-depth", nil, func(c Config) any { return c.pctDepth() }, func(d, c Config) Config { d.PCTDepth = c.PCTDepth; return d }},
	{"long-delay", nil, func(c Config) any { return c.LongDelay }, func(d, c Config) Config { d.LongDelay = c.LongDelay; return d }},
	{"depose", nil, func(c Config) any { return c.Depose }, func(d, c Config) Config { d.Depose = c.Depose; return d }},
	{"lag", nil, func(c Config) any { return c.Lag }, func(d, c Config) Config { d.Lag = c.Lag; return d }},
	{"propose-window", nil, func(c Config) any { return c.ProposeWindow }, func(d, c Config) Config { d.ProposeWindow = c.ProposeWindow; return d }},
	{"hedge", nil, func(c Config) any { return c.Hedge }, func(d, c Config) Config { d.Hedge = c.Hedge; return d }},
	{"outlive", nil, func(c Config) any { return c.Outlive }, func(d, c Config) Config { d.Outlive = c.Outlive; return d }},
	{"mistune", nil, func(c Config) any { return c.Mistune }, func(d, c Config) Config { d.Mistune = c.Mistune; return d }},
}

// The rates around which a swarm draws the faults that reach deep states
// (Config.LongDelay, Depose, Lag), each in half its runs.
const (
	LongDelayRate = 0.005 // per message
	DeposeRate    = 0.01  // per fault interval
	LagRate       = 0.05  // per fault interval (one lag at a time)
)

// OutliveRate is the rate around which a swarm draws Config.Outlive, in
// half its runs: between an eighth and a half of the messages that reach
// a crashed replica wait for its restart. A reply that a replica sent on
// state it had not persisted, a promise raised in memory only, meets the
// message that the promise should refuse only when one outlives the
// crash: paxos with a promise persisted only when its round grows failed
// 0 of 2,000 seeds and 7 of 20,000 without, 1 and 12 with this draw (3
// and 23 with a rate of 0.5 in every run).
const OutliveRate = 0.5

// HedgeRate is the rate around which a swarm draws Config.Hedge, in half
// its runs: between a sixteenth and a half of the requests sent to two
// replicas.
const HedgeRate = 0.25

// DurabilityRate is the rate around which a swarm draws the durability
// faults, Config.TornCrash and LoseUnsynced: a plain crash's default.
const DurabilityRate = 0.005

// swarmTail is how many of swarmFields, at its end, Swarm draws after the
// protocol's own knobs: those that came later than the draws before them,
// which keep their values.
const swarmTail = 12

// swarmValue is c's value of knob, one of SwarmKnobs.
func (c Config) swarmValue(info *Info, knob string) any {
	for _, f := range swarmFields {
		if f.name(info) == knob {
			return f.get(c)
		}
	}
	return info.Param(c.Params, knob)
}

// swarmAll draws every swarm knob of c.
func (c Config) swarmAll(info *Info, seed uint64) Config {
	d := swarmDraw{x: seed ^ 0x737761726d647261} // "swarmdra"
	w := info.Workload
	c.Nodes = d.pick(info.nodeSizes()...)
	// Mostly duels: two or three proposers; sometimes one, or every
	// replica.
	proposers := d.pick(1, 2, 2, 2, 3, 3, c.Nodes)
	clients, commands := d.workload()
	reconfigs, rate := d.intn(4) != 0, d.rate(4*DefaultReconfig)
	c.Clients = min(c.Nodes, proposers)
	if w.Kind == KeyValue {
		c.Clients, c.Commands = clients, commands
	}
	if w.Reconfig {
		c.Reconfig = "none" // in a quarter of the runs; the others reconfigure, some often
		if reconfigs {
			c.Reconfig = formatRate(rate)
		}
	}
	c.Delay = []string{"1-3", "1-10", "1-10", "1-30", "tail:1-10", "5-10"}[d.intn(6)]
	base := Default()
	d.rates(rateDraw{&c.Drop, base.Drop}, rateDraw{&c.Dup, base.Dup}, rateDraw{&c.Redeliver, base.Redeliver},
		rateDraw{&c.Crash, base.Crash}, rateDraw{&c.Partition, base.Partition}, rateDraw{&c.Slow, base.Slow})
	for _, k := range info.Knobs {
		if k.Draw != nil {
			c.setParam(k.Name, k.Draw(d.intn), true)
		}
	}
	c.FIFO = d.intn(4) == 0                                                                    // after the others: the draws before it keep their values
	d.rates(rateDraw{&c.TornCrash, DurabilityRate}, rateDraw{&c.LoseUnsynced, DurabilityRate}, // likewise
		rateDraw{&c.LongDelay, LongDelayRate}, rateDraw{&c.Depose, DeposeRate}, rateDraw{&c.Lag, LagRate})
	return c.swarmLast(&d, info, reconfigs)
}

// swarmLast draws the knobs that came last, each after every draw before
// it, which keeps its value: the scheduler, a narrow propose window, a
// cluster of five for a run that reconfigures, hedging clients.
func (c Config) swarmLast(d *swarmDraw, info *Info, reconfigs bool) Config {
	w := info.Workload
	c.Scheduler, c.PCTDepth = SchedulerRandom, 0 // half the runs PCT, mostly at the default depth
	if pct, depth := d.intn(2) == 1, d.pick(2, 3, 3, 4); pct {
		c.Scheduler, c.PCTDepth = SchedulerPCT, depth
	}
	// Half the runs start their proposals and operations all but at once:
	// ballots duel from the first tick and a value is accepted here and
	// there before any wins, which a value adopted wrongly at a later
	// ballot needs (paxsim's adopt-round-only: 13 seeds in 20,000 with no
	// window, 4 with the default's).
	if narrow, w := d.intn(2) == 1, d.pick(0, 5, 20, 50); narrow {
		c.ProposeWindow = int64(w)
	}
	// Two thirds of the runs that reconfigure do so in a cluster where a
	// view change can go wrong.
	if wide := d.intn(3) != 0; wide && w.Reconfig && reconfigs {
		c.Nodes = max(c.Nodes, info.viewChangeNodes())
	}
	// Half the runs have clients that hedge.
	d.rates(rateDraw{&c.Hedge, HedgeRate})
	// Half the runs keep some messages to a crashed replica for its
	// restart (Config.Outlive).
	d.rates(rateDraw{&c.Outlive, OutliveRate})
	// A quarter of the runs have timers tuned for a network MistuneFactor
	// times faster than theirs (Config.Mistune; fit drops it on a long
	// tail, and where the slower delays do not fit the liveness bound).
	if d.intn(4) == 0 {
		c.Mistune = MistuneFactor
	}
	return c
}

// MistuneFactor is the Config.Mistune a swarm draws: delays four times
// those the timers were tuned for, so that a proposer's timer of four
// delays (a round trip of both phases) is one round trip of one.
const MistuneFactor = 4

// rateDraw is a rate a swarm draws, and the default it draws around.
type rateDraw struct {
	rate *float64
	def  float64
}

// rates draws each rate: on in half the runs, log-uniformly around its
// default (swarmDraw.rate), 0 in the others.
func (d *swarmDraw) rates(fs ...rateDraw) {
	for _, f := range fs {
		*f.rate = 0
		if on, r := d.intn(2) == 1, d.rate(f.def); on {
			*f.rate = r
		}
	}
}

// viewChangeNodes is the smallest cluster the swarm draws (Info.Nodes) in
// which a leader's phase-1 quorum of the whole cluster can miss every
// member of a majority of a smaller view that the leader belongs to: five
// nodes (promises from the leader and two others; a view of the leader
// and two more, whose majority is the two more). In three or four nodes a
// majority of the cluster always holds a member of every majority of any
// view with the leader in it, so a proposer that takes its quorum, or
// its phase 1, from the wrong view there breaks nothing a run can see.
// 0 when the protocol runs no cluster that large.
func (info *Info) viewChangeNodes() int {
	const least = 5
	best := 0
	for _, n := range info.nodeSizes() {
		if n >= least && (best == 0 || n < best) {
			best = n
		}
	}
	return best
}

// setParam sets (or, with ok false, unsets) protocol knob name.
func (c *Config) setParam(name, value string, ok bool) {
	params := maps.Clone(c.Params)
	if params == nil {
		params = map[string]string{}
	}
	if ok {
		params[name] = value
	} else {
		delete(params, name)
	}
	c.Params = params
}

// fit makes the draw d of c valid, whatever c pins: c is valid, and the
// knobs it keeps bound those that d draws. A drawn cluster grows to hold
// what the pinned knobs name (proposers, the nodes of scheduled faults and
// reconfigurations, --max-crashed); a drawn delay too long for the
// liveness bound gives way to c's own; drawn proposers are bounded by a
// pinned cluster (by its proposers, Info.Roles).
func (d *Config) fit(c Config, info *Info, pinned func(knob string) bool) {
	if !pinned("nodes") {
		d.Nodes = max(d.Nodes, c.nodesNeeded(info, pinned))
	}
	if info.Workload.Kind == Consensus && d.Clients != 0 {
		d.Clients = min(d.Clients, bits.OnesCount64(info.RolesOf(d.Nodes).Proposers))
	}
	if !pinned("delay") && !delayFits(d.Delay, c.Mistune, c) {
		d.Delay = c.Delay // as a pinned --mistune slows it: c's fits, c is valid
	}
	if !pinned("mistune") && d.Mistune > 1 {
		// Not on a long tail, whose stragglers outlast the timers already:
		// four times those leave Multi-Paxos live but past the bound.
		if delay, err := sim.ParseDelay(d.Delay); err != nil || delay.Dist == sim.LongTail || !delayFits(d.Delay, d.Mistune, c) {
			d.Mistune = c.Mistune
		}
	}
}

// delayFits reports whether delays dist, mistune times slower
// (Config.Mistune), leave c's liveness bound room to decide after the heal
// (simConfig's rule).
func delayFits(dist string, mistune int, c Config) bool {
	delay, err := sim.ParseDelay(dist)
	if err != nil {
		return false
	}
	delay = Config{Mistune: mistune}.mistuned(delay)
	return c.HealAt == 0 || c.Liveness == 0 || c.Liveness >= LivenessTicks(delay)
}

// nodesNeeded is the smallest cluster that holds what c keeps of the
// knobs pinned reports and the knobs a swarm never draws: the pinned
// proposers (a consensus workload), the members of a pinned
// reconfiguration schedule, --max-crashed, and each scheduled fault's
// nodes, with a node left over for the other side of a partition.
func (c Config) nodesNeeded(info *Info, pinned func(knob string) bool) int {
	need := max(1, c.MaxCrashed)
	if info.Workload.Kind == Consensus && pinned(ClientsKnob(info.Workload)) {
		for need < sim.MaxNodes && bits.OnesCount64(info.RolesOf(need).Proposers) < c.Clients {
			need++ // a cluster with a proposer for each client
		}
	}
	if info.Workload.Reconfig && pinned("reconfig") && strings.Contains(c.Reconfig, "@") {
		wide := c
		wide.Nodes, wide.MaxTime = sim.MaxNodes, MaxTicks+1
		if p, err := wide.reconfigSchedule(c.Reconfig); err == nil {
			for _, r := range p.schedule {
				for _, id := range r.members {
					need = max(need, int(id))
				}
			}
		}
	}
	for _, s := range c.Faults {
		f, err := sim.ParseFault(s)
		if err != nil || f.Nodes == 0 {
			continue
		}
		highest := 63 - bits.LeadingZeros64(f.Nodes)
		whole := f.Nodes == allNodes(highest) // nodes 1..highest: no other side
		if (f.Kind == sim.FaultPartition || f.Kind == sim.FaultOneWay) && whole {
			highest++
		}
		need = max(need, highest)
	}
	return need
}

// SwarmDiff lists the knobs of drawn that differ from c as flags
// ("--drop 0.1"), in SwarmKnobs order: what a seed's swarm drew.
func (c Config) SwarmDiff(info *Info, drawn Config) []string {
	var out []string
	for _, k := range SwarmKnobs(info) {
		switch was, is := c.swarmValue(info, k), drawn.swarmValue(info, k); {
		case was == is:
		case k == "fifo" && is == true:
			out = append(out, "--fifo")
		case k == "fifo":
			out = append(out, "--fifo=false")
		default:
			out = append(out, fmt.Sprintf("--%s %v", k, is))
		}
	}
	return out
}
