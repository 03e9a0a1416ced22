package cli

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// configFlag is one --flag that sets one field of engine.Config. The
// table is in the order the help and the SEED= line list the options; the
// names are the ones engine.ConfigError.Field uses. A protocol's own
// knobs (engine.Info.Knobs) follow it, each a flag of its own.
type configFlag struct {
	name  string
	field func(c *engine.Config) flag.Value
	usage string // flag.UnquoteUsage style: `NAME` is the value's name
	// applies, when set, says whether the flag applies to a protocol's
	// workload; why says why not.
	applies func(w engine.Workload) bool
	why     string
}

func consensus(w engine.Workload) bool { return w.Kind == engine.Consensus }
func keyValue(w engine.Workload) bool  { return w.Kind == engine.KeyValue }
func reconfig(w engine.Workload) bool  { return w.Reconfig }

var configFlags = []configFlag{
	{name: "protocol", field: func(c *engine.Config) flag.Value { return (*nameValue)(&c.Protocol) }},
	{name: "variant", field: func(c *engine.Config) flag.Value { return (*nameValue)(&c.Variant) },
		usage: "a deliberately broken protocol `VARIANT` to test the checkers; none is the correct protocol ('paxsim variants' lists them)"},
	{name: "nodes", field: func(c *engine.Config) flag.Value { return value[int]{&c.Nodes} },
		usage: "cluster size: `N` replicas (1..63)"},
	{name: "proposers", field: func(c *engine.Config) flag.Value { return countValue{&c.Clients} },
		usage:   "`N` replicas each get one client proposing a distinct value (1..nodes)",
		applies: consensus, why: "its clients are --clients, each running --commands operations"},
	{name: "clients", field: func(c *engine.Config) flag.Value { return countValue{&c.Clients} },
		usage:   "`N` key-value clients, one request at a time each",
		applies: keyValue, why: "its clients are --proposers, each proposing one value"},
	{name: "commands", field: func(c *engine.Config) flag.Value { return countValue{&c.Commands} },
		usage:   "`N` operations (get, put, append) per client",
		applies: keyValue, why: "each of its --proposers proposes once"},
	{name: "reconfig", field: func(c *engine.Config) flag.Value { return value[string]{&c.Reconfig} },
		usage:   "reconfigurations, `SPEC` a rate per fault interval until the heal (default 0.005), a schedule MEMBERS@TICK,... (1+2+3@200,1+2+3+4+5@600) or none",
		applies: reconfig, why: "it takes no reconfigurations"},
	{name: "propose-window", field: func(c *engine.Config) flag.Value { return value[int64]{&c.ProposeWindow} },
		usage: "client requests start at random times in [0, `TICKS`]"},
	{name: "delay", field: func(c *engine.Config) flag.Value { return value[string]{&c.Delay} },
		usage: "message delay in ticks: `DIST` is N, MIN-MAX, uniform:MIN-MAX or tail:MIN-MAX (one message in ten takes up to ten times MAX)"},
	{name: "fifo", field: func(c *engine.Config) flag.Value { return value[bool]{&c.FIFO} },
		usage: "deliver each link's messages in the order they were sent, as TCP does"},
	{name: "scheduler", field: func(c *engine.Config) flag.Value { return (*schedulerValue)(&c.Scheduler) },
		usage: "what answers the messages' delays: `NAME` random (each drawn at random) or pct (by node priorities that change at --pct-depth - 1 random points: Burckhardt et al.'s PCT for message passing)"},
	{name: "pct-depth", field: func(c *engine.Config) flag.Value { return depthValue{&c.PCTDepth} },
		usage: "with --scheduler pct, `D` priority levels: D-1 priority change points (at least 1)"},
	{name: "drop", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Drop} },
		usage: "probability `P` that the network loses a message (below 1)"},
	{name: "dup", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Dup} },
		usage: "probability `P` that the network delivers a message twice"},
	{name: "redeliver", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Redeliver} },
		usage: "probability `P`, per send, that an old message is delivered again"},
	{name: "crash", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Crash} },
		usage: "probability `P`, per up replica and fault interval, that it crashes (it restarts from durable state)"},
	{name: "torn-crash", field: func(c *engine.Config) flag.Value { return value[float64]{&c.TornCrash} },
		usage: "probability `P`, per up replica and fault interval, that it crashes inside its next handler, between two of its sends and writes"},
	{name: "lose-unsynced", field: func(c *engine.Config) flag.Value { return value[float64]{&c.LoseUnsynced} },
		usage: "probability `P`, per up replica and fault interval, that it crashes losing the writes it made since it last synced (a power cut)"},
	{name: "partition", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Partition} },
		usage: "probability `P`, per fault interval, that a network partition starts"},
	{name: "slow", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Slow} },
		usage: "probability `P`, per replica and fault interval, that it slows down or pauses"},
	{name: "long-delay", field: func(c *engine.Config) flag.Value { return value[float64]{&c.LongDelay} },
		usage: "probability `P`, per message between replicas, that it takes a long delay (200-1000 ticks: it may outlive an election)"},
	{name: "depose", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Depose} },
		usage: "probability `P`, per fault interval, that the current leader (the replica of the highest ballot proposed) is paused or cut off"},
	{name: "lag", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Lag} },
		usage: "probability `P`, per fault interval, that a replica is cut off for 300-1500 ticks (while no other is), to lag past a catch-up"},
	{name: "outlive", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Outlive} },
		usage: "probability `P` that a message reaching a crashed replica waits for its restart instead of being lost (not on FIFO links)"},
	{name: "mistune", field: func(c *engine.Config) flag.Value { return value[int]{&c.Mistune} },
		usage: "the network is `F` times slower than the replicas' timers were tuned for: every delay of --delay is multiplied by F (0 or 1: tuned)"},
	{name: "hedge", field: func(c *engine.Config) flag.Value { return value[float64]{&c.Hedge} },
		usage: "probability `P` that a client sends a request, new or retried, to a second replica at once (a client hedging against a slow leader)",
	},
	{name: "fault-interval", field: func(c *engine.Config) flag.Value { return value[int64]{&c.FaultInterval} },
		usage: "`TICKS` between random fault draws"},
	{name: "max-crashed", field: func(c *engine.Config) flag.Value { return value[int]{&c.MaxCrashed} },
		usage: "at most `N` replicas down at once; 0 means a minority, (nodes-1)/2"},
	{name: "fault", field: func(c *engine.Config) flag.Value { return (*faultsValue)(&c.Faults) },
		usage: "a scheduled fault, repeatable: `KIND:NODES@START[-END]` with KIND crash, partition, oneway, slow (NODESxFACTOR) or pause, e.g. crash:2@100-400, partition:1,2@50-300, oneway:3@50-300, slow:1x4@0-200, pause:2@10-90; without END it lasts until --heal-at"},
	{name: "heal-at", field: func(c *engine.Config) flag.Value { return value[int64]{&c.HealAt} },
		usage: "at `TICK` every fault heals and liveness starts to be judged; 0 means faults never heal and liveness is not judged"},
	{name: "liveness", field: func(c *engine.Config) flag.Value { return value[int64]{&c.Liveness} },
		usage: "`TICKS` after --heal-at by which every client must be answered and every replica of the healed core must catch up"},
	{name: "max-time", field: func(c *engine.Config) flag.Value { return value[int64]{&c.MaxTime} },
		usage: "stop the run at virtual time `TICK`; 0 means heal-at + liveness, or 10000 without a heal"},
	{name: "max-events", field: func(c *engine.Config) flag.Value { return value[int64]{&c.MaxEvents} },
		usage: "stop the run after `N` events"},
}

// protocolUsage is --protocol's help: the protocols reg holds.
func protocolUsage(reg *harness.Registry) string {
	return fmt.Sprintf("the protocol under test: `NAME` is %s", strings.Join(reg.Names(), " or "))
}

// addConfigFlags declares the config flags of o's protocol on fs, writing
// into o.cfg, whose current values are the defaults: the table's, then
// the protocol's knobs.
func addConfigFlags(fs *flag.FlagSet, o *options) {
	for _, f := range configFlags {
		usage := f.usage
		if f.name == "protocol" {
			usage = protocolUsage(o.reg)
		}
		fs.Var(f.field(&o.cfg), f.name, usage)
	}
	for _, k := range o.p.Info().Knobs {
		fs.Var(&paramValue{c: &o.cfg, k: k}, k.Name, k.Usage)
	}
}

// applies reports whether f means anything for the protocol info
// describes: reports and replay lines leave out the others.
func (f *configFlag) appliesTo(info *engine.Info) bool {
	return f.applies == nil || f.applies(info.Workload)
}

func lookupConfigFlag(name string) *configFlag {
	for i := range configFlags {
		if configFlags[i].name == name {
			return &configFlags[i]
		}
	}
	return nil
}

// isConfigFlag reports whether name is a config flag of the protocol info
// describes: the table's or one of its knobs.
func isConfigFlag(info *engine.Info, name string) bool {
	if lookupConfigFlag(name) != nil {
		return true
	}
	for _, k := range info.Knobs {
		if k.Name == name {
			return true
		}
	}
	return false
}

// checkConfig checks the config flags of o: each one given must apply to
// the protocol, and the config must be valid. A bad knob is a usage error
// that names its flag.
func checkConfig(cmd string, o *options) error {
	info := o.p.Info()
	for _, f := range configFlags {
		if o.set[f.name] && !f.appliesTo(info) {
			return usageErrorf(cmd, "--%s does not apply to --protocol %s: %s", f.name, info.Name, f.why)
		}
	}
	if _, _, err := o.cfg.Resolve(info); err != nil {
		return configError(cmd, info, err)
	}
	return nil
}

// configError turns an *engine.ConfigError into a usage error that names
// the flag to fix.
func configError(cmd string, info *engine.Info, err error) error {
	var ce *engine.ConfigError
	if errors.As(err, &ce) {
		if !isConfigFlag(info, ce.Field) {
			return usageErrorf(cmd, "invalid configuration: %s", ce.Msg)
		}
		return usageErrorf(cmd, "invalid value for --%s: %s", ce.Field, ce.Msg)
	}
	return usageErrorf(cmd, "%v", err)
}

// The flag package's parse errors, and how paxsim words them.
var flagErrors = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`^invalid (?:value ".*" for flag -|boolean value ".*" for -|boolean flag )(\S+): ` + errGivenTwice + `(.*)$`), "--$1 is " + errGivenTwice + "$2"},
	{regexp.MustCompile(`^invalid value ".*" for flag -(\S+): parse error$`), "invalid value for --$1: not a duration (e.g. 90s, 5m, 1h)"},
	{regexp.MustCompile(`^invalid value ".*" for flag -(\S+): (.*)$`), "invalid value for --$1: $2"},
	{regexp.MustCompile(`^invalid boolean value "(.*)" for -(\S+): .*$`), `invalid value for --$2: "$1" is not true or false`},
	{regexp.MustCompile(`^flag provided but not defined: -(.*)$`), "unknown flag --$1"},
	{regexp.MustCompile(`^flag needs an argument: -(.*)$`), "flag --$1 needs a value"},
}

var undefinedFlag = flagErrors[4].re

// flagMessage words a flag parse error; an unknown flag that is a knob of
// another protocol says so.
func (x *invocation) flagMessage(o *options, err error) string {
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		for _, p := range x.reg.All() {
			if p != o.p && isConfigFlag(p.Info(), m[1]) && lookupConfigFlag(m[1]) == nil {
				return fmt.Sprintf("--%s does not apply to --protocol %s: it is a knob of --protocol %s", m[1], o.p.Name(), p.Name())
			}
		}
	}
	for _, e := range flagErrors {
		if e.re.MatchString(msg) {
			return e.re.ReplaceAllString(msg, e.repl)
		}
	}
	return msg
}
