package report

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/model"
)

// wall words the search's wall and CPU time, and, after follow-up
// searches, the whole check's.
func (r *Check) wall() string {
	second := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)).Round(time.Millisecond) }
	out := fmt.Sprintf("%s (cpu %.2fs)", second(r.WallSeconds), r.CPUSeconds)
	if len(r.FollowUps) == 0 {
		return out
	}
	searches := fmt.Sprintf("its %d follow-up searches", len(r.FollowUps))
	if len(r.FollowUps) == 1 {
		searches = "its follow-up search"
	}
	return out + fmt.Sprintf("; the whole check, with %s: %s (cpu %.2fs)", searches, second(r.CheckWallSeconds), r.CheckCPUSeconds)
}

// Check is the report of an exhaustive search (paxsim check).
type Check struct {
	Model       string  `json:"model"` // impl (a protocol's code) or spec (Paxos.tla)
	Config      any     `json:"config"`
	Verdict     string  `json:"verdict"`
	Complete    bool    `json:"complete"`
	Stop        string  `json:"stop,omitempty"` // the bound that cut the search short
	Distinct    int64   `json:"distinct"`
	Generated   int64   `json:"generated"`
	Depth       int     `json:"depth"`
	StatesPerS  float64 `json:"states_per_second"`
	WallSeconds float64 `json:"wall_seconds"`
	// CheckWallSeconds and CheckCPUSeconds are the whole check's, with its
	// follow-up searches (each follow-up has its own).
	CheckWallSeconds float64 `json:"-"`
	CheckCPUSeconds  float64 `json:"-"`
	// CPUSeconds is the process's CPU time during the search (user and
	// system), BytesPerState the memory it keeps per distinct state
	// beyond the frontier (explore.Result).
	CPUSeconds    float64 `json:"cpu_seconds"`
	BytesPerState float64 `json:"bytes_per_state"`
	Strategy      string  `json:"strategy"`
	Symmetry      bool    `json:"symmetry"`
	// POR: the search expanded states by persistent sets (--por);
	// Reduced is how many it expanded by a set smaller than all of their
	// steps.
	POR     bool  `json:"por,omitempty"`
	Reduced int64 `json:"reduced,omitempty"`
	// Walks and Seed, for the random strategy: how many walks it took (up
	// to the violation), and the seed they drew from.
	Walks      int      `json:"walks,omitempty"`
	Seed       *uint64  `json:"seed,omitempty"`
	Exact      bool     `json:"exact"`
	Workers    int      `json:"workers"`
	Collision  float64  `json:"collision_probability"`
	Violation  string   `json:"violation,omitempty"`
	Property   string   `json:"property,omitempty"`
	Steps      []string `json:"counterexample,omitempty"`
	Note       string   `json:"note,omitempty"`
	FinalState string   `json:"final_state,omitempty"`
	// Undecided: the search was safe, but no state it (or a follow-up)
	// reached has a value chosen, so it judged no decision
	// (model.Undecided): a coverage gap, not a pass.
	Undecided bool   `json:"undecided,omitempty"`
	TraceFile string `json:"trace_file,omitempty"`
	ExitCode  int    `json:"exit_code"`
	// FollowUps are the searches check ran after a safe first one, each
	// with one bound the user left at its default widened (FollowUp).
	FollowUps []model.FollowUp `json:"follow_ups,omitempty"`

	// Describe says what was searched, in a line (DescribeImpl,
	// DescribeSpec).
	Describe string `json:"-"`
	// Program is the program the text tells the user to replay
	// TraceFile with (empty: paxsim).
	Program string `json:"-"`
	// deepened: the depth bound was the default one, deepened while the
	// levels fit (explore.Options.DeepenTo), not --max-depth's.
	deepened bool
	// walkDepth bounds a random walk's states.
	walkDepth int
}

// walkSeed is the seed of a random search's walks, nil for another.
func walkSeed(opts explore.Options) *uint64 {
	if opts.Strategy != explore.Random {
		return nil
	}
	return &opts.Seed
}

// NewCheck is the report of a search res of a model (spec) with options
// opts.
func NewCheck[S any](model string, cfg any, res *explore.Result[S], opts explore.Options) *Check {
	return &Check{
		Model: model, Config: cfg, Verdict: res.Verdict, Complete: res.Complete, Stop: res.Stop,
		Distinct: res.Distinct, Generated: res.Generated, Depth: res.Depth,
		StatesPerS: res.StatesPerSecond(), WallSeconds: res.Elapsed.Seconds(),
		CPUSeconds: res.CPUSeconds, BytesPerState: res.BytesPerState,
		Strategy: opts.Strategy.String(), Symmetry: opts.Symmetry, POR: opts.POR, Reduced: res.Reduced, Exact: opts.Exact, Workers: opts.Workers,
		Collision: res.Collision, Violation: res.Violation, deepened: opts.DeepenTo > 0,
		Walks: res.Walks, Seed: walkSeed(opts), walkDepth: opts.MaxDepth,
	}
}

// NewImplCheck is the report of rep, a search c of the code of the
// protocol info describes with options opts; reconfig and properties are
// the --reconfig and --properties flags as given.
func NewImplCheck(info *engine.Info, c model.CheckConfig, rep *model.Report, opts explore.Options, reconfig, properties string) *Check {
	res := explore.Result[struct{}]{Verdict: rep.Verdict, Distinct: rep.Distinct, Generated: rep.Generated, Depth: rep.Depth, Reduced: rep.Reduced, Walks: rep.Walks,
		Complete: rep.Complete, Stop: rep.Stop, Violation: rep.Violation, Collision: rep.Collision, Elapsed: rep.Elapsed,
		CPUSeconds: rep.CPUSeconds, BytesPerState: rep.BytesPerState}
	r := NewCheck("impl", implConfig(info, c, reconfig, properties), &res, opts)
	r.Note, r.Describe = rep.Note, DescribeImpl(info, c, reconfig)
	if rep.Property != "" {
		r.Property, r.Steps = string(rep.Property), rep.Lines
	}
	return r
}

// implConfig is the impl model's configuration as the report shows it.
func implConfig(info *engine.Info, c model.CheckConfig, reconfig, properties string) map[string]any {
	e := c.Effective(info)
	m := map[string]any{
		"protocol": e.Protocol, "variant": e.Variant, "nodes": e.Nodes, engine.ClientsKnob(info.Workload): e.Clients,
		"network": c.Network.String(), "max_ballot": c.MaxBallot,
		"crashes": c.Crashes, "restarts": !c.NoRestarts, "timers": !c.NoTimers, "ticks": c.Ticks,
		"drops": c.Drops, "dups": c.Dups, "network_self": c.NetworkSelf, "fifo": e.FIFO, "properties": properties,
		"shared_proposer": c.SharedProposer,
	}
	if info.Workload.Kind == engine.KeyValue {
		m["commands"] = e.Commands
	}
	if info.Workload.Reconfig {
		m["reconfig"] = reconfig
	}
	for _, k := range info.Knobs {
		m[k.Name] = info.Param(e.Params, k.Name)
	}
	return m
}

// DescribeImpl says what a search of a protocol's code explores.
func DescribeImpl(info *engine.Info, c model.CheckConfig, reconfig string) string {
	e := c.Effective(info)
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %d nodes, %d %s", e.Protocol, e.Nodes, e.Clients, engine.ClientsKnob(info.Workload))
	if e.Commands > 1 {
		fmt.Fprintf(&b, " of %d requests each, in turn", e.Commands)
	}
	if reconfig != "" {
		fmt.Fprintf(&b, " (the last a reconfiguration to %s)", reconfig)
	}
	if c.SharedProposer {
		b.WriteString(", every client asking the first proposer")
	}
	fmt.Fprintf(&b, ", variant %s", e.Variant)
	for _, k := range info.Knobs {
		fmt.Fprintf(&b, ", %s %s", k.Name, info.Param(e.Params, k.Name))
	}
	fmt.Fprintf(&b, "; %s network", c.Network)
	if e.FIFO {
		b.WriteString(" of FIFO links")
	}
	if c.NetworkSelf {
		b.WriteString(" (messages to self too)")
	}
	fmt.Fprintf(&b, ", rounds up to %d per replica, %d crashes", c.MaxBallot, c.Crashes)
	switch {
	case c.NoTimers:
		b.WriteString(", no timers")
	case c.Ticks:
		b.WriteString(", every timer")
	}
	return b.String()
}

// DescribeSpec says what a search of Paxos.tla explores; quorums words
// its quorum system ("every majority").
func DescribeSpec(acceptors, values, maxBallot int, quorums, variant string) string {
	s := fmt.Sprintf("Paxos.tla, %d acceptors, %d values, ballots 0..%d, quorums: %s", acceptors, values, maxBallot, quorums)
	if variant != "" {
		s += ", variant " + variant
	}
	return s
}

// CheckExit is a check's exit code: 1 for a violation; 4 when
// --max-states or --max-memory cut the search short, or --max-depth a
// depth-first one, since states it never reached may be unsafe; 3 when
// no state it reached has a value chosen (Undecided), since it judged no
// decision; 0 when every state within the bounds (--max-ballot,
// --crashes, --max-depth, ...) is safe, or no random walk found a
// violation (a sample, which the report says).
func (r *Check) CheckExit() int {
	switch {
	case r.Verdict == explore.VerdictViolation:
		return ExitViolation
	case !r.Complete && r.Stop != explore.StopMaxDepth && r.Stop != explore.StopWalks:
		return ExitIncomplete
	case !r.Complete && r.Stop == explore.StopMaxDepth && r.Strategy == "dfs":
		return ExitIncomplete // a state first reached deep is not expanded again when reached shallower
	case r.Undecided:
		return ExitCoverageGap
	}
	return ExitOK
}

const checkWidth = 11

// WriteText is the text report.
func (r *Check) WriteText(w io.Writer) {
	f := func(name, format string, args ...any) { field(w, checkWidth, name, format, args...) }
	how := "; " + r.Strategy
	if r.Strategy == "bfs" {
		how += fmt.Sprintf(" on %d workers", r.Workers)
	}
	if r.Symmetry {
		how += ", symmetry"
	}
	if r.POR {
		how += ", partial-order reduction"
	}
	if r.Strategy == "random" {
		how += fmt.Sprintf(" walks of up to %d states, from seed %d", r.walkDepth, *r.Seed)
	}
	f("model", "%s%s", r.Describe, how)
	verdict := r.Verdict
	switch {
	case r.ExitCode == ExitCoverageGap:
		verdict += fmt.Sprintf(" (every state within the bounds is safe, but no value is chosen in any: not a pass; exit %d)", ExitCoverageGap)
	case r.Verdict == explore.VerdictOK && r.Complete:
		verdict += " (every reachable state within the bounds is safe)"
	case r.Verdict == explore.VerdictOK && r.Stop == explore.StopWalks:
		verdict += fmt.Sprintf(" (no violation on %d random walks: a sample of the states, not every one)", r.Walks)
	case r.Verdict == explore.VerdictOK && r.Stop == explore.StopMaxDepth && r.deepened:
		verdict += fmt.Sprintf(" (every state within depth %d is safe: the default depth bound, deepened while the next level fit, stopped there; --max-depth sets another)", r.Depth)
	case r.Verdict == explore.VerdictOK && r.Stop == explore.StopMaxDepth:
		verdict += fmt.Sprintf(" (every state within depth %d is safe: --max-depth bounds the search)", r.Depth)
	case r.ExitCode == ExitIncomplete && r.Stop == explore.StopMaxDepth:
		verdict += fmt.Sprintf(" (--max-depth cut a depth-first search short: a state first reached by a longer path is not expanded again, so not every state within depth %d was searched: not a pass; exit %d)", r.Depth, ExitIncomplete)
	case r.ExitCode == ExitIncomplete && r.Stop == explore.StopInterrupted:
		verdict += fmt.Sprintf(" (interrupted: not a pass; exit %d)", ExitIncomplete)
	case r.ExitCode == ExitIncomplete:
		verdict += fmt.Sprintf(" (--%s cut the search short: not a pass; exit %d)", r.Stop, ExitIncomplete)
	}
	f("verdict", "%s", verdict)
	f("distinct", "%d", r.Distinct)
	f("generated", "%d", r.Generated)
	if r.POR {
		f("reduction", "%d of the states expanded by a persistent set of their steps, the others in full", r.Reduced)
	}
	f("depth", "%d", r.Depth)
	if r.Strategy == "random" {
		f("walks", "%d", r.Walks)
	}
	f("states/s", "%.0f", r.StatesPerS)
	f("wall", "%s", r.wall())
	f("memory", "%.0f bytes a state beyond the frontier", r.BytesPerState)
	if r.Exact {
		f("dedup", "exact (whole states)")
	} else {
		f("dedup", "128-bit fingerprints, collision probability %.1e", r.Collision)
	}
	if r.Note != "" {
		f("note", "%s", r.Note)
	}
	for i := range r.FollowUps {
		f(r.FollowUps[i].Name, "%s", &r.FollowUps[i])
	}
	if r.Violation != "" {
		r.writeCounterexample(w, f)
	}
}

// writeCounterexample writes the violation and its path.
func (r *Check) writeCounterexample(w io.Writer, f func(name, format string, args ...any)) {
	f("violation", "%s", r.Violation)
	kind := "counterexample"
	if r.Strategy == "bfs" && r.Walks == 0 { // not a random walk's, the walks follow-up's say
		kind = "shortest counterexample"
	}
	if r.Model == "spec" {
		fmt.Fprintf(w, "%s (%d steps):\n", kind, len(r.Steps)-1)
	} else {
		fmt.Fprintf(w, "%s (%d trace lines):\n", kind, len(r.Steps))
	}
	for _, s := range r.Steps {
		fmt.Fprintf(w, "  %s\n", s)
	}
	if r.FinalState != "" {
		fmt.Fprintf(w, "final state:\n  %s\n", strings.ReplaceAll(r.FinalState, "\n", "\n  "))
	}
	if r.TraceFile != "" {
		q, prog := ShellQuote(r.TraceFile), cmp.Or(r.Program, "paxsim")
		f("trace", "%s (%s replay %s; %s scenario import %s)", r.TraceFile, prog, q, prog, q)
	} else if r.Model == "impl" {
		f("trace", "add --out FILE to write it as a decision trace for %s replay", cmp.Or(r.Program, "paxsim"))
	}
}
