package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/explore/spec"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/refine"
	"github.com/paxsim/paxsim/report"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/watchdog"
)

var checkCmd = &command{
	name:  "check",
	stops: true,
	usage: "[--model impl|spec] [--protocol NAME] [--nodes N] [--proposers P | --clients C] [--variant NAME] [bounds] [--json]",
	short: "explore every state of a small cluster (model checking)",
	long: `Check explores every reachable state of a small model, breadth first, checks the
safety properties in each, and reports the distinct states, the states
generated, the depth, states/s, wall time and the verdict. A violation comes
with a shortest counterexample (--strategy bfs), printed and written with --out
as a decision trace that 'paxsim replay' runs and 'paxsim scenario import'
turns into a scenario.

--model impl (the default) runs the protocol's real code under the
simulator's choice mode: a step delivers a message (a client's request
among them), fires a timer, or crashes or restarts a replica (--crashes);
with --network multiset also drops (--drops) or duplicates (--dups) a
message, and --fifo makes each link deliver in the order sent. The clients' first requests are in flight from the
start, one per client: for a consensus workload client c proposes value c
to replica c (--proposers), for a key-value service client c puts key
"a"+(c-1) at replica c (--clients), and with --commands K puts it K times,
each request sent once the client has the answer to the one before;
--reconfig MEMBERS (e.g. 2 or 1+2) makes the last client's one request a
reconfiguration to those members. A set network's second delivery of a
request, while its client waits, is the client's retry.
Bounds: each replica's ballots (--max-ballot: rounds up to B), crashes, depth
and states. A safe first search is followed by follow-up searches, each
widening one bound the user did not set, within a budget of 100,000
states: "one crash" (--crashes 1, a restart from durable state),
"rounds+1" (one round more per replica, so that a proposer retries), for
a protocol with timers a search leaves out "ticks" (--ticks), and for one
that takes reconfigurations "reconfig" (the last client reconfigures the
cluster to every replica but the last; 200,000 states), and last "walks":
10,000 random walks of 100 steps with a round more (--strategy random),
deeper than any search of every state gets. Each is a line of the report,
and the first violation one finds is the report's. With --network set (the default) every
message ever sent stays deliverable, which covers loss, reordering and duplication in one state; a
replica's messages to itself are local calls unless --network-self. The
checkers are the ones campaigns use, at every step, with the properties that
apply to the protocol. A protocol's knobs take their explorer defaults (a
smaller pipeline, say); a protocol may fire some timers only with --ticks,
and may bound the depth by default where its states run to millions
(--max-depth). Variants that break liveness only are beyond a safety
search: the report says so; campaigns catch them.

--model spec explores Lamport's abstract Paxos (Paxos.tla of the TLA+
examples) with --acceptors, --values, --max-ballot (ballots 0..B) and
--quorums (every majority, or only the minimal ones as MCPaxosTiny has them),
and counts as TLC does, so the numbers compare one for one with TLC's on the
same constants; --variant ignore-votes is a Phase2a that ignores earlier votes.

States are deduplicated by a 128-bit fingerprint of the whole state (the
estimated probability of a collision is printed) or, with --exact, by the
state itself. --symmetry merges states that are the same up to renaming
acceptors and values (spec) or the replicas that no client asks (impl, for
a protocol whose replicas are interchangeable). Both cores expand each BFS
level (--workers). On a terminal a progress line shows on stderr. Exit
status: 0 every reachable state is safe, 1 a violation, 2 bad usage, 4 a
search cut short by --max-states, --max-memory or an interrupt (^C, or a
TERM signal: the figures so far are printed).`,
	flags:   declareCheckFlags,
	outputs: []string{"out"},
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
	reconfig, quorums                                  string
	cfg                                                model.CheckConfig
	maxBallot, acceptors, values, maxDepth, workers    int
	maxStates                                          int64
	maxMemory                                          string
	symmetry, exact, refine, followUps, por            bool
	walks                                              int
	seed                                               uint64
}

// declareCheckFlags declares check's flags: the protocol's knobs among
// them, with their explorer defaults.
func declareCheckFlags(fs *flag.FlagSet, o *options) {
	info := o.p.Info()
	c := &o.check
	*c = checkOptions{model: "impl", network: "set", cfg: model.DefaultCheck(info), acceptors: 3, values: 2, maxMemory: "auto",
		maxDepth: o.p.DefaultDepth(), followUps: true}
	e := &c.cfg.Config
	fs.StringVar(&c.model, "model", c.model, "what to explore: `MODEL` impl (the protocol code) or spec (Paxos.tla)")
	fs.Var((*nameValue)(&e.Protocol), "protocol", "impl: "+protocolUsage(o.reg))
	fs.Var((*nameValue)(&c.variant), "variant", "a broken `VARIANT` to find: a protocol variant ('paxsim variants') for impl, ignore-votes for spec")
	fs.Var(value[int]{&e.Nodes}, "nodes", "impl: `N` replicas")
	fs.Var(countValue{&e.Clients}, "proposers", "impl, a consensus workload: `P` replicas get a client proposal (client c asks replica c)")
	fs.Var(countValue{&e.Clients}, "clients", "impl, a key-value service: `C` clients, each with one request in flight at a time")
	fs.Var(countValue{&e.Commands}, "commands", "impl, a key-value service: `K` requests per client (1..15), each sent once the client has the answer to the one before")
	fs.StringVar(&c.reconfig, "reconfig", "", "impl, a protocol that reconfigures: the last client reconfigures the cluster to `MEMBERS` (e.g. 2 or 1+2+3)")
	fs.Var(value[int]{&c.maxBallot}, "max-ballot", "impl: each replica uses rounds up to `B` (from its first, 0 or 1); spec: ballots 0..B (default 1 for impl, 2 for spec)")
	fs.StringVar(&c.network, "network", c.network, "impl: `KIND` set (every message sent stays deliverable) or multiset (delivery consumes; --drops, --dups)")
	fs.Var(value[int]{&c.cfg.Crashes}, "crashes", "impl: at most `N` crashes on a path (a minority down at once); restarts come from durable state")
	fs.BoolVar(&c.cfg.NoRestarts, "no-restarts", false, "impl: crashed replicas stay down")
	fs.BoolVar(&c.cfg.NoTimers, "no-timers", false, "impl: never fire timers (no retries, no elections, no catch-up)")
	fs.BoolVar(&c.cfg.Drops, "drops", false, "impl, multiset network: messages may be lost")
	fs.Var(value[int]{&c.cfg.Dups}, "dups", "impl, multiset network: at most `N` extra copies of sent messages")
	fs.BoolVar(&e.FIFO, "fifo", false, "impl, multiset network: each link delivers its messages in the order sent, as TCP does")
	fs.BoolVar(&c.followUps, "follow-ups", true, "impl: after a safe first search, search again with each bound you did not set widened, within a budget (one crash, messages to self through the network, a restart, an even cluster, a round more, the ticks, an election, a reconfiguration, random walks with a round more); by default on unless a flag sets the model (--nodes, --crashes, --max-ballot, ...), which is then searched alone; false: the first search alone")
	fs.BoolVar(&c.cfg.SharedProposer, "shared-proposer", false, "impl: every client asks the first proposer (several values at one replica, as at a leader)")
	fs.BoolVar(&c.cfg.NetworkSelf, "network-self", false, "impl: a replica's messages to itself go through the network (every interleaving, many more states)")
	fs.StringVar(&c.properties, "properties", "", "impl: only a violation of these comma-separated `PROPS` ends the search (e.g. agreement)")
	fs.BoolVar(&c.refine, "refine", false, "impl: check that every step refines Paxos.tla under the protocol's mapping, instead of the properties")
	fs.BoolVar(&c.cfg.Ticks, "ticks", false, "impl: fire the timers the protocol leaves out of a search unless asked (a leader's tick, say)")
	for _, k := range info.Knobs {
		if k.Explore != "" {
			k.Default = k.Explore
		}
		fs.Var(&paramValue{c: e, k: k}, k.Name, "impl: "+k.Usage)
	}
	fs.Var(value[int]{&c.acceptors}, "acceptors", "spec: `N` acceptors (1..7)")
	fs.Var(value[int]{&c.values}, "values", "spec: `N` values (1..5)")
	fs.StringVar(&c.quorums, "quorums", spec.QuorumsMajority, "spec: `Q` majority (every majority of the acceptors) or minimal (only the smallest, as MCPaxosTiny)")
	fs.StringVar(&c.strategy, "strategy", "bfs", "`ORDER` bfs (shortest counterexample, parallel), dfs, or random (random walks as deep as --max-depth, default 100 steps: a sample, not every state)")
	fs.Var(value[int]{&c.walks}, "walks", "with --strategy random: `N` walks")
	fs.Var(value[uint64]{&c.seed}, "seed", "with --strategy random: walk w draws its steps from `S` and w")
	fs.BoolVar(&c.por, "por", false, "impl, --network multiset --fifo: partial-order reduction: expand each state by a persistent set of its steps, not all of them (README): the same verdicts, in fewer states when --properties names only agreement and validity; bfs")
	fs.BoolVar(&c.symmetry, "symmetry", false, "merge states equal up to renaming interchangeable acceptors, replicas and values")
	fs.BoolVar(&c.exact, "exact", false, "deduplicate by whole states, not fingerprints: no collision, far more memory")
	fs.Var(value[int64]{&c.maxStates}, "max-states", "stop after `N` distinct states (0: no bound)")
	fs.Var(value[int]{&c.maxDepth}, "max-depth", "do not expand states at depth `D` (the initial state is at 1; 0: no bound), by default the protocol's bound")
	fs.Var(value[int]{&c.workers}, "workers", "`N` goroutines expand each BFS level (0: one per core)")
	fs.StringVar(&c.maxMemory, "max-memory", c.maxMemory, "stop, incomplete, when the search's heap passes `GIB` GiB; auto is half the machine's memory (a search always has a cap)")
	fs.StringVar(&c.out, "out", "", "write the counterexample's decision trace to `FILE`")
	fs.BoolVar(&o.json, "json", false, "print one JSON object instead of the text report")
}

func (x *invocation) check(o *options) error {
	opts, err := x.searchOptions(o)
	if err != nil {
		return err
	}
	if isTerminal(x.stderr) && !o.json {
		opts.Progress = func(p explore.Progress) {
			fmt.Fprintf(x.stderr, "\r%d distinct, %d generated, depth %d, %d queued, %.0f states/s\x1b[K",
				p.Distinct, p.Generated, p.Depth, p.Queue, float64(p.Distinct)/max(p.Elapsed.Seconds(), 1e-9))
		}
		defer fmt.Fprint(x.stderr, "\r\x1b[K")
	}
	switch o.check.model {
	case "impl":
		return x.checkImpl(o, opts)
	case "spec":
		return x.checkSpec(o, opts)
	}
	return usageErrorf("check", "invalid value for --model: %q is not impl or spec", o.check.model)
}

// searchOptions are the explorer's options the flags give.
func (x *invocation) searchOptions(o *options) (explore.Options, error) {
	c := &o.check
	strategy, err := explore.ParseStrategy(c.strategy)
	if err != nil {
		return explore.Options{}, usageErrorf("check", "invalid value for --strategy: %v", err)
	}
	switch {
	case c.maxStates < 0:
		return explore.Options{}, usageErrorf("check", "invalid value for --max-states: %d is negative", c.maxStates)
	case c.maxDepth < 0:
		return explore.Options{}, usageErrorf("check", "invalid value for --max-depth: %d is negative", c.maxDepth)
	}
	if err := porApplies(o); err != nil {
		return explore.Options{}, err
	}
	if err := walksApply(o, strategy); err != nil {
		return explore.Options{}, err
	}
	workers, err := boundWorkers(x, "check", c.workers)
	if err != nil {
		return explore.Options{}, err
	}
	if c.workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	maxMemory, err := x.memoryCap("check", c.maxMemory)
	if err != nil {
		return explore.Options{}, err
	}
	opts := explore.Options{Strategy: strategy, Symmetry: c.symmetry, Exact: c.exact, MaxStates: c.maxStates, MaxDepth: c.maxDepth,
		Workers: workers, MaxMemory: maxMemory, Context: x.ctx, POR: c.por, Walks: c.walks, Seed: c.seed}
	switch {
	case strategy == explore.Random && !o.set["max-depth"]:
		opts.MaxDepth = explore.DefaultWalkDepth // the protocol's bound is a breadth-first search's
	case strategy == explore.DFS && !o.set["max-depth"]:
		// No bound but memory: a depth bound prunes a depth-first search
		// where a state is first reached by a longer path (CheckExit).
		opts.MaxDepth = 0
	case !o.set["max-depth"]:
		o.p.DefaultDepthBound(&opts) // the protocol's depth bound is the least
		if opts.DeepenTo > 0 && c.maxStates > opts.DeepenTo {
			// --max-states is the budget the user gives the search: the
			// default depth bound deepens while the next level fits in it,
			// not in the smaller default one.
			opts.DeepenTo = c.maxStates
		}
		if opts.ShallowTo > 0 && c.maxStates > opts.ShallowTo {
			opts.ShallowTo = c.maxStates
		}
	}
	return opts, nil
}

// walksApply checks that --walks and --seed come with --strategy
// random, and that a random search has walks to take.
func walksApply(o *options, strategy explore.Strategy) error {
	for _, f := range []string{"walks", "seed"} {
		if o.set[f] && strategy != explore.Random {
			return usageErrorf("check", "--%s is for --strategy random", f)
		}
	}
	if o.set["walks"] && o.check.walks < 1 {
		return usageErrorf("check", "invalid value for --walks: %d is not a count of at least 1", o.check.walks)
	}
	return nil
}

// porApplies checks that --por, when set, is given a search it can
// reduce: partial-order reduction needs FIFO links, on which a replica's
// next message from a peer is decided while that link holds one; in a
// set network, or a multiset without order, any message a peer sends
// later may arrive first, and no replica's steps are ever a persistent
// set (README, "Partial-order reduction").
func porApplies(o *options) error {
	c := &o.check
	switch {
	case !c.por:
		return nil
	case c.strategy != "bfs":
		return usageErrorf("check", "--por needs --strategy bfs: its proviso against ignored steps is a breadth-first one")
	case c.refine:
		return usageErrorf("check", "--por and --refine do not go together: refinement judges every step, and a reduced search leaves steps out")
	case c.network != "multiset" || !c.cfg.Config.FIFO:
		return usageErrorf("check", "--por needs --network multiset --fifo: only on FIFO links does a replica's next message from a peer stay decided while that link holds one; in a %s network any message a peer sends later may arrive first, so no replica's steps are a persistent set", c.network)
	}
	return nil
}

// memoryCap is --max-memory of cmd (check, campaign) in bytes: 0 for
// auto (explore.DefaultMaxMemory). A cap past what the machine, or its
// container, can give (explore.UsableMemory) is bounded to that, with a
// note: the search would be killed before it reached it, not stopped.
func (x *invocation) memoryCap(cmd, flag string) (int64, error) {
	if flag == "auto" {
		return 0, nil
	}
	gib, err := strconv.ParseFloat(flag, 64)
	if err != nil || !(gib > 0) || math.IsInf(gib, 1) {
		return 0, usageErrorf(cmd, "invalid value for --max-memory: %q is not auto or a positive size in GiB", flag)
	}
	if usable := explore.UsableMemory(); gib*(1<<30) > float64(usable) {
		fmt.Fprintf(x.stderr, "%s: --max-memory %s: using %.1f GiB, what this machine (or its container) can give; more would have it killed, not stopped\n",
			x.program, flag, float64(usable)/(1<<30))
		return usable, nil
	}
	return max(1, int64(gib*(1<<30))), nil
}

// implOnly and specOnly are the flags that only one model takes.
var (
	implOnly = []string{"protocol", "nodes", "proposers", "clients", "commands", "network", "fifo", "crashes", "no-restarts", "no-timers", "drops", "dups",
		"network-self", "shared-proposer", "follow-ups", "properties", "reconfig", "ticks", "refine", "por"}
	specOnly = []string{"acceptors", "values", "quorums"}
	// modelFlags are the impl flags that shape the world searched, beside
	// the protocol's own knobs: a check that sets one searches that model
	// alone unless --follow-ups is given (followUpsOff).
	modelFlags = []string{"nodes", "proposers", "clients", "commands", "reconfig", "max-ballot", "network", "fifo", "crashes", "no-restarts",
		"no-timers", "drops", "dups", "network-self", "shared-proposer", "ticks"}
)

// followUpsOff says why check runs no follow-up search: --follow-ups=false,
// or flags that describe the model searched (modelFlags, the protocol's
// knobs) without --follow-ups; "" when the follow-ups run. A check with
// bounds of its own is that search, as TLC runs the model it is given; a
// bare check is the bug hunt, with every follow-up.
func followUpsOff(o *options) string {
	if o.check.strategy == "random" {
		return "--strategy random" // a sample: widening its bounds answers nothing a walk's depth does not
	}
	if o.set["follow-ups"] {
		if o.check.followUps {
			return ""
		}
		return "--follow-ups=false"
	}
	var named []string
	for _, f := range modelFlags {
		if o.set[f] {
			named = append(named, "--"+f)
		}
	}
	for _, k := range o.p.Info().Knobs {
		if o.set[k.Name] {
			named = append(named, "--"+k.Name)
		}
	}
	if len(named) == 0 {
		return ""
	}
	return strings.Join(named, " ") + " set the model searched; --follow-ups widens each bound left unset too"
}

// searched is what checkImpl's searches came to: the search that decided
// (its config and report), the refinement's mapping and the follow-ups.
type searched struct {
	cfg    model.CheckConfig
	rep    model.Report
	mapped *spec.Config
	follow []model.FollowUp
	// wall and cpu are the whole check's seconds, with its follow-ups.
	wall, cpu float64
}

// search runs check's searches of cfg: the refinement's, the one search
// (follow-ups off, for the reason off), or the first with its follow-ups.
func (x *invocation) search(o *options, cfg model.CheckConfig, opts explore.Options, off string) (searched, error) {
	s := searched{cfg: cfg}
	var err error
	switch {
	case o.check.refine:
		s.rep, s.mapped, err = x.refine(o, cfg, opts)
	case off != "":
		s.rep, err = o.p.Check(cfg, opts)
	default:
		var d harness.Deep
		d, err = o.p.CheckDeep(cfg, opts, func(flag string) bool { return o.set[flag] })
		s.cfg, s.rep, s.follow, s.wall, s.cpu = d.Config, d.Report, d.FollowUps, d.WallSeconds, d.CPUSeconds
	}
	return s, err
}

func (x *invocation) checkImpl(o *options, opts explore.Options) error {
	cfg, err := x.implConfig(o)
	if err != nil {
		return err
	}
	info, c := o.p.Info(), &o.check
	off := followUpsOff(o)
	s, hang, err := watchdog.Run(runHangTimeout, 0, func(p *watchdog.Pulse) (searched, error) {
		opts.Steps = p.Steps()
		return x.search(o, cfg, opts, off)
	})
	if hang != nil {
		return hangError("the search hangs", hang)
	}
	if err != nil {
		return err
	}
	cfg, rep, mapped, follow := s.cfg, s.rep, s.mapped, s.follow
	reconfig := c.reconfig
	if reconfig == "" && len(cfg.Reconfig) > 0 { // found by the reconfiguration's follow-up
		reconfig = harness.FormatMembers(cfg.Reconfig)
	}
	r := report.NewImplCheck(info, cfg, &rep, opts, reconfig, c.properties)
	r.FollowUps = x.continued(o, follow)
	r.CheckWallSeconds, r.CheckCPUSeconds = s.wall, s.cpu
	if off != "" && !c.refine && rep.Verdict == explore.VerdictOK && (rep.Complete || rep.Stop == explore.StopMaxDepth || rep.Stop == explore.StopWalks) {
		r.Note = strings.TrimPrefix(r.Note+"; follow-up searches: none: "+off, "; ")
	}
	if note := harness.DeepenedTooFar(opts, &rep); note != "" {
		r.Note = strings.TrimPrefix(r.Note+"; "+note, "; ")
	}
	if note := harness.ShallowerThanBound(opts, &rep); note != "" {
		r.Note = strings.TrimPrefix(r.Note+"; "+note, "; ")
	}
	if note, gap := (&harness.Deep{Report: rep, FollowUps: follow}).Undecided(); note != "" {
		r.Undecided = gap
		r.Note = strings.TrimPrefix(r.Note+"; "+note, "; ")
	}
	if mapped != nil {
		r.Describe += "; every step refined against Paxos.tla (" + mapped.String() + ")"
		if m, ok := r.Config.(map[string]any); ok {
			m["refine"] = mapped.String()
		}
	}
	if rep.Lines != nil && c.out != "" {
		how := "a path"
		if opts.Strategy == explore.BFS && rep.Walks == 0 {
			how = "a shortest path"
		}
		t := &trace.Trace{Config: rep.Config}
		for i, l := range rep.Lines {
			t.Lines = append(t.Lines, sim.ScriptLine{N: i + 1, Text: l})
		}
		desc := fmt.Sprintf("found by: %s check %s: %s to a %s violation", x.program, strings.Join(checkArgs(o), " "), how, rep.Property)
		if err := x.writeTraceFile(c.out, t, desc); err != nil {
			return err
		}
		r.TraceFile = c.out
	}
	r.Program = x.program
	return x.writeCheck(o, r)
}

// continued gives each follow-up search that its budget cut short the
// command that runs it on, alone, with ten times the states: the user's
// check, the follow-up's flags, and no depth bound where the follow-up
// had none.
func (x *invocation) continued(o *options, follow []model.FollowUp) []model.FollowUp {
	for i := range follow {
		f := &follow[i]
		if f.Stop != explore.StopMaxStates {
			continue
		}
		cmd := append([]string{x.program, "check"}, checkArgs(o, "follow-ups", "max-states")...)
		cmd = append(cmd, f.Flags, fmt.Sprintf("--max-states %d", 10*f.Budget))
		if !o.set["max-depth"] {
			cmd = append(cmd, "--max-depth 0")
		}
		f.Continue = strings.Join(cmd, " ")
	}
	return follow
}

// refine runs check --refine: the refinement search, and the constants of
// Paxos.tla it maps onto. A protocol without a mapping, or a search it
// does not support, is a usage error.
func (x *invocation) refine(o *options, cfg model.CheckConfig, opts explore.Options) (model.Report, *spec.Config, error) {
	if o.set["properties"] {
		return model.Report{}, nil, usageErrorf("check", "--refine checks refinement instead of the properties: leave out --properties")
	}
	if opts.Strategy != explore.BFS {
		return model.Report{}, nil, usageErrorf("check", "--refine needs --strategy bfs: a refinement failure comes with the shortest path to it")
	}
	rep, sc, err := o.p.Refine(cfg, opts)
	switch {
	case errors.Is(err, refine.ErrNoMapping):
		return rep, nil, usageErrorf("check", "--refine: %v", err)
	case errors.Is(err, refine.ErrSymmetry):
		return rep, nil, usageErrorf("check", "--refine: %v: leave out --symmetry", err)
	case err != nil:
		return rep, nil, internalErrorf("check: %v", err)
	}
	return rep, &sc, nil
}

// implConfig is the impl model's search the flags describe.
func (x *invocation) implConfig(o *options) (model.CheckConfig, error) {
	c, info := &o.check, o.p.Info()
	for _, f := range specOnly {
		if o.set[f] {
			return c.cfg, usageErrorf("check", "--%s is for --model spec", f)
		}
	}
	for _, name := range []string{"proposers", "clients", "commands", "reconfig"} {
		if f := lookupConfigFlag(name); o.set[name] && !f.appliesTo(info) {
			return c.cfg, usageErrorf("check", "--%s does not apply to --protocol %s: %s", name, info.Name, f.why)
		}
	}
	cfg := c.cfg
	members, err := parseMembers(c.reconfig)
	if err != nil {
		return cfg, usageErrorf("check", "invalid value for --reconfig: %v", err)
	}
	cfg.Reconfig = members
	if n := info.ProposerCount(cfg.Config.Nodes); !o.set["proposers"] && info.Workload.Kind == engine.Consensus && n >= 1 && cfg.Config.Clients > n {
		cfg.Config.Clients = n // the default two proposers do not fit: use every replica that proposes
	}
	if c.variant != "" {
		cfg.Config.Variant = c.variant
	}
	if o.set["max-ballot"] {
		cfg.MaxBallot = c.maxBallot
	}
	if cfg.Network, err = sim.ParseNetworkSemantics(c.network); err != nil {
		return cfg, usageErrorf("check", "invalid value for --network: %v", err)
	}
	if cfg.Properties, err = checkProperties(info, c.properties); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(info); err != nil {
		var ce *engine.ConfigError
		if errors.As(err, &ce) {
			return cfg, usageErrorf("check", "invalid value for --%s: %s", ce.Field, ce.Msg)
		}
		return cfg, usageErrorf("check", "%v", err)
	}
	return cfg, nil
}

// checkProperties reads --properties: properties the search judges.
func checkProperties(info *engine.Info, list string) ([]checker.Property, error) {
	if list == "" {
		return nil, nil
	}
	var known []string
	for _, p := range checker.AllProperties() {
		applies := info.Properties == nil || slices.Contains(info.Properties, p)
		if applies && p != checker.Liveness && p != checker.Linearizability {
			known = append(known, string(p))
		}
	}
	var out []checker.Property
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(known, p) {
			return nil, usageErrorf("check", "invalid value for --properties: %q is not a property (known: %s)", p, strings.Join(known, ", "))
		}
		out = append(out, checker.Property(p))
	}
	return out, nil
}

func (x *invocation) checkSpec(o *options, opts explore.Options) error {
	c := &o.check
	for _, f := range implOnly {
		if o.set[f] {
			return usageErrorf("check", "--%s is for --model impl", f)
		}
	}
	sc := spec.Config{Acceptors: c.acceptors, Values: c.values, MaxBallot: 2, Variant: c.variant, Quorums: c.quorums}
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
		return internalErrorf("check: %v", err)
	}
	r := report.NewCheck("spec", map[string]any{
		"acceptors": sc.Acceptors, "values": sc.Values, "max_ballot": sc.MaxBallot, "variant": sc.Variant,
		"quorums": quorumsName(sc.Quorums),
	}, &res, opts)
	r.Describe = report.DescribeSpec(sc.Acceptors, sc.Values, sc.MaxBallot, quorumsName(sc.Quorums), sc.Variant)
	if res.Verdict == explore.VerdictViolation {
		r.Property = "agreement"
		r.Steps = append([]string{"Init"}, res.Labels...)
		r.FinalState = res.Path[len(res.Path)-1].String()
	}
	return x.writeCheck(o, r)
}

// quorumsName words a spec's quorum system for the report.
func quorumsName(q string) string {
	if q == spec.QuorumsMinimal {
		return "the minimal majorities"
	}
	return "every majority"
}

var specFieldError = regexp.MustCompile(`^spec: Config\.(\w+) = (.*)$`)

// specFlagError words spec.New's errors in terms of the flags.
func specFlagError(err error) string {
	m := specFieldError.FindStringSubmatch(err.Error())
	if m == nil {
		return strings.TrimPrefix(err.Error(), "spec: ")
	}
	flags := map[string]string{"Acceptors": "acceptors", "Values": "values", "MaxBallot": "max-ballot", "Variant": "variant", "Quorums": "quorums"}
	return fmt.Sprintf("invalid value for --%s: %s", flags[m[1]], m[2])
}

// incomplete is why a search that stop cut short after distinct states is
// not a pass, and what to do. A memory cap the user did not set (capSet
// false) is --max-memory auto, already what the machine allows: raising
// it is no remedy, a bound of depth or states is.
func incomplete(stop string, distinct int64, capSet bool) string {
	switch {
	case stop == explore.StopInterrupted:
		return fmt.Sprintf("the search is incomplete: interrupted after %d states, so it is not a pass", distinct)
	case stop == explore.StopMaxMemory && !capSet:
		return fmt.Sprintf("the search is incomplete: the memory cap (--max-memory auto, half this machine's memory) stopped it after %d states, "+
			"so it is not a pass (bound it with --max-depth or --max-states, or shrink the model)", distinct)
	}
	return fmt.Sprintf("the search is incomplete: --%s stopped it after %d states, so it is not a pass (raise the bound, or shrink the model)", stop, distinct)
}

func (x *invocation) writeCheck(o *options, r *report.Check) error {
	r.ExitCode = r.CheckExit()
	var verdict error
	switch r.ExitCode {
	case report.ExitViolation:
		verdict = errFound
	case report.ExitIncomplete:
		r.Verdict = report.VerdictOf(report.ExitIncomplete)
		verdict = &exitError{code: report.ExitIncomplete, msg: incomplete(r.Stop, r.Distinct, o.set["max-memory"])}
	case report.ExitCoverageGap:
		r.Verdict = report.VerdictOf(report.ExitCoverageGap)
		verdict = &exitError{code: report.ExitCoverageGap, msg: "coverage gap: no state the search reached has a value chosen, so it judged no decision and is not a pass"}
	}
	if o.json {
		if err := report.JSON(x.stdout, r); err != nil {
			return err
		}
	} else {
		r.WriteText(x.stdout)
	}
	return verdict
}

// checkArgs is the check command line of o, its flags as given but for
// where the output goes.
func checkArgs(o *options, leaveOut ...string) []string {
	return flagArgs(newFlagSet(lookupCommand("check"), newOptions(o.reg, o.p, nil)), o.raw, func(name string) bool {
		return name != "out" && name != "json" && name != "workers" && !slices.Contains(leaveOut, name)
	})
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
		if slices.Contains(ids, sim.NodeID(id)) {
			return nil, fmt.Errorf("%q names replica %d twice", s, id)
		}
		ids = append(ids, sim.NodeID(id))
	}
	return ids, nil
}
