package engine

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// Session is one run of a protocol in progress: its world, its checkers
// and its clients. Run drives a whole timed run; a decision-trace replay
// (package trace), a scenario script (package script) and property tests
// drive a Choice world step by step through the same Session, so that
// every verb judges a run the same way.
type Session[M sim.Message, D any] struct {
	proto Protocol[M, D]
	// request, when set, builds the clients' requests instead of
	// Protocol.Request: what a RequestBuilder returns for the run.
	request func(r Request) (M, checker.Value)
	info    *Info
	cfg     Config
	plan    plan
	opts    Options

	world    *sim.World[M, D, checker.Observation]
	observer sim.Observer[checker.Observation] // s.observe, the world's
	decide   sim.Decider
	judge    judge
	clients  clientDriver
	res      Result
	cover    coverage
	deep     deepCover
	leaderOf func() sim.NodeID        // s.leader, the world's (sim.World.SetLeader)
	coreOf   func(keep uint64) uint64 // s.healCore, the world's (sim.World.SetHealCore)
	// progress is, by node id, how far the node got: the highest instance
	// it applied for a replicated log, 1 once it learned for a single
	// decree.
	progress []int64
	catchUp  catchUps // the restarts' catch-up (Result.CatchUp)
	keep     uint64   // the nodes outside the liveness core (sim.FaultConfig.KeepFaulty)
	asked    bool     // a client has invoked an operation: liveness asks for a decision

	lines    []string // the decision trace, with Options.Record
	healLine int      // index of the "heal" line in lines, or 0
	healedAt int64    // when the heal happened
	deadline bool     // the liveness phase ran to its deadline, where it was judged
	rerun    bool     // the liveness phase ran from the seed (LivenessPhase): a replay runs it again alike
}

// Mode is how a Session's world picks its next event (sim.Mode), with
// the bounds of a Choice world.
type Mode struct {
	Choice bool
	Bounds sim.ChoiceConfig
	// MaxCrashed, when positive, bounds the nodes down at once instead of
	// the config's: a replayed trace is its own bound.
	MaxCrashed int
	// Scripted clients do only what client steps tell them (Client): none
	// starts an operation of its own, as a scenario script's do.
	Scripted bool
}

// NewSession builds the world of one run of c under p, with its checkers
// and clients attached, decided by d (the seed's PRNG when nil). A bad c
// returns a *ConfigError.
func NewSession[M sim.Message, D any](p Protocol[M, D], info *Info, c Config, seed uint64, mode Mode, d sim.Decider, opts Options) (*Session[M, D], error) {
	return newSession(p, info, c, seed, mode, d, opts, nil)
}

// newSession is NewSession in the memory of spare, a finished session,
// when it is not nil: its world (sim.World.Reset), its checker, its
// progress and coverage records and its trace lines, none of which a
// Result holds.
func newSession[M sim.Message, D any](p Protocol[M, D], info *Info, c Config, seed uint64, mode Mode, d sim.Decider, opts Options, spare *Session[M, D]) (*Session[M, D], error) {
	pl, err := c.resolve(info)
	if err != nil {
		return nil, err
	}
	if d == nil {
		d = new(deciders).seed(c, seed)
	}
	s := spare
	if s == nil {
		s = new(Session[M, D])
	}
	world, safety, progress, cover, lines, observer := s.world, s.judge.safety, s.progress, s.cover, s.lines, s.observer
	deep, leaderOf, coreOf, catchUp := s.deep, s.leaderOf, s.coreOf, s.catchUp
	*s = Session[M, D]{proto: p, info: info, cfg: c, plan: pl, opts: opts, decide: d, lines: lines[:0], observer: observer,
		deep: deep, leaderOf: leaderOf, coreOf: coreOf, catchUp: catchUp}
	s.catchUp.reset(c.Nodes)
	if s.observer == nil {
		s.observer, s.leaderOf, s.coreOf = s.observe, s.leader, s.healCore // bound to s, which a Runner reuses
	}
	s.deep.reset(info, c)
	s.res = Result{Seed: seed, Verdict: VerdictOK}
	if b, ok := p.(RequestBuilder[M]); ok {
		s.request = b.NewRequests()
	}
	sc := s.simConfig(mode, seed)
	s.judge = newJudge(info, c.Nodes, pl.quorums, safety)
	s.progress = zeroed(progress, c.Nodes+1)
	s.cover = cover
	s.cover.reset()
	factory, err := p.NewNodes(pl.setup)
	if err != nil {
		return nil, &ConfigError{Field: "variant", Msg: err.Error()}
	}
	if world == nil {
		world, err = sim.New(sc, d, factory, s.observer)
	} else {
		err = world.Reset(sc, d, factory, s.observer)
	}
	s.world = world
	if err != nil {
		return nil, &ConfigError{Field: "config", Msg: err.Error()}
	}
	s.world.OnAlwaysFailed(s.alwaysFailed)
	s.world.SetRestartObservation(checker.Observation{Kind: checker.Restarted})
	s.world.SetLeader(s.leaderOf)
	if s.keep != 0 && !info.Workload.Reconfig {
		s.world.SetHealCore(s.coreOf)
	}
	s.clients = newClientDriver(s, info.Workload, mode.Scripted)
	s.attachDrawing()
	s.world.SetTracer(s.opts.tracer())
	if opts.Record {
		s.world.SetScheduleLog(s.log)
	}
	return s, nil
}

// zeroed returns n zero values, in s's array if it is big enough.
func zeroed[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// simConfig is the simulator's config of the session's mode.
func (s *Session[M, D]) simConfig(mode Mode, seed uint64) sim.Config {
	sc, c := s.plan.sc, s.cfg
	sc.Faults.Inert = s.opts.InertFaults
	if c.HealAt > 0 && len(s.plan.reconfig.schedule) == 0 { // scheduled views could leave the core without a majority
		sc.Faults.KeepFaulty = keepFaulty(seed, c.Nodes, s.plan.roles, s.plan.quorums)
		s.keep = sc.Faults.KeepFaulty
	}
	if mode.Choice {
		sc.Mode = sim.Choice
		sc.Choice = mode.Bounds
		sc.Faults.Schedule = nil
	}
	if mode.MaxCrashed > 0 {
		sc.Faults.MaxCrashed = mode.MaxCrashed
	}
	return sc
}

// World is the session's world.
func (s *Session[M, D]) World() *sim.World[M, D, checker.Observation] { return s.world }

// Info is the protocol's description.
func (s *Session[M, D]) Info() *Info { return s.info }

// Config is the run's configuration.
func (s *Session[M, D]) Config() Config { return s.cfg }

// Result is the run's result so far (final after Execute).
func (s *Session[M, D]) Result() *Result { return &s.res }

// log records one decision-trace line.
func (s *Session[M, D]) log(line string) {
	if IsHealLine(line) {
		s.healLine, s.healedAt = len(s.lines), int64(s.world.Now())
	}
	s.lines = append(s.lines, line)
}

// Execute runs body, turning a panic in protocol code into a reported
// failure, and sums up the run.
func (s *Session[M, D]) Execute(body func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.world.Aborted()
			s.res.Violations = append(s.res.Violations, panicViolation(s.world.Current(), s.world.Events(), p))
		}
		s.finish()
	}()
	return body()
}

// finish sums up the run into its Result.
func (s *Session[M, D]) finish() {
	if s.opts.Steps != nil {
		s.opts.Steps.Store(StepsDone)
	}
	w := s.world
	s.res.Events, s.res.Time, s.res.TraceHash, s.res.Stats = w.Events(), int64(w.Now()), w.Hash(), w.Stats()
	if ch, ok := s.judge.firstChoice(); ok {
		s.res.Chosen = &ch
	}
	for id, p := range s.progress {
		if p > 0 && s.plan.roles.Learners&(1<<uint(id)) != 0 {
			s.res.Learners++
		}
	}
	if s.plan.roles.Separate() {
		s.res.LearnerNodes = bits.OnesCount64(s.plan.roles.Learners)
	}
	s.res.LeftFaulty = leftFaulty(w.LeftFaulty())
	s.res.CatchUp = s.catchUp.res
	s.res.Coverage = s.cover.result()
	s.res.Assertions = append([]sim.Assertion(nil), w.Assertions()...)
	s.res.Violations = s.judge.appendLate(s.res.Violations)
	s.clients.finish(&s.res)
	if s.opts.Record {
		s.res.Lines = s.traceLines()
	}
	if len(s.res.Violations) > 0 {
		s.res.Verdict, s.res.Stop = VerdictViolation, StopViolation
	}
	if dr := s.opts.Draw; dr != nil {
		res := s.res
		dr.result = &res
	}
}

// traceLines is the recorded run's decision trace: every step it took,
// the liveness phase's too, so that its replay takes the same schedule
// after the heal and fails the same way. A run judged at its liveness
// deadline ends with a "deadline" line, which asks the replay to judge
// liveness where the steps end.
func (s *Session[M, D]) traceLines() []string {
	if s.rerun {
		return s.rerunLines()
	}
	lines := slices.Clone(s.lines)
	if s.deadline {
		lines = append(lines, DeadlineLine)
	}
	return lines
}

// rerunLines is the decision trace of a Choice world whose liveness
// phase ran timed from the run's seed (LivenessPhase): the steps up to
// the heal and a "liveness" line, whose replay runs the phase again from
// the same state with the same seed, step for step, unless a safety
// violation after the heal needs the steps that led to it.
func (s *Session[M, D]) rerunLines() []string {
	lines := s.lines
	lateSafety := len(s.res.Violations) > 0 && s.res.Violations[0].Property != checker.Liveness &&
		s.res.Violations[0].Time > s.healedAt
	if !lateSafety {
		lines = append(lines[:s.healLine+1:s.healLine+1], LivenessLine)
	}
	return slices.Clone(lines)
}

// DeadlineLine ends the decision trace of a run whose liveness phase ran
// to its deadline: the replay judges liveness there (Session.Deadline).
const DeadlineLine = "deadline"

// LivenessLine ends a decision trace whose replay runs the liveness phase
// again, timed, from where its steps left the cluster
// (Session.LivenessPhase), and judges it at that phase's deadline.
const LivenessLine = "liveness"

// IsHealLine reports whether a decision-trace line is the heal: "heal",
// or "heal cut-off NODES" when nodes outside the core stay cut off.
func IsHealLine(line string) bool {
	return line == "heal" || strings.HasPrefix(line, "heal ")
}

// Deadline ends a replayed liveness phase where the recorded run's
// reached its deadline: the core must have caught up by now, healed at
// healAt.
func (s *Session[M, D]) Deadline(healAt sim.Time) {
	s.res.Stop, s.res.LivenessChecked, s.deadline = StopDeadline, true, true
	s.judgeLiveness(healAt, s.world.Now())
}

// Stop records why the run stopped, when its driver ends it.
func (s *Session[M, D]) Stop(reason string) { s.res.Stop = reason }

// Violations are the violations found so far, the run's first first.
func (s *Session[M, D]) Violations() []checker.Violation { return s.judge.all() }

// Chosen returns the value chosen in instance so far, if any, as the
// safety checker knows it.
func (s *Session[M, D]) Chosen(instance int64) (checker.Choice, bool) {
	return s.judge.safety.Chosen(instance)
}

// Describe words node id's durable state, marked down when it is.
func (s *Session[M, D]) Describe(id sim.NodeID) string {
	d := s.proto.DescribeDurable(s.world.Durable(id))
	if !s.world.Up(id) {
		return "down " + d
	}
	return d
}

// String names the session for errors.
func (s *Session[M, D]) String() string {
	return fmt.Sprintf("%s seed %d", s.info.Name, s.res.Seed)
}
