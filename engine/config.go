package engine

import (
	"cmp"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// Config is everything that, with a seed, determines a run of any
// protocol. It is plain data, so that a reproducer file carries it whole;
// field names match the CLI flags.
type Config struct {
	Protocol string `json:"protocol"`
	Variant  string `json:"variant"`
	Nodes    int    `json:"nodes"`
	// Clients and Commands shape the workload: how many clients, and how
	// many operations each performs (a Consensus client makes one). 0
	// means the protocol's default (Workload).
	Clients       int     `json:"clients,omitempty"`
	Commands      int     `json:"commands,omitempty"`
	ProposeWindow int64   `json:"propose_window"` // operations start in [0, window]
	Delay         string  `json:"delay"`          // sim.ParseDelay syntax
	Drop          float64 `json:"drop"`
	Dup           float64 `json:"dup"`
	Redeliver     float64 `json:"redeliver"`
	Crash         float64 `json:"crash"`
	Partition     float64 `json:"partition"`
	Slow          float64 `json:"slow"`
	// TornCrash and LoseUnsynced are the durability faults' rates
	// (sim.FaultConfig.TornCrashRate, LoseUnsyncedRate): a crash inside a
	// handler, between two of its effects, and a crash that loses the
	// writes made since the last sync. Off unless set; a swarm draws each
	// in half its runs, around DurabilityRate.
	TornCrash    float64 `json:"torn_crash"`
	LoseUnsynced float64 `json:"lose_unsynced"`
	// LongDelay, Depose and Lag are the faults that reach deep states
	// (sim.NetworkConfig.LongDelayRate, sim.FaultConfig.DeposeRate and
	// LagRate): a message that outlives an election, the current leader
	// paused or cut off, a replica cut off long enough to lag past a
	// catch-up. Off unless set; a swarm draws each in half its runs.
	LongDelay float64 `json:"long_delay,omitempty"`
	Depose    float64 `json:"depose,omitempty"`
	Lag       float64 `json:"lag,omitempty"`
	// Outlive is the chance that a message reaching a replica that is
	// down waits for its restart instead of being lost
	// (sim.NetworkConfig.OutliveRate): what a replica answered before a
	// crash, on state it never persisted, is then tested by the messages
	// that state should refuse. Off unless set; a swarm draws it in half
	// its runs, around OutliveRate.
	Outlive float64 `json:"outlive,omitempty"`
	// Mistune is how many times slower the network is than the one the
	// nodes' timers were tuned for: every delay of Delay is multiplied by
	// it, while Setup.MaxDelay, what a protocol's timeouts scale with,
	// stays the top of Delay as written. A retry or election timer then
	// fires sooner than a round trip, as in a deployment whose timeouts
	// were set for a faster network, and only a backoff that grows (or
	// another way to settle duelling proposers) stays live. 0 or 1: tuned.
	// Off unless set; a swarm draws MistuneFactor in a quarter of its
	// runs, where the slower delays leave the liveness bound room.
	Mistune int `json:"mistune,omitempty"`
	// Hedge is the chance that a client sends a request to a second
	// replica that proposes, at once, as a client that hedges against a
	// slow or deposed leader does. A key-value client hedges new and
	// retried requests: two replicas then hold the command, and a lagging
	// one may propose it again after the client moved on, which is what a
	// replica's dedup must survive. A consensus object's client hedges its
	// one proposal: a proposer then holds several clients' values, and
	// one that restarts may be asked for another value than it proposed
	// before. Off unless set; a swarm draws it in half its runs.
	Hedge         float64  `json:"hedge,omitempty"`
	FaultInterval int64    `json:"fault_interval"`
	MaxCrashed    int      `json:"max_crashed"` // 0 means a minority
	Faults        []string `json:"faults,omitempty"`
	HealAt        int64    `json:"heal_at"`  // 0: faults never heal, liveness is not judged
	Liveness      int64    `json:"liveness"` // ticks after HealAt to decide and learn
	MaxTime       int64    `json:"max_time"` // 0: HealAt + Liveness, or 10000 without a heal
	MaxEvents     int64    `json:"max_events"`
	// FIFO makes every link deliver in the order sent, as TCP does
	// (sim.NetworkConfig.FIFO): for implementations that count on it.
	FIFO bool `json:"fifo,omitempty"`
	// Reconfig, for a protocol that takes reconfigurations: a rate per
	// fault interval, a schedule "1+2+3@200,1+2+3+4+5@600", "" for the
	// default rate, or "none".
	Reconfig string `json:"reconfig,omitempty"`
	// Params holds the protocol's own knobs (Info.Knobs) that are set.
	Params map[string]string `json:"params,omitempty"`
	// Scheduler answers the run's message delays: "" or SchedulerRandom
	// draws each at random, SchedulerPCT by priorities with PCTDepth
	// change points (scheduler.go).
	Scheduler string `json:"scheduler,omitempty"`
	PCTDepth  int    `json:"pct_depth,omitempty"`
}

// Default is the configuration a bare `paxsim run` uses: three replicas
// and a little of every fault until t=600. Operations start in the first
// 200 ticks and most runs decide by t=150, so the heal comes soon after:
// faults drawn long after the decision find little.
func Default() Config {
	return Config{
		Variant:       Correct,
		Nodes:         3,
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

// DefaultReconfig is the default rate of reconfigurations per fault
// interval, until the heal, for a protocol that takes them.
const DefaultReconfig = 0.005

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

// MaxTicks bounds every time knob, far from int64 overflow.
const MaxTicks = sim.MaxTicks

// plan is a Config resolved for one protocol: the simulator's config, the
// nodes' setup and the workload.
type plan struct {
	sc       sim.Config
	setup    Setup
	clients  int
	commands int
	window   int // Info.WindowOf the run, 0 for none
	reconfig reconfigPlan
	roles    Roles
	quorums  checker.Quorums
}

// reconfigPlan is Config.Reconfig resolved: a rate per fault interval, or
// changes at fixed times.
type reconfigPlan struct {
	rate     float64
	schedule []reconfigAt
}

type reconfigAt struct {
	at      sim.Time
	members []sim.NodeID
}

// resolve checks c for the protocol info describes.
func (c Config) resolve(info *Info) (plan, error) {
	var p plan
	if c.Protocol != info.Name {
		return p, bad("protocol", "%q is not %s", c.Protocol, info.Name)
	}
	if _, err := info.LookupVariant(c.Variant); err != nil {
		return p, &ConfigError{Field: "variant", Msg: err.Error()}
	}
	sc, err := c.simConfig()
	if err != nil {
		return p, err
	}
	if err := c.checkScheduler(); err != nil {
		return p, err
	}
	p.sc = sc
	p.roles = info.RolesOf(c.Nodes)
	if err := p.roles.check(c.Nodes); err != nil {
		return p, bad("nodes", "%s's roles: %v", info.Name, err)
	}
	e := c.Effective(info)
	if err := e.checkWorkload(info.Workload, p.roles); err != nil {
		return p, err
	}
	p.clients, p.commands, p.window = e.Clients, e.Commands, info.WindowOf(e)
	if p.reconfig, err = e.reconfigPlan(info.Workload); err != nil {
		return p, err
	}
	params, err := c.params(info)
	if err != nil {
		return p, err
	}
	p.setup = Setup{Nodes: c.Nodes, Variant: c.Variant, MaxDelay: sc.Network.Delay.Max / sim.Time(max(1, c.Mistune)), Params: params}
	p.quorums = info.QuorumsIn(p.setup)
	return p, nil
}

// Validate reports the first bad knob of c, for the protocol info
// describes, as a *ConfigError.
func (c Config) Validate(info *Info) error {
	_, err := c.resolve(info)
	return err
}

// Resolve checks c for the protocol info describes and turns it into the
// simulator's config and the nodes' setup.
func (c Config) Resolve(info *Info) (sim.Config, Setup, error) {
	p, err := c.resolve(info)
	return p.sc, p.setup, err
}

// checkWorkload checks the clients and commands against the workload,
// the defaults filled in (Effective).
func (c Config) checkWorkload(w Workload, r Roles) error {
	proposers := bits.OnesCount64(r.Proposers)
	switch {
	case w.Kind == Consensus && (c.Clients < 1 || c.Clients > proposers) && proposers == c.Nodes:
		return bad(ClientsKnob(w), "%d is not between 1 and nodes (%d): each proposer is a distinct replica, and without a proposal there is nothing to decide", c.Clients, c.Nodes)
	case w.Kind == Consensus && (c.Clients < 1 || c.Clients > proposers):
		return bad(ClientsKnob(w), "%d is not between 1 and the %d nodes of %d that are proposers ({%s}): each client asks a distinct proposer", c.Clients, proposers, c.Nodes, sim.FormatNodes(r.Proposers))
	case w.Kind == Consensus && c.Commands != 1:
		return bad("commands", "a consensus client proposes once")
	case c.Clients < 1 || c.Clients > maxClients:
		return bad("clients", "%d is not between 1 and %d", c.Clients, maxClients)
	case c.Commands < 1 || c.Commands > 100_000:
		return bad("commands", "%d is not between 1 and 100000", c.Commands)
	}
	return nil
}

// ClientsKnob is the flag that sets Config.Clients for a workload: a
// consensus workload calls its clients proposers.
func ClientsKnob(w Workload) string {
	if w.Kind == Consensus {
		return "proposers"
	}
	return "clients"
}

// reconfigPlan reads Config.Reconfig, its default filled in (Effective).
func (c Config) reconfigPlan(w Workload) (reconfigPlan, error) {
	var p reconfigPlan
	spec := strings.TrimSpace(c.Reconfig)
	if !w.Reconfig {
		if spec != "" {
			return p, bad("reconfig", "this protocol takes no reconfigurations")
		}
		return p, nil
	}
	switch {
	case spec == "none" || spec == "0":
	case strings.Contains(spec, "@"):
		return c.reconfigSchedule(spec)
	default:
		rate, err := strconv.ParseFloat(spec, 64)
		if err != nil || !(rate >= 0 && rate <= 1) {
			return p, bad("reconfig", "%q: want a rate in [0, 1], a schedule MEMBERS@TICK,... (1+2+3@200) or none", spec)
		}
		p.rate = rate
	}
	return p, nil
}

// reconfigSchedule reads a schedule MEMBERS@TICK,...
func (c Config) reconfigSchedule(spec string) (reconfigPlan, error) {
	var p reconfigPlan
	for _, part := range strings.Split(spec, ",") {
		members, at, _ := strings.Cut(part, "@")
		t, err := strconv.ParseInt(at, 10, 64)
		if err != nil || t < 0 {
			return p, bad("reconfig", "%q: want MEMBERS@TICK, e.g. 1+2+3@200", part)
		}
		if end := c.maxTime(); t >= end {
			return p, bad("reconfig", "%q: tick %d is not before the run's end at %d (--max-time, or --heal-at plus --liveness): it would never happen", part, t, end)
		}
		ids, err := parseMembers(members, c.Nodes)
		if err != nil {
			return p, bad("reconfig", "%q: %v", part, err)
		}
		p.schedule = append(p.schedule, reconfigAt{sim.Time(t), ids})
	}
	return p, nil
}

// params checks the protocol's knobs that c sets.
func (c Config) params(info *Info) (map[string]string, error) {
	for _, name := range slices.Sorted(maps.Keys(c.Params)) {
		k, ok := info.knob(name)
		if !ok {
			return nil, bad(name, "%s has no such parameter", info.Name)
		}
		if k.Check != nil {
			if err := k.Check(c.Params[name]); err != nil {
				return nil, bad(name, "%v", err)
			}
		}
	}
	return c.Params, nil
}

// simConfig checks the knobs every protocol shares and turns them into the
// simulator's terms.
func (c Config) simConfig() (sim.Config, error) {
	var sc sim.Config
	if c.Nodes < 1 || c.Nodes > sim.MaxNodes {
		return sc, bad("nodes", "%d is not between 1 and %d", c.Nodes, sim.MaxNodes)
	}
	if err := c.checkRates(); err != nil {
		return sc, err
	}
	delay, err := sim.ParseDelay(c.Delay)
	if err != nil {
		return sc, &ConfigError{Field: "delay", Msg: err.Error()}
	}
	if delay.Max > MaxTicks/100 {
		return sc, bad("delay", "%s: at most %d ticks", c.Delay, MaxTicks/100)
	}
	if c.Mistune < 0 || c.Mistune > MaxMistune {
		return sc, bad("mistune", "%d is not between 0 and %d", c.Mistune, MaxMistune)
	}
	delay = c.mistuned(delay)
	if delay.Max > MaxTicks/100 {
		return sc, bad("mistune", "%d times the delays %s: at most %d ticks", c.Mistune, c.Delay, MaxTicks/100)
	}
	if err := c.checkTimes(delay); err != nil {
		return sc, err
	}
	sc = sim.Config{
		Nodes: c.Nodes,
		Network: sim.NetworkConfig{
			Delay: delay, DropRate: c.Drop, DupRate: c.Dup, RedeliverRate: c.Redeliver, FIFO: c.FIFO,
			LongDelayRate: c.LongDelay, OutliveRate: c.Outlive,
		},
		Faults: sim.FaultConfig{
			Interval:      sim.Time(c.FaultInterval),
			CrashRate:     c.Crash,
			TornCrashRate: c.TornCrash, LoseUnsyncedRate: c.LoseUnsynced,
			MaxCrashed:    c.MaxCrashed,
			PartitionRate: c.Partition,
			SlowRate:      c.Slow,
			DeposeRate:    c.Depose, LagRate: c.Lag,
		},
		HealAt: sim.Time(c.HealAt),
	}
	for _, s := range c.Faults {
		f, err := sim.ParseFault(s)
		if err != nil {
			return sc, &ConfigError{Field: "fault", Msg: err.Error()}
		}
		if _, rest, _ := strings.Cut(s, ":"); strings.Count(strings.SplitN(rest, "@", 2)[0], ",")+1 != bits.OnesCount64(f.Nodes) {
			return sc, bad("fault", "%q names a node twice", s)
		}
		if end := c.maxTime(); int64(f.Start) >= end {
			return sc, bad("fault", "%q: tick %d is not before the run's end at %d (--max-time, or --heal-at plus --liveness): it would never happen", s, f.Start, end)
		}
		sc.Faults.Schedule = append(sc.Faults.Schedule, f)
	}
	if err := sc.Validate(); err != nil {
		return sc, &ConfigError{Field: "fault", Msg: err.Error()}
	}
	return sc, nil
}

// namedRate is a probability of the configuration and its flag's name.
type namedRate struct {
	field string
	v     *float64
}

// faultRates are the configuration's fault rates.
func (c *Config) faultRates() []namedRate {
	return []namedRate{{"drop", &c.Drop}, {"dup", &c.Dup}, {"redeliver", &c.Redeliver}, {"crash", &c.Crash}, {"partition", &c.Partition},
		{"slow", &c.Slow}, {"torn-crash", &c.TornCrash}, {"lose-unsynced", &c.LoseUnsynced},
		{"long-delay", &c.LongDelay}, {"depose", &c.Depose}, {"lag", &c.Lag}, {"outlive", &c.Outlive}}
}

// FaultFree is c with no fault: every fault rate 0 and no scheduled
// fault. Its workload, cluster, delays and protocol knobs are c's: a run
// of it measures the protocol itself.
func (c Config) FaultFree() Config {
	for _, r := range c.faultRates() {
		*r.v = 0
	}
	c.Faults = nil
	return c
}

// checkRates checks the fault rates and the hedging rate.
func (c Config) checkRates() error {
	for _, p := range append(c.faultRates(), namedRate{"hedge", &c.Hedge}) {
		if !(*p.v >= 0 && *p.v <= 1) {
			return bad(p.field, "%v is not a probability in [0, 1]", *p.v)
		}
	}
	if c.Drop == 1 {
		return bad("drop", "1 loses every message; use a rate below 1")
	}
	return nil
}

// checkTimes checks the time knobs and bounds.
func (c Config) checkTimes(delay sim.Delay) error {
	for _, n := range []struct {
		field string
		v     int64
	}{{"propose-window", c.ProposeWindow}, {"heal-at", c.HealAt}, {"liveness", c.Liveness}, {"max-time", c.MaxTime}, {"max-events", c.MaxEvents}} {
		if n.v < 0 {
			return bad(n.field, "%d is negative", n.v)
		}
		if n.v > MaxTicks && n.field != "max-events" {
			return bad(n.field, "%d is more than %d ticks", n.v, int64(MaxTicks))
		}
	}
	if need := LivenessTicks(delay); c.HealAt > 0 && c.Liveness > 0 && c.Liveness < need {
		return bad("liveness", "%d ticks is too short for delays up to %d: deciding after the heal takes "+
			"several round trips and timeouts; use at least %d (30 times the longest delay)", c.Liveness, delay.Max, need)
	}
	switch {
	case c.FaultInterval < 1:
		return bad("fault-interval", "%d is not a positive tick count", c.FaultInterval)
	case c.FaultInterval > MaxTicks:
		return bad("fault-interval", "%d is more than %d ticks", c.FaultInterval, int64(MaxTicks))
	case c.MaxCrashed < 0 || c.MaxCrashed > c.Nodes:
		return bad("max-crashed", "%d is not between 0 and nodes (%d)", c.MaxCrashed, c.Nodes)
	case c.HealAt > 0 && c.Liveness < 1:
		return bad("liveness", "must be positive when faults heal (heal-at %d)", c.HealAt)
	case c.MaxEvents == 0:
		return bad("max-events", "0 runs nothing")
	}
	return nil
}

// LivenessTicks is the shortest liveness bound that delays up to d.Max
// leave room for.
func LivenessTicks(d sim.Delay) int64 { return 30 * int64(d.Max) }

// MaxMistune bounds Config.Mistune.
const MaxMistune = 16

// mistuned is delay as the network of c runs it: Config.Mistune times
// slower than written.
func (c Config) mistuned(delay sim.Delay) sim.Delay {
	if f := sim.Time(c.Mistune); f > 1 {
		delay.Min, delay.Max = delay.Min*f, delay.Max*f
	}
	return delay
}

// LivenessBound is how long after the heal the core has to catch up and
// the clients to have their answers: --liveness, grown with the workload
// and the cluster, so that a busy run is not a false alarm. Each
// operation a client may have to wait through after the heal (ops: its
// own commands, one at a time, and, behind a window narrower than the
// clients, theirs too: plan.queued) is given a round trip through a
// leader, six message delays at most (to a replica, forwarded to the
// leader, its accept and the replies, the answer back), and each replica
// two delays, for a new leader's prepare and the catch-up of a replica
// that lagged:
//
//	bound = liveness + (6*ops + 2*nodes) * longest delay
//
// A protocol that cannot decide stalls past any bound: the extra time
// hides no liveness bug, it only leaves a slow but live run its time.
func LivenessBound(liveness int64, ops, nodes int, maxDelay sim.Time) int64 {
	return liveness + int64(6*max(ops, 1)+2*nodes)*int64(maxDelay)
}

// livenessBound is LivenessBound of the run's plan.
func (p plan) livenessBound(c Config) int64 {
	return LivenessBound(c.Liveness, p.queued(), c.Nodes, p.sc.Network.Delay.Max)
}

// queued is how many operations a client may wait through, one after
// another: its own commands, each behind the others' when the protocol
// runs at most window instances at a time (Knob.Window) and there are
// more clients than that. A window of 1 decides one command at a time,
// so that the last client's last command waits for all of them.
func (p plan) queued() int {
	if p.window <= 0 || p.window >= p.clients {
		return p.commands
	}
	return p.commands * ((p.clients + p.window - 1) / p.window)
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

// Effective returns c with the defaults a run of the protocol fills in
// written out, for reports: running c and c.Effective() is the same run.
func (c Config) Effective(info *Info) Config {
	w := info.Workload
	c.Clients, c.Commands = cmp.Or(c.Clients, w.Clients), cmp.Or(c.Commands, w.Commands)
	if w.Reconfig && strings.TrimSpace(c.Reconfig) == "" {
		c.Reconfig = strconv.FormatFloat(DefaultReconfig, 'g', -1, 64)
	}
	return c
}
