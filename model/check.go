package model

import (
	"errors"
	"fmt"
	"strings"
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
	Reduced             int64 // states expanded by a persistent set (explore.Options.POR)
	Walks               int   // random walks taken (explore.Random)
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
	// Decided reports whether some state the search reached has a value
	// chosen. A safe search in which none has judged no decision at all:
	// a protocol whose nodes never propose without a timer the search
	// leaves out, say (Undecided).
	Decided bool
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
	return m.checkProgress(opts, c.Config.Variant)
}

// checkProgress is Check's search of m, and, if the stalled state it
// found is not confirmed by the liveness phase run from it, its search
// again without judging progress.
func (m *Model[M, D]) checkProgress(opts explore.Options, variant string) (Report, error) {
	rep, err := m.check(opts, variant)
	var u *unconfirmedStall
	if errors.As(err, &u) {
		m.progress = false
		rep, err = m.check(opts, variant)
		rep.Note = strings.TrimPrefix(rep.Note+"; "+u.note(), "; ")
	}
	return rep, err
}

// check is Check's search of m.
func (m *Model[M, D]) check(opts explore.Options, variant string) (Report, error) {
	info := m.info
	res, err := explore.Run[*State[M, D]](m, opts)
	rep := Report{
		Verdict: res.Verdict, Distinct: res.Distinct, Generated: res.Generated, Depth: res.Depth, Reduced: res.Reduced, Walks: res.Walks,
		Complete: res.Complete, Stop: res.Stop, Violation: res.Violation, Labels: res.Labels,
		Collision: res.Collision, Elapsed: res.Elapsed, CPUSeconds: res.CPUSeconds, BytesPerState: res.BytesPerState, Config: m.cfg, Note: livenessNote(info, variant),
	}
	rep.Decided = m.Decided()
	if err != nil || res.Verdict != explore.VerdictViolation {
		return rep, err
	}
	if res.Diverged {
		rep.Labels = res.Labels
		return m.disagreement(rep, "taking its steps again from the initial state does not reach it")
	}
	last := res.Path[len(res.Path)-1]
	rep.Violations = m.judgeOf(last).Violations()
	v := m.violation(last)
	switch {
	case last.fault != "" && last.faultBy != panicProperty:
		// A broken Cloner breaks the explorer's copies, which a replay
		// makes none of: the path is the counterexample, unchecked.
		rep.Property = last.faultBy
		rep.Lines, err = m.lines(res.Labels)
		return rep, err
	case last.fault != "":
		rep.Property = panicProperty
	case v != nil:
		rep.Property = v.Property
	case m.Stalled(last) != "":
		rep.Property = checker.Liveness
		rep.Lines, err = m.stalledLines(res.Labels, res.Violation)
		return rep, err
	default:
		return m.disagreement(rep, "taking its steps again from the initial state does not")
	}
	rep.Lines, err = m.Counterexample(res.Labels, rep.Property)
	switch {
	case err != nil:
	case opts.POR:
		rep.Labels, rep.Lines = m.shorten(res.Labels, rep.Lines, rep.Property)
		rep.Depth = len(rep.Labels) + 1 // the bad state's, as a full search counts it
	case opts.Strategy == explore.Random: // a walk's path wanders: keep the steps the violation needs
		rep.Labels, rep.Lines = m.shortenWalk(res.Labels, rep.Lines, rep.Property)
	}
	return m.confirmed(rep, err)
}

// confirmed is rep, whose lines Counterexample made: a replay of them
// that did not break the property becomes a disagreement.
func (m *Model[M, D]) confirmed(rep Report, err error) (Report, error) {
	var d *replayDisagrees
	if errors.As(err, &d) {
		return m.disagreement(rep, d.Error())
	}
	return rep, err
}

// disagreement reports, as a violation of the observation contract (rule
// "replay"), a counterexample that taking the same steps again, from
// nodes made afresh, does not reproduce: the search's copies of the
// nodes (sim.Cloner) or their fingerprints leave out state that decides
// their steps, or their steps are not a function of their state. why
// says what did not reproduce it.
func (m *Model[M, D]) disagreement(rep Report, why string) (Report, error) {
	lines, err := m.lines(rep.Labels)
	if err != nil {
		return rep, err
	}
	rep.Property, rep.Lines, rep.Violations = checker.ContractProperty, lines, nil
	rep.Violation = fmt.Sprintf("%s: rule replay: the search found %q on its copies of the world, but %s: "+
		"the nodes' CloneInto or Fingerprint leaves out state that decides their steps, or their steps are not a function of their state",
		checker.ContractProperty, firstLine(rep.Violation), why)
	return rep, nil
}

// Undecided is what a report says of a safe search rep, complete or
// bounded by depth alone, in which no state has a value chosen: its ok
// judged no decision. gap is set when no
// follow-up (followUps, those run after it) reached one either: the check
// is then no pass of the protocol's safety. "" for a search that reached a
// decision or found a violation.
func Undecided(rep *Report, followUps []FollowUp) (note string, gap bool) {
	if rep.Verdict != explore.VerdictOK || rep.Decided || !rep.Complete && rep.Stop != explore.StopMaxDepth {
		return "", false // a search cut short is no pass anyway (exit 4)
	}
	var decided []string
	for _, f := range followUps {
		if f.Decided {
			decided = append(decided, f.Flags)
		}
	}
	why := "do the nodes propose on a client's request alone, or only from a timer the search leaves out (--ticks fires every timer)? " +
		"Are the bounds (--max-depth, --max-ballot) too tight for a ballot to finish?"
	if len(decided) > 0 {
		return fmt.Sprintf("no state the first search reached has a value chosen, so its ok judged no decision; only the follow-ups %s did: %s",
			strings.Join(decided, ", "), why), false
	}
	return "no state the search reached has a value chosen, so its ok judged no decision: " + why, true
}

// firstLine is s up to its first newline.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// DefaultDepth is the explorer's depth bound for p when the user sets none
// (engine.Explorer.MaxDepth): 0, no bound, for a protocol without one.
func DefaultDepth[M sim.Message, D any](p engine.Protocol[M, D]) int {
	if ex, ok := p.(engine.Explorer[D]); ok {
		return ex.MaxDepth()
	}
	return 0
}

// HasTicks reports whether p has timers that a search fires only with
// CheckConfig.Ticks (a leader's periodic tick, say).
func HasTicks[M sim.Message, D any](p engine.Protocol[M, D]) bool {
	ex, _ := p.(engine.Explorer[D])
	return ticksApply[D](ex)
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
