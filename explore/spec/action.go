package spec

import (
	"fmt"
	"math/bits"
)

// Action returns the successor of s by the action of Next that sends msg,
// with the action's label as Label words it, or why no action of Next
// sends msg from s:
//
//   - 1a(b): Phase1a(b), always enabled.
//   - 1b(a, b, mbal, mval): Phase1b(a) on 1a(bal=b): 1a(b) is in msgs,
//     b > maxBal[a], and the vote reported is a's, (maxVBal[a], maxVal[a]).
//   - 2a(b, v): Phase2a(b, v): no 2a message of ballot b is in msgs, and
//     some quorum's ballot-b 1b messages are, reporting no vote or v as the
//     highest (the first such quorum names the action).
//   - 2b(a, b, v): Phase2b(a) on 2a(bal=b, v): 2a(b, v) is in msgs and
//     b >= maxBal[a].
//
// A message outside the model's universe (an acceptor, ballot or value out
// of range, a 1b message reporting a vote at or above its own ballot) has
// no action. Action is what a refinement check asks of each message an
// implementation's step sends; its tests check it against Next.
func (m *Model) Action(s State, msg Message) (next State, label, why string) {
	bit, why := m.bitOf(msg)
	if why != "" {
		return s, "", why
	}
	a, b := msg.Acc, msg.Bal
	next = s
	next.set(bit)
	switch msg.Type {
	case "1a":
		return next, m.stepLabel(step{kind: stepPhase1a, b: int8(b)}), ""
	case "1b":
		label = m.stepLabel(step{kind: stepPhase1b, a: int8(a), b: int8(b)})
		switch {
		case !s.has(b):
			return s, label, fmt.Sprintf("1a(bal=%d) is not in msgs", b)
		case b <= int(s.maxBal[a]):
			return s, label, fmt.Sprintf("maxBal[%s] = %d is not below %d", accName(a), s.maxBal[a], b)
		case msg.MBal != int(s.maxVBal[a]) || msg.MVal != int(s.maxVal[a]):
			return s, label, fmt.Sprintf("the vote it reports, (%d, %s), is not %s's (maxVBal, maxVal) = (%d, %s)",
				msg.MBal, valName(msg.MVal), accName(a), s.maxVBal[a], valName(int(s.maxVal[a])))
		}
		next.maxBal[a] = int8(b)
		return next, label, ""
	case "2a":
		return m.action2a(s, next, b, msg.Val)
	default:
		label = m.stepLabel(step{kind: stepPhase2b, a: int8(a), b: int8(b), v: int8(msg.Val)})
		switch {
		case !s.has(m.l.idx2a(b, msg.Val)):
			return s, label, fmt.Sprintf("2a(bal=%d, %s) is not in msgs", b, valName(msg.Val))
		case b < int(s.maxBal[a]):
			return s, label, fmt.Sprintf("maxBal[%s] = %d is above %d", accName(a), s.maxBal[a], b)
		}
		next.maxBal[a], next.maxVBal[a], next.maxVal[a] = int8(b), int8(b), int8(msg.Val)
		return next, label, ""
	}
}

// action2a is Action for a 2a message of ballot b and value v; next is s
// with the message.
func (m *Model) action2a(s, next State, b, v int) (State, string, string) {
	st := step{kind: stepPhase2a, b: int8(b), v: int8(v), w: -1}
	label := fmt.Sprintf("Phase2a(%d, %s)", b, valName(v)) // with no quorum that enables it
	if s.field(m.l.idx2a(b, 0), m.l.V) != 0 {
		return s, label, fmt.Sprintf("a 2a message of ballot %d is in msgs already", b)
	}
	present, votes := m.votes1b(&s, b)
	why := fmt.Sprintf("no quorum sent 1b messages of ballot %d", b)
	for _, q := range m.quorums {
		if q&^present != 0 {
			continue
		}
		st.q = q
		hi, w := int8(-1), int8(-1)
		for r := q; r != 0; r &= r - 1 {
			if a := bits.TrailingZeros8(r); votes.mbal[a] > hi {
				hi, w = votes.mbal[a], int8(a)
			}
		}
		if hi < 0 || m.ignoreVotes {
			return next, m.stepLabel(st), ""
		}
		for r := q; r != 0; r &= r - 1 {
			if a := bits.TrailingZeros8(r); votes.mbal[a] == hi && votes.mval[a] == int8(v) {
				st.w, st.mbal = int8(a), hi
				return next, m.stepLabel(st), ""
			}
		}
		why = fmt.Sprintf("quorum %s reports %s as its highest vote (ballot %d), not %s", setName(q), valName(int(votes.mval[w])), hi, valName(v))
	}
	return s, label, why
}

// bitOf is msg's bit in the message universe, or why it has none.
func (m *Model) bitOf(msg Message) (int, string) {
	l := &m.l
	out := func(what string, x, hi int) (int, string) {
		return 0, fmt.Sprintf("its %s %d is outside 0..%d", what, x, hi-1)
	}
	if msg.Bal < 0 || msg.Bal >= l.B {
		return out("ballot", msg.Bal, l.B)
	}
	switch msg.Type {
	case "1a":
		return msg.Bal, ""
	case "1b":
		if msg.Acc < 0 || msg.Acc >= l.A {
			return out("acceptor", msg.Acc, l.A)
		}
		if msg.MBal < 0 && msg.MVal < 0 {
			return l.idx1b(msg.Acc, msg.Bal, -1, -1), ""
		}
		if msg.MBal < 0 || msg.MBal >= msg.Bal || msg.MVal < 0 || msg.MVal >= l.V {
			return 0, fmt.Sprintf("no acceptor of Paxos.tla reports a vote (%d, %s) in a 1b message of ballot %d "+
				"(it answers only ballots above its votes)", msg.MBal, valName(msg.MVal), msg.Bal)
		}
		return l.idx1b(msg.Acc, msg.Bal, msg.MBal, msg.MVal), ""
	case "2a", "2b":
		if msg.Val < 0 || msg.Val >= l.V {
			return out("value", msg.Val, l.V)
		}
		if msg.Type == "2a" {
			return l.idx2a(msg.Bal, msg.Val), ""
		}
		if msg.Acc < 0 || msg.Acc >= l.A {
			return out("acceptor", msg.Acc, l.A)
		}
		return l.idx2b(msg.Acc, msg.Bal, msg.Val), ""
	}
	return 0, fmt.Sprintf("message type %q is not 1a, 1b, 2a or 2b", msg.Type)
}

// Has reports whether msg is in s's msgs (false for a message outside the
// model's universe).
func (m *Model) Has(s State, msg Message) bool {
	bit, why := m.bitOf(msg)
	return why == "" && s.has(bit)
}

// SameAcceptor reports whether acceptor a's variables in s are maxBal,
// maxVBal and maxVal.
func (s State) SameAcceptor(a, maxBal, maxVBal, maxVal int) bool {
	return int(s.maxBal[a]) == maxBal && int(s.maxVBal[a]) == maxVBal && int(s.maxVal[a]) == maxVal
}

// Apply is Action without the words, for following runs by the million:
// the successor of s by the action of Next that sends msg, and whether
// one is enabled.
func (m *Model) Apply(s State, msg Message) (State, bool) {
	bit, why := m.bitOf(msg)
	if why != "" {
		return s, false
	}
	a, b, next := msg.Acc, msg.Bal, s
	next.set(bit)
	switch msg.Type {
	case "1a":
		return next, true
	case "1b":
		if !s.has(b) || b <= int(s.maxBal[a]) || msg.MBal != int(s.maxVBal[a]) || msg.MVal != int(s.maxVal[a]) {
			return s, false
		}
		next.maxBal[a] = int8(b)
		return next, true
	case "2b":
		if !s.has(m.l.idx2a(b, msg.Val)) || b < int(s.maxBal[a]) {
			return s, false
		}
		next.maxBal[a], next.maxVBal[a], next.maxVal[a] = int8(b), int8(b), int8(msg.Val)
		return next, true
	}
	if s.field(m.l.idx2a(b, 0), m.l.V) != 0 {
		return s, false
	}
	present, votes := m.votes1b(&s, b)
	for _, q := range m.quorums {
		if q&^present == 0 && m.quorumAllows(q, &votes, int8(msg.Val)) {
			return next, true
		}
	}
	return s, false
}

// quorumAllows reports whether the ballot's 1b messages from quorum q let
// Phase2a propose v: none reports a vote, or v is the highest one's.
func (m *Model) quorumAllows(q uint8, votes *votes1b, v int8) bool {
	if m.ignoreVotes {
		return true
	}
	hi := int8(-1)
	for r := q; r != 0; r &= r - 1 {
		hi = max(hi, votes.mbal[bits.TrailingZeros8(r)])
	}
	if hi < 0 {
		return true
	}
	for r := q; r != 0; r &= r - 1 {
		if a := bits.TrailingZeros8(r); votes.mbal[a] == hi && votes.mval[a] == v {
			return true
		}
	}
	return false
}
