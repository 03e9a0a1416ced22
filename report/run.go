package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/engine"
)

// Run is the report of one run: its JSON, and the text WriteText prints.
type Run struct {
	Seed            uint64              `json:"seed"`
	Verdict         string              `json:"verdict"`
	Violations      []checker.Violation `json:"violations"`
	Chosen          *Chosen             `json:"chosen"`
	Learners        int                 `json:"learners"`
	LearnerNodes    int                 `json:"learner_nodes,omitempty"` // the nodes that are learners, when not every node is (engine.Roles)
	LeftFaulty      []int               `json:"left_faulty,omitempty"`
	Coverage        engine.Coverage     `json:"coverage"`
	SwarmDrew       []string            `json:"swarm_drew,omitempty"` // run --swarm: the knobs the seed drew, as flags
	Events          int64               `json:"events"`
	VirtualTime     int64               `json:"virtual_time"`
	Stop            string              `json:"stop"`
	LivenessChecked bool                `json:"liveness_checked"`
	Linearizability string              `json:"linearizability"`
	History         string              `json:"history_html,omitempty"`
	TraceHash       string              `json:"trace_hash"`
	Faults          map[string]int64    `json:"faults"`
	Messages        Messages            `json:"messages"`
	Ops             []linearize.Op      `json:"ops"`
	KVOps           []linearize.KVOp    `json:"kv_ops,omitempty"`
	// Service: a key-value workload's operations, commits and log.
	Service     *engine.ServiceSummary `json:"service,omitempty"`
	Config      engine.Config          `json:"config"` // with the defaults a run fills in written out
	Replay      string                 `json:"replay"`
	Determinism *Determinism           `json:"determinism,omitempty"`
	Reproducer  *Reproduction          `json:"reproducer,omitempty"`
	Trace       []string               `json:"trace,omitempty"`

	// Swarm says that the seed drew its configuration (SwarmDrew is what
	// it drew); Diagram, where a diagram of the run was written. For the
	// text.
	Swarm   bool   `json:"-"`
	Diagram string `json:"-"`

	seedLine string
	workload engine.Workload
}

// Chosen is the first value chosen.
type Chosen struct {
	Value  checker.Value `json:"value"`
	Ballot Ballot        `json:"ballot"`
	Time   int64         `json:"time"`
}

// Ballot is a ballot as reports write it.
type Ballot struct {
	Round uint32 `json:"round"`
	Node  int32  `json:"node"`
}

// Messages counts a run's messages, timers and syncs.
type Messages struct {
	Sent      int64 `json:"sent"`
	Delivered int64 `json:"delivered"`
	Timers    int64 `json:"timers"`
	// Syncs counts the writes the replicas made durable (sim.Stats.Syncs).
	Syncs int64 `json:"syncs"`
}

// Determinism is what running a seed twice here and once in another
// process showed.
type Determinism struct {
	Deterministic bool   `json:"deterministic"`
	Divergence    string `json:"divergence,omitempty"` // where the runs differ
}

// NewRun is the report of res, a run of c of the protocol info describes.
// config lists every option of c (SEED=N is put before it), replay is the
// command that runs it again.
func NewRun(info *engine.Info, c engine.Config, res *engine.Result, config, replay string) *Run {
	r := &Run{
		Seed: res.Seed, Verdict: res.Verdict, Violations: res.Violations,
		Learners: res.Learners, LearnerNodes: res.LearnerNodes, LeftFaulty: res.LeftFaulty, Coverage: res.Coverage, Events: res.Events, VirtualTime: res.Time,
		Stop: res.Stop, LivenessChecked: res.LivenessChecked, Linearizability: res.Linearizability,
		TraceHash: campaign.FormatHash(res.TraceHash), Faults: res.Faults(),
		Messages: Messages{res.Stats.Sent, res.Stats.Delivered, res.Stats.Timers, res.Stats.Syncs},
		Ops:      res.Ops, KVOps: res.KVOps, Service: res.Service, Config: c.Effective(info), Replay: replay,
		seedLine: fmt.Sprintf("SEED=%d %s", res.Seed, config), workload: info.Workload,
	}
	if r.Violations == nil {
		r.Violations = []checker.Violation{}
	}
	if r.Ops == nil {
		r.Ops = []linearize.Op{}
	}
	if ch := res.Chosen; ch != nil {
		r.Chosen = &Chosen{Value: ch.Value, Ballot: Ballot{ch.Ballot.Round, ch.Ballot.Node}, Time: ch.Time}
	}
	return r
}

// Failed reports whether the run failed: a violation, or a run that is not
// deterministic.
func (r *Run) Failed() bool {
	return len(r.Violations) > 0 || (r.Determinism != nil && !r.Determinism.Deterministic)
}

const runWidth = 14

// WriteText is the text report: the SEED= line, the outcome, the
// violations and the replay command.
func (r *Run) WriteText(w io.Writer) {
	fmt.Fprintln(w, r.seedLine)
	f := func(name, format string, args ...any) { field(w, runWidth, name, format, args...) }
	if r.Swarm {
		f("swarm", "%s", swarmText(r.SwarmDrew))
	}
	f("verdict", "%s", r.Verdict)
	r.writeOutcome(f)
	f("events", "%d", r.Events)
	f("virtual time", "%d", r.VirtualTime)
	liveness := "liveness judged"
	if !r.LivenessChecked {
		liveness = "liveness not judged"
	}
	f("stop", "%s (%s)", r.Stop, liveness)
	f("messages", "%d sent, %d delivered; timers fired: %d; writes synced: %d", r.Messages.Sent, r.Messages.Delivered, r.Messages.Timers, r.Messages.Syncs)
	f("faults", "%s", Counts(r.Faults))
	switch r.Linearizability {
	case "":
		f("linearizable", "no client operation to check")
	case string(linearize.Unknown):
		f("linearizable", "unknown: porcupine's search spent its budget of %d steps per key (inconclusive, not a pass)", engine.LinearizabilityBudget)
	default:
		f("linearizable", "%s", r.Linearizability)
	}
	f("trace hash", "%s", r.TraceHash)
	r.writeVerdicts(w, f)
	f("replay", "%s", r.Replay)
	if r.History != "" {
		f("history", "%s (open it in a browser)", r.History)
	}
	if r.Diagram != "" {
		f("diagram", "%s (open it in a browser)", r.Diagram)
	}
}

// writeOutcome says what the clients got: a consensus object's value and
// learners, or a key-value service's operations, commits and log.
func (r *Run) writeOutcome(f func(name, format string, args ...any)) {
	switch s := r.Service; {
	case s != nil:
		f("operations", "%d key-value operations, %d answered", s.Operations, s.Answered)
		if r.workload.Reconfig {
			f("committed", "%d key-value commands; %d reconfigurations of %d asked", s.Commands, s.Reconfigs, s.ReconfigsInvoked)
		} else {
			f("committed", "%d key-value commands", s.Commands)
		}
		f("replicas", "%d of %d applied the whole log (%d instances)%s", s.CaughtUp, r.Config.Nodes, s.Instances, leftOut(r.LeftFaulty))
	case r.workload.Kind == engine.KeyValue:
		f("operations", "%d key-value operations", len(r.KVOps))
	case r.Chosen != nil:
		f("chosen", "%s in ballot %s at t=%d", r.Chosen.Value, checker.Ballot{Round: r.Chosen.Ballot.Round, Node: r.Chosen.Ballot.Node}, r.Chosen.Time)
	default:
		f("chosen", "none")
	}
	if r.workload.Kind == engine.Consensus {
		if r.LearnerNodes > 0 {
			f("learners", "%d of %d learner nodes%s", r.Learners, r.LearnerNodes, leftOut(r.LeftFaulty))
		} else {
			f("learners", "%d of %d replicas%s", r.Learners, r.Config.Nodes, leftOut(r.LeftFaulty))
		}
	}
	for _, op := range r.Ops {
		answer := "no answer"
		if op.Return >= 0 {
			answer = fmt.Sprintf("answered %s at t=%d", op.Output, op.Return)
		}
		f(fmt.Sprintf("client %d", op.Client), "asked node %d to propose %s at t=%d, %s", op.Node, op.Value, op.Invoke, answer)
	}
}

// writeVerdicts writes what the determinism check found, the violations
// and whether a reproducer reproduced.
func (r *Run) writeVerdicts(w io.Writer, f func(name, format string, args ...any)) {
	if det := r.Determinism; det != nil {
		if det.Deterministic {
			f("determinism", "ok: a second run here and a third in another process came to the same trace and verdicts")
		} else {
			f("determinism", "NOT DETERMINISTIC: the two runs differ")
			indent(w, det.Divergence)
		}
	}
	if len(r.Violations) == 0 {
		f("violations", "none")
	} else {
		f("violations", "%d", len(r.Violations))
		for i := range r.Violations {
			indent(w, r.Violations[i].String())
		}
	}
	if r.Reproducer != nil {
		r.Reproducer.WriteText(w)
	}
}

// indent writes text's lines indented by two spaces.
func indent(w io.Writer, text string) {
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
}

// leftOut notes the nodes the heal left faulty, outside the liveness core.
func leftOut(faulty []int) string {
	if len(faulty) == 0 {
		return ""
	}
	ids := make([]string, len(faulty))
	for i, id := range faulty {
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
