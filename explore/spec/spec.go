// Package spec is Lamport's abstract Paxos, the Paxos.tla of the TLA+
// examples (tlaplus/Examples, specifications/Paxos), as an explore.Model
// whose counts match TLC's one for one: distinct states, states generated
// (duplicates and stuttering steps included) and search depth.
//
// The specification, as in Paxos.tla, with the constants of a Config:
// acceptors a1..aN, values v1..vV, Ballot = 0..MaxBallot (Paxos.tla says
// Nat; MCPaxos overrides it so), Quorum = every majority of the acceptors,
// and None a model value (Paxos.tla: CHOOSE v : v \notin Ballot).
//
//	Init == /\ maxBal = [a \in Acceptor |-> -1]
//	        /\ maxVBal = [a \in Acceptor |-> -1]
//	        /\ maxVal = [a \in Acceptor |-> None]
//	        /\ msgs = {}
//	Send(m) == msgs' = msgs \cup {m}
//	Phase1a(b) == /\ Send([type |-> "1a", bal |-> b])
//	              /\ UNCHANGED <<maxBal, maxVBal, maxVal>>
//	Phase1b(a) == /\ \E m \in msgs :
//	                  /\ m.type = "1a" /\ m.bal > maxBal[a]
//	                  /\ maxBal' = [maxBal EXCEPT ![a] = m.bal]
//	                  /\ Send([type |-> "1b", acc |-> a, bal |-> m.bal,
//	                           mbal |-> maxVBal[a], mval |-> maxVal[a]])
//	              /\ UNCHANGED <<maxVBal, maxVal>>
//	Phase2a(b, v) ==
//	  /\ ~ \E m \in msgs : m.type = "2a" /\ m.bal = b
//	  /\ \E Q \in Quorum :
//	        LET Q1b == {m \in msgs : m.type = "1b" /\ m.acc \in Q /\ m.bal = b}
//	            Q1bv == {m \in Q1b : m.mbal \geq 0}
//	        IN  /\ \A a \in Q : \E m \in Q1b : m.acc = a
//	            /\ \/ Q1bv = {}
//	               \/ \E m \in Q1bv : /\ m.mval = v
//	                                  /\ \A mm \in Q1bv : m.mbal \geq mm.mbal
//	  /\ Send([type |-> "2a", bal |-> b, val |-> v])
//	  /\ UNCHANGED <<maxBal, maxVBal, maxVal>>
//	Phase2b(a) == \E m \in msgs :
//	                /\ m.type = "2a" /\ m.bal \geq maxBal[a]
//	                /\ maxBal' = [maxBal EXCEPT ![a] = m.bal]
//	                /\ maxVBal' = [maxVBal EXCEPT ![a] = m.bal]
//	                /\ maxVal' = [maxVal EXCEPT ![a] = m.val]
//	                /\ Send([type |-> "2b", acc |-> a, bal |-> m.bal, val |-> m.val])
//	Next == \/ \E b \in Ballot : \/ Phase1a(b)
//	                             \/ \E v \in Value : Phase2a(b, v)
//	        \/ \E a \in Acceptor : Phase1b(a) \/ Phase2b(a)
//
// The invariant checked is the agreement of module Consensus under the
// refinement mapping of Paxos.tla: Cardinality(chosen) <= 1, where v is
// chosen when some quorum Q cast 2b votes for v in one ballot b (every
// a in Q sent [type |-> "2b", acc |-> a, bal |-> b, val |-> v]).
//
// # Counting as TLC does
//
// TLC computes successors structurally (Tool.getNextStates): the
// disjuncts of Next are split into actions; within an action, a
// conjunction is processed left to right, every value of a bounded \E
// (and every true disjunct of a \/) is tried with the rest of the
// conjunction as continuation, and each path that reaches the end of the
// action with every primed variable assigned is one successor, whether
// or not it equals a successor found before or the current state. A
// bounded \A is unfolded into a conjunction of its instances, and any
// other boolean formula (a negation, a comparison, Q1bv = {}) is just
// evaluated. For this specification that gives:
//
//   - Phase1a(b): one successor for every ballot b, even when the 1a
//     message is already in msgs (a stuttering step, which still counts
//     as a generated state).
//   - Phase1b(a): one per 1a message m with m.bal > maxBal[a].
//   - Phase2b(a): one per 2a message m with m.bal >= maxBal[a]; voting
//     again for the 2a message a already voted for is a stuttering step.
//   - Phase2a(b, v), when no 2a message for b exists: for every quorum Q
//     (all majorities, ordered by their bitmask) whose members all sent
//     a ballot-b 1b message, one successor if none of those messages
//     reports a vote (the first disjunct), plus one for every message m
//     of Q1bv with m.mval = v and the largest mbal (the second disjunct's
//     \E: when several acceptors of Q report the same highest vote, each
//     is a witness of its own). The \E m \in Q1b inside the \A does not
//     multiply: an acceptor sends at most one 1b message per ballot
//     (Phase1b raises maxBal[a] to the ballot it answers), so exactly one
//     m matches each a.
//
// With those rules the model reproduces the figures TLC published for
// MCPaxos (tlaplus/Examples, specifications/Paxos/manifest.json: one
// acceptor, one value, ballots 0..1, 25 distinct states, 82 generated,
// depth 9); see the tests.
//
// # Representation
//
// A State is a small comparable value: maxBal, maxVBal and maxVal in
// fixed arrays of int8 (a value is its 0-based index, None is -1), and
// msgs as a bitset over the finite universe of messages the
// specification can send. A 1b message always has mbal < bal (an
// acceptor votes only at or below its maxBal, and answers only ballots
// above it) and mval = None exactly when mbal = -1, so the universe holds
// 1 + b*|Value| possible 1b messages per acceptor and ballot b.
//
// # Symmetry
//
// Acceptors and values are interchangeable: the symmetry group is every
// permutation of the acceptors combined with every permutation of the
// values. That is the group TLC reduces by for MCPaxos's SYMMETRY
// Permutations(Acceptor) \cup Permutations(Value): the set lists only the
// two factors, but TLC builds the whole group they generate, their
// products included, so the reduced counts are TLC's too (3 acceptors, 2
// values: 443 distinct, 2,756 generated, depth 17 for ballots 0..1;
// 17,153, 129,479 and 25 for ballots 0..2; see TestGolden). The
// invariant and both variants are symmetric, so a reduced search finds one
// state per orbit of the reachable states, with the same depth and
// verdict.
package spec

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/paxsim/paxsim/explore"
)

// Bounds of a Config.
const (
	// MaxAcceptors is the largest number of acceptors a State holds.
	MaxAcceptors = 7
	// MaxValues is the largest number of values.
	MaxValues = 5
	// MaxMaxBallot is the largest MaxBallot (ballots 0..7).
	MaxMaxBallot = 7
	// stateWords is the size of a State's message bitset in 64-bit words;
	// New rejects a Config whose message universe does not fit.
	stateWords = 8
	// MaxMessages is the largest message universe a State holds.
	MaxMessages = 64 * stateWords
)

// Config is the model's constants.
type Config struct {
	// Acceptors is the number of acceptors, a1..aN, 1 to MaxAcceptors.
	// The quorums are set by Quorums: by default every majority, every Q
	// with 2|Q| > Acceptors.
	Acceptors int
	// Values is the number of values that may be proposed, v1..vV, 1 to
	// MaxValues.
	Values int
	// MaxBallot bounds the ballots: Ballot = 0..MaxBallot, MaxBallot 0 to
	// MaxMaxBallot.
	MaxBallot int
	// Variant selects a deliberately broken version of the algorithm
	// (see Variants); "" is the specification as written.
	Variant string
	// Quorums is QuorumsMajority ("" too) for every majority of the
	// acceptors, or QuorumsMinimal for only the smallest majorities, as
	// tlaplus/Examples' MCPaxosTiny writes them.
	Quorums string
}

// The quorum systems a Config may name.
const (
	// QuorumsMajority is every Q with 2|Q| > Acceptors: MCPaxos's
	// {Q \in SUBSET Acceptor : 2 * Cardinality(Q) > Cardinality(Acceptor)}.
	QuorumsMajority = "majority"
	// QuorumsMinimal is only the majorities of the least size,
	// |Acceptors|/2+1 acceptors each: MCPaxosTiny's {{a1,a2},{a1,a3},{a2,a3}}.
	// The distinct states are the same as with every majority (a larger
	// majority enables no Phase2a a smaller one inside it does not), but
	// each quorum is a witness of its own, so fewer states are generated.
	QuorumsMinimal = "minimal"
)

// String prints the constants, e.g. "3 acceptors, 2 values, ballots 0..2".
func (c Config) String() string {
	s := fmt.Sprintf("%d acceptor%s, %d value%s, ballots 0..%d",
		c.Acceptors, plural(c.Acceptors), c.Values, plural(c.Values), c.MaxBallot)
	if c.Quorums == QuorumsMinimal {
		s += ", minimal quorums"
	}
	if c.Variant != "" {
		s += ", variant " + c.Variant
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Variant is a deliberately broken version of the specification, for
// showing that the explorer finds what breaks.
type Variant struct {
	// Name is what Config.Variant takes.
	Name string
	// Description says in one line what changes.
	Description string
}

// VariantIgnoreVotes is the variant in which Phase2a ignores the votes the
// 1b messages report:
//
//	Phase2a(b, v) == /\ ~ \E m \in msgs : m.type = "2a" /\ m.bal = b
//	                 /\ \E Q \in Quorum : \A a \in Q :
//	                       \E m \in msgs : m.type = "1b" /\ m.acc = a /\ m.bal = b
//	                 /\ Send([type |-> "2a", bal |-> b, val |-> v])
//	                 /\ UNCHANGED <<maxBal, maxVBal, maxVal>>
//
// It generates one successor per quorum with the 1b messages, for every v.
const VariantIgnoreVotes = "ignore-votes"

var variants = []Variant{
	{VariantIgnoreVotes, "Phase2a ignores earlier votes: a leader that has 1b messages from a quorum may propose any value, so two values can be chosen"},
}

// Variants lists the variants New accepts besides "", the specification.
func Variants() []Variant { return append([]Variant(nil), variants...) }

// Model is the specification with the constants of a Config. It is
// immutable once built and safe for concurrent use.
type Model struct {
	cfg Config
	l   layout
	// nw is the number of bitset words in use.
	nw int
	// quorums are the majorities of the acceptors as bitmasks, ascending.
	quorums     []uint8
	ignoreVotes bool

	// Symmetry tables.
	// dec decodes message-bit i: its kind, acceptor, ballot and x (the 1b
	// code or the value of a 2a or 2b message).
	dec []msgBit
	// valp1[p][v+1] is 1 + the image of value v under the p-th
	// permutation of the values (p = 0 is the identity); index 0 is None.
	valp1 [][MaxValues + 1]uint8
	// pos[p][i] is where message-bit i goes in the symmetric encoding under
	// the p-th permutation of the values: its bit in the shared word for
	// 1a and 2a messages, in its sender's record for 1b and 2b messages.
	pos [][]uint16
	// tgt[p][i] is pos[p][i] plus 256 times the word of the encoding it
	// lands in (0 for the shared word, 1+a for acceptor a's record), when
	// records take one word.
	tgt [][]uint16
	// recWords is the number of 64-bit words of an acceptor's record in
	// the symmetric encoding.
	recWords int
}

var _ explore.Model[State] = (*Model)(nil)

// New builds the model, or says which field of c is out of range.
func New(c Config) (*Model, error) {
	switch {
	case c.Acceptors < 1 || c.Acceptors > MaxAcceptors:
		return nil, fmt.Errorf("spec: Config.Acceptors = %d: must be between 1 and %d", c.Acceptors, MaxAcceptors)
	case c.Values < 1 || c.Values > MaxValues:
		return nil, fmt.Errorf("spec: Config.Values = %d: must be between 1 and %d", c.Values, MaxValues)
	case c.MaxBallot < 0 || c.MaxBallot > MaxMaxBallot:
		return nil, fmt.Errorf("spec: Config.MaxBallot = %d: must be between 0 and %d", c.MaxBallot, MaxMaxBallot)
	}
	switch c.Quorums {
	case "", QuorumsMajority, QuorumsMinimal:
	default:
		return nil, fmt.Errorf("spec: Config.Quorums = %q: unknown (want %q or %q)", c.Quorums, QuorumsMajority, QuorumsMinimal)
	}
	m := &Model{cfg: c}
	switch c.Variant {
	case "":
	case VariantIgnoreVotes:
		m.ignoreVotes = true
	default:
		names := make([]string, len(variants))
		for i, v := range variants {
			names[i] = v.Name
		}
		return nil, fmt.Errorf("spec: Config.Variant = %q: unknown (want \"\" or one of %s)", c.Variant, strings.Join(names, ", "))
	}
	m.l = newLayout(c.Acceptors, c.Values, c.MaxBallot+1)
	if m.l.nbits > MaxMessages {
		return nil, errors.New("spec: " + c.String() + ": " + fmt.Sprint(m.l.nbits) +
			" possible messages, more than the " + fmt.Sprint(MaxMessages) + " a State holds; use fewer acceptors, values or ballots")
	}
	m.nw = (m.l.nbits + 63) / 64
	for q := uint8(1); q < 1<<c.Acceptors; q++ {
		if n := bits.OnesCount8(q); 2*n > c.Acceptors && (c.Quorums != QuorumsMinimal || n == c.Acceptors/2+1) {
			m.quorums = append(m.quorums, q)
		}
	}
	m.buildSymmetry()
	return m, nil
}

// Config returns the constants the model was built with.
func (m *Model) Config() Config { return m.cfg }

// String describes the model, e.g. "Paxos.tla (3 acceptors, 2 values,
// ballots 0..2)".
func (m *Model) String() string { return "Paxos.tla (" + m.cfg.String() + ")" }

// Messages is the size of the model's message universe: every 1a, 1b, 2a
// and 2b message the specification can send with these constants.
func (m *Model) Messages() int { return m.l.nbits }

// Quorums returns the quorums, as sets of 0-based acceptor indices, in
// the order Phase2a tries them.
func (m *Model) Quorums() [][]int {
	out := make([][]int, len(m.quorums))
	for i, q := range m.quorums {
		for a := 0; a < m.cfg.Acceptors; a++ {
			if q&(1<<a) != 0 {
				out[i] = append(out[i], a)
			}
		}
	}
	return out
}

// layout indexes the message universe. With A acceptors, V values and B
// ballots:
//
//	1a(b)                 bit b                                   (B bits)
//	1b(a, b, mbal, mval)  base1b + off1b(b) + a*(1+b*V) + code    (A * sum_b (1+b*V))
//	2a(b, v)              base2a + b*V + v                        (B*V)
//	2b(a, b, v)           base2b + (b*V + v)*A + a                (B*V*A)
//
// where code = 0 for mbal = -1 (mval = None) and 1 + mbal*V + mval
// otherwise. The 1b messages of ballot b are contiguous (Phase2a reads
// them), as are the 2b votes for (b, v) of all acceptors (Check counts
// them).
type layout struct {
	A, V, B                int
	base1b, base2a, base2b int
	nbits                  int
}

func newLayout(A, V, B int) layout {
	l := layout{A: A, V: V, B: B}
	l.base1b = B
	l.base2a = l.base1b + A*l.rel1b(B)
	l.base2b = l.base2a + B*V
	l.nbits = l.base2b + B*V*A
	return l
}

// rel1b is the offset of ballot b's 1b messages within one acceptor's
// share of them: sum over c < b of 1 + c*V.
func (l *layout) rel1b(b int) int { return b + l.V*b*(b-1)/2 }

// off1b is where ballot b's 1b messages start.
func (l *layout) off1b(b int) int { return l.base1b + l.A*l.rel1b(b) }

func (l *layout) idx1b(a, b, mbal, mval int) int {
	return l.off1b(b) + a*(1+b*l.V) + code1b(l.V, mbal, mval)
}

func code1b(V, mbal, mval int) int {
	if mbal < 0 {
		return 0
	}
	return 1 + mbal*V + mval
}

func (l *layout) idx2a(b, v int) int    { return l.base2a + b*l.V + v }
func (l *layout) idx2b(a, b, v int) int { return l.base2b + (b*l.V+v)*l.A + a }

// Message kinds.
const (
	kind1a uint8 = iota
	kind1b
	kind2a
	kind2b
)

// msgBit is a decoded message: for 1b, x is the code; for 2a and 2b, the
// value.
type msgBit struct{ kind, a, b, x uint8 }

// decode returns the message at bit i.
func (l *layout) decode(i int) msgBit {
	switch {
	case i < l.base1b:
		return msgBit{kind: kind1a, b: uint8(i)}
	case i < l.base2a:
		b := 0
		for b+1 < l.B && i >= l.off1b(b+1) {
			b++
		}
		w := 1 + b*l.V
		r := i - l.off1b(b)
		return msgBit{kind: kind1b, a: uint8(r / w), b: uint8(b), x: uint8(r % w)}
	case i < l.base2b:
		r := i - l.base2a
		return msgBit{kind: kind2a, b: uint8(r / l.V), x: uint8(r % l.V)}
	default:
		r := i - l.base2b
		return msgBit{kind: kind2b, a: uint8(r % l.A), b: uint8(r / l.A / l.V), x: uint8(r / l.A % l.V)}
	}
}

// encode is decode's inverse.
func (l *layout) encode(d msgBit) int {
	switch d.kind {
	case kind1a:
		return int(d.b)
	case kind1b:
		return l.off1b(int(d.b)) + int(d.a)*(1+int(d.b)*l.V) + int(d.x)
	case kind2a:
		return l.idx2a(int(d.b), int(d.x))
	default:
		return l.idx2b(int(d.a), int(d.b), int(d.x))
	}
}
