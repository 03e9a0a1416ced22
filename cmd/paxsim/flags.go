package main

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/scenarios"
)

// configFlag is one --flag that sets one field of scenarios.Config. The
// table is in the order the help and the SEED= line list the options; the
// names are the ones scenarios.ConfigError.Field uses.
type configFlag struct {
	name  string
	field func(c *scenarios.Config) flag.Value
	usage string // flag.UnquoteUsage style: `NAME` is the value's name
}

var configFlags = []configFlag{
	{"protocol", func(c *scenarios.Config) flag.Value { return (*nameValue)(&c.Protocol) },
		"the protocol under test: `NAME` is paxos (single-decree) or multipaxos (a replicated key-value log with reconfiguration)"},
	{"variant", func(c *scenarios.Config) flag.Value { return (*nameValue)(&c.Variant) },
		"a deliberately broken protocol `VARIANT` to test the checkers; none is the correct protocol ('paxsim variants' lists them)"},
	{"nodes", func(c *scenarios.Config) flag.Value { return numValue[int]{&c.Nodes} },
		"cluster size: `N` replicas, each proposer, acceptor and learner (1..63)"},
	{"proposers", func(c *scenarios.Config) flag.Value { return numValue[int]{&c.Proposers} },
		"`N` replicas each get one client proposing a distinct value (1..nodes)"},
	{"clients", func(c *scenarios.Config) flag.Value { return numValue[int]{&c.Clients} },
		"multipaxos: `N` key-value clients, one request at a time each (0 means 3)"},
	{"commands", func(c *scenarios.Config) flag.Value { return numValue[int]{&c.Commands} },
		"multipaxos: `N` operations (get, put, append) per client (0 means 4)"},
	{"reconfig", func(c *scenarios.Config) flag.Value { return (*stringValue)(&c.Reconfig) },
		"multipaxos: reconfigurations, `SPEC` a rate per fault interval until the heal (default 0.005), a schedule MEMBERS@TICK,... (1+2+3@200,1+2+3+4+5@600) or none"},
	{"propose-window", func(c *scenarios.Config) flag.Value { return numValue[int64]{&c.ProposeWindow} },
		"client proposals arrive at random times in [0, `TICKS`]"},
	{"delay", func(c *scenarios.Config) flag.Value { return (*stringValue)(&c.Delay) },
		"message delay in ticks: `DIST` is N, MIN-MAX, uniform:MIN-MAX or tail:MIN-MAX (one message in ten takes up to ten times MAX)"},
	{"drop", func(c *scenarios.Config) flag.Value { return numValue[float64]{&c.Drop} },
		"probability `P` that the network loses a message (below 1)"},
	{"dup", func(c *scenarios.Config) flag.Value { return numValue[float64]{&c.Dup} },
		"probability `P` that the network delivers a message twice"},
	{"redeliver", func(c *scenarios.Config) flag.Value { return numValue[float64]{&c.Redeliver} },
		"probability `P`, per send, that an old message is delivered again"},
	{"crash", func(c *scenarios.Config) flag.Value { return numValue[float64]{&c.Crash} },
		"probability `P`, per up replica and fault interval, that it crashes (it restarts from durable state)"},
	{"partition", func(c *scenarios.Config) flag.Value { return numValue[float64]{&c.Partition} },
		"probability `P`, per fault interval, that a network partition starts"},
	{"slow", func(c *scenarios.Config) flag.Value { return numValue[float64]{&c.Slow} },
		"probability `P`, per replica and fault interval, that it slows down or pauses"},
	{"fault-interval", func(c *scenarios.Config) flag.Value { return numValue[int64]{&c.FaultInterval} },
		"`TICKS` between random fault draws"},
	{"max-crashed", func(c *scenarios.Config) flag.Value { return numValue[int]{&c.MaxCrashed} },
		"at most `N` replicas down at once; 0 means a minority, (nodes-1)/2"},
	{"fault", func(c *scenarios.Config) flag.Value { return (*faultsValue)(&c.Faults) },
		"a scheduled fault, repeatable: `KIND:NODES@START[-END]` with KIND crash, partition, oneway, slow (NODESxFACTOR) or pause, e.g. crash:2@100-400, partition:1,2@50-300, oneway:3@50-300, slow:1x4@0-200, pause:2@10-90; without END it lasts until --heal-at"},
	{"heal-at", func(c *scenarios.Config) flag.Value { return numValue[int64]{&c.HealAt} },
		"at `TICK` every fault heals and liveness starts to be judged; 0 means faults never heal and liveness is not judged"},
	{"liveness", func(c *scenarios.Config) flag.Value { return numValue[int64]{&c.Liveness} },
		"`TICKS` after --heal-at by which a value must be chosen and learned by every replica"},
	{"max-time", func(c *scenarios.Config) flag.Value { return numValue[int64]{&c.MaxTime} },
		"stop the run at virtual time `TICK`; 0 means heal-at + liveness, or 10000 without a heal"},
	{"max-events", func(c *scenarios.Config) flag.Value { return numValue[int64]{&c.MaxEvents} },
		"stop the run after `N` events"},
}

// addConfigFlags declares the config flags on fs, writing into c, whose
// current values are the defaults.
func addConfigFlags(fs *flag.FlagSet, c *scenarios.Config) {
	for _, f := range configFlags {
		fs.Var(f.field(c), f.name, f.usage)
	}
}

// flagApplies reports whether a config flag means anything for protocol:
// reports and replay lines leave out the others.
func flagApplies(name, protocol string) bool {
	switch name {
	case "clients", "commands", "reconfig":
		return protocol == scenarios.MultiPaxos
	case "proposers":
		return protocol != scenarios.MultiPaxos
	}
	return true
}

// notApplying says why a config flag does not apply to the protocols
// flagApplies leaves it out of.
var notApplying = map[string]string{
	"clients":   "it is for --protocol multipaxos (single-decree clients are --proposers)",
	"commands":  "it is for --protocol multipaxos",
	"reconfig":  "it is for --protocol multipaxos",
	"proposers": "Multi-Paxos's clients are --clients, and every replica may lead",
}

func isConfigFlag(name string) bool {
	for _, f := range configFlags {
		if f.name == name {
			return true
		}
	}
	return false
}

// configArgs renders c as name/value pairs in table order, one pair per
// scheduled fault, with the defaults a run fills in written out
// (scenarios.Config.Effective). With onlyChanged, options equal to their
// defaults for c's protocol are left out: what remains reproduces c on a
// command line.
func configArgs(c scenarios.Config, onlyChanged bool) [][2]string {
	c = c.Effective()
	def := scenarios.Default()
	if c.Protocol != def.Protocol { // the protocol's own defaults, but --protocol stays
		d := def
		d.Protocol = c.Protocol
		d = d.Effective()
		d.Protocol = def.Protocol
		def = d
	}
	var out [][2]string
	for _, f := range configFlags {
		if !flagApplies(f.name, c.Protocol) {
			continue
		}
		if f.name == "fault" {
			for _, s := range c.Faults {
				out = append(out, [2]string{f.name, s})
			}
			if len(c.Faults) == 0 && !onlyChanged {
				out = append(out, [2]string{f.name, "none"})
			}
			continue
		}
		v := f.field(&c).String()
		if onlyChanged && v == f.field(&def).String() {
			continue
		}
		out = append(out, [2]string{f.name, v})
	}
	return out
}

// seedLine is the VOPR-style first line of a report: the seed and every
// option, so that the line alone says how to run it again.
func seedLine(seed uint64, c scenarios.Config) string {
	return fmt.Sprintf("SEED=%d %s", seed, configLine(c))
}

// configLine lists every option of c as name=value pairs.
func configLine(c scenarios.Config) string {
	var parts []string
	for _, kv := range configArgs(c, false) {
		parts = append(parts, kv[0]+"="+kv[1])
	}
	return strings.Join(parts, " ")
}

// replayLine is the command line that runs seed of c again.
func replayLine(seed uint64, c scenarios.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "paxsim replay --seed %d", seed)
	for _, kv := range configArgs(c, true) {
		fmt.Fprintf(&b, " --%s %s", kv[0], shellQuote(kv[1]))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:@/+=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// configError turns a *scenarios.ConfigError into a usage error that names
// the flag to fix.
func configError(cmd string, err error) error {
	var ce *scenarios.ConfigError
	if errors.As(err, &ce) {
		if ce.Field == "config" || !isConfigFlag(ce.Field) {
			return usageErrorf(cmd, "invalid configuration: %s", ce.Msg)
		}
		return usageErrorf(cmd, "invalid value for --%s: %s", ce.Field, ce.Msg)
	}
	return usageErrorf(cmd, "%v", err)
}

// The flag values. Their errors complete "invalid value for --NAME: ".

type stringValue string

func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }

// nameValue is a flag that names something, a protocol or a variant: an
// empty name is an error, not the default.
type nameValue string

func (v *nameValue) String() string { return string(*v) }

func (v *nameValue) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("the name is empty (leave the flag out for its default)")
	}
	*v = nameValue(s)
	return nil
}

// numValue is a number flag whose parse errors say what was expected.
type numValue[T int | int64 | uint64 | float64] struct{ p *T }

func (v numValue[T]) String() string {
	if v.p == nil {
		return ""
	}
	switch x := any(*v.p).(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

func (v numValue[T]) Set(s string) error {
	var err error
	switch p := any(v.p).(type) {
	case *int:
		var n int64
		n, err = strconv.ParseInt(s, 10, strconv.IntSize)
		*p = int(n)
	case *int64:
		*p, err = strconv.ParseInt(s, 10, 64)
	case *uint64:
		*p, err = strconv.ParseUint(s, 10, 64)
	case *float64:
		*p, err = strconv.ParseFloat(s, 64)
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("%q is out of range", s)
	}
	switch any(v.p).(type) {
	case *uint64:
		return fmt.Errorf("%q is not a non-negative integer", s)
	case *float64:
		return fmt.Errorf("%q is not a number", s)
	}
	return fmt.Errorf("%q is not an integer", s)
}

// faultsValue is the repeatable --fault flag.
type faultsValue []string

func (v *faultsValue) String() string {
	if v == nil {
		return ""
	}
	return strings.Join(*v, " ")
}

func (v *faultsValue) Set(s string) error { *v = append(*v, s); return nil }

// The flag package's parse errors, and how paxsim words them.
var flagErrors = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`^invalid value ".*" for flag -(\S+): (.*)$`), "invalid value for --$1: $2"},
	{regexp.MustCompile(`^invalid boolean value "(.*)" for -(\S+): .*$`), `invalid value for --$2: "$1" is not true or false`},
	{regexp.MustCompile(`^flag provided but not defined: -(.*)$`), "unknown flag --$1"},
	{regexp.MustCompile(`^flag needs an argument: -(.*)$`), "flag --$1 needs a value"},
}

func flagMessage(err error) string {
	msg := err.Error()
	for _, e := range flagErrors {
		if e.re.MatchString(msg) {
			return e.re.ReplaceAllString(msg, e.repl)
		}
	}
	return msg
}
