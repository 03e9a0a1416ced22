package trace

import (
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// Hooks watch a Walk. Each is optional.
type Hooks[M sim.Message, D any] struct {
	// Start sees the session before the first step.
	Start func(s *engine.Session[M, D])
	// Step sees the session after every step: each of the trace's step
	// lines, each event of a liveness phase, each step of Then.
	Step func(s *engine.Session[M, D])
	// Then, when set, runs after the trace's last line when the run ended
	// with it (no violation, no liveness phase): more steps of the same
	// run, inside it, before it is summed up (a viewer's run to the end).
	Then func(s *engine.Session[M, D])
}

// Walk replays t as Replay does, and lets h watch the session step by
// step (a viewer shows the run at any step). The run is the same as
// Replay's: the hooks only read, but Then, which may take more steps.
func Walk[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, t *Trace, opts engine.Options, h Hooks[M, D]) (engine.Result, error) {
	script := sim.NewScript(t.Lines)
	var s *engine.Session[M, D]
	if h.Step != nil {
		prev := opts.OnEvent
		opts.OnEvent = func(i int64, hash uint64) {
			if prev != nil {
				prev(i, hash)
			}
			h.Step(s)
		}
	}
	s, err := engine.NewSession(p, info, t.Config, t.Seed, Mode(t.Config.Nodes), script, opts)
	if err != nil {
		return engine.Result{}, &engine.LineError{Line: 2, Msg: err.Error()}
	}
	if h.Start != nil {
		h.Start(s)
	}
	r := replayer[M, D]{s: s, asked: map[int]askedAt{}}
	err = s.Execute(func() error {
		err := r.run(script)
		if err != nil || h.Then == nil || s.Result().Stop != engine.StopEndOfTrace {
			return err
		}
		h.Then(s)
		return nil
	})
	return *s.Result(), err
}
