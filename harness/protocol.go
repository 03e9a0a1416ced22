package harness

import (
	"context"
	"io"
	"sync/atomic"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/explore/spec"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/refine"
	"github.com/paxsim/paxsim/script"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/view/step"
)

// Protocol is a protocol bound to every verb: the same methods whatever
// its message and durable-state types.
type Protocol struct {
	info engine.Info
	err  error // what is wrong with the adapter's Info, if anything
	impl binding
}

// binding is the generic code of one protocol's types behind the
// non-generic handle.
type binding interface {
	newRunner() runner
	runChoice(c engine.Config, d sim.Decider, b sim.ChoiceConfig, steps int, seed uint64, o engine.Options) (engine.Result, error)
	replay(t *trace.Trace, o engine.Options) (engine.Result, error)
	shrink(ctx context.Context, t *trace.Trace, o trace.ShrinkOptions) (trace.ShrinkResult, error)
	scenario(s *script.Scenario, r script.Run, w io.Writer, steps *atomic.Int64) (script.Result, error)
	importTrace(t *trace.Trace, name string) (string, error)
	check(c model.CheckConfig, o explore.Options) (model.Report, error)
	refine(c model.CheckConfig, o explore.Options) (model.Report, spec.Config, error)
	specCoverage(e engine.Config) (*refine.Coverage, error)
	defaultDepth() int
	hasTicks() bool
	walk(t *trace.Trace, o step.Options) (*step.Run, error)
}

// bound is binding for protocol p.
type bound[M sim.Message, D any] struct {
	p    engine.Protocol[M, D]
	info *engine.Info
}

// New binds p. A problem with p's Info (no name, a variant listed twice,
// a knob that shadows a flag) is kept, not panicked: Err reports it, and
// the command line exits 2 naming it.
func New[M sim.Message, D any](p engine.Protocol[M, D]) *Protocol {
	h := &Protocol{info: p.Info()}
	h.err = validate(&h.info)
	h.impl = &bound[M, D]{p: p, info: &h.info}
	return h
}

// Err is what is wrong with the protocol's adapter, or nil.
func (h *Protocol) Err() error { return h.err }

// Name is the protocol's name, what --protocol selects.
func (h *Protocol) Name() string { return h.info.Name }

// Info describes the protocol.
func (h *Protocol) Info() *engine.Info { return &h.info }

// Run executes one timed run of c (engine.Run).
func (h *Protocol) Run(c engine.Config, seed uint64, o engine.Options) (engine.Result, error) {
	return h.impl.newRunner().Run(c, seed, o)
}

// Runner runs seeds of one protocol one after another, each as Run does,
// reusing one run's memory for the next (engine.Runner): what a
// campaign's worker does. A Runner is for one goroutine.
type Runner struct{ r runner }

// runner is an engine.Runner of any protocol's types.
type runner interface {
	Run(c engine.Config, seed uint64, o engine.Options) (engine.Result, error)
}

// NewRunner returns a Runner of the protocol.
func (h *Protocol) NewRunner() *Runner { return &Runner{r: h.impl.newRunner()} }

// Run executes one timed run of c, like Protocol.Run.
func (r *Runner) Run(c engine.Config, seed uint64, o engine.Options) (engine.Result, error) {
	return r.r.Run(c, seed, o)
}

// RunChoice runs c in a Choice world whose decisions d takes
// (engine.RunChoice).
func (h *Protocol) RunChoice(c engine.Config, d sim.Decider, b sim.ChoiceConfig, steps int, seed uint64, o engine.Options) (engine.Result, error) {
	return h.impl.runChoice(c, d, b, steps, seed, o)
}

// Replay runs a decision trace step by step (trace.Replay).
func (h *Protocol) Replay(t *trace.Trace, o engine.Options) (engine.Result, error) {
	return h.impl.replay(t, o)
}

// Shrink reduces a failing decision trace (trace.Shrink): o.Budget bounds
// the steps its replays take (0: trace.DefaultShrinkBudget).
func (h *Protocol) Shrink(ctx context.Context, t *trace.Trace, o trace.ShrinkOptions) (trace.ShrinkResult, error) {
	return h.impl.shrink(ctx, t, o)
}

// Scenario runs one block of a scenario script (script.Execute), counting
// its steps in steps, when set, for a watchdog.
func (h *Protocol) Scenario(s *script.Scenario, r script.Run, w io.Writer, steps *atomic.Int64) (script.Result, error) {
	return h.impl.scenario(s, r, w, steps)
}

// ImportTrace turns a decision trace into a scenario file's text
// (script.Import).
func (h *Protocol) ImportTrace(t *trace.Trace, name string) (string, error) {
	return h.impl.importTrace(t, name)
}

// Check explores every state of c within its bounds (model.Check).
func (h *Protocol) Check(c model.CheckConfig, o explore.Options) (model.Report, error) {
	return h.impl.check(c, o)
}

// Refine explores every state of c within its bounds and checks that
// every step refines Paxos.tla (refine.Check): refine.ErrNoMapping for a
// protocol whose adapter has no mapping.
func (h *Protocol) Refine(c model.CheckConfig, o explore.Options) (model.Report, spec.Config, error) {
	return h.impl.refine(c, o)
}

// SpecCoverage is an empty count of the Paxos.tla states campaigns of e
// reach (refine.NewCoverage): refine.ErrNoMapping for a protocol whose
// adapter has no mapping.
func (h *Protocol) SpecCoverage(e engine.Config) (*refine.Coverage, error) {
	return h.impl.specCoverage(e)
}

// DefaultDepth is the explorer's depth bound when the user sets none
// (model.DefaultDepth): 0 for none.
func (h *Protocol) DefaultDepth() int { return h.impl.defaultDepth() }

// HasTicks reports whether the protocol has timers that a search fires
// only when asked (model.CheckConfig.Ticks).
func (h *Protocol) HasTicks() bool { return h.impl.hasTicks() }

// Step replays a decision trace keeping every step's state, for a
// viewer (step.Walk).
func (h *Protocol) Step(t *trace.Trace, o step.Options) (*step.Run, error) {
	return h.impl.walk(t, o)
}

func (b *bound[M, D]) walk(t *trace.Trace, o step.Options) (*step.Run, error) {
	return step.Walk(b.p, b.info, t, o)
}

func (b *bound[M, D]) newRunner() runner { return engine.NewRunner(b.p, b.info) }

func (b *bound[M, D]) runChoice(c engine.Config, d sim.Decider, bounds sim.ChoiceConfig, steps int, seed uint64, o engine.Options) (engine.Result, error) {
	return engine.RunChoice(b.p, b.info, c, d, bounds, steps, seed, o)
}

func (b *bound[M, D]) replay(t *trace.Trace, o engine.Options) (engine.Result, error) {
	return trace.Replay(b.p, b.info, t, o)
}

func (b *bound[M, D]) shrink(ctx context.Context, t *trace.Trace, o trace.ShrinkOptions) (trace.ShrinkResult, error) {
	return trace.Shrink(ctx, b.p, b.info, t, o)
}

func (b *bound[M, D]) scenario(s *script.Scenario, r script.Run, w io.Writer, steps *atomic.Int64) (script.Result, error) {
	return script.Execute(b.p, b.info, s, r, w, steps)
}

func (b *bound[M, D]) importTrace(t *trace.Trace, name string) (string, error) {
	return script.Import(b.p, b.info, t.Config, t.Lines, t.Comments, name)
}

func (b *bound[M, D]) check(c model.CheckConfig, o explore.Options) (model.Report, error) {
	return model.Check(b.p, b.info, c, o)
}

func (b *bound[M, D]) refine(c model.CheckConfig, o explore.Options) (model.Report, spec.Config, error) {
	return refine.Check(b.p, b.info, c, o)
}

func (b *bound[M, D]) specCoverage(e engine.Config) (*refine.Coverage, error) {
	return refine.NewCoverage(b.p, b.info, e)
}

func (b *bound[M, D]) defaultDepth() int { return model.DefaultDepth(b.p) }

func (b *bound[M, D]) hasTicks() bool { return model.HasTicks(b.p) }
