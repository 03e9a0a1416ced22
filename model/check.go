package model

import (
	"fmt"
	"time"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/sim"
)

// Report is the outcome of an exhaustive search of a protocol's code.
type Report struct {
	// The search's counts and verdict, as explore.Result has them.
	Verdict             string
	Distinct, Generated int64
	Depth               int
	Complete            bool
	Stop                string
	Violation           string   // what the bad state broke, as the model words it
	Labels              []string // the explorer's path to it, one step a line
	Collision           float64
	Elapsed             time.Duration
	CPUSeconds          float64
	BytesPerState       float64

	// Violations are the first violation of each property in the bad
	// state, the safety checker's first.
	Violations []checker.Violation
	// Lines is the counterexample as decision-trace lines that replay in
	// a multiset Choice world under Config (trace.ReplayAll): the clients'
	// requests, then the path's steps, with a duplication before a set
	// network's second delivery of a message, a client's retry before its
	// request's, and the replicas' local deliveries written out. nil
	// without a violation.
	Lines []string
	// Config is the run configuration the Lines replay under: the
	// search's, with the explorer's defaults written out.
	Config engine.Config
	// Property is the property the counterexample breaks
	// (engine.PanicProperty for a panic in protocol code).
	Property checker.Property
	// Note says what the search cannot judge, for the report: a variant
	// that breaks liveness only, say. "" when there is nothing to add.
	Note string
}

// Check explores every state of c under p within its bounds and opts'. A
// violation comes back with the shortest path to it (breadth first) as
// lines, which are replayed before they are returned: lines that do not
// reproduce the violation are an error. A bad c returns a
// *engine.ConfigError.
func Check[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, c CheckConfig, opts explore.Options) (Report, error) {
	m, err := New(p, info, c)
	if err != nil {
		return Report{}, err
	}
	if opts.Symmetry && m.SymmetryGroupSize() > 1 {
		if err := sim.Explorable(m.factory, true); err != nil {
			return Report{}, fmt.Errorf("%s cannot be explored with symmetry reduction: %v", info.Name, err)
		}
	}
	m.Full = opts.Exact
	res, err := explore.Run[*State[M, D]](m, opts)
	rep := Report{
		Verdict: res.Verdict, Distinct: res.Distinct, Generated: res.Generated, Depth: res.Depth,
		Complete: res.Complete, Stop: res.Stop, Violation: res.Violation, Labels: res.Labels,
		Collision: res.Collision, Elapsed: res.Elapsed, CPUSeconds: res.CPUSeconds, BytesPerState: res.BytesPerState, Config: m.cfg, Note: livenessNote(info, c.Config.Variant),
	}
	if err != nil || res.Verdict != explore.VerdictViolation {
		return rep, err
	}
	last := res.Path[len(res.Path)-1]
	rep.Violations = m.judgeOf(last).Violations()
	rep.Property = panicProperty
	if v := m.violation(last); v != nil && last.panic == "" {
		rep.Property = v.Property
	}
	rep.Lines, err = m.Counterexample(res.Labels, rep.Property)
	return rep, err
}

// DefaultDepth is the explorer's depth bound for p when the user sets none
// (engine.Explorer.MaxDepth): 0, no bound, for a protocol without one.
func DefaultDepth[M sim.Message, D any](p engine.Protocol[M, D]) int {
	if ex, ok := p.(engine.Explorer[D]); ok {
		return ex.MaxDepth()
	}
	return 0
}

// livenessNote is what a search says of a variant that breaks liveness
// only, or "".
func livenessNote(info *engine.Info, variant string) string {
	v, err := info.LookupVariant(variant)
	if err != nil || v.Breaks != checker.Liveness {
		return ""
	}
	return fmt.Sprintf("%s breaks liveness only (%s); a safety search cannot judge liveness, so ok is its expected verdict here: "+
		"campaigns judge it (the campaign verb: campaign --protocol %s --variant %s)", v.Name, v.Summary, info.Name, v.Name)
}
