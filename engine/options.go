package engine

import (
	"fmt"
	"io"
	"sync/atomic"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

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
	// OnObserve, when set, sees every observation after the checkers.
	OnObserve func(node sim.NodeID, o checker.Observation)
	// TraceEntries, when set, receives the readable trace as entries.
	TraceEntries func(sim.TraceEntry)
	// Record keeps the run's decision trace in Result.Lines.
	Record bool
	// Draw, when set, records the run as a space-time diagram.
	Draw *Drawing
	// Spec, when set, follows the run's messages through the protocol's
	// mapping onto Paxos.tla (Refiner): a campaign's spec coverage.
	Spec SpecFollower
	// Steps, when set, counts the steps the run takes as it takes them,
	// for a watchdog on another goroutine (package watchdog): a run whose
	// count stands still hangs in protocol code. Once the run has taken
	// its last step it is set to StepsDone, while the run is summed up and
	// its history judged: paxsim's own work, bounded by its budgets.
	Steps *atomic.Int64
	// InertFaults switches off the effect of random faults of some kinds
	// (sim.FaultConfig.Inert), for the harness's own tests: a campaign
	// must notice a fault kind that never fires.
	InertFaults uint32
}

// StepsDone is Options.Steps once the run has taken its last step.
const StepsDone = -1

// stepped counts a step in Options.Steps, if set.
func (o *Options) stepped() {
	if o.Steps != nil {
		o.Steps.Add(1)
	}
}

// tracer is the world's tracer the options ask for: the readable trace to
// Trace, the entries to TraceEntries, both, or none (nil).
func (o *Options) tracer() func(sim.TraceEntry) {
	if o.Trace == nil {
		return o.TraceEntries
	}
	return chain(func(e sim.TraceEntry) { fmt.Fprintln(o.Trace, e) }, o.TraceEntries)
}

// chain calls a, then b, each if set.
func chain(a, b func(sim.TraceEntry)) func(sim.TraceEntry) {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return func(e sim.TraceEntry) { a(e); b(e) }
}
