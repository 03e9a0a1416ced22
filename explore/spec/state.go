package spec

import (
	"math/bits"
	"strconv"
	"strings"
)

// State is one state of the specification: the variables maxBal, maxVBal,
// maxVal and msgs. It is a comparable value (usable as a map key); two
// States of one Model are equal exactly when the TLA+ states are.
//
// Acceptors and values are 0-based indices (a1 is 0, v1 is 0); -1 is "no
// ballot" in maxBal and maxVBal and None in maxVal.
type State struct {
	// The shape of the model, so that a State prints without its Model.
	nAcc, nVal, nBal uint8
	maxBal           [MaxAcceptors]int8
	maxVBal          [MaxAcceptors]int8
	maxVal           [MaxAcceptors]int8
	// msgs is the set of messages sent, a bitset indexed by layout.
	msgs [stateWords]uint64
}

// MaxBal is maxBal[a] for the 0-based acceptor a: the highest ballot a
// has joined, -1 if none.
func (s State) MaxBal(a int) int { return int(s.maxBal[a]) }

// MaxVBal is maxVBal[a]: the ballot of a's latest vote, -1 if none.
func (s State) MaxVBal(a int) int { return int(s.maxVBal[a]) }

// MaxVal is maxVal[a]: the 0-based value of a's latest vote, -1 (None) if
// none.
func (s State) MaxVal(a int) int { return int(s.maxVal[a]) }

// Message is one message of msgs. Fields that a message's type lacks are
// zero.
type Message struct {
	// Type is "1a", "1b", "2a" or "2b".
	Type string
	// Acc is the sender of a 1b or 2b message (0-based).
	Acc int
	// Bal is the ballot.
	Bal int
	// MBal and MVal are the vote a 1b message reports: -1 and -1 (None)
	// when its sender had not voted.
	MBal, MVal int
	// Val is the value of a 2a or 2b message (0-based).
	Val int
}

// String prints the message as a TLA+ record, e.g.
// [type |-> "2b", acc |-> a1, bal |-> 0, val |-> v2].
func (m Message) String() string {
	var b strings.Builder
	b.WriteString(`[type |-> "` + m.Type + `"`)
	switch m.Type {
	case "1a":
		b.WriteString(", bal |-> " + strconv.Itoa(m.Bal))
	case "1b":
		b.WriteString(", acc |-> " + accName(m.Acc) + ", bal |-> " + strconv.Itoa(m.Bal) +
			", mbal |-> " + strconv.Itoa(m.MBal) + ", mval |-> " + valName(m.MVal))
	case "2a":
		b.WriteString(", bal |-> " + strconv.Itoa(m.Bal) + ", val |-> " + valName(m.Val))
	case "2b":
		b.WriteString(", acc |-> " + accName(m.Acc) + ", bal |-> " + strconv.Itoa(m.Bal) +
			", val |-> " + valName(m.Val))
	}
	b.WriteString("]")
	return b.String()
}

// Messages returns msgs, 1a messages first, then 1b, 2a and 2b, each by
// ballot.
func (s State) Messages() []Message {
	l := s.layout()
	var out []Message
	for w, word := range s.msgs {
		for word != 0 {
			i := 64*w + bits.TrailingZeros64(word)
			word &= word - 1
			if i >= l.nbits {
				break
			}
			out = append(out, l.message(l.decode(i)))
		}
	}
	return out
}

func (s *State) layout() layout { return newLayout(int(s.nAcc), int(s.nVal), int(s.nBal)) }

func (l *layout) message(d msgBit) Message {
	switch d.kind {
	case kind1a:
		return Message{Type: "1a", Bal: int(d.b)}
	case kind1b:
		m := Message{Type: "1b", Acc: int(d.a), Bal: int(d.b), MBal: -1, MVal: -1}
		if d.x > 0 {
			m.MBal = (int(d.x) - 1) / l.V
			m.MVal = (int(d.x) - 1) % l.V
		}
		return m
	case kind2a:
		return Message{Type: "2a", Bal: int(d.b), Val: int(d.x)}
	default:
		return Message{Type: "2b", Acc: int(d.a), Bal: int(d.b), Val: int(d.x)}
	}
}

// String prints the state as TLC prints one in a trace:
//
//	/\ maxBal = (a1 :> 0 @@ a2 :> -1)
//	/\ maxVBal = (a1 :> -1 @@ a2 :> -1)
//	/\ maxVal = (a1 :> None @@ a2 :> None)
//	/\ msgs = {[type |-> "1a", bal |-> 0], [type |-> "1b", ...]}
func (s State) String() string {
	var b strings.Builder
	fn := func(name string, f func(a int) string) {
		b.WriteString("/\\ " + name + " = (")
		for a := 0; a < int(s.nAcc); a++ {
			if a > 0 {
				b.WriteString(" @@ ")
			}
			b.WriteString(accName(a) + " :> " + f(a))
		}
		b.WriteString(")\n")
	}
	fn("maxBal", func(a int) string { return strconv.Itoa(int(s.maxBal[a])) })
	fn("maxVBal", func(a int) string { return strconv.Itoa(int(s.maxVBal[a])) })
	fn("maxVal", func(a int) string { return valName(int(s.maxVal[a])) })
	b.WriteString("/\\ msgs = {")
	for i, m := range s.Messages() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.String())
	}
	b.WriteString("}")
	return b.String()
}

// accName is the TLA+ model value of acceptor a: a1 for 0.
func accName(a int) string { return "a" + strconv.Itoa(a+1) }

// valName is the TLA+ model value of value v: v1 for 0, None for -1.
func valName(v int) string {
	if v < 0 {
		return "None"
	}
	return "v" + strconv.Itoa(v+1)
}

// setName prints a set of acceptors given as a bitmask: {a1,a3}.
func setName(q uint8) string {
	var b strings.Builder
	b.WriteString("{")
	first := true
	for a := 0; q != 0; a++ {
		if q&1 != 0 {
			if !first {
				b.WriteString(",")
			}
			b.WriteString(accName(a))
			first = false
		}
		q >>= 1
	}
	b.WriteString("}")
	return b.String()
}

// Bitset operations.

func (s *State) has(i int) bool { return s.msgs[i>>6]>>(uint(i)&63)&1 != 0 }

func (s *State) set(i int) { s.msgs[i>>6] |= 1 << (uint(i) & 63) }

// field returns the n <= 64 bits of msgs starting at bit lo.
func (s *State) field(lo, n int) uint64 {
	w, off := lo>>6, uint(lo)&63
	x := s.msgs[w] >> off
	if off != 0 && int(off)+n > 64 {
		x |= s.msgs[w+1] << (64 - off)
	}
	if n < 64 {
		x &= 1<<uint(n) - 1
	}
	return x
}
