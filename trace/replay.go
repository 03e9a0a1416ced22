package trace

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// Mode is the Choice world a trace replays in: no bound on drops,
// duplicates or crashes, since the trace is the bound, and a node's
// messages to itself go through the network, so that its deliveries are
// lines of their own. Its clients are not scripted: the liveness phase an
// old trace ends with ("liveness") runs them on, with the operations they
// had left, as the recorded run did.
func Mode(nodes int) engine.Mode {
	return engine.Mode{
		Choice:     true,
		Bounds:     sim.ChoiceConfig{Drops: true, MaxDups: 1 << 30, MaxCrashes: 1 << 30, DupSelf: true},
		MaxCrashed: nodes,
	}
}

// Replay runs a decision trace step by step and judges it like a run. A
// step that cannot be taken (the code changed, or the trace was edited)
// returns an *engine.LineError naming its line; so does a config that is
// not the protocol's.
func Replay[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, t *Trace, opts engine.Options) (engine.Result, error) {
	return replay(p, info, t, opts, replayer[M, D]{})
}

// ReplayAll is Replay taking every line, past the first violation: a
// search for one property (model.Check) is confirmed past an early check
// that breaks first. The result has the first violation of each property.
func ReplayAll[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, t *Trace) (engine.Result, error) {
	return replay(p, info, t, engine.Options{}, replayer[M, D]{all: true})
}

// replay replays t with r, a replayer yet to be given its session.
func replay[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, t *Trace, opts engine.Options, r replayer[M, D]) (engine.Result, error) {
	script := sim.NewScript(t.Lines)
	s, err := engine.NewSession(p, info, t.Config, t.Seed, Mode(t.Config.Nodes), script, opts)
	if err != nil {
		return engine.Result{}, &engine.LineError{Line: 2, Msg: err.Error()}
	}
	r.s, r.asked = s, map[int]askedAt{}
	err = s.Execute(func() error { return r.run(script) })
	return *s.Result(), err
}

// replayer takes a trace's steps in order. A lenient one skips a step
// that cannot be taken instead of failing: what shrinking needs, since
// removing one step may disable later ones. One for all goes on past a
// violation.
type replayer[M sim.Message, D any] struct {
	s        *engine.Session[M, D]
	lenient  bool
	all      bool
	asked    map[int]askedAt // by client: its last request
	steps    int             // world steps taken so far
	healedAt sim.Time        // when the heal step was taken
}

// askedAt is a client's last request in a replayed trace: its line, the
// world steps taken before it, and the replicas asked since the last of
// those steps, a bit per id.
type askedAt struct {
	line, steps int
	to          uint64
}

func (r *replayer[M, D]) run(script *sim.Script) error {
	s := r.s
	for {
		l, ok := script.Next()
		if !ok {
			s.Stop(engine.StopEndOfTrace)
			return nil
		}
		var err error
		switch verb, _, _ := strings.Cut(l.Text, " "); verb {
		case "client":
			err = r.client(l)
		case engine.LivenessLine:
			s.LivenessPhase()
			return nil
		case engine.DeadlineLine:
			s.Deadline(r.healedAt)
			return nil
		default:
			err = r.step(l)
		}
		if err != nil {
			if r.lenient {
				continue // shrinking removed what this step needed
			}
			return err
		}
		if s.AfterStep() && !r.all {
			return nil
		}
	}
}

// client takes a client step. A client asks again (a retry) only after
// some world step since it last asked, or at once at a replica it has not
// asked since that step (a hedged request, engine.Config.Hedge): any other
// request in a row is a duplicated line, which no run writes.
func (r *replayer[M, D]) client(l sim.ScriptLine) error {
	st, err := engine.ParseClientStep(l.Text, r.s.Config().Nodes, r.s.Info().Workload)
	now := askedAt{line: l.N, steps: r.steps, to: 1 << uint(st.To)}
	if last, ok := r.asked[st.Client]; err == nil && ok && last.steps == r.steps {
		if !st.Retry() || last.to&now.to != 0 {
			err = fmt.Errorf("client %d asks again with no step since it asked at line %d: a client asks again only after a step "+
				"(a retry), or at once at another replica (a hedge), so this line is a duplicate", st.Client, last.line)
		}
		now.to |= last.to
	}
	if err == nil {
		err = r.s.Client(st)
	}
	if err != nil {
		return &engine.LineError{Line: l.N, Msg: err.Error()}
	}
	r.asked[st.Client] = now
	return nil
}

// step takes a world step. A lenient one says nothing of why a step
// cannot be taken, which shrinking has no use for, and drops what waits
// ahead of a step's message on a lossy FIFO link, which shrinking may have
// stopped delivering (sim.World.TakeStepDroppingAhead).
func (r *replayer[M, D]) step(l sim.ScriptLine) error {
	w := r.s.World()
	if r.lenient {
		st, err := sim.ParseStep(l.Text, r.s.Config().Nodes)
		if err != nil || !w.TakeStepDroppingAhead(st) {
			return errSkipped
		}
	} else if err := w.DoLine(l.Text); err != nil {
		return &engine.LineError{Line: l.N, Msg: err.Error()}
	}
	r.steps++
	if engine.IsHealLine(l.Text) {
		r.healedAt = w.Now()
	}
	return nil
}

// errSkipped is a lenient replay's step that could not be taken.
var errSkipped = fmt.Errorf("skipped")
