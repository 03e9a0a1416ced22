package campaign

import (
	"maps"
	"slices"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// A campaign collects the assertions of the protocol's code (sim.Env.Always,
// Sometimes, Reachable) into its coverage table beside the sometimes
// properties, as "KIND: NAME": expected in the runs whose configuration
// turns on a fault the assertion needs (engine.Assertion.Needs), or in
// every run, and held in the runs that satisfied it (sim.Assertion.Satisfied:
// a Sometimes held, an Always or a Reachable was reached). One expected
// but never held is a coverage gap like any other.

// assertTally counts, per assertion, the runs that expected it and the
// runs that satisfied it: declared ones by their place in
// Info.Assertions, the others by name.
type assertTally struct {
	declared []expectHeld
	extra    map[string]*expectHeld
}

type expectHeld struct{ expected, held int64 }

// assertionKey is an assertion's row in the coverage table.
func assertionKey(k sim.AssertKind, name string) string { return k.String() + ": " + name }

// add tallies one run of c and its result.
func (t *assertTally) add(info *engine.Info, c engine.Config, res *engine.Result) {
	if len(info.Assertions) == 0 && len(res.Assertions) == 0 {
		return
	}
	if len(t.declared) < len(info.Assertions) {
		t.declared = make([]expectHeld, len(info.Assertions))
	}
	on, contention := enabledFaults(c), expectedSometimes(info, c)[2]
	for i, a := range info.Assertions {
		k := slices.IndexFunc(res.Assertions, func(r sim.Assertion) bool { return r.Name == a.Name })
		held := k >= 0 && res.Assertions[k].Satisfied()
		if held || possible(a.Needs, on, contention) {
			t.declared[i].expected++
		}
		if held {
			t.declared[i].held++
		}
	}
	for _, r := range res.Assertions {
		if slices.ContainsFunc(info.Assertions, func(a engine.Assertion) bool { return a.Name == r.Name }) {
			continue
		}
		if t.extra == nil {
			t.extra = make(map[string]*expectHeld)
		}
		key := assertionKey(r.Kind, r.Name)
		e := t.extra[key]
		if e == nil {
			e = new(expectHeld)
			t.extra[key] = e
		}
		e.expected++
		if r.Satisfied() {
			e.held++
		}
	}
}

// possible says whether a run whose enabled fault groups are on, with
// contention or not (two proposers, or a fault that deposes a leader:
// expectedSometimes), can satisfy an assertion that needs one of needs
// (none: any run).
func possible(needs []string, on [numFaultGroups]bool, contention bool) bool {
	if len(needs) == 0 || contention && slices.Contains(needs, engine.Contention) {
		return true
	}
	for i, g := range faultGroups {
		if on[i] && slices.Contains(needs, g.name) {
			return true
		}
	}
	return false
}

func (t *assertTally) merge(o *assertTally) {
	if len(t.declared) < len(o.declared) {
		t.declared = append(t.declared, make([]expectHeld, len(o.declared)-len(t.declared))...)
	}
	for i, e := range o.declared {
		t.declared[i].expected += e.expected
		t.declared[i].held += e.held
	}
	for _, key := range slices.Sorted(maps.Keys(o.extra)) {
		if t.extra == nil {
			t.extra = make(map[string]*expectHeld)
		}
		if t.extra[key] == nil {
			t.extra[key] = new(expectHeld)
		}
		t.extra[key].expected += o.extra[key].expected
		t.extra[key].held += o.extra[key].held
	}
}

// into writes the tally into a coverage table's sometimes rows: every
// declared assertion, whether or not a run expected it.
func (t *assertTally) into(info *engine.Info, c *Coverage) {
	for i, a := range info.Assertions {
		key := assertionKey(a.Kind, a.Name)
		c.Expected[key], c.Held[key] = 0, 0
		if i < len(t.declared) {
			c.Expected[key], c.Held[key] = t.declared[i].expected, t.declared[i].held
		}
	}
	for key, e := range t.extra { // order-free: writes a map
		c.Expected[key], c.Held[key] = e.expected, e.held
	}
}

// SometimesRows lists the rows of c's sometimes table: the sometimes
// properties (engine.Sometimes), then the assertions by name.
func SometimesRows(c *Coverage) []string {
	rows := slices.Clone(engine.Sometimes)
	for _, key := range slices.Sorted(maps.Keys(c.Expected)) {
		if !slices.Contains(engine.Sometimes, key) {
			rows = append(rows, key)
		}
	}
	return rows
}
