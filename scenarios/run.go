package scenarios

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// PanicProperty is reported when protocol code panics: a failure of the
// implementation, reported with its seed like any violation.
const PanicProperty checker.Property = "panic"

// Verdicts.
const (
	VerdictOK        = "ok"
	VerdictViolation = "violation"
)

// Why a run stopped.
const (
	StopDecided    = "decided"      // healed, every replica learned, every client answered
	StopViolation  = "violation"    // a property broke
	StopDeadline   = "deadline"     // the liveness deadline passed
	StopMaxTime    = "max-time"     // the time limit
	StopMaxEvents  = "max-events"   // the event limit
	StopQuiescent  = "quiescent"    // nothing left to run
	StopEndOfTrace = "end-of-trace" // a replayed trace ran out of steps
)

// Op is one client operation: propose(Value), invoked at Invoke on Node,
// answered with Output at Return. Return is -1 while the outcome is unknown
// (the replica crashed or never answered). It is linearize.Op, so that a
// run's history is checked as it is.
type Op = linearize.Op

// Chosen describes the decided value.
type Chosen struct {
	Value  checker.Value  `json:"value"`
	Ballot checker.Ballot `json:"ballot"`
	Time   int64          `json:"time"`
}

// Result is the outcome of one run.
type Result struct {
	Seed       uint64              `json:"seed"`
	Verdict    string              `json:"verdict"`
	Violations []checker.Violation `json:"violations"`
	Chosen     *Chosen             `json:"chosen,omitempty"`
	Learners   int                 `json:"learners"` // replicas that learned the value
	// LeftFaulty is the nodes the heal left down or cut off for good,
	// outside the core whose progress liveness judges.
	LeftFaulty []int `json:"left_faulty,omitempty"`
	// Coverage is what the run exercised: the sometimes properties that
	// held, and the ballots of its decided instances.
	Coverage Coverage `json:"coverage"`
	Events   int64    `json:"events"`
	Time     int64    `json:"virtual_time"`
	Stop     string   `json:"stop"`
	// LivenessChecked is false when the run ended before its liveness
	// deadline could be judged (no heal, or max-time or max-events first).
	LivenessChecked bool   `json:"liveness_checked"`
	TraceHash       uint64 `json:"-"`
	Stats           sim.Stats
	Ops             []Op `json:"ops"`
	// KVOps is a Multi-Paxos run's client history: key-value operations.
	KVOps []linearize.KVOp `json:"kv_ops,omitempty"`
	// Service sums up a Multi-Paxos run (nil for single-decree Paxos):
	// operations invoked and answered, commands and reconfigurations
	// committed, the log's length and the replicas that applied all of it.
	Service *ServiceSummary `json:"service,omitempty"`
	// Trace is the run's decision trace, with Options.Record.
	Trace *Trace `json:"-"`
	// Linearizability is the verdict on the client history: "ok",
	// "illegal" (also reported as a violation) or "unknown" (the check ran
	// out of time: inconclusive, never a pass).
	Linearizability string `json:"linearizability"`
}

// Failed reports whether the run found a violation.
func (r *Result) Failed() bool { return len(r.Violations) > 0 }

// Faults returns how often each fault kind happened, by name.
func (r *Result) Faults() map[string]int64 {
	m := make(map[string]int64, sim.NumFaultKinds)
	for k := sim.FaultKind(0); k < sim.NumFaultKinds; k++ {
		m[k.String()] = r.Stats.Faults[k]
	}
	return m
}

// Options change how a run is observed, never what it does.
type Options struct {
	// Trace, when set, receives the readable trace: every executed event,
	// network fault and observation, one per line.
	Trace io.Writer
	// Decider, when set, takes the decisions instead of the seed's PRNG.
	Decider sim.Decider
	// OnEvent, when set, is called after every executed event with the
	// rolling hash: what determinism checks compare.
	OnEvent func(index int64, hash uint64)

	// Record keeps the run's decision trace in Result.Trace: a file that
	// replays step by step (Replay), survives unrelated code changes and
	// shrinks (Shrink).
	Record bool

	// Draw, when set, records the run as a space-time diagram: see
	// Drawing.
	Draw *Drawing

	// traceEntries receives the trace as entries (ExplainHistory).
	traceEntries func(sim.TraceEntry)

	// wrap, in tests, wraps the node factory (to inject a panic, say).
	wrap func(nodeFactory) nodeFactory
	// InertFaults switches off the effect of random faults of some kinds
	// (sim.FaultConfig.Inert), for the harness's own tests: a campaign
	// must notice a fault kind that never fires.
	InertFaults uint32
}

type nodeFactory = sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation]

type paxosWorld = sim.World[protocol.Msg, protocol.Durable, checker.Observation]

// Run executes one seed of c and judges it. A bad c returns a *ConfigError.
func Run(c Config, seed uint64, opts Options) (res Result, err error) {
	var rr Runner
	return rr.Run(c, seed, opts)
}

// Runner runs seeds one after another, each as Run does, reusing the
// memory that one run's checker and bookkeeping took for the next: what a
// campaign's worker does, whose seeds are short enough that their setup
// costs as much as their events. A Result shares nothing with the Runner.
// The zero value is ready to use; a Runner is for one goroutine.
type Runner struct {
	spare  *runner    // the last single-decree run's
	random sim.Random // the decider of runs without Options.Decider
}

// Run executes one seed of c and judges it, like the function Run.
func (rr *Runner) Run(c Config, seed uint64, opts Options) (res Result, err error) {
	if c.Protocol == MultiPaxos {
		return runMultiPaxos(c, seed, opts)
	}
	sc, variant, err := c.build()
	if err != nil {
		return res, err
	}
	decider := opts.Decider
	if decider == nil {
		rr.random.Seed(seed)
		decider = &rr.random
	}
	if rr.spare == nil {
		rr.spare = new(runner)
	}
	r, err := buildRunner(rr.spare, c, sc, variant, seed, decider, opts)
	if err != nil {
		return res, err
	}
	r.execute(func() error {
		r.scheduleClients(decider)
		r.loop(sim.Time(c.HealAt), sim.Time(c.HealAt+c.Liveness), sim.Time(c.maxTime()))
		return nil
	})
	return r.res, nil
}

// newRunner builds the world of one run with its checker attached.
func newRunner(c Config, sc sim.Config, variant protocol.Variant, seed uint64, decider sim.Decider, opts Options) (*runner, error) {
	return buildRunner(new(runner), c, sc, variant, seed, decider, opts)
}

// buildRunner is newRunner in r, whose memory it reuses: r's world, its
// checker, its learners' flags and its coverage's instances, none of which
// a Result holds.
func buildRunner(r *runner, c Config, sc sim.Config, variant protocol.Variant, seed uint64, decider sim.Decider, opts Options) (*runner, error) {
	world, safety, learned, cover := r.world, r.safety, r.learned, r.cover
	*r = runner{cfg: c, res: Result{Seed: seed, Verdict: VerdictOK, Ops: make([]Op, 0, c.Proposers)}, opts: opts}
	r.cover = cover
	r.cover.reset()
	sc.Faults.Inert = opts.InertFaults
	if c.HealAt > 0 {
		sc.Faults.KeepFaulty = keepFaulty(seed, c.Nodes)
	}
	if safety == nil {
		safety = checker.NewSafety(c.Nodes)
	} else {
		safety.Reset(c.Nodes)
	}
	r.safety = safety
	if cap(learned) > c.Nodes {
		r.learned = learned[:c.Nodes+1]
		clear(r.learned)
	} else {
		r.learned = make([]bool, c.Nodes+1)
	}
	factory := protocol.NewNodes(c.Nodes, protocolConfig(variant, sc.Network.Delay))
	if opts.wrap != nil {
		factory = opts.wrap(factory)
	}
	var err error
	if world == nil {
		world, err = sim.New(sc, decider, factory, r.observe)
	} else {
		err = world.Reset(sc, decider, factory, r.observe)
	}
	r.world = world
	if err != nil {
		return nil, &ConfigError{Field: "config", Msg: err.Error()}
	}
	opts = drawPaxos(r, opts)
	r.world.SetTracer(opts.tracer())
	if opts.Record {
		r.world.SetScheduleLog(r.log)
	}
	return r, nil
}

type runner struct {
	cfg      Config
	opts     Options
	world    *paxosWorld
	safety   *checker.Safety
	res      Result
	pending  int    // client operations without an answer
	learned  []bool // by node id: has it learned a value
	learners int
	cover    coverage
	retried  bool     // clients without an answer asked again after the heal
	lines    []string // the decision trace, with Options.Record
	healLine int      // index of the "heal" line in lines, or 0
	healedAt int64    // when the heal happened
	// onObserve, when set, also receives every observation (scenario
	// printouts).
	onObserve func(sim.NodeID, checker.Observation)
}

// log records one decision-trace line.
func (r *runner) log(line string) {
	if line == "heal" {
		r.healLine, r.healedAt = len(r.lines), int64(r.world.Now())
	}
	r.lines = append(r.lines, line)
}

// execute runs body, turning a panic in protocol code into a reported
// failure, and sums up the run.
func (r *runner) execute(body func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.res.Violations = append(r.res.Violations, panicViolation(r.world.Current(), r.world.Events(), p))
		}
		r.finish()
	}()
	return body()
}

// loop runs the world until a violation, the end of the liveness phase
// (faults heal at healAt; the cluster must decide by deadline) or a limit.
func (r *runner) loop(healAt, deadline, maxTime sim.Time) {
	w, c := r.world, r.cfg
	limit := maxTime // the time after which the checks below stop the run
	if healAt > 0 && deadline < limit {
		limit = deadline
	}
	for {
		if w.Healed() && !r.retried {
			r.retryClients()
		}
		if w.Events() >= c.MaxEvents {
			r.res.Stop = StopMaxEvents
			return
		}
		next, ok := w.Next()
		if healAt > 0 && (!ok || next > deadline) && deadline <= maxTime {
			r.res.Stop = StopDeadline
			r.res.LivenessChecked = true
			r.safety.At(int64(deadline), w.Events())
			if v := r.safety.CheckLiveness(r.core(), int64(healAt), int64(deadline)); v != nil {
				r.res.Violations = append(r.res.Violations, *v)
			}
			return
		}
		if !ok {
			r.res.Stop = StopQuiescent
			return
		}
		if next > maxTime {
			r.res.Stop = StopMaxTime
			return
		}
		if r.opts.OnEvent != nil {
			w.Step() // OnEvent sees every step
		} else {
			w.Advance(limit) // the steps that change nothing need no checks
		}
		if r.afterStep() {
			return
		}
		if w.Healed() && r.pending == 0 && r.coreLearned() {
			r.res.Stop = StopDecided
			r.res.LivenessChecked = true
			return
		}
	}
}

// scheduleClients draws the workload: Proposers distinct replicas each get
// one client proposing a unique value at a random time in the window.
func (r *runner) scheduleClients(decider sim.Decider) {
	c := r.cfg
	replicas := make([]int, c.Nodes)
	for i := range replicas {
		replicas[i] = i + 1
	}
	for i := 0; i < c.Proposers; i++ { // a partial Fisher-Yates shuffle
		j := i + decider.Intn(sim.Decision{Kind: sim.DecideWorkload}, c.Nodes-i)
		replicas[i], replicas[j] = replicas[j], replicas[i]
	}
	for i := 0; i < c.Proposers; i++ {
		client := i + 1
		node := sim.NodeID(replicas[i])
		at := sim.Time(decider.Intn(sim.Decision{Kind: sim.DecideWorkload, Node: node}, int(c.ProposeWindow)+1))
		r.propose(client, node, at)
	}
}

// afterStep reports a step to Options.OnEvent and records the checker's
// first violation; it reports whether the run must stop.
func (r *runner) afterStep() bool {
	if r.opts.OnEvent != nil {
		r.opts.OnEvent(r.world.Events(), r.world.Hash())
	}
	v := r.safety.Violation()
	if v == nil {
		return false
	}
	r.res.Violations = append(r.res.Violations, *v)
	r.res.Stop = StopViolation
	return true
}

// retryClients lets every client without an answer ask again, once faults
// have healed: a request lost to a crash must not stall the liveness
// phase. Only an operation already invoked is retried, at once. A client
// whose request is still ahead of it (the heal came inside the propose
// window) asks at its own time, as scheduled; it goes to the next replica
// of the core then only when the heal left its own replica faulty. An
// early retry would propose a value before its client asked for it.
func (r *runner) retryClients() {
	r.retried = true
	faulty := r.world.LeftFaulty()
	now := r.world.Now()
	for _, op := range r.res.Ops {
		if op.Return >= 0 {
			continue
		}
		to := op.Node
		for faulty&(1<<uint(to)) != 0 { // ask the next replica of the core
			to = to%r.cfg.Nodes + 1
		}
		switch invoke := sim.Time(op.Invoke); {
		case invoke <= now:
			r.request(op.Client, sim.NodeID(to), now+1)
		case to != op.Node:
			r.request(op.Client, sim.NodeID(to), invoke)
		}
	}
}

// livenessPhase ends a Choice world's schedule: faults heal, the world
// turns timed with the run's seed, and the cluster must decide within the
// liveness bound.
func (r *runner) livenessPhase() {
	w := r.world
	w.SetDecider(sim.NewRandom(r.res.Seed)) // the restarts' and messages' draws too
	w.Heal()
	w.SwitchToTimed()
	now := w.Now()
	r.loop(now, now+sim.Time(r.cfg.Liveness), now+sim.Time(r.cfg.Liveness))
}

// propose starts client's operation: it asks node to propose the client's
// unique value at time at.
func (r *runner) propose(client int, node sim.NodeID, at sim.Time) {
	value := checker.Value(client)
	r.request(client, node, at)
	r.res.Ops = append(r.res.Ops, Op{Client: client, Node: int(node), Value: value, Invoke: int64(at), Return: -1})
	r.safety.At(int64(at), r.world.Events())
	r.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Client: client, Value: value})
	r.pending++
}

// op returns client's operation, or nil.
func (r *runner) op(client int) *Op {
	for i := range r.res.Ops {
		if r.res.Ops[i].Client == client {
			return &r.res.Ops[i]
		}
	}
	return nil
}

// request sends client's request to node at time at (again, for a retry).
func (r *runner) request(client int, node sim.NodeID, at sim.Time) {
	value := checker.Value(client)
	if r.opts.Record {
		r.log(clientLine(client, value, node))
	}
	msg := protocol.Msg{Type: protocol.Request, Client: int32(client), Value: value}
	drawRequest(r.opts.Draw, client, node, msg, at)
	r.world.Request(at, node, msg)
}

// observe is the world's observer: every observation goes to the checker
// (stamped with time and event index), the client history and the trace.
func (r *runner) observe(node sim.NodeID, o checker.Observation) {
	w := r.world
	r.safety.At(int64(w.Now()), w.Events())
	r.safety.Observe(int(node), o)
	switch o.Kind {
	case checker.Proposed, checker.Accepted:
		r.cover.observe(node, o, r.safety, w)
	case checker.Learned:
		if !r.learned[node] {
			r.learned[node] = true
			r.learners++
		}
	case checker.Returned:
		if op := r.op(o.Client); op != nil && op.Return < 0 {
			op.Return, op.Output = int64(w.Now()), o.Value
			r.pending--
		}
	}
	if r.opts.Trace != nil {
		fmt.Fprintf(r.opts.Trace, "    node %d %s\n", node, o)
	}
	if r.onObserve != nil {
		r.onObserve(node, o)
	}
}

// core lists the nodes whose progress liveness judges: all but those the
// heal left faulty.
func (r *runner) core() []int { return coreNodes(r.cfg.Nodes, r.world.LeftFaulty()) }

// coreLearned reports whether every node of the core learned a value. It
// runs after every step past the heal: it lists nothing.
func (r *runner) coreLearned() bool {
	if r.learners == r.cfg.Nodes {
		return true
	}
	faulty := r.world.LeftFaulty()
	for id := 1; id <= r.cfg.Nodes; id++ {
		if faulty&(1<<uint(id)) == 0 && !r.learned[id] {
			return false
		}
	}
	return true
}

func (r *runner) finish() {
	w := r.world
	r.res.Events = w.Events()
	r.res.Time = int64(w.Now())
	r.res.TraceHash = w.Hash()
	r.res.Stats = w.Stats()
	if ch, ok := r.safety.Chosen(0); ok {
		r.res.Chosen = &Chosen{Value: ch.Value, Ballot: ch.Ballot, Time: ch.Time}
	}
	r.res.Learners = r.learners
	r.res.LeftFaulty = leftFaulty(w)
	r.res.Coverage = r.cover.res
	r.checkLinearizability()
	if r.opts.Record {
		r.res.Trace = r.trace()
	}
	if len(r.res.Violations) > 0 {
		r.res.Verdict = VerdictViolation
		r.res.Stop = StopViolation
	}
}

// panicViolation reports a panic p in protocol code, raised while running
// event at, as a failure with the stack as evidence.
func panicViolation(at sim.TraceEntry, events int64, p any) checker.Violation {
	return checker.Violation{
		Property: PanicProperty, Time: int64(at.Time), Event: events,
		Message:  fmt.Sprintf("panic while running %s: %v", at, p),
		Evidence: stackEvidence(),
	}
}

// stackEvidence lists the panicking goroutine's frames as "function
// file:line", without addresses or goroutine ids, so that the report is the
// same on every run of the same binary.
func stackEvidence() []string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(4, pcs) // past Callers, stackEvidence, panicViolation and the deferred func
	frames := runtime.CallersFrames(pcs[:n])
	var out []string
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			out = append(out, fmt.Sprintf("at %s %s:%d", f.Function, filepath.Base(f.File), f.Line))
		}
		if !more || strings.HasSuffix(f.Function, "scenarios.(*runner).execute") || strings.HasSuffix(f.Function, "scenarios.(*mpRunner).execute") || len(out) >= 16 {
			return out
		}
	}
}

// tracer is the world's tracer the options ask for: the readable trace to
// Trace, the entries to traceEntries, both, or none (nil).
func (o *Options) tracer() func(sim.TraceEntry) {
	switch {
	case o.Trace != nil && o.traceEntries != nil:
		return func(e sim.TraceEntry) { fmt.Fprintln(o.Trace, e); o.traceEntries(e) }
	case o.Trace != nil:
		return func(e sim.TraceEntry) { fmt.Fprintln(o.Trace, e) }
	}
	return o.traceEntries
}
