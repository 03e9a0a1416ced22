package engine

import (
	"fmt"
	"slices"
	"strconv"
)

// Knob is one of a protocol's own parameters: a flag of every verb
// (--NAME), a key of Config.Params and, with Draw, a knob that swarm
// testing draws per seed.
type Knob struct {
	Name string
	// Usage is the flag's help text; a word in back quotes names its
	// value (flag.UnquoteUsage).
	Usage string
	// Default is the value a run uses when the knob is not set, as the
	// help and reports show it.
	Default string
	// Explore, when set, is the knob's default in the exhaustive explorer
	// (package model), where a smaller value may keep the states few
	// while still reaching every bug the knob governs; "" means Default.
	Explore string
	// Check validates a value, returning an error that says what is
	// wanted; nil accepts anything.
	Check func(value string) error
	// Draw, when set, draws a value for a swarm seed from intn, a random
	// source (intn(n) is in [0, n)).
	Draw func(intn func(n int) int) string
	// Window marks the knob whose whole-number value is how many
	// instances a leader proposes past its applied log (Lamport's alpha,
	// the WINDOW of "Paxos Made Moderately Complex"): the coverage then
	// asks for a window full with a reconfiguration at its head
	// (window_full_at_reconfig), and the liveness bound counts the clients'
	// operations queued behind a window narrower than the clients
	// (LivenessBound).
	Window bool
	// CatchUp marks the knob whose whole-number value is how many chosen
	// entries one catch-up reply carries, Info.CatchUp for the run: a
	// swarm that draws it small makes replicas catch up in many replies.
	CatchUp bool
	// Edges are the values at the ends of the knob's range, which a judge
	// of boundaries (the source mutants' edge runs) runs with: an
	// off-by-one at a limit shows only there.
	Edges []string
}

// IntKnob is a knob holding an integer in [lo, hi].
func IntKnob(name, usage string, def, lo, hi int) Knob {
	return Knob{
		Name: name, Usage: usage, Default: strconv.Itoa(def), Edges: []string{strconv.Itoa(lo), strconv.Itoa(hi)},
		Check: func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				return fmt.Errorf("%q is not a whole number between %d and %d", v, lo, hi)
			}
			return nil
		},
	}
}

// Param returns the value of knob name in params, or its default.
func (info *Info) Param(params map[string]string, name string) string {
	if v, ok := params[name]; ok {
		return v
	}
	k, _ := info.knob(name)
	return k.Default
}

// CatchUpOf is Info.CatchUp for a run of c: the value of the knob marked
// Knob.CatchUp, when the protocol has one.
func (info *Info) CatchUpOf(c Config) int {
	for _, k := range info.Knobs {
		if k.CatchUp {
			return atoiOr(info.Param(c.Params, k.Name), info.CatchUp)
		}
	}
	return info.CatchUp
}

// WindowOf is the window of a run of c: the value of the knob marked
// Knob.Window, or 0 when the protocol has none (no bound on the instances
// in flight).
func (info *Info) WindowOf(c Config) int {
	for _, k := range info.Knobs {
		if k.Window {
			return atoiOr(info.Param(c.Params, k.Name), 0)
		}
	}
	return 0
}

// knob returns the protocol's knob called name.
func (info *Info) knob(name string) (Knob, bool) {
	i := slices.IndexFunc(info.Knobs, func(k Knob) bool { return k.Name == name })
	if i < 0 {
		return Knob{}, false
	}
	return info.Knobs[i], true
}

// LookupVariant checks that name is the correct protocol or one of the
// protocol's variants, and returns it.
func (info *Info) LookupVariant(name string) (Variant, error) {
	if name == Correct {
		return Variant{Name: Correct, Summary: "the correct protocol"}, nil
	}
	names := Correct
	for _, v := range info.Variants {
		if v.Name == name {
			return v, nil
		}
		names += ", " + v.Name
	}
	if name == "" {
		return Variant{}, fmt.Errorf("empty variant name (known for %s: %s)", info.Name, names)
	}
	return Variant{}, fmt.Errorf("unknown variant %q for protocol %s (known: %s)", name, info.Name, names)
}

// configFlags are the flag names of Config's own knobs, and the names
// every verb's flags use: a protocol's knob may not take one.
var configFlags = []string{
	"protocol", "variant", "nodes", "proposers", "clients", "commands", "reconfig", "propose-window",
	"delay", "drop", "dup", "redeliver", "crash", "torn-crash", "lose-unsynced", "partition", "slow", "fault-interval", "max-crashed",
	"long-delay", "depose", "lag", "hedge",
	"fault", "heal-at", "liveness", "max-time", "max-events", "fifo",
	"seed", "seeds", "start", "workers", "json", "out", "trace", "record", "html", "format", "swarm",
	"shard", "no-shrink", "max-shrinks", "check-determinism", "network", "max-ballot", "crashes",
	"no-restarts", "no-timers", "drops", "dups", "network-self", "shared-proposer", "follow-ups", "ticks", "max-depth", "max-states",
	"max-memory", "symmetry", "exact", "budget", "all", "help", "h", "version",
}

// IsConfigFlag reports whether name is a flag of paxsim's own.
func IsConfigFlag(name string) bool { return slices.Contains(configFlags, name) }
