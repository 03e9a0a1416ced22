package srcmut

import (
	"fmt"
	"slices"
	"strings"
)

// Operators, by the name a mutant's ID carries.
const (
	// CmpBoundary moves a comparison's boundary by one: < and <=, > and
	// >= trade places (an off-by-one).
	CmpBoundary = "cmp-boundary"
	// CmpNegate flips a comparison into its negation: < and >=, > and <=,
	// == and != trade places.
	CmpNegate = "cmp-negate"
	// NegateCond negates an if or for condition that is not a single
	// comparison (CmpNegate covers those).
	NegateCond = "negate-cond"
	// DropStmt deletes a statement: an expression statement (a call), an
	// assignment with = or op=, an increment or decrement, a channel send.
	DropStmt = "drop-stmt"
	// DropSend deletes a call that sends a message (a callee named send or
	// broadcast, any case).
	DropSend = "drop-send"
	// DropPersist deletes a call that writes or syncs durable state (a
	// callee named Persist, Write or Sync, or one whose name says persist).
	DropPersist = "drop-persist"
	// SwapArgs swaps two adjacent arguments of a call that have the same
	// type.
	SwapArgs = "swap-args"
	// ConstOne adds or subtracts one to an integer literal in a function
	// body.
	ConstOne = "const-one"
)

// Operators lists every operator, in the order a report tallies them.
var Operators = []string{CmpBoundary, CmpNegate, NegateCond, DropStmt, DropSend, DropPersist, SwapArgs, ConstOne}

// DefaultOperators are the operators a run applies unless told: all but
// ConstOne, whose mutants of buffer sizes, defaults and bit masks are
// half of all mutants and mostly harmless or equivalent.
var DefaultOperators = []string{CmpBoundary, CmpNegate, NegateCond, DropStmt, DropSend, DropPersist, SwapArgs}

// edit replaces the bytes [start, end) of a file with text.
type edit struct {
	start, end int
	text       string
}

// Mutant is one automatically generated change to the protocol's source.
type Mutant struct {
	// ID names the mutant stably: file, function, operator and the
	// ordinal of the mutant among that function's mutants of that
	// operator, in source order (FILE:FUNC:OPERATOR:K). An edit elsewhere
	// in the file does not change it; the equivalent-mutant file is keyed
	// by it.
	ID string `json:"id"`
	// N numbers the mutant within one run, from 1: its schema switch.
	N        int    `json:"n"`
	File     string `json:"file"` // relative to the module's root, slash-separated
	Line     int    `json:"line"`
	Func     string `json:"func"` // Name, or Type.Name for a method
	Operator string `json:"operator"`
	// Before and After are the mutated line(s) as written and as mutated,
	// each trimmed of its indentation.
	Before string `json:"before"`
	After  string `json:"after"`

	edits []edit // on the original file, sorted, disjoint
}

// Diff renders the mutant as a unified-diff-like hunk: its place, then the
// line before and after.
func (m *Mutant) Diff() string {
	return fmt.Sprintf("%s:%d (%s)\n- %s\n+ %s", m.File, m.Line, m.Func, m.Before, m.After)
}

// apply returns src with the mutant's edits made.
func (m *Mutant) apply(src []byte) []byte {
	var b strings.Builder
	at := 0
	for _, e := range m.edits {
		b.Write(src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.Write(src[at:])
	return []byte(b.String())
}

// describe fills Before and After from the file's source: the whole lines
// the edits touch, before and after.
func (m *Mutant) describe(src []byte) {
	lo, hi := m.edits[0].start, m.edits[len(m.edits)-1].end
	for lo > 0 && src[lo-1] != '\n' {
		lo--
	}
	for hi < len(src) && src[hi] != '\n' {
		hi++
	}
	m.Before = oneLine(string(src[lo:hi]))
	after := m.apply(src)
	m.After = oneLine(string(after[lo : hi+len(after)-len(src)]))
}

// oneLine joins a snippet's lines with their indentation trimmed.
func oneLine(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool { return l == "" }), " ")
}
