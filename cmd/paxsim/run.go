package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/scenarios"
)

var runCmd = &command{
	name:   "run",
	usage:  "--seed N [config flags] [--trace] [--json] [--check-determinism] [--record FILE] [--html FILE]",
	short:  "run one seed and judge it",
	config: true,
	long: `Run runs one seed of the configured cluster and judges it. The report opens
with a SEED= line that lists every option, then gives the verdict, the chosen
value, the learners, the client operations, events, virtual time, the trace
hash, the fault counts and every violation with its evidence, and ends with
the replay command. The output depends only on the seed and the options:
running it again prints the same bytes.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.Var(numValue[uint64]{&o.seed}, "seed", "the seed `N` to run (required)")
		fs.BoolVar(&o.trace, "trace", false, "print the readable event trace before the report (with --json: as the trace list)")
		fs.BoolVar(&o.json, "json", false, "print one JSON object instead of the text report")
		fs.BoolVar(&o.checkDeterminism, "check-determinism", false, "run the seed twice here and once in a second paxsim process, and report where the runs part if their trace or verdicts differ")
		fs.StringVar(&o.record, "record", "", "write the run's decision trace to `FILE` (replay and shrink read it)")
		fs.StringVar(&o.html, "html", "", "when the client history is not linearizable, write its annotated timeline to `FILE` (HTML)")
		fs.BoolVar(&o.swarm, "swarm", false, "draw the configuration from the seed, as a campaign's swarm does (config flags given pin their knobs), and print what was drawn")
	},
	run: func(_ context.Context, x *invocation, o *options, args []string) error {
		if err := noArgs("run", args); err != nil {
			return err
		}
		if err := checkConfig("run", o); err != nil {
			return err
		}
		if !o.set["seed"] {
			return usageErrorf("run", "run needs --seed N (any number: the same seed gives the same run)")
		}
		if o.swarm {
			drawn := o.cfg.Swarm(o.seed, o.pinned)
			o.swarmDrew = o.cfg.SwarmDiff(drawn)
			o.cfg = drawn
		}
		return x.runSeed(o, nil)
	},
}

// runSeed runs o.seed of o.cfg, reports it and returns errFound when it
// failed. rep, when set, is the reproducer being replayed.
func (x *invocation) runSeed(o *options, rep *reproducerCheck) error {
	return x.report(o, rep, replayLine(o.seed, o.cfg), func(opts scenarios.Options) (scenarios.Result, error) {
		return scenarios.Run(o.cfg, o.seed, opts)
	})
}

// report runs what run says (a seed or a decision trace), writes the
// report and returns errFound when the run failed. again is the command
// that replays it.
func (x *invocation) report(o *options, rep *reproducerCheck, again string, run func(scenarios.Options) (scenarios.Result, error)) error {
	var spool *traceSpool
	opts := scenarios.Options{Record: o.record != ""}
	switch {
	case o.trace && o.json:
		var err error
		if spool, err = newTraceSpool(); err != nil {
			return err
		}
		defer spool.Close()
		opts.Trace = spool
	case o.trace:
		opts.Trace = x.stdout
	}
	res, err := run(opts)
	if err := runError("run", err); err != nil {
		return err
	}
	if o.record != "" {
		if res.Trace == nil { // Multi-Paxos runs record no decision trace
			return usageErrorf("run", "invalid value for --record: --protocol %s runs cannot be recorded: they record no decision trace", o.cfg.Protocol)
		}
		if err := writeTraceFile(o.record, res.Trace, fmt.Sprintf("recorded by: %s", again)); err != nil {
			return err
		}
	}
	history := ""
	if o.html != "" && res.Linearizability == string(linearize.Illegal) {
		if err := writeHistory(o.html, run); err != nil {
			return err
		}
		history = o.html
	}
	var det *determinism
	if o.checkDeterminism {
		if det, err = checkRunDeterminism(x.ctx, o, &res); err != nil {
			return err
		}
	}
	if rep != nil {
		rep.compare(&res)
	}
	if o.json {
		r := newRunReport(o.cfg, &res)
		r.Determinism, r.Reproducer, r.History = det, rep, history
		if o.swarm {
			r.SwarmDrew = append([]string{}, o.swarmDrew...)
		}
		if err := writeJSONWithTrace(x.stdout, r, spool); err != nil {
			return err
		}
	} else {
		var text strings.Builder
		writeRunText(&text, o.cfg, &res, det, rep, again)
		seed, rest, _ := strings.Cut(text.String(), "\n")
		fmt.Fprintln(x.stdout, seed)
		if o.swarm {
			fmt.Fprintf(x.stdout, "%-14s %s\n", "swarm:", swarmText(o.swarmDrew))
		}
		fmt.Fprint(x.stdout, rest)
		if history != "" {
			fmt.Fprintf(x.stdout, "%-14s %s (open it in a browser)\n", "history:", history)
		}
	}
	if res.Failed() || (det != nil && !det.Deterministic) || !rep.reproduced() {
		return errFound
	}
	return nil
}

// runReport is the JSON form of a run.
type runReport struct {
	Seed            uint64              `json:"seed"`
	Verdict         string              `json:"verdict"`
	Violations      []checker.Violation `json:"violations"`
	Chosen          *chosenJSON         `json:"chosen"`
	Learners        int                 `json:"learners"`
	LeftFaulty      []int               `json:"left_faulty,omitempty"`
	Coverage        scenarios.Coverage  `json:"coverage"`
	SwarmDrew       []string            `json:"swarm_drew,omitempty"` // run --swarm: the knobs the seed drew, as flags
	Events          int64               `json:"events"`
	VirtualTime     int64               `json:"virtual_time"`
	Stop            string              `json:"stop"`
	LivenessChecked bool                `json:"liveness_checked"`
	Linearizability string              `json:"linearizability"`
	History         string              `json:"history_html,omitempty"`
	TraceHash       string              `json:"trace_hash"`
	Faults          map[string]int64    `json:"faults"`
	Messages        messagesJSON        `json:"messages"`
	Ops             []scenarios.Op      `json:"ops"`
	KVOps           []linearize.KVOp    `json:"kv_ops,omitempty"`
	// Service: a Multi-Paxos run's operations, commits and log.
	Service     *scenarios.ServiceSummary `json:"service,omitempty"`
	Config      scenarios.Config          `json:"config"` // with the defaults a run fills in written out
	Replay      string                    `json:"replay"`
	Determinism *determinism              `json:"determinism,omitempty"`
	Reproducer  *reproducerCheck          `json:"reproducer,omitempty"`
	Trace       []string                  `json:"trace,omitempty"`
}

type chosenJSON struct {
	Value  checker.Value `json:"value"`
	Ballot ballotJSON    `json:"ballot"`
	Time   int64         `json:"time"`
}

type ballotJSON struct {
	Round uint32 `json:"round"`
	Node  int32  `json:"node"`
}

type messagesJSON struct {
	Sent      int64 `json:"sent"`
	Delivered int64 `json:"delivered"`
	Timers    int64 `json:"timers"`
}

func newRunReport(c scenarios.Config, res *scenarios.Result) *runReport {
	r := &runReport{
		Seed: res.Seed, Verdict: res.Verdict, Violations: res.Violations,
		Learners: res.Learners, LeftFaulty: res.LeftFaulty, Coverage: res.Coverage, Events: res.Events, VirtualTime: res.Time,
		Stop: res.Stop, LivenessChecked: res.LivenessChecked, Linearizability: res.Linearizability,
		TraceHash: campaign.FormatHash(res.TraceHash), Faults: res.Faults(),
		Messages: messagesJSON{res.Stats.Sent, res.Stats.Delivered, res.Stats.Timers},
		Ops:      res.Ops, KVOps: res.KVOps, Service: res.Service, Config: c.Effective(), Replay: replayLine(res.Seed, c),
	}
	if r.Violations == nil {
		r.Violations = []checker.Violation{}
	}
	if r.Ops == nil {
		r.Ops = []scenarios.Op{}
	}
	if ch := res.Chosen; ch != nil {
		r.Chosen = &chosenJSON{Value: ch.Value, Ballot: ballotJSON{ch.Ballot.Round, ch.Ballot.Node}, Time: ch.Time}
	}
	return r
}

// writeJSON prints v as one indented JSON object, with "->" in trace lines
// left readable.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding the report: %v", err)
	}
	return nil
}

// writeRunText is the text report of a run: the SEED= line, the outcome,
// the violations and the replay command.
func writeRunText(w io.Writer, c scenarios.Config, res *scenarios.Result, det *determinism, rep *reproducerCheck, again string) {
	fmt.Fprintln(w, seedLine(res.Seed, c))
	field := func(name, format string, args ...any) {
		fmt.Fprintf(w, "%-14s %s\n", name+":", fmt.Sprintf(format, args...))
	}
	field("verdict", "%s", res.Verdict)
	if s := res.Service; s != nil {
		field("operations", "%d key-value operations, %d answered", s.Operations, s.Answered)
		field("committed", "%d key-value commands; %d reconfigurations of %d asked", s.Commands, s.Reconfigs, s.ReconfigsInvoked)
		field("replicas", "%d of %d applied the whole log (%d instances)%s", s.CaughtUp, c.Nodes, s.Instances, leftOut(res))
	} else if c.Protocol == scenarios.MultiPaxos {
		field("operations", "%d key-value operations", len(res.KVOps))
	} else if ch := res.Chosen; ch != nil {
		field("chosen", "%s in ballot %s at t=%d", ch.Value, ch.Ballot, ch.Time)
	} else {
		field("chosen", "none")
	}
	if c.Protocol != scenarios.MultiPaxos {
		field("learners", "%d of %d replicas%s", res.Learners, c.Nodes, leftOut(res))
	}
	for _, op := range res.Ops {
		answer := "no answer"
		if op.Return >= 0 {
			answer = fmt.Sprintf("answered %s at t=%d", op.Output, op.Return)
		}
		field(fmt.Sprintf("client %d", op.Client), "asked node %d to propose %s at t=%d, %s", op.Node, op.Value, op.Invoke, answer)
	}
	field("events", "%d", res.Events)
	field("virtual time", "%d", res.Time)
	liveness := "liveness judged"
	if !res.LivenessChecked {
		liveness = "liveness not judged"
	}
	field("stop", "%s (%s)", res.Stop, liveness)
	field("messages", "%d sent, %d delivered; timers fired: %d", res.Stats.Sent, res.Stats.Delivered, res.Stats.Timers)
	field("faults", "%s", formatCounts(res.Faults()))
	switch res.Linearizability {
	case "":
		field("linearizable", "no client operation to check")
	case string(linearize.Unknown):
		field("linearizable", "unknown: porcupine's search spent its budget of %d steps per key (inconclusive, not a pass)", scenarios.LinearizabilityBudget)
	default:
		field("linearizable", "%s", res.Linearizability)
	}
	field("trace hash", "%s", campaign.FormatHash(res.TraceHash))
	if det != nil {
		if det.Deterministic {
			field("determinism", "ok: a second run here and a third in another process came to the same trace and verdicts")
		} else {
			field("determinism", "NOT DETERMINISTIC: the two runs differ")
			for _, line := range strings.Split(det.Divergence, "\n") {
				fmt.Fprintf(w, "  %s\n", line)
			}
		}
	}
	if len(res.Violations) == 0 {
		field("violations", "none")
	} else {
		field("violations", "%d", len(res.Violations))
		for i := range res.Violations {
			for _, line := range strings.Split(res.Violations[i].String(), "\n") {
				fmt.Fprintf(w, "  %s\n", line)
			}
		}
	}
	if rep != nil {
		rep.writeText(w)
	}
	field("replay", "%s", again)
}

// writeTraceFile writes a decision trace, with comments, to path.
func writeTraceFile(path string, t *scenarios.Trace, comments ...string) error {
	t.Comments = append(comments, "replay: paxsim replay "+shellQuote(path), "shrink: paxsim shrink "+shellQuote(path))
	f, err := os.Create(path)
	if err != nil {
		return inputErrorf("cannot write the decision trace: %v", err)
	}
	if err := t.Write(f); err != nil {
		f.Close()
		return inputErrorf("cannot write the decision trace: %v", err)
	}
	return f.Close()
}

// formatCounts renders counts as "name=n" pairs sorted by name.
func formatCounts[N int | int64](m map[string]N) string {
	names := sortedKeys(m)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeHistory writes the annotated HTML timeline of a run's client history.
func writeHistory(path string, run func(scenarios.Options) (scenarios.Result, error)) error {
	f, err := os.Create(path)
	if err != nil {
		return inputErrorf("cannot write the history: %v", err)
	}
	if _, err := scenarios.ExplainHistory(run, f); err != nil {
		f.Close()
		return inputErrorf("cannot write the history %s: %v", path, err)
	}
	return f.Close()
}

// leftOut notes the nodes the heal left faulty, outside the liveness core.
func leftOut(res *scenarios.Result) string {
	if len(res.LeftFaulty) == 0 {
		return ""
	}
	ids := make([]string, len(res.LeftFaulty))
	for i, id := range res.LeftFaulty {
		ids[i] = fmt.Sprint(id)
	}
	return fmt.Sprintf("; node(s) %s left faulty by the heal, outside the core", strings.Join(ids, ","))
}

// swarmText says what a swarm drew.
func swarmText(drew []string) string {
	if len(drew) == 0 {
		return "drew the configuration as given"
	}
	return "drew " + strings.Join(drew, " ")
}

// runError is the exit of cmd when running a seed or a trace failed: a
// trace step that cannot be taken is bad input, a bad config a usage
// error.
func runError(cmd string, err error) error {
	var te *scenarios.TraceError
	switch {
	case errors.As(err, &te):
		return inputErrorf("%v", err)
	case err != nil:
		return configError(cmd, err)
	}
	return nil
}
