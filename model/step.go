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
	return m.fromMemory(s, st, ok, sc)
}

// rememberedMove is remembered of move mv, which sc lists for s.
func (m *Model[M, D]) rememberedMove(s *State[M, D], mv *sim.Move, sc *scratch[M, D]) (ok, cut bool) {
	if s.fault != "" {
		return false, false
	}
	st, probe, ok := m.steps.TakeMove(s.snap, &sc.layout, sc.world, mv, sc.probe)
	sc.probe = probe
	return m.fromMemory(s, st, ok, sc)
}

// fromMemory builds in sc.compact the successor of s by step st, which
// the memory took when ok, and reports remembered's ok and cut.
func (m *Model[M, D]) fromMemory(s *State[M, D], st *localStep, ok bool, sc *scratch[M, D]) (_, cut bool) {
	if !ok {
		return false, false
	}
	if st.Cut {
		return false, true
	}
	next := sc.compact
	next.judgeRef, next.judgeKey = m.judgeAfter(s.judgeRef, st), s.judgeKey
	if next.judgeRef != s.judgeRef {
		next.judgeKey = m.judges.Key(next.judgeRef)
	}
	next.judgeOK, next.fault, next.faultBy = true, "", ""
	if st.Fault != "" {
		next.fault, next.faultBy = contractFault(st.Fault), checker.ContractProperty
	}
	added, n, stutters := m.steps.Effect(s.snap, &sc.layout, st)
	next.stutter = stutters && next.fault == "" && next.judgeRef == s.judgeRef
	if next.stutter { // s again: share its snapshot, which no one writes
		if sc.stutter == nil { // to be emitted
			next.snap, next.net, next.netOK, next.pend = s.snap, s.net, s.netOK, nil
		}
		return true, false
	}
	// Built when needed (built): most successors are fingerprinted only.
	sc.step, sc.added = st, n
	next.snap, next.pend = nil, sc
	next.net, next.netOK = sc.parentNet(m, s).Add(added), true
	return true, false
}

// built returns the snapshot of s, building it first when it is a
// successor from memory not built yet.
func (m *Model[M, D]) built(s *State[M, D]) sim.Snapshot {
	if sc := s.pending(); sc != nil {
		s.snap, _ = m.steps.Apply(sc.of.snap, &sc.layout, sc.step, sc.buf)
		sc.buf, s.pend = s.snap, nil
	}
	return s.snap
}

// judgeAfter is the index of the checkers' state after step st from the
// one at index ref: remembered, or fed the step's observations once.
func (m *Model[M, D]) judgeAfter(ref uint32, st *localStep) uint32 {
	if len(st.Obs) == 0 {
		return ref
	}
	if next, ok := st.Derived.Load(ref); ok {
		return next
	}
	j := m.judges.Get(ref).CloneInto(nil)
	for _, o := range st.Obs {
		m.feed(j, o.Node, o.O)
	}
	var h fingerprint.Hasher
	h.Reset()
	j.Fingerprint(&h)
	next := m.judges.Intern(h.Sum(), func() *judge { return j })
	st.Derived.Store(ref, next) // the same from any goroutine: the state interned
	return next
}

// NextStutters implements explore.Stutterer: a stutter is a remembered
// step that changed nothing the fingerprint covers.
func (m *Model[M, D]) NextStutters(s *State[M, D], emit func(*State[M, D]), stutter func()) {
	m.expandStutters(s, plain, func(_ *sim.Action[M], next *State[M, D], _ []Sent[M]) { emit(next) }, stutter)
}

// contractFault is the violation of a protocol that broke a rule of the
// contract an explorer audits (sim.Cloner's, or the identity of what a
// fingerprint stands for), as fault, "RULE: what", says.
func contractFault(fault string) string {
	return fmt.Sprintf("%s: rule %s", checker.ContractProperty, fault)
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
