package step

import (
	"strconv"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// walker keeps a Run's frames as the replay goes.
type walker[M sim.Message, D any] struct {
	p      engine.Protocol[M, D]
	info   *engine.Info
	o      Options
	t      *trace.Trace
	steps  []int // t's step lines (StepLines)
	dr     *engine.Drawing
	run    Run
	going  bool // the continuation runs
	broken int  // violations seen so far
}

// frame keeps the run after a step (before any, at the Start hook).
func (w *walker[M, D]) frame(s *engine.Session[M, D]) {
	world := s.World()
	choice := world.Config().Mode == sim.Choice
	k := len(w.run.Frames) + w.run.Omitted
	w.judge(s, k)
	if k == w.o.ActionsAt && choice {
		for _, a := range world.Actions() {
			w.run.Actions = append(w.run.Actions, a.String())
		}
	}
	if len(w.run.Frames) >= w.o.MaxFrames {
		w.run.Omitted++
		return
	}
	f := Frame{Time: int64(world.Now()), Event: world.Events(), Row: w.dr.Rows() - 1, Choice: choice}
	if k > 0 {
		f.Line, f.Text = w.line(k), world.Current().String()
		if f.Line > 0 && choice {
			f.Text = w.t.Lines[w.steps[k-1]].Text
		}
	}
	for id := sim.NodeID(1); int(id) <= s.Config().Nodes; id++ {
		f.Nodes = append(f.Nodes, w.node(s, id))
	}
	w.run.Frames = append(w.run.Frames, f)
}

// line is the trace line of step k: its own, the liveness line's for the
// liveness phase's events, 0 for a continuation's steps.
func (w *walker[M, D]) line(k int) int {
	switch {
	case w.going:
		return 0
	case k <= len(w.steps):
		return w.t.Lines[w.steps[k-1]].N
	case len(w.steps) > 0:
		return w.t.Lines[w.steps[len(w.steps)-1]].N // the liveness line, the trace's last step
	}
	return 0
}

// node is replica id as a frame shows it.
func (w *walker[M, D]) node(s *engine.Session[M, D], id sim.NodeID) Node {
	world := s.World()
	n := Node{ID: int(id), Up: world.Up(id), Durable: w.p.DescribeDurable(world.Durable(id)), Volatile: world.Volatile(id), Unsynced: world.Unsynced(id)}
	for _, tag := range world.Armed(id) {
		n.Timers = append(n.Timers, timerName(w.info, tag))
	}
	return n
}

// timerName is tag as the protocol names it (Info.Timers), or its number.
func timerName(info *engine.Info, tag sim.TimerTag) string {
	if int(tag) < len(info.Timers) && info.Timers[tag] != "" {
		return info.Timers[tag]
	}
	return strconv.Itoa(int(tag))
}

// judge marks the properties that frame k's step broke.
func (w *walker[M, D]) judge(s *engine.Session[M, D], k int) {
	vs := s.Violations()
	for _, v := range vs[min(w.broken, len(vs)):] {
		w.mark(v, k)
	}
	w.broken = max(w.broken, len(vs))
}

// mark records v as broken at frame k, unless its property broke before.
func (w *walker[M, D]) mark(v checker.Violation, k int) {
	for _, b := range w.run.Broken {
		if b.Property == v.Property {
			return
		}
	}
	w.run.Broken = append(w.run.Broken, Broken{Property: v.Property, Frame: k, Text: v.String()})
}

// late marks the violations judged at the end of the run at its last
// frame.
func (w *walker[M, D]) late(vs []checker.Violation) {
	last := len(w.run.Frames) + w.run.Omitted - 1
	for _, v := range vs {
		w.mark(v, last)
	}
}

// then runs the continuation: seeded choices among the deliveries (the
// timers when none), then the liveness phase.
func (w *walker[M, D]) then(s *engine.Session[M, D]) {
	w.going = true
	c := w.o.Continue
	budget := c.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	world := s.World()
	random := sim.NewRandom(c.Seed)
	world.SetDecider(random) // the handlers' draws too
	for range budget {
		acts := fair(world.Actions())
		if len(acts) == 0 {
			break
		}
		world.Do(acts[random.Intn(sim.Decision{Kind: sim.DecideAction}, len(acts))])
		if s.AfterStep() {
			return
		}
	}
	if s.Config().HealAt == 0 {
		s.Stop(engine.StopMaxEvents)
		return
	}
	s.LivenessPhase()
}

// fair keeps, of acts, the deliveries, or the timers when nothing can be
// delivered: a run to the end injects no fault of its own, and, as in a
// timely network, a message arrives before a timeout fires.
func fair[M sim.Message](acts []sim.Action[M]) []sim.Action[M] {
	out := acts[:0:0]
	for _, kind := range []sim.ActionKind{sim.ActDeliver, sim.ActTimer} {
		for _, a := range acts {
			if a.Kind == kind && a.Crash == (sim.Crash{}) {
				out = append(out, a)
			}
		}
		if len(out) > 0 {
			break
		}
	}
	return out
}
