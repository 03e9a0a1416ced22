package scenarios

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/sim"
)

// Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012): instead of
// every run exercising a little of every fault, each seed draws its own
// configuration. Each fault kind is on or off with even odds, and a kind
// that is on gets a rate drawn from a wide range around the default,
// skewed so that a few runs are hammered by one kind; the cluster size,
// the proposers (for Multi-Paxos, the clients, their operations and the
// reconfiguration rate) and the message delays are drawn from ranges too.
// A configuration that leaves a fault out is what lets a bug that another
// fault masks show itself (a crash-heavy run without drops, say).

// SwarmKnobs are the knobs Swarm draws, by their flag names.
var SwarmKnobs = []string{"nodes", "proposers", "delay", "drop", "dup", "redeliver", "crash", "partition", "slow", "clients", "commands", "reconfig"}

// Swarm draws seed's configuration from c: the knobs in SwarmKnobs are
// drawn, except those pinned reports (the flags a user set); the others
// (protocol, variant, timing of the heal, bounds) stay as c has them. The
// draw is a pure function of c, seed and the pinned knobs, made from its
// own random stream: the run itself still draws from the seed as any run
// does, so `paxsim run` with the drawn configuration and the seed
// reproduces it.
func (c Config) Swarm(seed uint64, pinned func(knob string) bool) Config {
	d := c.swarmAll(seed)
	if pinned == nil {
		pinned = func(string) bool { return false }
	}
	// Every knob is drawn, pinned or not, so that pinning one leaves the
	// others' draws as they were.
	keep := func(knob string, dst, src any) {
		if !pinned(knob) {
			return
		}
		switch dst := dst.(type) {
		case *int:
			*dst = *src.(*int)
		case *float64:
			*dst = *src.(*float64)
		case *string:
			*dst = *src.(*string)
		}
	}
	keep("nodes", &d.Nodes, &c.Nodes)
	keep("proposers", &d.Proposers, &c.Proposers)
	keep("delay", &d.Delay, &c.Delay)
	keep("drop", &d.Drop, &c.Drop)
	keep("dup", &d.Dup, &c.Dup)
	keep("redeliver", &d.Redeliver, &c.Redeliver)
	keep("crash", &d.Crash, &c.Crash)
	keep("partition", &d.Partition, &c.Partition)
	keep("slow", &d.Slow, &c.Slow)
	keep("clients", &d.Clients, &c.Clients)
	keep("commands", &d.Commands, &c.Commands)
	keep("reconfig", &d.Reconfig, &c.Reconfig)
	d.fit(c, pinned)
	return d
}

// fit makes the draw d of c valid, whatever c pins: c is valid, and the
// knobs it keeps bound those that d draws. A drawn cluster grows to hold
// what the pinned knobs name (proposers, the nodes of scheduled faults and
// reconfigurations, --max-crashed); a drawn delay too long for the
// liveness bound (livenessTicks) gives way to c's own; drawn proposers
// are bounded by a pinned cluster.
func (d *Config) fit(c Config, pinned func(knob string) bool) {
	if !pinned("nodes") {
		d.Nodes = max(d.Nodes, c.nodesNeeded(pinned))
	}
	if d.Protocol != MultiPaxos {
		d.Proposers = min(d.Proposers, d.Nodes)
	}
	if !pinned("delay") && !delayFits(d.Delay, c) {
		d.Delay = c.Delay
	}
}

// delayFits reports whether delays dist leave c's liveness bound room to
// decide after the heal (simConfig's rule).
func delayFits(dist string, c Config) bool {
	delay, err := sim.ParseDelay(dist)
	if err != nil {
		return false
	}
	return c.HealAt == 0 || c.Liveness == 0 || c.Liveness >= livenessTicks(delay)
}

// nodesNeeded is the smallest cluster that holds what c keeps of the
// knobs pinned reports and the knobs a swarm never draws: the pinned
// proposers (single-decree), the members of a pinned reconfiguration
// schedule (Multi-Paxos), --max-crashed, and each scheduled fault's nodes,
// with a node left over for the other side of a partition.
func (c Config) nodesNeeded(pinned func(knob string) bool) int {
	need := max(1, c.MaxCrashed)
	if c.Protocol != MultiPaxos && pinned("proposers") {
		need = max(need, c.Proposers)
	}
	if c.Protocol == MultiPaxos && pinned("reconfig") && strings.Contains(c.Reconfig, "@") {
		if schedule, err := parseReconfigSchedule(c.Reconfig, sim.MaxNodes, maxTicks+1); err == nil {
			for _, r := range schedule {
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
		whole := f.Nodes == uint64(1)<<uint(highest+1)-2 // nodes 1..highest: no other side
		if (f.Kind == sim.FaultPartition || f.Kind == sim.FaultOneWay) && whole {
			highest++
		}
		need = max(need, highest)
	}
	return need
}

// swarmAll draws every swarm knob of c.
func (c Config) swarmAll(seed uint64) Config {
	d := swarmDraw{x: seed ^ 0x737761726d647261} // "swarmdra"
	c.Nodes = d.pick(3, 3, 3, 4, 5, 5)
	// Mostly duels: two or three proposers; sometimes one, or every
	// replica.
	proposers := d.pick(1, 2, 2, 2, 3, 3, c.Nodes)
	clients, commands := 2+d.intn(5), 3+d.intn(8)
	reconfig := "none" // in a quarter of the runs; the others reconfigure, some often
	if on, r := d.intn(4) != 0, d.rate(4*defaultReconfig); on && c.Protocol == MultiPaxos {
		reconfig = formatRate(r)
	}
	if c.Protocol == MultiPaxos {
		c.Clients, c.Commands, c.Reconfig = clients, commands, reconfig
	} else {
		c.Proposers = min(c.Nodes, proposers)
	}
	c.Delay = []string{"1-3", "1-10", "1-10", "1-30", "tail:1-10", "5-10"}[d.intn(6)]
	base := Default()
	for _, f := range []struct {
		rate *float64
		def  float64
	}{
		{&c.Drop, base.Drop}, {&c.Dup, base.Dup}, {&c.Redeliver, base.Redeliver},
		{&c.Crash, base.Crash}, {&c.Partition, base.Partition}, {&c.Slow, base.Slow},
	} {
		*f.rate = 0
		if on, r := d.intn(2) == 1, d.rate(f.def); on {
			*f.rate = r
		}
	}
	return c
}

// SwarmDiff lists the knobs of drawn that differ from c as flags
// ("--drop 0.1"), in SwarmKnobs order: what a seed's swarm drew.
func (c Config) SwarmDiff(drawn Config) []string {
	var out []string
	add := func(knob string, a, b any) {
		if a != b {
			out = append(out, fmt.Sprintf("--%s %v", knob, b))
		}
	}
	add("nodes", c.Nodes, drawn.Nodes)
	add("proposers", c.Proposers, drawn.Proposers)
	add("delay", c.Delay, drawn.Delay)
	add("drop", c.Drop, drawn.Drop)
	add("dup", c.Dup, drawn.Dup)
	add("redeliver", c.Redeliver, drawn.Redeliver)
	add("crash", c.Crash, drawn.Crash)
	add("partition", c.Partition, drawn.Partition)
	add("slow", c.Slow, drawn.Slow)
	add("clients", c.Clients, drawn.Clients)
	add("commands", c.Commands, drawn.Commands)
	add("reconfig", c.Reconfig, drawn.Reconfig)
	return out
}

// swarmDraw is the random stream of a seed's swarm draw (splitmix64).
type swarmDraw struct{ x uint64 }

func (d *swarmDraw) next() uint64 {
	d.x = splitmix(d.x)
	return d.x
}

func (d *swarmDraw) intn(n int) int { return int(d.next() % uint64(n)) }

func (d *swarmDraw) pick(xs ...int) int { return xs[d.intn(len(xs))] }

// rate draws a rate log-uniformly between def/4 and def*8 (at most 0.5):
// most runs near the default, a few hammered.
func (d *swarmDraw) rate(def float64) float64 {
	u := float64(d.next()>>11) / (1 << 53) // [0, 1)
	r := def * math.Exp2(-2+5*u)
	return math.Min(roundRate(r), 0.5)
}

// roundRate keeps three significant digits, so that drawn rates print
// and parse back exactly: it is the double nearest the decimal that
// FormatFloat(r, 'g', 3) prints. A swarm draws several rates a seed, so it
// computes that without formatting: with r*10^k in [100, 1000) for an
// exact power 10^k, the three digits are round(r*10^k) and the double
// nearest them times 10^-k is their correctly rounded quotient. Where the
// product's rounding could differ from the exact decimal's (a near tie,
// or near a power of ten), it formats and parses.
func roundRate(r float64) float64 {
	if r > 0 && r < 1 {
		k := 2 - int(math.Floor(math.Log10(r)))
		if k <= 22 { // 10^k is exact
			p := pow10[k]
			s := r * p
			if frac := s - math.Floor(s); s >= 100.001 && s < 999.499 && math.Abs(frac-0.5) > 1e-6 {
				return math.Round(s) / p
			}
		}
	}
	return roundRateSlow(r)
}

func roundRateSlow(r float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(r, 'g', 3, 64), 64)
	return v
}

// pow10 holds the powers of ten that are exact doubles.
var pow10 = func() (p [23]float64) {
	p[0] = 1
	for k := 1; k < len(p); k++ {
		p[k] = p[k-1] * 10
	}
	return p
}()

func formatRate(r float64) string { return strconv.FormatFloat(r, 'g', -1, 64) }
