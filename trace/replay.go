package trace

import (
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// world is the Choice world a trace replays in: no bound on drops,
// duplicates or crashes, since the trace is the bound.
func world(nodes int) engine.Mode {
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
	return replay(p, info, t, opts, false)
}

func replay[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, t *Trace, opts engine.Options, lenient bool) (engine.Result, error) {
	script := sim.NewScript(t.Lines)
	s, err := engine.NewSession(p, info, t.Config, t.Seed, world(t.Config.Nodes), script, opts)
	if err != nil {
		return engine.Result{}, &engine.LineError{Line: 2, Msg: err.Error()}
	}
	err = s.Execute(func() error { return steps(s, script, lenient) })
	return *s.Result(), err
}

// steps takes the trace's steps in order. A lenient replay skips a step
// that cannot be taken instead of failing: what shrinking needs, since
// removing one step may disable later ones.
func steps[M sim.Message, D any](s *engine.Session[M, D], script *sim.Script, lenient bool) error {
	info := s.Info()
	for {
		l, ok := script.Next()
		if !ok {
			s.Stop(engine.StopEndOfTrace)
			return nil
		}
		var err error
		switch verb, _, _ := strings.Cut(l.Text, " "); {
		case verb == "client":
			var st engine.ClientStep
			if st, err = engine.ParseClientStep(l.Text, s.Config().Nodes, info.Workload); err == nil {
				err = s.Client(st)
			}
		case verb == "liveness":
			s.LivenessPhase()
			return nil
		case lenient && !s.World().TryLine(l.Text):
			continue // shrinking removed what this step needed: no need to say why
		case !lenient:
			err = s.World().DoLine(l.Text)
		}
		if err != nil {
			if lenient {
				continue // shrinking removed what this step needed
			}
			return &engine.LineError{Line: l.N, Msg: err.Error()}
		}
		if s.AfterStep() {
			return nil
		}
	}
}
