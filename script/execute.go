package script

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// Result is what one run of a scenario did.
type Result struct {
	engine.Result
	// Holds: the run broke the expected property (among others), or, when
	// ok was expected, none.
	Holds bool
	Got   string // the properties broken, in order, or "ok"
}

// Execute runs one block of s under p, whose description info is, and
// writes its printout to w: every step as taken (the whole message), what
// the nodes observably did, and each node's durable state after it; then
// the verdict against the expectation. The run is an engine.Session over a
// Choice world in which any message may be dropped or duplicated and any
// node crash, judged at every step as every verb judges a run; it goes on
// past a violation, to show where it leads. A step that cannot be taken
// returns an *engine.LineError naming its line. steps, when set, counts
// the steps as they are taken, for a watchdog (engine.Options.Steps).
func Execute[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, s *Scenario, run Run, w io.Writer, steps *atomic.Int64) (Result, error) {
	res, outcome, err := executeDrawing(p, info, s, run, w, newDraws(run), steps)
	if err != nil {
		return Result{}, err
	}
	return verdict(run, res, outcome, w), nil
}

// execute runs the steps and returns the run's result and what it
// achieved, without the verdict.
func execute[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, s *Scenario, run Run, w io.Writer) (engine.Result, string, error) {
	return executeDrawing(p, info, s, run, w, newDraws(run), nil)
}

// newDraws is the world's decider of run: its steps, and its seed for the
// draws they do not give.
func newDraws(run Run) *draws { return &draws{steps: run.Steps, seeded: sim.NewRandom(run.Seed)} }

// executeDrawing is execute with the world's decider d, counting its
// steps in steps when set.
func executeDrawing[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, s *Scenario, run Run, w io.Writer, d *draws, steps *atomic.Int64) (engine.Result, string, error) {
	if err := checkRun(info, s.File, run); err != nil {
		return engine.Result{}, "", err
	}
	in := &interp[M, D]{p: p, c: ctx{info: info, nodes: run.Nodes}, w: w, asked: map[[2]int]bool{}, seqs: map[int]int{}}
	in.draws = d
	mode := trace.Mode(run.Nodes) // a decision trace's world, but the clients only do what steps say
	mode.Scripted = true
	sess, err := engine.NewSession(p, info, runConfig(info, run), run.Seed, mode, in.draws, engine.Options{OnObserve: in.observe, Steps: steps})
	if err != nil {
		return engine.Result{}, "", &engine.LineError{File: s.File, Line: run.Line, Msg: err.Error()}
	}
	in.s = sess
	err = sess.Execute(in.steps)
	var le *engine.LineError
	if errors.As(err, &le) {
		le.File = s.File
	}
	if err != nil {
		return engine.Result{}, "", err
	}
	return *sess.Result(), in.outcome(), nil
}

// runConfig is the engine's configuration of a run block: faults come
// from the steps alone, and the clients are those the steps name.
func runConfig(info *engine.Info, run Run) engine.Config {
	c := engine.Default()
	c.Protocol, c.Variant, c.Nodes, c.Params = info.Name, run.Variant, run.Nodes, run.Params
	c.HealAt, c.MaxCrashed = 0, run.Nodes
	c.Clients = 1
	for _, l := range run.Steps {
		if st, err := engine.ParseClientStep(l.Text, run.Nodes, info.Workload); err == nil {
			c.Clients = max(c.Clients, st.Client)
		}
	}
	if info.Workload.Reconfig {
		c.Reconfig = "none"
	}
	return c
}

// interp is a run in progress: the runner the step handlers drive.
type interp[M sim.Message, D any] struct {
	p     engine.Protocol[M, D]
	c     ctx
	s     *engine.Session[M, D]
	w     io.Writer
	draws *draws
	quiet bool      // observations are not printed (a settle step runs)
	crash sim.Crash // the kind of crash the next action is (crashNext)
	// top is the highest instance observed; asked holds the client
	// requests (client, seq) not answered yet, seqs each client's count.
	top              int64
	asked            map[[2]int]bool
	seqs             map[int]int
	nasked, answered int
}

// steps takes the run's steps in order, printing each.
func (in *interp[M, D]) steps() error {
	in.s.World().Next() // boot the nodes (their draws may follow as rand lines)
	for d := in.draws; d.next < len(d.steps); {
		l := d.steps[d.next]
		d.next++
		k, args, err := kindOf(l.Text)
		if err == nil {
			err = k.take(in, in.c, l.Text, args)
			in.s.Stepped()
		}
		if err != nil {
			return &engine.LineError{Line: l.N, Msg: fmt.Sprintf("%q cannot be taken: %v", l.Text, err)}
		}
	}
	if r := in.s.Result(); r.Stop == "" {
		r.Stop = engine.StopEndOfTrace
	}
	return nil
}

// observe prints an observation and keeps the counts the outcome needs.
func (in *interp[M, D]) observe(node sim.NodeID, o checker.Observation) {
	in.top = max(in.top, o.Instance)
	if a, ok := in.p.Answer(o); ok && in.asked[[2]int{a.Client, a.Seq}] {
		delete(in.asked, [2]int{a.Client, a.Seq})
		in.answered++
	}
	if !in.quiet && o.Kind != checker.Restarted { // the restart step's own line says it
		fmt.Fprintf(in.w, "  node %d %s\n", node, o)
	}
}

// printf writes a line of the printout.
func (in *interp[M, D]) printf(format string, args ...any) { fmt.Fprintf(in.w, format+"\n", args...) }

// state prints every node's durable state on one line, as the protocol
// words it, down ones marked.
func (in *interp[M, D]) state() {
	b := []byte("  =")
	for id := sim.NodeID(1); int(id) <= in.c.nodes; id++ {
		b = fmt.Appendf(b, " %d{%s}", id, in.s.Describe(id))
	}
	in.w.Write(append(b, '\n'))
}

func (in *interp[M, D]) client(st engine.ClientStep) error {
	if err := in.s.Client(st); err != nil {
		return err
	}
	if !st.Retry() {
		in.seqs[st.Client]++
		in.asked[[2]int{st.Client, in.seqs[st.Client]}] = true
		in.nasked++
	}
	in.printf("%s", st)
	in.state()
	return nil
}
