package sim

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Config sets up a World. Every knob is per run; the zero value of a rate
// turns that fault off.
type Config struct {
	Nodes   int           // cluster size, 1..MaxNodes
	Network NetworkConfig // delays, drops, duplicates, re-deliveries
	Faults  FaultConfig   // crashes, partitions, slowness
	// HealAt, when positive, is the time at which every fault heals: crashed
	// nodes restart, partitions heal, slow and paused nodes recover, the
	// network stops dropping, duplicating and re-delivering, and no new
	// fault starts. A liveness check measures progress from this time.
	HealAt Time
	// Mode is Timed (the default) or Choice. A Choice world ignores delays,
	// rates, scheduled faults and HealAt: its scheduler decides, within
	// the bounds of Choice (and Faults.MaxCrashed).
	Mode   Mode
	Choice ChoiceConfig
}

// NetworkConfig describes the faulty network.
type NetworkConfig struct {
	Delay         Delay   // delay distribution; independent delays reorder messages
	DropRate      float64 // probability that a sent message is lost
	DupRate       float64 // probability that a sent message is delivered twice
	RedeliverRate float64 // probability, per send, that an old message is delivered again
	// LongDelayRate is the probability, per message between two nodes,
	// that it takes a long delay drawn from LongDelay on top of its own:
	// long enough to outlive an election, so that a deposed leader's
	// messages reach the replicas after its successor's (deep.go).
	LongDelayRate float64
	LongDelay     Range // 0: DefaultLongDelay
	// OutliveRate is the probability that a message reaching a node that
	// is down, and restarts by itself later, waits on its link for the
	// restart instead of being lost (FaultOutlive): a message sent before
	// its receiver's crash and delivered after it, to a node that has
	// only what it persisted. A node that replied on state it never
	// persisted then meets the messages that state should refuse. Not on
	// FIFO links (a connection dies with its receiver).
	OutliveRate float64
	// LinkCapacity bounds the messages in flight on one link, from a
	// sender to a receiver (a node's messages to itself included): a
	// message sent, duplicated or re-delivered onto a full link is lost,
	// counted as FaultOverflow. 0 means DefaultLinkCapacity. It is a
	// bound, not a fault to turn on: with the default, ordinary runs never
	// reach it; it keeps a run whose duplicates breed more duplicates from
	// piling up messages without end. It holds after the heal too: the
	// heal ends faults, it does not make links endless. Client requests
	// (World.Request) are the workload, not traffic: they are not counted.
	//
	// A Choice world does not apply it. Its network grows by one step's
	// sends at a time, and every driver bounds its steps (the explorer's
	// depth, rapid's and the fuzzer's step budgets), so nothing piles up
	// without end; and every loss there must be its scheduler's decision
	// (a drop), one that a decision trace records and a shrinker can
	// remove, not a side effect of the bound. When it turns Timed
	// (SwitchToTimed), the messages it holds are all admitted, and the
	// bound applies to what is sent from then on.
	//
	// On a FIFO link a full link makes room instead: its oldest message is
	// lost, so that every loss on a FIFO link is of its oldest message.
	LinkCapacity int
	// FIFO makes every link (a sender to a receiver) deliver its messages
	// in the order sent, as TCP does: a message arrives no earlier than
	// the one sent before it on its link. See fifo.go for what the other
	// network faults mean then. Client requests (World.Request) come from
	// distinct clients and keep no order among them. A Choice world with
	// FIFO links needs a Multiset network: a set keeps no order.
	FIFO bool
}

// DefaultLinkCapacity is NetworkConfig.LinkCapacity when it is 0: about
// four times the most that a link of an ordinary run holds at once (some
// 950 messages, from 1,000 Multi-Paxos clients on three replicas; a
// single-decree swarm stays under 10), and few enough that a run whose
// duplicates breed holds at most (nodes+1)^2 times it.
const DefaultLinkCapacity = 4096

// MaxLinkCapacity bounds NetworkConfig.LinkCapacity.
const MaxLinkCapacity = 1 << 20

// DelayDist names a delay distribution.
type DelayDist uint8

// The delay distributions.
const (
	// Uniform draws each delay uniformly from [Min, Max].
	Uniform DelayDist = iota
	// LongTail draws like Uniform, except that one message in ten takes up
	// to ten times Max: a few stragglers arrive long after their peers.
	LongTail
)

// Delay is a distribution of message delays in ticks.
type Delay struct {
	Dist     DelayDist
	Min, Max Time
}

func (d Delay) String() string {
	prefix := ""
	if d.Dist == LongTail {
		prefix = "tail:"
	}
	if d.Min == d.Max {
		return prefix + strconv.FormatInt(int64(d.Min), 10)
	}
	return fmt.Sprintf("%s%d-%d", prefix, d.Min, d.Max)
}

// ParseDelay parses "N", "MIN-MAX", "uniform:MIN-MAX" or "tail:MIN-MAX".
func ParseDelay(s string) (Delay, error) {
	var d Delay
	body := s
	if name, rest, ok := strings.Cut(s, ":"); ok {
		switch name {
		case "uniform":
			d.Dist = Uniform
		case "tail":
			d.Dist = LongTail
		default:
			return d, fmt.Errorf("unknown delay distribution %q (want uniform or tail)", name)
		}
		body = rest
	}
	r, err := ParseRange(body)
	if err != nil {
		return d, err
	}
	d.Min, d.Max = r.Min, r.Max
	if d.Min < 1 {
		return d, fmt.Errorf("delay %q: the minimum must be at least 1 tick", s)
	}
	return d, nil
}

// Range is an inclusive range of ticks.
type Range struct{ Min, Max Time }

func (r Range) String() string {
	if r.Min == r.Max {
		return strconv.FormatInt(int64(r.Min), 10)
	}
	return fmt.Sprintf("%d-%d", r.Min, r.Max)
}

// ParseRange parses "N" or "MIN-MAX" with 0 <= MIN <= MAX.
func ParseRange(s string) (Range, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	if !isRange {
		hi = lo
	}
	a, errA := strconv.ParseInt(lo, 10, 64)
	b, errB := strconv.ParseInt(hi, 10, 64)
	if errA != nil || errB != nil {
		return Range{}, fmt.Errorf("%q is not N or MIN-MAX in ticks", s)
	}
	if a < 0 || b < a {
		return Range{}, fmt.Errorf("range %q: want 0 <= MIN <= MAX", s)
	}
	return Range{Time(a), Time(b)}, nil
}

// FaultConfig describes node and partition faults: random ones, drawn every
// Interval ticks until HealAt, and scheduled ones.
type FaultConfig struct {
	Interval  Time    // ticks between random fault draws; 0 means 10
	CrashRate float64 // per up node and interval: probability of a crash
	// TornCrashRate is, per up node and interval, the probability that
	// the node's next handler is cut by a crash between two of its
	// effects (effects.go).
	TornCrashRate float64
	// LoseUnsyncedRate is, per up node and interval, the probability of
	// a crash that loses some of the node's unsynced writes: it keeps a
	// prefix of those made since the last sync, drawn (storage.go).
	LoseUnsyncedRate float64
	MaxCrashed       int     // most nodes down at once; 0 means a minority, (N-1)/2
	Downtime         Range   // how long a crashed node stays down
	PartitionRate    float64 // per interval: probability that a partition starts
	PartitionLength  Range   // how long a partition lasts
	SlowRate         float64 // per node and interval: probability of a slowdown or pause
	SlowLength       Range   // how long it lasts
	SlowFactorMax    int     // a slowed node's delays and timers stretch 2..SlowFactorMax times
	// DeposeRate is, per interval, the probability that the current
	// leader (World.SetLeader names it) is paused or cut off from every
	// other node for a PartitionLength: a forced leader change (deep.go).
	DeposeRate float64
	// LagRate is, per interval, the probability that a node, while no
	// other lags, is cut off from every other node for a LagLength (capped
	// at the heal): long enough for the others to get past what a catch-up
	// reply carries (deep.go).
	LagRate   float64
	LagLength Range // 0: DefaultLagLength
	// Schedule lists faults at fixed times, in addition to the random ones.
	Schedule []ScheduledFault
	// KeepFaulty is the nodes (bit per id) outside the liveness core: at
	// the heal, one of them that is down stays down and one that a
	// partition cuts off stays cut off from every other node, for good;
	// the core, and healthy nodes outside it, heal as usual. A run's
	// liveness phase then asks progress of the core alone. It must leave a
	// majority of the nodes in the core.
	KeepFaulty uint64
	// Inert switches off the effect of the random faults of some kinds
	// (bit 1<<FaultKind: drop, dup, redeliver, crash, partition, slow):
	// they are drawn as usual but do nothing. It exists for the harness's
	// own tests: a campaign must notice a fault kind that never fires.
	Inert uint32
}

// FaultKind names a kind of fault. The names are stable: they appear in
// campaign summaries and reproducers.
type FaultKind uint8

// The fault kinds counted in Stats.
const (
	FaultDrop          FaultKind = iota // a message dropped by the network
	FaultDup                            // a message duplicated
	FaultRedeliver                      // an old message delivered again
	FaultPartition                      // a symmetric partition started
	FaultOneWay                         // a one-way partition started
	FaultPartitionDrop                  // a message lost to a partition
	FaultCrash                          // a node crashed
	FaultRestart                        // a node restarted from durable state
	FaultLost                           // a message or request that reached a crashed node
	FaultSlow                           // a node slowed down
	FaultPause                          // a node paused
	FaultOverflow                       // a message lost to a full link (NetworkConfig.LinkCapacity)
	FaultTornCrash                      // a node crashed inside a handler, between two of its effects
	FaultLostUnsynced                   // a node crashed losing its unsynced writes (a power cut)
	FaultLongDelay                      // a message took a long delay (NetworkConfig.LongDelayRate)
	FaultDepose                         // the current leader was paused or cut off (FaultConfig.DeposeRate)
	FaultLag                            // a node was cut off to lag behind (FaultConfig.LagRate)
	FaultOutlive                        // a message to a down node waited for its restart (NetworkConfig.OutliveRate)
	NumFaultKinds
)

var faultNames = [NumFaultKinds]string{
	FaultDrop:          "drop",
	FaultDup:           "dup",
	FaultRedeliver:     "redeliver",
	FaultPartition:     "partition",
	FaultOneWay:        "partition-oneway",
	FaultPartitionDrop: "partition-drop",
	FaultCrash:         "crash",
	FaultRestart:       "restart",
	FaultLost:          "lost-at-crashed",
	FaultSlow:          "slow",
	FaultPause:         "pause",
	FaultOverflow:      "overflow",
	FaultTornCrash:     "torn-crash",
	FaultLostUnsynced:  "lost-unsynced",
	FaultLongDelay:     "long-delay",
	FaultDepose:        "depose",
	FaultLag:           "lag",
	FaultOutlive:       "outlive",
}

func (k FaultKind) String() string {
	if k < NumFaultKinds {
		return faultNames[k]
	}
	return fmt.Sprintf("fault(%d)", uint8(k))
}

// ScheduledFault is a fault at a fixed time.
type ScheduledFault struct {
	Kind FaultKind // FaultCrash, FaultPartition, FaultOneWay, FaultSlow or FaultPause
	// Nodes are the nodes crashed, slowed or paused; for a partition, one
	// side (the other side is every other node); for a one-way partition,
	// the senders whose messages to every other node are lost.
	Nodes  uint64
	Start  Time
	End    Time // when it heals; 0 means at HealAt, or never without one
	Factor int  // FaultSlow only: how many times slower (at least 2)
}

func (f ScheduledFault) String() string {
	var b strings.Builder
	switch f.Kind {
	case FaultCrash:
		b.WriteString("crash:")
	case FaultPartition:
		b.WriteString("partition:")
	case FaultOneWay:
		b.WriteString("oneway:")
	case FaultSlow:
		b.WriteString("slow:")
	case FaultPause:
		b.WriteString("pause:")
	}
	b.WriteString(FormatNodes(f.Nodes))
	if f.Kind == FaultSlow {
		fmt.Fprintf(&b, "x%d", f.Factor)
	}
	fmt.Fprintf(&b, "@%d", f.Start)
	if f.End > 0 {
		fmt.Fprintf(&b, "-%d", f.End)
	}
	return b.String()
}

// ParseFault parses a scheduled fault:
//
//	crash:2@100-400       node 2 crashes at 100 and restarts at 400
//	partition:1,2@50-300  {1,2} and the rest cannot talk from 50 to 300
//	oneway:3@50-300       messages from 3 to every other node are lost
//	slow:1x4@0-200        node 1's deliveries and timers take 4 times longer
//	pause:2@10-90         node 2 runs nothing from 10 to 90, then catches up
//
// The end is optional: without it the fault lasts until HealAt.
func ParseFault(s string) (ScheduledFault, error) {
	var f ScheduledFault
	kind, rest, ok := strings.Cut(s, ":")
	if !ok {
		return f, fmt.Errorf("fault %q: want KIND:NODES@START[-END]", s)
	}
	switch kind {
	case "crash":
		f.Kind = FaultCrash
	case "partition":
		f.Kind = FaultPartition
	case "oneway":
		f.Kind = FaultOneWay
	case "slow":
		f.Kind = FaultSlow
	case "pause":
		f.Kind = FaultPause
	default:
		return f, fmt.Errorf("fault %q: unknown kind %q (want crash, partition, oneway, slow or pause)", s, kind)
	}
	nodes, when, ok := strings.Cut(rest, "@")
	if !ok {
		return f, fmt.Errorf("fault %q: missing @START", s)
	}
	if f.Kind == FaultSlow {
		var factor string
		nodes, factor, ok = strings.Cut(nodes, "x")
		n, err := strconv.Atoi(factor)
		if !ok || err != nil || n < 2 {
			return f, fmt.Errorf("fault %q: slow needs NODESxFACTOR with FACTOR >= 2", s)
		}
		f.Factor = n
	}
	mask, err := ParseNodes(nodes)
	if err != nil {
		return f, fmt.Errorf("fault %q: %v", s, err)
	}
	f.Nodes = mask
	start, end, hasEnd := strings.Cut(when, "-")
	a, err := strconv.ParseInt(start, 10, 64)
	if err != nil || a < 0 {
		return f, fmt.Errorf("fault %q: start %q is not a tick count", s, start)
	}
	f.Start = Time(a)
	if hasEnd {
		b, err := strconv.ParseInt(end, 10, 64)
		if err != nil || b <= a {
			return f, fmt.Errorf("fault %q: end %q must be a tick count after the start", s, end)
		}
		f.End = Time(b)
	}
	return f, nil
}

// ParseNodes parses a comma-separated list of node ids into a mask.
func ParseNodes(s string) (uint64, error) {
	var mask uint64
	for _, part := range strings.Split(s, ",") {
		id, err := strconv.Atoi(part)
		if err != nil || id < 1 || id > MaxNodes {
			return 0, fmt.Errorf("%q is not a node id (1..%d)", part, MaxNodes)
		}
		mask |= 1 << uint(id)
	}
	return mask, nil
}

// FormatNodes renders a node mask as a comma-separated list of ids.
func FormatNodes(mask uint64) string {
	var parts []string
	for m := mask; m != 0; m &= m - 1 {
		parts = append(parts, strconv.Itoa(bits.TrailingZeros64(m)))
	}
	return strings.Join(parts, ",")
}

// withDefaults fills the zero knobs that have a sensible default.
func (c Config) withDefaults() Config {
	if c.Network.Delay.Max == 0 {
		c.Network.Delay = Delay{Min: 1, Max: 10}
	}
	if c.Network.LinkCapacity == 0 {
		c.Network.LinkCapacity = DefaultLinkCapacity
	}
	f := &c.Faults
	if f.Interval == 0 {
		f.Interval = 10
	}
	if f.MaxCrashed == 0 {
		f.MaxCrashed = (c.Nodes - 1) / 2
	}
	if f.Downtime.Max == 0 {
		f.Downtime = Range{20, 200}
	}
	if f.PartitionLength.Max == 0 {
		f.PartitionLength = Range{20, 300}
	}
	if f.SlowLength.Max == 0 {
		f.SlowLength = Range{20, 200}
	}
	if f.SlowFactorMax == 0 {
		f.SlowFactorMax = 8
	}
	if c.Network.LongDelay.Max == 0 {
		c.Network.LongDelay = DefaultLongDelay
	}
	if f.LagLength.Max == 0 {
		f.LagLength = DefaultLagLength
	}
	return c
}

// MaxTicks bounds every time knob, so that sums of times and stretched
// delays stay far from overflowing.
const MaxTicks = 1 << 40

// maxSlowFactor bounds how much slower a slowed node runs.
const maxSlowFactor = 1000

// Validate reports the first knob that is out of range.
func (c Config) Validate() error {
	if c.Nodes < 1 || c.Nodes > MaxNodes {
		return fmt.Errorf("nodes must be between 1 and %d, not %d", MaxNodes, c.Nodes)
	}
	all := uint64(1)<<uint(c.Nodes+1) - 2
	if k := c.Faults.KeepFaulty; k&^all != 0 || bits.OnesCount64(k) > (c.Nodes-1)/2 {
		return fmt.Errorf("keep-faulty {%s} must be a minority of nodes 1..%d", FormatNodes(k), c.Nodes)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{
		{"drop rate", c.Network.DropRate}, {"dup rate", c.Network.DupRate},
		{"redeliver rate", c.Network.RedeliverRate}, {"crash rate", c.Faults.CrashRate},
		{"partition rate", c.Faults.PartitionRate}, {"slow rate", c.Faults.SlowRate},
		{"torn-crash rate", c.Faults.TornCrashRate}, {"lose-unsynced rate", c.Faults.LoseUnsyncedRate},
		{"long-delay rate", c.Network.LongDelayRate}, {"depose rate", c.Faults.DeposeRate}, {"lag rate", c.Faults.LagRate},
		{"outlive rate", c.Network.OutliveRate},
	} {
		if !(p.v >= 0 && p.v <= 1) {
			return fmt.Errorf("%s must be a probability in [0, 1], not %v", p.name, p.v)
		}
	}
	d := c.Network.Delay
	if d.Max != 0 && (d.Min < 1 || d.Max < d.Min) {
		return fmt.Errorf("delay %s: want 1 <= MIN <= MAX", d)
	}
	if c.Network.FIFO && c.Mode == Choice && c.Choice.Network == SentSet {
		return errors.New("FIFO links need a multiset network: a set network keeps no order to keep")
	}
	if n := c.Network.LinkCapacity; n < 0 || n > MaxLinkCapacity {
		return fmt.Errorf("link capacity must be between 1 and %d messages (0: %d), not %d", MaxLinkCapacity, DefaultLinkCapacity, n)
	}
	if c.Faults.Interval < 0 || c.HealAt < 0 {
		return errors.New("fault interval and heal time must not be negative")
	}
	if c.Faults.MaxCrashed < 0 || c.Faults.MaxCrashed > c.Nodes {
		return fmt.Errorf("max crashed must be between 0 and %d, not %d", c.Nodes, c.Faults.MaxCrashed)
	}
	if c.Faults.SlowFactorMax != 0 && c.Faults.SlowFactorMax < 2 {
		return fmt.Errorf("slow factor max must be at least 2, not %d", c.Faults.SlowFactorMax)
	}
	for _, r := range []struct {
		name string
		r    Range
	}{{"downtime", c.Faults.Downtime}, {"partition length", c.Faults.PartitionLength}, {"slow length", c.Faults.SlowLength},
		{"delay", Range{c.Network.Delay.Min, c.Network.Delay.Max}}, {"heal time", Range{0, c.HealAt}},
		{"fault interval", Range{0, c.Faults.Interval}}} {
		if r.r.Min < 0 || r.r.Max < r.r.Min || r.r.Max > MaxTicks {
			return fmt.Errorf("%s %d-%d: want 0 <= MIN <= MAX <= %d", r.name, r.r.Min, r.r.Max, MaxTicks)
		}
	}
	if c.Faults.SlowFactorMax > maxSlowFactor {
		return fmt.Errorf("slow factor max must be at most %d, not %d", maxSlowFactor, c.Faults.SlowFactorMax)
	}
	for _, f := range c.Faults.Schedule {
		if err := f.validate(c.Nodes, all); err != nil {
			return err
		}
	}
	return nil
}

// validate checks a scheduled fault in a cluster of nodes (all: the bit of
// every node).
func (f ScheduledFault) validate(nodes int, all uint64) error {
	switch f.Kind {
	case FaultCrash, FaultPartition, FaultOneWay, FaultPause:
	case FaultSlow:
		if f.Factor < 2 || f.Factor > maxSlowFactor {
			return fmt.Errorf("fault %s: a slowdown needs a factor from 2 to %d", f, maxSlowFactor)
		}
	default:
		return fmt.Errorf("fault of kind %s cannot be scheduled (want crash, partition, oneway, slow or pause)", f.Kind)
	}
	if f.Start < 0 || (f.End != 0 && f.End <= f.Start) || f.End > MaxTicks {
		return fmt.Errorf("fault %s: the end must come after the start, which must not be negative", f)
	}
	if f.Nodes == 0 || f.Nodes&^all != 0 {
		return fmt.Errorf("fault %s names a node outside 1..%d", f, nodes)
	}
	if (f.Kind == FaultPartition || f.Kind == FaultOneWay) && f.Nodes == all {
		return fmt.Errorf("fault %s cuts off every node: a partition needs two sides", f)
	}
	return nil
}
