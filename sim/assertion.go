package sim

import "fmt"

// Assertions in protocol code, as Antithesis and the newer Go simulation
// tools keep them: a node states through its Env what must always hold
// (Always), what must hold in some run (Sometimes) and what some run must
// reach (Reachable). The world tallies them per run; a harness turns an
// Always that failed into a violation (OnAlwaysFailed) and a Sometimes or
// Reachable that no run of a campaign satisfied into a coverage gap, so
// that a campaign cannot stay green by never reaching the code it claims
// to test.

// AssertKind is how an assertion is judged.
type AssertKind uint8

// The kinds of assertion.
const (
	// AssertAlways must hold every time it is evaluated, and be evaluated
	// in some run of a campaign.
	AssertAlways AssertKind = iota + 1
	// AssertSometimes must hold at least once in some run of a campaign.
	AssertSometimes
	// AssertReachable must be reached in some run of a campaign.
	AssertReachable
)

var assertKindNames = [...]string{AssertAlways: "always", AssertSometimes: "sometimes", AssertReachable: "reachable"}

func (k AssertKind) String() string {
	if int(k) < len(assertKindNames) && k > 0 {
		return assertKindNames[k]
	}
	return "assert-kind?"
}

// MarshalText writes k as its name.
func (k AssertKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads k's name.
func (k *AssertKind) UnmarshalText(b []byte) error {
	for i, name := range assertKindNames {
		if name != "" && name == string(b) {
			*k = AssertKind(i)
			return nil
		}
	}
	return fmt.Errorf("unknown assertion kind %q (always, sometimes, reachable)", b)
}

// Assertion is one named assertion's tally over a run: how often it was
// evaluated (reached) and how often its condition held.
type Assertion struct {
	Name    string     `json:"name"`
	Kind    AssertKind `json:"kind"`
	Reached int64      `json:"reached"`
	Held    int64      `json:"held"`
}

// Satisfied says whether the assertion did in its run what a campaign
// requires of it: an Always and a Reachable were reached, a Sometimes
// held. (An Always that failed is a violation, not a question of
// coverage.)
func (a *Assertion) Satisfied() bool {
	if a.Kind == AssertSometimes {
		return a.Held > 0
	}
	return a.Reached > 0
}

// assertions is a world's tally, in the order the assertions were first
// reached.
type assertions struct {
	list   []Assertion
	index  map[string]int
	failed func(node NodeID, name string)
}

func (t *assertions) reset() {
	t.list = t.list[:0]
	clear(t.index)
}

// linearAsserts is how many assertions find scans before it asks the
// index: a protocol makes a handful, and comparing a constant name with
// itself costs less than hashing it.
const linearAsserts = 16

// find returns name's place in the tally.
func (t *assertions) find(name string) (int, bool) {
	for i := range min(len(t.list), linearAsserts) {
		if t.list[i].Name == name {
			return i, true
		}
	}
	if len(t.list) <= linearAsserts {
		return 0, false
	}
	i, ok := t.index[name]
	return i, ok
}

// assert tallies one evaluation of assertion name of kind k on node.
func (t *assertions) assert(node NodeID, k AssertKind, name string, cond bool) {
	if name == "" {
		misuse("assertion", "node %d made a %s assertion with no name", node, k)
	}
	i, ok := t.find(name)
	if !ok {
		if t.index == nil {
			t.index = make(map[string]int)
		}
		i = len(t.list)
		t.index[name] = i
		t.list = append(t.list, Assertion{Name: name, Kind: k})
	}
	a := &t.list[i]
	if a.Kind != k {
		misuse("assertion", "node %d made assertion %q a %s one; it was a %s one", node, name, k, a.Kind)
	}
	a.Reached++
	if cond {
		a.Held++
	} else if k == AssertAlways && t.failed != nil {
		t.failed(node, name)
	}
}

// Always asserts that cond holds whenever this call is reached, and that
// some run reaches it: a false cond is a violation of the run, named by
// name. Assertions are evaluated when made, even in a handler whose
// effects a torn crash may cut.
func (e *Env[M, D, O]) Always(cond bool, name string) {
	e.w.asserts.assert(e.id, AssertAlways, name, cond)
}

// Sometimes asserts that cond holds at least once in some run of a
// campaign: "a proposer adopted a reported value", say.
func (e *Env[M, D, O]) Sometimes(cond bool, name string) {
	e.w.asserts.assert(e.id, AssertSometimes, name, cond)
}

// Reachable asserts that some run of a campaign reaches this call.
func (e *Env[M, D, O]) Reachable(name string) {
	e.w.asserts.assert(e.id, AssertReachable, name, true)
}

// Assertions is the run's tally of the assertions its nodes made, in the
// order they were first reached. It is the world's: copy it to keep it.
func (w *World[M, D, O]) Assertions() []Assertion { return w.asserts.list }

// OnAlwaysFailed has f told, as it happens, of every Always assertion
// whose condition was false: node and name. It survives Reset.
func (w *World[M, D, O]) OnAlwaysFailed(f func(node NodeID, name string)) { w.asserts.failed = f }
