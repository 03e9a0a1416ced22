package spec

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Init returns the one initial state: no acceptor has joined a ballot or
// voted, and no message has been sent.
func (m *Model) Init() []State {
	s := State{nAcc: uint8(m.cfg.Acceptors), nVal: uint8(m.cfg.Values), nBal: uint8(m.l.B)}
	for a := 0; a < m.cfg.Acceptors; a++ {
		s.maxBal[a], s.maxVBal[a], s.maxVal[a] = -1, -1, -1
	}
	return []State{s}
}

// Step kinds.
const (
	stepPhase1a uint8 = iota
	stepPhase2a
	stepPhase1b
	stepPhase2b
)

// step says which action, with which witnesses, produced a successor.
type step struct {
	kind uint8
	a    int8  // acceptor of Phase1b, Phase2b
	b    int8  // ballot of Phase1a, Phase2a; of the message received by Phase1b, Phase2b
	v    int8  // value of Phase2a, Phase2b
	q    uint8 // quorum of Phase2a
	w    int8  // Phase2a's witness: the acceptor whose 1b reports the highest vote, or -1
	mbal int8  // the witness's vote's ballot
	// stutter: the successor is the state itself (NextStutters).
	stutter bool
}

// Next calls emit for every successor of s in TLC's enumeration (see the
// package documentation): for each ballot b, Phase1a(b) then Phase2a(b, v)
// for each value v (each quorum in order, each witness in acceptor
// order); then for each acceptor a, Phase1b(a) for each 1a message and
// Phase2b(a) for each 2a message, by ballot and value.
func (m *Model) Next(s State, emit func(next State)) {
	m.successors(&s, func(n State, _ step) bool {
		emit(n)
		return true
	})
}

// NextStutters implements explore.Stutterer: the stutters are Phase1a
// sending a 1a message that is there, and Phase2b by an acceptor that
// has already voted so.
func (m *Model) NextStutters(s State, emit func(next State), stutter func()) {
	m.successors(&s, func(n State, st step) bool {
		if st.stutter {
			stutter()
		} else {
			emit(n)
		}
		return true
	})
}

// Label describes the i-th successor Next emits from s as the TLA+ action
// taken, e.g. "Phase1b(a2) on 1a(bal=1)" or "Phase2a(1, v1) with quorum
// {a1,a2}".
func (m *Model) Label(s State, i int) string {
	var label string
	k := 0
	m.successors(&s, func(_ State, st step) bool {
		if k == i {
			label = m.stepLabel(st)
			return false
		}
		k++
		return true
	})
	if label == "" {
		return fmt.Sprintf("no successor %d (the state has %d)", i, k)
	}
	return label
}

func (m *Model) stepLabel(st step) string {
	b := strconv.Itoa(int(st.b))
	switch st.kind {
	case stepPhase1a:
		return "Phase1a(" + b + ")"
	case stepPhase1b:
		return "Phase1b(" + accName(int(st.a)) + ") on 1a(bal=" + b + ")"
	case stepPhase2b:
		return "Phase2b(" + accName(int(st.a)) + ") on 2a(bal=" + b + ", " + valName(int(st.v)) + ")"
	default:
		s := "Phase2a(" + b + ", " + valName(int(st.v)) + ") with quorum " + setName(st.q)
		if st.w >= 0 {
			s += ", highest vote in 1b(" + accName(int(st.w)) + ", bal=" + b +
				", mbal=" + strconv.Itoa(int(st.mbal)) + ", " + valName(int(st.v)) + ")"
		}
		return s
	}
}

// successors enumerates the successors of s in Next's order, with the step
// that produced each, until f returns false.
func (m *Model) successors(s *State, f func(n State, st step) bool) {
	for b := 0; b < m.l.B; b++ {
		// Phase1a(b): Send([type |-> "1a", bal |-> b]), a stuttering step if
		// the message is already there.
		n := *s
		n.set(b)
		if !f(n, step{kind: stepPhase1a, b: int8(b), stutter: s.has(b)}) || !m.phase2a(s, b, f) {
			return
		}
	}
	for a := 0; a < m.l.A; a++ {
		if !m.acceptorSteps(s, a, f) {
			return
		}
	}
}

// phase2a enumerates the Phase2a(b, v) successors of s; false when f
// returned false.
func (m *Model) phase2a(s *State, b int, f func(n State, st step) bool) bool {
	l := &m.l
	// Phase2a(b, v): ~ \E m \in msgs : m.type = "2a" /\ m.bal = b.
	if s.field(l.idx2a(b, 0), l.V) != 0 {
		return true
	}
	present, votes := m.votes1b(s, b)
	// Every quorum is a majority: none is covered unless present is.
	if 2*bits.OnesCount8(present) <= l.A {
		return true
	}
	for v := 0; v < l.V; v++ {
		n := *s
		n.set(l.idx2a(b, v))
		for _, q := range m.quorums {
			// \A a \in Q : \E m \in Q1b : m.acc = a (one m per a).
			if q&^present != 0 {
				continue
			}
			st := step{kind: stepPhase2a, b: int8(b), v: int8(v), w: -1, q: q}
			if !m.emit2a(n, st, &votes, f) {
				return false
			}
		}
	}
	return true
}

// votes1b are the votes the ballot-b 1b messages report, by acceptor:
// mbal -1 for an acceptor that reports none.
type votes1b struct{ mbal, mval [MaxAcceptors]int8 }

// votes1b reads the ballot-b 1b messages of s: who sent one (present), and
// the vote each reports.
func (m *Model) votes1b(s *State, b int) (present uint8, votes votes1b) {
	l := &m.l
	w := 1 + b*l.V
	lo := l.off1b(b)
	for a := 0; a < l.A; a++ {
		x := s.field(lo+a*w, w)
		if x == 0 {
			continue
		}
		present |= 1 << a
		if code := bits.TrailingZeros64(x); code == 0 {
			votes.mbal[a], votes.mval[a] = -1, -1
		} else {
			votes.mbal[a], votes.mval[a] = int8((code-1)/l.V), int8((code-1)%l.V)
		}
	}
	return present, votes
}

// emit2a enumerates the Phase2a step st to n with quorum st.q: once when
// no vote is reported in the quorum's 1b messages (or the variant ignores
// votes), else once per witness reporting st.v at the highest ballot;
// false when f returned false.
func (m *Model) emit2a(n State, st step, votes *votes1b, f func(n State, st step) bool) bool {
	if m.ignoreVotes {
		return f(n, st)
	}
	// The highest vote reported in Q1bv.
	hi := int8(-1)
	for r := st.q; r != 0; r &= r - 1 {
		if a := bits.TrailingZeros8(r); votes.mbal[a] > hi {
			hi = votes.mbal[a]
		}
	}
	if hi < 0 { // Q1bv = {}.
		return f(n, st)
	}
	// \E m \in Q1bv : m.mval = v /\ \A mm \in Q1bv : m.mbal >= mm.mbal,
	// one successor per witness m.
	for r := st.q; r != 0; r &= r - 1 {
		a := bits.TrailingZeros8(r)
		if votes.mbal[a] == hi && votes.mval[a] == st.v {
			st.w, st.mbal = int8(a), hi
			if !f(n, st) {
				return false
			}
		}
	}
	return true
}

// acceptorSteps enumerates acceptor a's Phase1b and Phase2b successors of
// s; false when f returned false.
func (m *Model) acceptorSteps(s *State, a int, f func(n State, st step) bool) bool {
	l := &m.l
	// Phase1b(a): one successor per 1a message with bal > maxBal[a].
	mb := int(s.maxBal[a])
	for b := mb + 1; b < l.B; b++ {
		if !s.has(b) {
			continue
		}
		n := *s
		n.maxBal[a] = int8(b)
		n.set(l.idx1b(a, b, int(s.maxVBal[a]), int(s.maxVal[a])))
		if !f(n, step{kind: stepPhase1b, a: int8(a), b: int8(b)}) {
			return false
		}
	}
	// Phase2b(a): one successor per 2a message with bal >= maxBal[a].
	for b := max(mb, 0); b < l.B; b++ {
		for x := s.field(l.idx2a(b, 0), l.V); x != 0; x &= x - 1 {
			v := bits.TrailingZeros64(x)
			n := *s
			n.maxBal[a], n.maxVBal[a], n.maxVal[a] = int8(b), int8(b), int8(v)
			n.set(l.idx2b(a, b, v))
			stutter := s.maxBal[a] == int8(b) && s.maxVBal[a] == int8(b) && s.maxVal[a] == int8(v) && n == *s
			if !f(n, step{kind: stepPhase2b, a: int8(a), b: int8(b), v: int8(v), stutter: stutter}) {
				return false
			}
		}
	}
	return true
}

// Check returns "" when at most one value is chosen in s, and otherwise a
// description of the violation of agreement (Cardinality(chosen) <= 1):
// the values chosen, with the ballot and quorum of each first choice.
func (m *Model) Check(s State) string {
	l := &m.l
	A := l.A
	var chosen uint8
	for b := 0; b < l.B; b++ {
		for v := 0; v < l.V; v++ {
			if x := s.field(l.idx2b(0, b, v), A); 2*bits.OnesCount64(x) > A {
				chosen |= 1 << v
			}
		}
	}
	if bits.OnesCount8(chosen) <= 1 {
		return ""
	}
	var names, parts []string
	for v := 0; v < l.V; v++ {
		for b := 0; b < l.B; b++ {
			if x := s.field(l.idx2b(0, b, v), A); 2*bits.OnesCount64(x) > A {
				names = append(names, valName(v))
				parts = append(parts, fmt.Sprintf("%s at ballot %d by %s", valName(v), b, setName(uint8(x))))
				break
			}
		}
	}
	return "agreement violated: Cardinality(chosen) <= 1 is false, chosen = {" +
		strings.Join(names, ", ") + "} (" + strings.Join(parts, "; ") + ")"
}
