package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/explore/spec"
	"github.com/paxsim/paxsim/scenarios"
	"github.com/paxsim/paxsim/sim"
)

var checkCmd = &command{
	name:  "check",
	usage: "[--model impl|spec] [--protocol paxos|multipaxos] [--nodes N] [--proposers P | --commands N] [--variant NAME] [bounds] [--json]",
	short: "explore every state of a small cluster (model checking)",
	long: `Check explores every reachable state of a small model, breadth first, checks the
safety properties in each, and reports the distinct states, the states
generated, the depth, states/s, wall time and the verdict. A violation comes
with a shortest counterexample (--strategy bfs), printed and written with --out
as a decision trace that 'paxsim replay' runs and 'paxsim scenario import'
turns into a scenario.

--model impl (the default) runs the real protocol code of package protocol
under the simulator's choice mode: a step delivers a message (a client's
request is its proposal), fires a timer, or crashes or restarts a replica
(--crashes); with --network multiset also drops (--drops) or duplicates
(--dups) a message. Client c proposes value c to replica c. Bounds: each
proposer's ballots (--max-ballot), crashes, depth and states. With --network
set (the default) every message ever sent stays deliverable, which covers loss,
reordering and duplication in one state; a replica's messages to itself are
local calls unless --network-self. The checker is the one campaigns use:
agreement, validity, learner integrity and the early checks, at every step.

--protocol multipaxos explores the Multi-Paxos replicas the same way, with
both checkers its campaigns run (per-instance safety with each entry's view,
log and state consistency, exactly-once). --commands N client commands (default
2), client c putting key "a"+c-1 to replica c, are in flight from the start;
--reconfig MEMBERS (e.g. 2 or 1+2) makes the last one a reconfiguration to
those members. A set network's second delivery of a request, while its client
waits, is the client's retry. Lamport's alpha is 2. Every replica may campaign
when its election timer fires: with --max-ballot 1 each campaigns at most once,
in round 1, so 1.1 < 1.2 < 1.3 allow two leader changes. The commit and catch-up
timers fire too; the leaders' tick (heartbeats, retransmissions) only with
--ticks. Even one leader and two commands reach millions of states, so the
search is bounded by depth as well: --max-depth defaults to 14 (every path of
13 steps), which reaches each safety variant's shortest counterexample. A
counterexample is printed as scenario steps (a scenario replays them with
alpha=2): the actions as above, "client C put KEY VALUE to N" (or "reconfig
MEMBERS") for a request, "client C retry to N" for its retry, "dup" for a
message delivered twice. Variants that break liveness only (no-overwrite,
no-gap-fill) are beyond a safety search: the report says so; campaigns catch
them.

--model spec explores Lamport's abstract Paxos (Paxos.tla of the TLA+
examples) with --acceptors, --values and --max-ballot (ballots 0..B), and
counts as TLC does, so the numbers compare one for one with TLC's on the same
constants; --variant ignore-votes is a Phase2a that ignores earlier votes.

States are deduplicated by a 128-bit fingerprint of the whole state (the
estimated probability of a collision is printed) or, with --exact, by the
state itself. --symmetry merges states that are the same up to renaming
acceptors and values (spec) or the replicas that no client asks (impl). Both
cores expand each BFS level (--workers). On a terminal a progress line shows
on stderr. Exit status: 0 every reachable state is safe, 1 a violation, 2 bad
usage.`,
	flags: func(fs *flag.FlagSet, o *options) {
		c := &o.check
		*c = defaultCheckOptions()
		fs.StringVar(&c.model, "model", c.model, "what to explore: `MODEL` impl (the protocol code) or spec (Paxos.tla)")
		fs.Var((*nameValue)(&c.cfg.Config.Protocol), "protocol", "impl: the protocol `NAME`: paxos or multipaxos")
		fs.Var((*nameValue)(&c.variant), "variant", "a broken `VARIANT` to find: a protocol variant ('paxsim variants') for impl, ignore-votes for spec")
		fs.Var(numValue[int]{&c.cfg.Config.Nodes}, "nodes", "impl: `N` replicas")
		fs.Var(numValue[int]{&c.cfg.Config.Proposers}, "proposers", "impl: `P` replicas get a client proposal (client c asks replica c)")
		fs.Var(numValue[int]{&c.maxBallot}, "max-ballot", "impl: each proposer uses rounds 1..`B`; spec: ballots 0..B (default 1 for impl, 2 for spec)")
		fs.StringVar(&c.network, "network", c.network, "impl: `KIND` set (every message sent stays deliverable) or multiset (delivery consumes; --drops, --dups)")
		fs.Var(numValue[int]{&c.cfg.Crashes}, "crashes", "impl: at most `N` crashes on a path (a minority down at once); restarts come from durable state")
		fs.BoolVar(&c.cfg.NoRestarts, "no-restarts", false, "impl: crashed replicas stay down")
		fs.BoolVar(&c.cfg.NoTimers, "no-timers", false, "impl: never fire timers (no retries, no learner catch-up)")
		fs.BoolVar(&c.cfg.Drops, "drops", false, "impl, multiset network: messages may be lost")
		fs.Var(numValue[int]{&c.cfg.Dups}, "dups", "impl, multiset network: at most `N` extra copies of sent messages")
		fs.BoolVar(&c.cfg.NetworkSelf, "network-self", false, "impl: a replica's messages to itself go through the network (every interleaving, many more states)")
		fs.StringVar(&c.properties, "properties", "", "impl: only a violation of these comma-separated `PROPS` ends the search (e.g. agreement)")
		fs.Var(numValue[int]{&c.cfg.Commands}, "commands", "multipaxos: `N` client commands in flight from the start, one per client (0 means 2)")
		fs.StringVar(&c.reconfig, "reconfig", "", "multipaxos: the last command reconfigures the cluster to `MEMBERS` (e.g. 2 or 1+2+3)")
		fs.BoolVar(&c.cfg.Ticks, "ticks", false, "multipaxos: let the leaders' tick timer fire (heartbeats, retransmissions; nearly twice the states)")
		fs.Var(numValue[int]{&c.acceptors}, "acceptors", "spec: `N` acceptors (1..7)")
		fs.Var(numValue[int]{&c.values}, "values", "spec: `N` values (1..5)")
		fs.StringVar(&c.strategy, "strategy", "bfs", "`ORDER` bfs (shortest counterexample, parallel) or dfs")
		fs.BoolVar(&c.symmetry, "symmetry", false, "merge states equal up to renaming interchangeable acceptors, replicas and values")
		fs.BoolVar(&c.exact, "exact", false, "deduplicate by whole states, not fingerprints: no collision, far more memory")
		fs.Var(numValue[int64]{&c.maxStates}, "max-states", "stop after `N` distinct states (0: no bound)")
		fs.Var(numValue[int]{&c.maxDepth}, "max-depth", "do not expand states at depth `D` (the initial state is at 1; 0: no bound)")
		fs.Var(numValue[int]{&c.workers}, "workers", "`N` goroutines expand each BFS level (0: one per core)")
		fs.StringVar(&c.maxMemory, "max-memory", "auto", "stop, incomplete, when the states take `GIB` GiB of memory; auto is half the machine's, 0 no bound")
		fs.StringVar(&c.out, "out", "", "write the counterexample's decision trace to `FILE`")
		fs.BoolVar(&o.json, "json", false, "print one JSON object instead of the text report")
	},
	run: func(_ context.Context, x *invocation, o *options, args []string) error {
		if err := noArgs("check", args); err != nil {
			return err
		}
		return x.check(o)
	},
}

// checkOptions are the check command's flags.
type checkOptions struct {
	model, variant, network, strategy, properties, out string
	reconfig                                           string
	cfg                                                scenarios.CheckConfig
	maxBallot, acceptors, values, maxDepth, workers    int
	maxStates                                          int64
	maxMemory                                          string
	symmetry, exact                                    bool
}

func defaultCheckOptions() checkOptions {
	return checkOptions{model: "impl", network: "set", cfg: scenarios.DefaultCheck(), acceptors: 3, values: 2, maxMemory: "auto"}
}

// defaultMaxMemory is half the machine's memory in GiB, from
// /proc/meminfo, or 0 (no bound) where that cannot be read.
func defaultMaxMemory() float64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		var kb int64
		if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil && kb > 0 {
			return math.Round(float64(kb)/(1<<20)/2*10) / 10
		}
	}
	return 0
}

// checkReport is the JSON form of a check's outcome.
type checkReport struct {
	Model       string   `json:"model"`
	Config      any      `json:"config"`
	Verdict     string   `json:"verdict"`
	Complete    bool     `json:"complete"`
	Stop        string   `json:"stop,omitempty"` // the bound that cut the search short
	Distinct    int64    `json:"distinct"`
	Generated   int64    `json:"generated"`
	Depth       int      `json:"depth"`
	StatesPerS  float64  `json:"states_per_second"`
	WallSeconds float64  `json:"wall_seconds"`
	Strategy    string   `json:"strategy"`
	Symmetry    bool     `json:"symmetry"`
	Exact       bool     `json:"exact"`
	Workers     int      `json:"workers"`
	Collision   float64  `json:"collision_probability"`
	Violation   string   `json:"violation,omitempty"`
	Property    string   `json:"property,omitempty"`
	Steps       []string `json:"counterexample,omitempty"`
	Note        string   `json:"note,omitempty"`
	FinalState  string   `json:"final_state,omitempty"`
	TraceFile   string   `json:"trace_file,omitempty"`
	ExitCode    int      `json:"exit_code"`
}

func (x *invocation) check(o *options) error {
	c := &o.check
	strategy, err := explore.ParseStrategy(c.strategy)
	if err != nil {
		return usageErrorf("check", "invalid value for --strategy: %v", err)
	}
	switch {
	case c.maxStates < 0:
		return usageErrorf("check", "invalid value for --max-states: %d is negative", c.maxStates)
	case c.maxDepth < 0:
		return usageErrorf("check", "invalid value for --max-depth: %d is negative", c.maxDepth)
	}
	workers, err := boundWorkers(x, "check", c.workers)
	if err != nil {
		return err
	}
	if c.workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	maxMemory := defaultMaxMemory()
	if c.maxMemory != "auto" {
		gib, err := strconv.ParseFloat(c.maxMemory, 64)
		if err != nil || !(gib >= 0) {
			return usageErrorf("check", "invalid value for --max-memory: %q is not auto or a size in GiB", c.maxMemory)
		}
		maxMemory = gib
	}
	opts := explore.Options{Strategy: strategy, Symmetry: c.symmetry, Exact: c.exact, MaxStates: c.maxStates, MaxDepth: c.maxDepth, Workers: workers,
		MaxMemory: int64(maxMemory * (1 << 30))}
	if isTerminal(x.stderr) && !o.json {
		opts.Progress = func(p explore.Progress) {
			fmt.Fprintf(x.stderr, "\r%d distinct, %d generated, depth %d, %d queued, %.0f states/s\x1b[K",
				p.Distinct, p.Generated, p.Depth, p.Queue, float64(p.Distinct)/max(p.Elapsed.Seconds(), 1e-9))
		}
		defer fmt.Fprint(x.stderr, "\r\x1b[K")
	}
	switch c.model {
	case "impl":
		return x.checkImpl(o, opts)
	case "spec":
		return x.checkSpec(o, opts)
	}
	return usageErrorf("check", "invalid value for --model: %q is not impl or spec", c.model)
}

// implOnly and specOnly are the flags that only one model takes.
var (
	implOnly = []string{"protocol", "nodes", "proposers", "network", "crashes", "no-restarts", "no-timers", "drops", "dups", "network-self", "properties",
		"commands", "reconfig", "ticks"}
	specOnly = []string{"acceptors", "values"}
)

func (x *invocation) checkImpl(o *options, opts explore.Options) error {
	c := &o.check
	for _, f := range specOnly {
		if o.set[f] {
			return usageErrorf("check", "--%s is for --model spec", f)
		}
	}
	cfg := c.cfg
	mp := cfg.Config.Protocol == scenarios.MultiPaxos
	if err := checkProtocolFlags(o, mp); err != nil {
		return err
	}
	if mp {
		if !o.set["max-depth"] {
			opts.MaxDepth = scenarios.MPCheckDepth
		}
		members, err := parseMembers(c.reconfig)
		if err != nil {
			return usageErrorf("check", "invalid value for --reconfig: %v", err)
		}
		cfg.Reconfig = members
	}
	if o.set["nodes"] && !o.set["proposers"] && cfg.Config.Proposers > cfg.Config.Nodes && cfg.Config.Nodes >= 1 {
		cfg.Config.Proposers = cfg.Config.Nodes
	}
	if c.variant != "" {
		cfg.Config.Variant = c.variant
	}
	if o.set["max-ballot"] {
		cfg.MaxBallot = c.maxBallot
	}
	net, err := sim.ParseNetworkSemantics(c.network)
	if err != nil {
		return usageErrorf("check", "invalid value for --network: %v", err)
	}
	cfg.Network = net
	if c.properties != "" {
		for _, p := range strings.Split(c.properties, ",") {
			p = strings.TrimSpace(p)
			if !knownProperty(p, mp) {
				return usageErrorf("check", "invalid value for --properties: %q is not a property (known: %s)", p, strings.Join(propertyNames(mp), ", "))
			}
			cfg.Properties = append(cfg.Properties, checker.Property(p))
		}
	}
	if err := cfg.Validate(); err != nil {
		var ce *scenarios.ConfigError
		if errors.As(err, &ce) {
			return usageErrorf("check", "invalid value for --%s: %s", ce.Field, ce.Msg)
		}
		return usageErrorf("check", "%v", err)
	}
	rep, err := scenarios.Check(cfg, opts)
	if err != nil {
		return fmt.Errorf("check: %v", err)
	}
	r := newCheckReport("impl", implConfig(cfg, c), &rep.Result, opts)
	r.Note = rep.Note
	if rep.Property != "" {
		r.Property = string(rep.Property)
		r.Steps = rep.Steps
	}
	if rep.Trace != nil {
		if c.out != "" {
			how := "a path"
			if opts.Strategy == explore.BFS {
				how = "a shortest path"
			}
			desc := fmt.Sprintf("found by: paxsim check %s: %s to a %s violation", strings.Join(checkArgs(o), " "), how, rep.Property)
			if err := writeTraceFile(c.out, rep.Trace, desc); err != nil {
				return err
			}
			r.TraceFile = c.out
		}
	}
	return x.writeCheck(o, r)
}

// implConfig is the impl model's configuration as the report shows it.
func implConfig(cfg scenarios.CheckConfig, c *checkOptions) map[string]any {
	if cfg.Config.Protocol == scenarios.MultiPaxos {
		commands, alpha := cfg.Commands, cfg.Alpha
		if commands == 0 {
			commands = scenarios.MPCheckCommands
		}
		if alpha == 0 {
			alpha = scenarios.MPCheckAlpha
		}
		return map[string]any{
			"protocol": cfg.Config.Protocol, "variant": cfg.Config.Variant,
			"nodes": cfg.Config.Nodes, "commands": commands, "reconfig": c.reconfig, "alpha": alpha,
			"network": cfg.Network.String(), "max_ballot": cfg.MaxBallot,
			"crashes": cfg.Crashes, "restarts": !cfg.NoRestarts, "timers": !cfg.NoTimers, "ticks": cfg.Ticks,
			"drops": cfg.Drops, "dups": cfg.Dups, "properties": c.properties,
		}
	}
	return map[string]any{
		"protocol": cfg.Config.Protocol, "variant": cfg.Config.Variant,
		"nodes": cfg.Config.Nodes, "proposers": cfg.Config.Proposers,
		"network": cfg.Network.String(), "max_ballot": cfg.MaxBallot,
		"crashes": cfg.Crashes, "restarts": !cfg.NoRestarts, "timers": !cfg.NoTimers,
		"drops": cfg.Drops, "dups": cfg.Dups, "network_self": cfg.NetworkSelf,
		"properties": c.properties,
	}
}

func (x *invocation) checkSpec(o *options, opts explore.Options) error {
	c := &o.check
	for _, f := range implOnly {
		if o.set[f] {
			return usageErrorf("check", "--%s is for --model impl", f)
		}
	}
	sc := spec.Config{Acceptors: c.acceptors, Values: c.values, MaxBallot: 2, Variant: c.variant}
	if o.set["max-ballot"] {
		sc.MaxBallot = c.maxBallot
	}
	if sc.Variant == "none" {
		sc.Variant = ""
	}
	m, err := spec.New(sc)
	if err != nil {
		return usageErrorf("check", "%s", specFlagError(err))
	}
	if c.out != "" {
		return usageErrorf("check", "--out writes a decision trace of the protocol code; the spec's counterexample is in the report")
	}
	res, err := explore.Run[spec.State](m, opts)
	if err != nil {
		return fmt.Errorf("check: %v", err)
	}
	r := newCheckReport("spec", map[string]any{
		"acceptors": sc.Acceptors, "values": sc.Values, "max_ballot": sc.MaxBallot, "variant": sc.Variant,
		"quorums": "every majority",
	}, &res, opts)
	if res.Verdict == explore.VerdictViolation {
		r.Property = "agreement"
		r.Steps = append([]string{"Init"}, res.Labels...)
		r.FinalState = res.Path[len(res.Path)-1].String()
	}
	return x.writeCheck(o, r)
}

var specFieldError = regexp.MustCompile(`^spec: Config\.(\w+) = (.*)$`)

// specFlagError words spec.New's errors in terms of the flags.
func specFlagError(err error) string {
	m := specFieldError.FindStringSubmatch(err.Error())
	if m == nil {
		return strings.TrimPrefix(err.Error(), "spec: ")
	}
	flags := map[string]string{"Acceptors": "acceptors", "Values": "values", "MaxBallot": "max-ballot", "Variant": "variant"}
	return fmt.Sprintf("invalid value for --%s: %s", flags[m[1]], m[2])
}

func newCheckReport[S any](model string, cfg any, res *explore.Result[S], opts explore.Options) *checkReport {
	return &checkReport{
		Model: model, Config: cfg, Verdict: res.Verdict, Complete: res.Complete, Stop: res.Stop,
		Distinct: res.Distinct, Generated: res.Generated, Depth: res.Depth,
		StatesPerS: res.StatesPerSecond(), WallSeconds: res.Elapsed.Seconds(),
		Strategy: opts.Strategy.String(), Symmetry: opts.Symmetry, Exact: opts.Exact, Workers: opts.Workers,
		Collision: res.Collision, Violation: res.Violation,
	}
}

func (x *invocation) writeCheck(o *options, r *checkReport) error {
	verdict := checkVerdict(r)
	r.ExitCode = codeOf(verdict)
	if r.ExitCode == exitIncomplete {
		r.Verdict = verdictOf(exitIncomplete)
	}
	if o.json {
		if err := writeJSON(x.stdout, r); err != nil {
			return err
		}
	} else {
		writeCheckText(x.stdout, r)
	}
	return verdict
}

// checkVerdict is a check's exit: 1 for a violation; 4 when --max-states
// or --max-memory cut the search short, since states it never reached may
// be unsafe; 0 when every state within the bounds (--max-ballot,
// --crashes, --max-depth, ...) is safe.
func checkVerdict(r *checkReport) error {
	switch {
	case r.Verdict == explore.VerdictViolation:
		return errFound
	case !r.Complete && r.Stop != explore.StopMaxDepth:
		return &exitError{code: exitIncomplete, msg: fmt.Sprintf(
			"the search is incomplete: --%s stopped it after %d states, so it is not a pass (raise the bound, or shrink the model)", r.Stop, r.Distinct)}
	}
	return nil
}

func writeCheckText(w io.Writer, r *checkReport) {
	fmt.Fprintf(w, "%-11s %s\n", "model:", describeCheck(r))
	verdict := r.Verdict
	switch {
	case r.Verdict == explore.VerdictOK && r.Complete:
		verdict += " (every reachable state within the bounds is safe)"
	case r.Verdict == explore.VerdictOK && r.Stop == explore.StopMaxDepth:
		verdict += fmt.Sprintf(" (every state within depth %d is safe: --max-depth bounds the search)", r.Depth)
	case r.ExitCode == exitIncomplete:
		verdict += fmt.Sprintf(" (--%s cut the search short: not a pass; exit %d)", r.Stop, exitIncomplete)
	}
	fmt.Fprintf(w, "%-11s %s\n", "verdict:", verdict)
	fmt.Fprintf(w, "%-11s %d\n", "distinct:", r.Distinct)
	fmt.Fprintf(w, "%-11s %d\n", "generated:", r.Generated)
	fmt.Fprintf(w, "%-11s %d\n", "depth:", r.Depth)
	fmt.Fprintf(w, "%-11s %.0f\n", "states/s:", r.StatesPerS)
	fmt.Fprintf(w, "%-11s %s\n", "wall:", time.Duration(r.WallSeconds*float64(time.Second)).Round(time.Millisecond))
	if r.Exact {
		fmt.Fprintf(w, "%-11s exact (whole states)\n", "dedup:")
	} else {
		fmt.Fprintf(w, "%-11s 128-bit fingerprints, collision probability %.1e\n", "dedup:", r.Collision)
	}
	if r.Note != "" {
		fmt.Fprintf(w, "%-11s %s\n", "note:", r.Note)
	}
	if r.Violation == "" {
		return
	}
	fmt.Fprintf(w, "%-11s %s\n", "violation:", r.Violation)
	kind := "counterexample"
	if r.Strategy == "bfs" {
		kind = "shortest counterexample"
	}
	cfg, _ := r.Config.(map[string]any)
	switch {
	case r.Model == "spec":
		fmt.Fprintf(w, "%s (%d steps):\n", kind, len(r.Steps)-1)
	case cfg["protocol"] == scenarios.MultiPaxos:
		fmt.Fprintf(w, "%s (%d scenario steps):\n", kind, len(r.Steps))
	default:
		fmt.Fprintf(w, "%s (%d trace lines):\n", kind, len(r.Steps))
	}
	for _, s := range r.Steps {
		fmt.Fprintf(w, "  %s\n", s)
	}
	if r.FinalState != "" {
		fmt.Fprintf(w, "final state:\n  %s\n", strings.ReplaceAll(r.FinalState, "\n", "\n  "))
	}
	if r.TraceFile != "" {
		fmt.Fprintf(w, "%-11s %s (paxsim replay %s; paxsim scenario import %s)\n", "trace:", r.TraceFile, shellQuote(r.TraceFile), shellQuote(r.TraceFile))
	} else if r.Model == "impl" && cfg["protocol"] != scenarios.MultiPaxos {
		fmt.Fprintf(w, "%-11s add --out FILE to write it as a decision trace for paxsim replay\n", "trace:")
	}
}

func describeCheck(r *checkReport) string {
	cfg, _ := r.Config.(map[string]any)
	var b strings.Builder
	if r.Model == "spec" {
		fmt.Fprintf(&b, "Paxos.tla, %v acceptors, %v values, ballots 0..%v, quorums: every majority", cfg["acceptors"], cfg["values"], cfg["max_ballot"])
		if v, _ := cfg["variant"].(string); v != "" {
			fmt.Fprintf(&b, ", variant %s", v)
		}
	} else if cfg["protocol"] == scenarios.MultiPaxos {
		fmt.Fprintf(&b, "%v, %v nodes, %v commands", cfg["protocol"], cfg["nodes"], cfg["commands"])
		if m, _ := cfg["reconfig"].(string); m != "" {
			fmt.Fprintf(&b, " (the last a reconfiguration to %s)", m)
		}
		fmt.Fprintf(&b, ", variant %v; %v network, rounds 1..%v, %v crashes", cfg["variant"], cfg["network"], cfg["max_ballot"], cfg["crashes"])
		switch t, _ := cfg["timers"].(bool); {
		case !t:
			b.WriteString(", no timers")
		case cfg["ticks"] == true:
			b.WriteString(", every timer")
		default:
			b.WriteString(", timers but the tick")
		}
	} else {
		fmt.Fprintf(&b, "%v, %v nodes, %v proposers, variant %v; %v network, rounds 1..%v per proposer, %v crashes",
			cfg["protocol"], cfg["nodes"], cfg["proposers"], cfg["variant"], cfg["network"], cfg["max_ballot"], cfg["crashes"])
		if t, _ := cfg["timers"].(bool); !t {
			b.WriteString(", no timers")
		}
	}
	fmt.Fprintf(&b, "; %s", r.Strategy)
	if r.Strategy == "bfs" {
		fmt.Fprintf(&b, " on %d workers", r.Workers)
	}
	if r.Symmetry {
		b.WriteString(", symmetry")
	}
	return b.String()
}

// checkArgs is the check command line of o, flags as given.
func checkArgs(o *options) []string {
	var args []string
	c := &o.check
	add := func(name, v string) {
		if o.set[name] {
			args = append(args, "--"+name, shellQuote(v))
		}
	}
	add("model", c.model)
	add("protocol", c.cfg.Config.Protocol)
	add("nodes", fmt.Sprint(c.cfg.Config.Nodes))
	add("proposers", fmt.Sprint(c.cfg.Config.Proposers))
	add("variant", c.variant)
	add("max-ballot", fmt.Sprint(c.maxBallot))
	add("network", c.network)
	add("crashes", fmt.Sprint(c.cfg.Crashes))
	add("dups", fmt.Sprint(c.cfg.Dups))
	add("properties", c.properties)
	add("commands", fmt.Sprint(c.cfg.Commands))
	add("reconfig", c.reconfig)
	for _, f := range []string{"no-restarts", "no-timers", "drops", "network-self", "symmetry", "ticks"} {
		if o.set[f] {
			args = append(args, "--"+f)
		}
	}
	return args
}

func knownProperty(p string, multiPaxos bool) bool {
	for _, n := range propertyNames(multiPaxos) {
		if n == p {
			return true
		}
	}
	return false
}

// propertyNames lists the properties a check judges: Multi-Paxos adds the
// whole-log promise and the log checker's.
func propertyNames(multiPaxos bool) []string {
	names := []string{
		string(checker.Agreement), string(checker.Validity), string(checker.LearnerIntegrity),
		string(checker.PromiseIntegrity), string(checker.OneValuePerBallot), string(checker.PromiseMonotonicity),
	}
	if multiPaxos {
		names = append(names, string(checker.PromiseKept), string(checker.LogConsistency),
			string(checker.StateConsistency), string(checker.ExactlyOnce))
	}
	return names
}

// checkProtocolFlags rejects the impl flags that do not apply to the
// protocol checked.
func checkProtocolFlags(o *options, multiPaxos bool) error {
	if !multiPaxos {
		for _, f := range []string{"commands", "reconfig", "ticks"} {
			if o.set[f] {
				return usageErrorf("check", "--%s is for --protocol multipaxos", f)
			}
		}
		return nil
	}
	for _, f := range []struct{ name, why string }{
		{"proposers", "Multi-Paxos clients are --commands (client c asks replica c), and every replica may lead"},
		{"network-self", "Multi-Paxos replicas send nothing to themselves"},
		{"symmetry", "every Multi-Paxos replica may lead, and a ballot names its replica: no two are interchangeable"},
		{"out", "Multi-Paxos runs record no decision trace; the report prints the counterexample as scenario steps"},
	} {
		if o.set[f.name] {
			return usageErrorf("check", "--%s does not apply to --protocol multipaxos: %s", f.name, f.why)
		}
	}
	return nil
}

// parseMembers reads a member set, "2" or "1+2+3"; "" is none.
func parseMembers(s string) ([]sim.NodeID, error) {
	if s == "" {
		return nil, nil
	}
	var ids []sim.NodeID
	for _, part := range strings.Split(s, "+") {
		id, err := strconv.Atoi(part)
		if err != nil || id < 1 {
			return nil, fmt.Errorf("%q: want replica ids joined by +, e.g. 2 or 1+2+3", s)
		}
		ids = append(ids, sim.NodeID(id))
	}
	return ids, nil
}
