package model

import (
	"fmt"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/internal/arena"
	"github.com/paxsim/paxsim/sim"
)

// State is one state of a Model: live (a world and its checkers, as Next
// emits them) or compact (a snapshot and the index of its checkers'
// state, as the explorer keeps them). Only the model that made a compact
// state can read it.
type State[M sim.Message, D any] struct {
	// scratchParts is what only a live state, or a scratch state of
	// Next's, has: nil for the compact states the explorer keeps, which
	// are many (isLive, pending, slabOf read it where it may be nil).
	*scratchParts[M, D]

	judgeKey fingerprint.Key
	snap     sim.Snapshot
	// parts are the numbers of the snapshot's node parts, when known
	// (sim.LocalSteps.KnownParts).
	parts []uint32
	// fault is the violation a step's failure left, or "": a panic in
	// protocol code, or a node that broke the sim.Cloner contract
	// (sim.LocalStep.Fault); faultBy is the property it breaks.
	fault   string
	faultBy checker.Property
	// net is the network's part of a compact state's fingerprint
	// (sim.SnapshotPool.NetKey), when netOK: its parent's and the step's.
	net      fingerprint.Key
	judgeRef uint32
	judgeOK  bool // judgeKey is the checkers' fingerprint
	netOK    bool
	// stutter: a compact state from a remembered step that led back to
	// its parent, whose snapshot it shares (NextStutters).
	stutter bool
}

// scratchParts is the part of a State that a live state, or a scratch
// state Next emits, has besides a compact one's.
type scratchParts[M sim.Message, D any] struct {
	world   *sim.World[M, D, checker.Observation]
	judge   *judge
	observe sim.Observer[checker.Observation]
	// A live state shares its parent's checkers until an observation
	// changes them (copy on write): most steps observe nothing.
	owned bool
	own   *judge // memory for the state's own copy
	// above: the step that built this live state observed a ballot above
	// the bound (bound.go).
	above bool
	// shared: the step that built this live state made an observation
	// that other nodes' observations may judge differently before it and
	// after it (judge.local); a reduced expansion does not take it.
	shared bool
	// pend is the scratch that holds what builds the snapshot of a
	// successor from memory not built yet (Model.built); nil once built.
	pend *scratch[M, D]
	// slab is where Retain copies the state to: its scratch's, for a
	// state Next emitted.
	slab *slab[M, D]
}

// isLive reports whether s is live: it has a world.
func (s *State[M, D]) isLive() bool { return s.scratchParts != nil && s.world != nil }

// pending is s.pend, nil for a kept state.
func (s *State[M, D]) pending() *scratch[M, D] {
	if s.scratchParts == nil {
		return nil
	}
	return s.pend
}

// slabOf is s.slab, nil for a kept state.
func (s *State[M, D]) slabOf() *slab[M, D] {
	if s.scratchParts == nil {
		return nil
	}
	return s.slab
}

// slab hands out the memory of compact states that Retain keeps, many
// at a time: a search keeps hundreds of thousands, most for one level.
// One goroutine at a time uses a slab (its scratch's).
type slab[M sim.Message, D any] struct {
	states []State[M, D]
	words  arena.Slice[uint32]
	buf    sim.Snapshot // a live state's snapshot, before its copy
}

// slabStates is how many states a slab allocates at once, slabWords
// the largest run of snapshot words.
const (
	slabStates = 128
	slabWords  = 8192
)

// state returns a zero State of the slab's.
func (b *slab[M, D]) state() *State[M, D] {
	if b == nil {
		return &State[M, D]{}
	}
	if len(b.states) == 0 {
		b.states = make([]State[M, D], slabStates)
	}
	st := &b.states[0]
	b.states = b.states[1:]
	return st
}

// snapshot returns a copy of s of the slab's (a fresh one without a
// slab).
func (b *slab[M, D]) snapshot(s sim.Snapshot) sim.Snapshot {
	if b == nil {
		return slices.Clone(s)
	}
	return b.words.Copy(s)
}

func (m *Model[M, D]) newState() *State[M, D] {
	st := &State[M, D]{scratchParts: &scratchParts[M, D]{}}
	st.observe = func(node sim.NodeID, o checker.Observation) {
		if !st.owned {
			st.own = st.judge.CloneInto(st.own)
			st.judge, st.owned = st.own, true
		}
		st.judgeOK = false
		st.shared = st.shared || !st.judge.local(int(node), o)
		st.above = st.above || m.observedAbove(o)
		m.feed(st.judge, node, o)
	}
	return st
}

// feed tells checkers j of observation o that node made.
func (m *Model[M, D]) feed(j *judge, node sim.NodeID, o checker.Observation) {
	j.observe(int(node), o)
	if !m.answers {
		return
	}
	if node == 0 && o.Kind == checker.Invoked {
		j.invoke(o.Client)
	} else if a, ok := m.proto.Answer(o); ok {
		j.answer(a)
	}
}

// live returns s as a live state: s itself, or s restored into into.
func (m *Model[M, D]) live(s, into *State[M, D]) *State[M, D] {
	if s.isLive() {
		return s
	}
	into.world = m.pool.Restore(into.world, m.built(s), into.observe)
	into.judge, into.owned = m.judges.Get(s.judgeRef), false
	into.judgeKey, into.judgeOK = s.judgeKey, true
	into.fault, into.faultBy = s.fault, s.faultBy
	return into
}

// copyInto makes dst a live copy of src, sharing src's checkers until dst
// observes something.
func (m *Model[M, D]) copyInto(dst, src *State[M, D]) {
	dst.world = src.world.CloneInto(dst.world, dst.observe)
	dst.judge, dst.owned = src.judge, false
	dst.judgeKey, dst.judgeOK = src.judgeKey, src.judgeOK
	dst.fault, dst.faultBy = src.fault, src.faultBy
}

// judgeFingerprint is the fingerprint of st's checkers, computed once.
func (m *Model[M, D]) judgeFingerprint(st *State[M, D]) fingerprint.Key {
	if !st.judgeOK {
		var h fingerprint.Hasher
		h.Reset()
		st.judge.Fingerprint(&h)
		st.judgeKey, st.judgeOK = h.Sum(), true
	}
	return st.judgeKey
}

// guard runs fn, turning a panic in protocol code into the state's
// violation.
func (m *Model[M, D]) guard(st *State[M, D], fn func()) {
	defer func() {
		p := recover()
		if p != nil {
			st.world.Aborted() // the handler's held effects, if a torn crash held them, are not the next step's
		}
		if m, ok := p.(*sim.MisuseError); ok { // not a crash: a call the contract rules out
			st.fault, st.faultBy = contractFault(fmt.Sprintf("%s: while running %s: %s", m.Rule, st.world.Current(), m.Msg)), checker.ContractProperty
		} else if p != nil {
			st.fault, st.faultBy = fmt.Sprintf("%s: panic while running %s: %v", panicProperty, st.world.Current(), p), panicProperty
		}
	}()
	fn()
}

// Retain implements explore.Retainer: a compact copy of a live state (or
// a whole one, with Full).
func (m *Model[M, D]) Retain(s *State[M, D]) *State[M, D] {
	if !s.isLive() { // a compact state from a remembered step
		st := s.slabOf().state()
		*st = State[M, D]{judgeRef: s.judgeRef, judgeKey: s.judgeKey, judgeOK: true, fault: s.fault, faultBy: s.faultBy, net: s.net, netOK: s.netOK}
		st.snap, st.parts = m.kept(s)
		return st
	}
	if m.Full {
		st := m.newState()
		m.copyInto(st, s)
		st.judge, st.owned = s.judge.CloneInto(nil), true
		return st
	}
	st := s.slab.state()
	st.fault, st.faultBy = s.fault, s.faultBy
	if s.slab == nil {
		st.snap = m.pool.Snapshot(s.world, nil)
	} else {
		s.slab.buf = m.pool.Snapshot(s.world, s.slab.buf)
		st.snap = s.slab.snapshot(s.slab.buf)
	}
	st.judgeKey, st.judgeOK = m.judgeFingerprint(s), true
	st.judgeRef = m.judges.Intern(st.judgeKey, func() *judge { return s.judge.CloneInto(nil) })
	return st
}

// kept returns a copy of the snapshot of compact state s, in its slab,
// with the numbers of its node parts (sim.LocalSteps.PartsAfter) when s
// is a successor from memory.
func (m *Model[M, D]) kept(s *State[M, D]) (snap sim.Snapshot, parts []uint32) {
	sc := s.pending()
	if sc == nil || s.slabOf() == nil {
		return s.slabOf().snapshot(m.built(s)), nil
	}
	n := len(m.built(s))
	sc.buf = m.steps.PartsAfter(sc.of.snap, &sc.layout, sc.step, sc.buf[:n])
	run := s.slab.words.Copy(sc.buf)
	return run[:n:n], run[n:]
}

// judgeOf returns the checkers of state s, with what they saw on the way.
func (m *Model[M, D]) judgeOf(s *State[M, D]) *judge {
	if s.isLive() {
		return s.judge
	}
	return m.judges.Get(s.judgeRef)
}

// Checkers returns the checkers of state s, with what they saw on the
// way: checker.Safety, and the checker.LogChecker of a protocol that
// keeps a log (else nil). They are the state's: read them, do not feed
// them.
func (m *Model[M, D]) Checkers(s *State[M, D]) (*checker.Safety, *checker.LogChecker) {
	j := m.judgeOf(s)
	return j.safety, j.log
}
