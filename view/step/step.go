// Package step replays a decision trace of any protocol and keeps, after
// every step, what a viewer shows of the run (paxsim view): each replica's
// durable and volatile state, the properties broken so far, the row of the
// run's space-time diagram; and, at one step chosen in advance, the
// actions a fork could take there, as the Choice world enables them.
//
// A Run may go on past the trace's last line under a seed (Continue), as
// RunChoice does: that is how a fork runs to the end. Whatever it does, a
// Run records its own decision trace (Run.Trace), which replays it step
// for step.
//
// The package is generic over the protocol's types; harness.Protocol.Step
// binds it to a protocol, so that the viewer, which is not generic, runs
// every protocol a program registers.
package step

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// DefaultMaxFrames bounds the frames a Run keeps: past it, steps are
// counted (Run.Omitted), not kept, as the diagram counts rows past its
// bound.
const DefaultMaxFrames = diagram.DefaultMaxRows

// DefaultBudget is a continuation's most steps before its liveness
// phase when Continue.Budget is 0: as many as a Run keeps frames of.
const DefaultBudget = DefaultMaxFrames

// Options say what a Run keeps and whether it goes on past the trace.
type Options struct {
	// ActionsAt is the frame whose enabled actions Run.Actions lists, when
	// positive or zero; -1 for none.
	ActionsAt int
	// Continue, when set, runs on past the trace's last line.
	Continue *Continue
	// MaxFrames bounds the frames kept (0: DefaultMaxFrames).
	MaxFrames int
}

// Continue is a run to the end: after the trace's last line, a seeded
// PRNG picks each next step among the deliveries the Choice world
// enables, or among its timers when it enables no delivery (no new fault,
// and a message arrives before a timeout fires), for at most Budget steps (0: DefaultBudget) or until none is enabled; then,
// when the config has a heal, the liveness phase runs as it does after
// any schedule: faults heal, and the run goes on timed under the trace's
// seed.
type Continue struct {
	Seed   uint64
	Budget int
}

// Run is a replayed run, step by step.
type Run struct {
	Result  engine.Result
	Trace   *trace.Trace     // the run's own decision trace, which replays it
	Diagram *diagram.Diagram // the run as a space-time diagram
	// Frames are the run before its first step (frame 0) and after each
	// step.
	Frames  []Frame
	Omitted int // steps past MaxFrames, not kept
	// Actions lists the actions enabled at frame Options.ActionsAt, as
	// decision-trace lines, in the world's order; none when that frame
	// is not a Choice world's (a liveness phase runs timed).
	Actions []string
	// Broken lists each property broken, at the frame that first broke
	// it; a property judged at the end (liveness, linearizability) is
	// marked at the last frame.
	Broken []Broken
	// Judged lists the properties the run is judged by.
	Judged []checker.Property
}

// Frame is the run after one step.
type Frame struct {
	// Line is the trace line of the step, the line that starts the
	// liveness phase for its events, 0 for frame 0 and a continuation's
	// steps.
	Line   int
	Text   string // the step, as the readable trace words it
	Time   int64
	Event  int64
	Row    int  // the diagram's last row after the step, -1 for none
	Choice bool // the step was chosen: a fork may start after it
	Nodes  []Node
}

// Node is one replica after a step.
type Node struct {
	ID       int      `json:"id"`
	Up       bool     `json:"up"`
	Durable  string   `json:"durable"`            // as the protocol words it (engine.Protocol.DescribeDurable)
	Volatile string   `json:"volatile,omitempty"` // the node's own words, when it has them (sim.World.Volatile)
	Timers   []string `json:"timers,omitempty"`   // armed, by name (engine.Info.Timers)
	Unsynced int      `json:"unsynced,omitempty"` // writes not synced yet, which a crash may lose
}

// Broken is a property's first violation.
type Broken struct {
	Property checker.Property
	Frame    int
	Text     string
}

// Walk replays t under p, keeping what o asks for.
func Walk[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, t *trace.Trace, o Options) (*Run, error) {
	w := &walker[M, D]{p: p, info: info, o: o, steps: StepLines(t), t: t}
	if w.o.MaxFrames <= 0 {
		w.o.MaxFrames = DefaultMaxFrames
	}
	dr := &engine.Drawing{MaxRows: w.o.MaxFrames}
	w.dr = dr
	h := trace.Hooks[M, D]{Start: w.frame, Step: w.frame}
	if o.Continue != nil {
		h.Then = w.then
	}
	res, err := trace.Walk(p, info, t, engine.Options{Draw: dr, Record: true}, h)
	if err != nil {
		return nil, err
	}
	w.run.Result, w.run.Diagram, w.run.Judged = res, dr.Diagram(), engine.Judged(info)
	w.run.Trace = trace.FromResult(t.Config, &res)
	w.late(res.Violations)
	return &w.run, nil
}

// StepLines lists the indexes in t.Lines of its steps, in order: the
// lines a replay takes one by one (sim.Script.Next), not the blank lines,
// comments and random draws between them.
func StepLines(t *trace.Trace) []int {
	var out []int
	for i, l := range t.Lines {
		s := strings.TrimSpace(l.Text)
		if s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "rand ") {
			continue
		}
		out = append(out, i)
	}
	return out
}

// Prefix is t up to frame: its lines before the step after frame's (the
// random draws of frame's step included). A fork takes its action there.
func Prefix(t *trace.Trace, frame int) *trace.Trace {
	steps := StepLines(t)
	end := len(t.Lines)
	if frame < len(steps) {
		end = steps[frame]
	}
	out := *t
	out.Lines = append([]sim.ScriptLine(nil), t.Lines[:end]...)
	return &out
}

// Settle walks t, then the trace the walk recorded, until a walk records
// the trace it walked (at most three walks): the run that trace is, which
// replays step for step and records the same bytes again. A recording may
// differ from the trace it replayed: a node's random draws at boot are
// recorded before the first step, where a replay does not read them, so
// the replay draws 0 instead. walk is a protocol's (harness.Protocol.Step).
func Settle(walk func(*trace.Trace, Options) (*Run, error), t *trace.Trace, o Options) (*Run, error) {
	run, err := walk(t, o)
	for i := 0; err == nil && i < 2; i++ {
		if run.Trace.String() == t.String() {
			return run, nil
		}
		t = run.Trace
		o.Continue = nil // the recording holds the continuation's steps
		run, err = walk(t, o)
	}
	if err == nil && run.Trace.String() != t.String() {
		err = fmt.Errorf("the run's decision trace does not replay to itself")
	}
	return run, err
}
