package engine

import (
	"github.com/paxsim/paxsim/sim"
)

// Run executes one seed of c under p and judges it: safety at every step,
// until the heal; then the liveness phase, in which the healed core must
// catch up within the bound; the clients' history at the end. A bad c
// returns a *ConfigError.
func Run[M sim.Message, D any](p Protocol[M, D], info *Info, c Config, seed uint64, opts Options) (Result, error) {
	return NewRunner(p, info).Run(c, seed, opts)
}

// Runner runs seeds of one protocol one after another, each as Run does,
// reusing for the next the memory that one run's checker and bookkeeping
// took: what a campaign's worker does, whose seeds are short enough that
// their setup costs as much as their events. A Result shares nothing with
// the Runner. A Runner is for one goroutine.
type Runner[M sim.Message, D any] struct {
	p      Protocol[M, D]
	info   *Info
	spare  *Session[M, D] // the last run's, whose memory the next reuses
	decide deciders       // the deciders of runs without Options.Decider
}

// NewRunner returns a Runner of p, which info describes.
func NewRunner[M sim.Message, D any](p Protocol[M, D], info *Info) *Runner[M, D] {
	return &Runner[M, D]{p: p, info: info}
}

// Run executes one seed of c and judges it, like the function Run.
func (r *Runner[M, D]) Run(c Config, seed uint64, opts Options) (Result, error) {
	d := opts.Decider
	if d == nil {
		d = r.decide.seed(c, seed)
	}
	s, err := newSession(r.p, r.info, c, seed, Mode{}, d, opts, r.spare)
	r.spare = s // nil after a config error: a half-built session is not reused
	if err != nil {
		return Result{}, err
	}
	followSpec(r.p, s.world, c.Effective(r.info), opts.Spec)
	s.Execute(func() error {
		s.clients.begin()
		bound, end := s.plan.livenessBound(c), c.maxTime()
		if c.MaxTime == 0 && c.HealAt > 0 {
			end = c.HealAt + bound
		}
		s.loop(sim.Time(c.HealAt), sim.Time(c.HealAt+bound), sim.Time(end))
		return nil
	})
	return s.res, nil
}

// loop runs the world until a violation, the end of the liveness phase
// (faults heal at healAt; the core must catch up by deadline) or a limit.
func (s *Session[M, D]) loop(healAt, deadline, maxTime sim.Time) {
	w, c := s.world, s.cfg
	idle := s.clients.idleBeforeHeal()
	// Quiet steps (sim.World.Advance) need no checks, but clients that
	// act on their own would act at other times: only idle ones allow
	// them, and only unwatched (OnEvent sees every step).
	advance := idle && s.opts.OnEvent == nil
	limit := maxTime // past it, the checks below stop the run
	if healAt > 0 && deadline < limit {
		limit = deadline
	}
	for {
		if healed := w.Healed(); healed || !idle {
			s.clients.step(w.Now(), healed)
		}
		if w.Events() >= c.MaxEvents {
			s.res.Stop = StopMaxEvents
			return
		}
		next, ok := w.Next()
		if healAt > 0 && (!ok || next > deadline) && deadline <= maxTime {
			s.res.Stop, s.res.LivenessChecked, s.deadline = StopDeadline, true, true
			s.judgeLiveness(healAt, deadline)
			return
		}
		if !ok {
			s.res.Stop = StopQuiescent
			return
		}
		if next > maxTime {
			s.res.Stop = StopMaxTime
			return
		}
		if advance {
			w.Advance(limit)
		} else {
			w.Step()
		}
		s.opts.stepped()
		if (s.opts.OnEvent != nil || s.judge.failed) && s.AfterStep() { // AfterStep, without a call most steps
			return
		}
		if w.Healed() && !s.deep.healed {
			s.noteHeal()
			if healAt > 0 {
				deadline, maxTime, limit = pastBacklog(w.FIFOBacklog(), healAt, deadline, maxTime, limit)
			}
		}
		if w.Healed() && s.done() {
			s.res.Stop, s.res.LivenessChecked = StopDecided, true
			return
		}
	}
}

// pastBacklog moves the liveness deadline past a FIFO backlog at the
// heal (sim.World.FIFOBacklog): the bound then counts from when the last
// message sent before the heal arrives, since until then its link delivers
// nothing later. The run's end and the step limit move with the deadline
// where they were it. With no backlog past the heal nothing moves.
func pastBacklog(backlog, healAt, deadline, maxTime, limit sim.Time) (sim.Time, sim.Time, sim.Time) {
	shift := backlog - healAt
	if shift <= 0 {
		return deadline, maxTime, limit
	}
	if maxTime == deadline {
		maxTime += shift
	}
	if limit == deadline {
		limit += shift
	}
	return deadline + shift, maxTime, limit
}

// Stepped counts a step taken from outside the session's own loop (a
// scenario's scripted step) in Options.Steps, for a watchdog.
func (s *Session[M, D]) Stepped() { s.opts.stepped() }

// AfterStep counts a step (Options.Steps), reports it to Options.OnEvent
// and reports whether a property broke: the run must stop.
func (s *Session[M, D]) AfterStep() bool {
	s.opts.stepped()
	if s.opts.OnEvent != nil {
		s.opts.OnEvent(s.world.Events(), s.world.Hash())
	}
	if !s.judge.failed {
		return false
	}
	s.res.Stop = StopViolation
	return true
}

// LivenessPhase ends a Choice world's schedule: faults heal, the world
// turns timed with the run's seed, and the core must catch up within the
// liveness bound.
func (s *Session[M, D]) LivenessPhase() {
	w := s.world
	s.rerun = true
	s.decide = sim.NewRandom(s.res.Seed)
	w.SetDecider(s.decide) // the restarts' and messages' draws too
	w.Heal()
	w.SwitchToTimed()
	now := w.Now()
	bound := sim.Time(s.plan.livenessBound(s.cfg))
	s.loop(now, now+bound, now+bound)
}

// RunChoice runs c in a Choice world in which d takes every decision:
// which replicas the clients ask, then, step by step, which enabled action
// runs next. After steps decisions, or when nothing is enabled, faults
// heal and, if c has a heal, the liveness phase runs timed, seeded by
// seed. This is how property tests (d draws from rapid) and fuzzing (d
// reads the fuzzer's bytes) explore schedules.
func RunChoice[M sim.Message, D any](p Protocol[M, D], info *Info, c Config, d sim.Decider, bounds sim.ChoiceConfig, steps int, seed uint64, opts Options) (Result, error) {
	s, err := NewSession(p, info, c, seed, Mode{Choice: true, Bounds: bounds}, d, opts)
	if err != nil {
		return Result{}, err
	}
	err = s.Execute(func() error {
		s.clients.choose(d)
		s.explore(steps)
		return nil
	})
	return s.res, err
}

// explore takes up to steps decisions, then runs the liveness phase.
func (s *Session[M, D]) explore(steps int) {
	w, c := s.world, s.cfg
	for i := 0; i < steps && int64(i) < c.MaxEvents; i++ {
		if !w.Step() {
			break
		}
		if s.AfterStep() {
			return
		}
	}
	if c.HealAt == 0 {
		s.res.Stop = StopMaxEvents
		return
	}
	s.LivenessPhase()
}
