package model

import (
	"fmt"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/internal/memo"
	"github.com/paxsim/paxsim/sim"
)

// localStep is a delivery or timer step taken from memory
// (sim.LocalSteps): what most successors of a search in a set network are.
type localStep = sim.LocalStep[checker.Observation]

// rememberSteps turns sim.LocalSteps on; the tests turn it off to check
// the remembered steps against the steps taken.
var rememberSteps = true

// judgeStep is the key of the checkers' state after a remembered step:
// the checkers' state before it and the step, whose observations decide
// the change.
type judgeStep [2]uint32

// Hash implements memo.Key.
func (k judgeStep) Hash() uint64 { return memo.HashWords(k[:]...) }

// remembered builds in next the successor of compact state s that
// action a leads to, from memory, and reports whether it could: false
// for an action that is not a local step, or that the ballot bound cuts
// (then cut is true). sc is the scratch s is expanded in.
func (m *Model[M, D]) remembered(s *State[M, D], a *sim.Action[M], sc *scratch[M, D]) (ok, cut bool) {
	if m.steps == nil || s.snap == nil || s.fault != "" {
		return false, false
	}
	st, probe, ok := m.steps.Take(s.snap, &sc.layout, sc.world, a, sc.probe)
	sc.probe = probe
	if !ok {
		return false, false
	}
	if st.Cut {
		return false, true
	}
	next := sc.compact
	next.judgeRef = m.judgeAfter(s.judgeRef, st)
	next.judgeKey, next.judgeOK, next.fault, next.faultBy = m.judges.Key(next.judgeRef), true, "", ""
	if st.Fault != "" {
		next.fault, next.faultBy = clonerFault(st.Fault), checker.ContractProperty
	}
	next.stutter = next.fault == "" && next.judgeRef == s.judgeRef && m.steps.Stutters(s.snap, &sc.layout, st)
	if next.stutter { // s again: share its snapshot, which no one writes
		next.snap, next.net, next.netOK = s.snap, s.net, s.netOK
		return true, false
	}
	var added fingerprint.Key
	next.snap, added = m.steps.Apply(s.snap, &sc.layout, st, sc.buf)
	sc.buf = next.snap
	next.net, next.netOK = sc.parentNet(m, s).Add(added), true
	return true, false
}

// judgeAfter is the index of the checkers' state after step st from the
// one at index ref: remembered, or fed the step's observations once.
func (m *Model[M, D]) judgeAfter(ref uint32, st *localStep) uint32 {
	if len(st.Obs) == 0 {
		return ref
	}
	if last := st.Last.Load(); last != 0 && uint32(last>>32) == ref+1 {
		return uint32(last) // the step's last effect, from the same state
	}
	next := m.judgeStepAfter(ref, st)
	st.Last.Store(uint64(ref+1)<<32 | uint64(next))
	return next
}

// judgeStepAfter is judgeAfter without the step's one-entry cache.
func (m *Model[M, D]) judgeStepAfter(ref uint32, st *localStep) uint32 {
	key := judgeStep{ref, st.ID}
	if v, ok := m.judgeSteps.Load(key); ok {
		return v
	}
	j := m.judges.Get(ref).CloneInto(nil)
	for _, o := range st.Obs {
		m.feed(j, o.Node, o.O)
	}
	var h fingerprint.Hasher
	h.Reset()
	j.Fingerprint(&h)
	next := m.judges.Intern(h.Sum(), func() *judge { return j })
	next, _ = m.judgeSteps.LoadOrStore(key, next)
	return next
}

// NextStutters implements explore.Stutterer: a stutter is a remembered
// step that changed nothing the fingerprint covers.
func (m *Model[M, D]) NextStutters(s *State[M, D], emit func(*State[M, D]), stutter func()) {
	m.expand(s, false, func(_ *sim.Action[M], next *State[M, D], _ []Sent[M]) {
		if next.stutter {
			stutter()
		} else {
			emit(next)
		}
	})
}

// clonerFault is the violation of a node that broke the sim.Cloner
// contract, as fault says.
func clonerFault(fault string) string {
	return fmt.Sprintf("%s: rule cloner: %s", checker.ContractProperty, fault)
}

// auditKey is a step taken the long way, as sim.World.AuditKey names it.
type auditKey [6]uint64

// Hash implements memo.Key.
func (k auditKey) Hash() uint64 {
	var ws [12]uint32
	for i, x := range k {
		ws[2*i], ws[2*i+1] = uint32(x), uint32(x>>32)
	}
	return memo.HashWords(ws[:]...)
}

// audit checks, once per distinct node state and step, the Cloner
// contract of the node that action a, about to be taken the long way
// from the state sc expands, runs on (sim.World.AuditStep): what
// sim.LocalSteps checks of the steps it remembers, for the searches that
// copy whole worlds (crashes and restarts, multiset networks, FIFO
// links, --exact). It returns the rule broken, or "".
func (m *Model[M, D]) audit(sc *scratch[M, D], a *sim.Action[M]) string {
	w := sc.parent(m).world
	k, ok := w.AuditKey(a)
	if !ok {
		return ""
	}
	if fault, done := m.audited.Load(auditKey(k)); done {
		return fault // as first found: a path rebuilt to it finds it again
	}
	fault, probe := w.AuditStep(a, sc.probe)
	sc.probe = probe
	fault, _ = m.audited.LoadOrStore(auditKey(k), fault)
	return fault
}
