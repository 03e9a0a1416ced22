package scenarios

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// Config is everything that, with a seed, determines a run. It is plain
// data so that a reproducer file can carry it whole; field names match the
// CLI flags.
type Config struct {
	Protocol      string   `json:"protocol"`
	Variant       string   `json:"variant"`
	Nodes         int      `json:"nodes"`
	Proposers     int      `json:"proposers"`      // replicas that get a client proposal
	ProposeWindow int64    `json:"propose_window"` // client requests arrive in [0, window]
	Delay         string   `json:"delay"`          // sim.ParseDelay syntax
	Drop          float64  `json:"drop"`
	Dup           float64  `json:"dup"`
	Redeliver     float64  `json:"redeliver"`
	Crash         float64  `json:"crash"`
	Partition     float64  `json:"partition"`
	Slow          float64  `json:"slow"`
	FaultInterval int64    `json:"fault_interval"`
	MaxCrashed    int      `json:"max_crashed"` // 0 means a minority
	Faults        []string `json:"faults,omitempty"`
	HealAt        int64    `json:"heal_at"`  // 0: faults never heal, liveness is not judged
	Liveness      int64    `json:"liveness"` // ticks after HealAt to decide and learn
	MaxTime       int64    `json:"max_time"` // 0: HealAt + Liveness, or 10000 without a heal
	MaxEvents     int64    `json:"max_events"`
	// Multi-Paxos only: clients of the key-value service, the operations
	// each performs, and reconfigurations (a rate per fault interval, or
	// a schedule "1+2+3@200,1+2+3+4+5@600"; "" the default, "none" off).
	Clients  int    `json:"clients,omitempty"`
	Commands int    `json:"commands,omitempty"`
	Reconfig string `json:"reconfig,omitempty"`
}

// Default is the configuration a bare `paxsim run` uses: three replicas, two
// duelling proposers and a little of every fault until t=600. Proposals
// arrive in the first 200 ticks and most runs decide by t=150, so the heal
// comes soon after: faults drawn long after the decision find little.
func Default() Config {
	return Config{
		Protocol:      Paxos,
		Variant:       protocol.Correct,
		Nodes:         3,
		Proposers:     2,
		ProposeWindow: 200,
		Delay:         "1-10",
		Drop:          0.05,
		Dup:           0.02,
		Redeliver:     0.01,
		Crash:         0.005,
		Partition:     0.005,
		Slow:          0.005,
		FaultInterval: 10,
		HealAt:        600,
		Liveness:      3000,
		MaxEvents:     1_000_000,
	}
}

// ConfigError is a knob with a bad value. Field is the knob's name, as a
// flag and a JSON key.
type ConfigError struct {
	Field string
	Msg   string
}

func (e *ConfigError) Error() string { return fmt.Sprintf("invalid %s: %s", e.Field, e.Msg) }

func bad(field, format string, args ...any) error {
	return &ConfigError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// build checks a single-decree c and turns it into the simulator's and
// protocol's terms.
func (c Config) build() (sim.Config, protocol.Variant, error) {
	var sc sim.Config
	switch c.Protocol {
	case Paxos:
	case MultiPaxos:
		return sc, protocol.Variant{}, bad("protocol", "multipaxos runs record no decision traces: recording, replaying or shrinking a trace, and choice-driven runs, take paxos only")
	default:
		return sc, protocol.Variant{}, bad("protocol", "%q is not a known protocol (known: paxos, multipaxos)", c.Protocol)
	}
	variant, err := protocol.LookupVariant(c.Variant)
	if err != nil {
		return sc, variant, &ConfigError{Field: "variant", Msg: err.Error()}
	}
	switch {
	case c.Clients != 0:
		return sc, variant, bad("clients", "is for --protocol multipaxos (single-decree clients are --proposers)")
	case c.Commands != 0:
		return sc, variant, bad("commands", "is for --protocol multipaxos")
	case c.Reconfig != "":
		return sc, variant, bad("reconfig", "is for --protocol multipaxos")
	}
	if c.Nodes >= 1 && (c.Proposers < 1 || c.Proposers > c.Nodes) {
		return sc, variant, bad("proposers", "%d is not between 1 and nodes (%d): without a proposal there is nothing to decide", c.Proposers, c.Nodes)
	}
	sc, err = c.simConfig()
	return sc, variant, err
}

// simConfig checks the knobs every protocol shares and turns them into the
// simulator's terms.
func (c Config) simConfig() (sim.Config, error) {
	var sc sim.Config
	if c.Nodes < 1 || c.Nodes > sim.MaxNodes {
		return sc, bad("nodes", "%d is not between 1 and %d", c.Nodes, sim.MaxNodes)
	}
	for _, p := range []struct {
		field string
		v     float64
	}{{"drop", c.Drop}, {"dup", c.Dup}, {"redeliver", c.Redeliver}, {"crash", c.Crash}, {"partition", c.Partition}, {"slow", c.Slow}} {
		if !(p.v >= 0 && p.v <= 1) {
			return sc, bad(p.field, "%v is not a probability in [0, 1]", p.v)
		}
	}
	if c.Drop == 1 {
		return sc, bad("drop", "1 loses every message; use a rate below 1")
	}
	delay, err := sim.ParseDelay(c.Delay)
	if err != nil {
		return sc, &ConfigError{Field: "delay", Msg: err.Error()}
	}
	if delay.Max > maxTicks/100 {
		return sc, bad("delay", "%s: at most %d ticks", c.Delay, maxTicks/100)
	}
	for _, n := range []struct {
		field string
		v     int64
	}{{"propose-window", c.ProposeWindow}, {"heal-at", c.HealAt}, {"liveness", c.Liveness}, {"max-time", c.MaxTime}, {"max-events", c.MaxEvents}} {
		if n.v < 0 {
			return sc, bad(n.field, "%d is negative", n.v)
		}
		if n.v > maxTicks && n.field != "max-events" {
			return sc, bad(n.field, "%d is more than %d ticks", n.v, int64(maxTicks))
		}
	}
	if need := livenessTicks(delay); c.HealAt > 0 && c.Liveness > 0 && c.Liveness < need {
		return sc, bad("liveness", "%d ticks is too short for delays up to %d: deciding after the heal takes "+
			"several round trips and timeouts; use at least %d (30 times the longest delay)", c.Liveness, delay.Max, need)
	}
	if c.FaultInterval < 1 {
		return sc, bad("fault-interval", "%d is not a positive tick count", c.FaultInterval)
	}
	if c.MaxCrashed < 0 || c.MaxCrashed > c.Nodes {
		return sc, bad("max-crashed", "%d is not between 0 and nodes (%d)", c.MaxCrashed, c.Nodes)
	}
	if c.HealAt > 0 && c.Liveness < 1 {
		return sc, bad("liveness", "must be positive when faults heal (heal-at %d)", c.HealAt)
	}
	if c.MaxEvents == 0 {
		return sc, bad("max-events", "0 runs nothing")
	}
	sc = sim.Config{
		Nodes: c.Nodes,
		Network: sim.NetworkConfig{
			Delay: delay, DropRate: c.Drop, DupRate: c.Dup, RedeliverRate: c.Redeliver,
		},
		Faults: sim.FaultConfig{
			Interval:      sim.Time(c.FaultInterval),
			CrashRate:     c.Crash,
			MaxCrashed:    c.MaxCrashed,
			PartitionRate: c.Partition,
			SlowRate:      c.Slow,
		},
		HealAt: sim.Time(c.HealAt),
	}
	if sc.Faults.Schedule, err = c.scheduledFaults(); err != nil {
		return sc, err
	}
	if err := sc.Validate(); err != nil {
		return sc, &ConfigError{Field: "fault", Msg: err.Error()}
	}
	return sc, nil
}

// scheduledFaults parses c's --fault flags, each naming a node at most
// once.
func (c Config) scheduledFaults() ([]sim.ScheduledFault, error) {
	var out []sim.ScheduledFault
	for _, s := range c.Faults {
		f, err := sim.ParseFault(s)
		if err != nil {
			return nil, &ConfigError{Field: "fault", Msg: err.Error()}
		}
		if _, rest, _ := strings.Cut(s, ":"); strings.Count(strings.SplitN(rest, "@", 2)[0], ",")+1 != bits.OnesCount64(f.Nodes) {
			return nil, bad("fault", "%q names a node twice", s)
		}
		out = append(out, f)
	}
	return out, nil
}

// maxTicks bounds every time knob, far from int64 overflow.
const maxTicks = sim.MaxTicks

// livenessTicks is the shortest liveness bound that delays up to d.Max
// leave room for.
func livenessTicks(d sim.Delay) int64 { return 30 * int64(d.Max) }

// protocolConfig scales the protocol's timeouts with the network's delays:
// a retry sooner than a round trip would only duel.
func protocolConfig(variant protocol.Variant, d sim.Delay) protocol.Config {
	return protocol.Config{
		Variant:    variant,
		RetryTicks: max(50, 4*d.Max),
		LearnTicks: max(100, 8*d.Max),
	}
}

// Validate reports the first bad knob as a *ConfigError.
func (c Config) Validate() error {
	if c.Protocol == MultiPaxos {
		_, _, err := c.buildMP()
		return err
	}
	_, _, err := c.build()
	return err
}

// parseReconfigSchedule reads a reconfiguration schedule,
// "MEMBERS@TICK,..." (1+2+3@200,1+2+3+4+5@600), of a cluster of nodes
// replicas whose runs stop at end: every member a replica, every tick
// before the end.
func parseReconfigSchedule(r string, nodes int, end int64) ([]reconfigAt, error) {
	var schedule []reconfigAt
	for _, part := range strings.Split(r, ",") {
		members, at, _ := strings.Cut(part, "@")
		t, err := strconv.ParseInt(at, 10, 64)
		if err != nil || t < 0 {
			return nil, bad("reconfig", "%q: want MEMBERS@TICK, e.g. 1+2+3@200", part)
		}
		if t >= end {
			return nil, bad("reconfig", "%q: tick %d is not before the run's end at %d (--max-time, or --heal-at plus --liveness): it would never happen", part, t, end)
		}
		var ids []sim.NodeID
		for _, m := range strings.Split(members, "+") {
			id, err := strconv.Atoi(m)
			if err != nil || id < 1 || id > nodes {
				return nil, bad("reconfig", "%q: member %q is not a node (1..%d)", part, m, nodes)
			}
			ids = append(ids, sim.NodeID(id))
		}
		schedule = append(schedule, reconfigAt{sim.Time(t), ids})
	}
	return schedule, nil
}

// maxTime is the time at which a run stops.
func (c Config) maxTime() int64 {
	if c.MaxTime > 0 {
		return c.MaxTime
	}
	if c.HealAt > 0 {
		return c.HealAt + c.Liveness
	}
	return 10_000
}
