package spec

import (
	"github.com/paxsim/paxsim/fingerprint"
)

// bfsResult is what a breadth-first search found, counted as TLC counts:
// distinct states (initial ones included), states generated (initial
// states plus every successor Next emits, duplicates and stuttering steps
// included) and depth (the initial states at depth 1).
type bfsResult struct {
	distinct, generated int64
	depth               int
	// violation is the first invariant violation found, in BFS order: the
	// search stops there, as TLC does. violDepth is its state's depth.
	violation string
	violDepth int
	// trace labels the steps from the initial state to the violation.
	trace []string
	// states are the states found (representatives, with symmetry).
	states []State
}

// bfs is a small breadth-first explorer, independent of package explore.
// Without symmetry the visited set is keyed by the State itself; with it,
// by the exact encoding Fingerprint writes.
func bfs(m *Model, symmetry bool) bfsResult {
	var r bfsResult
	h := fingerprint.New(true)
	seenState := map[State]bool{}
	seenKey := map[string]bool{}
	isNew := func(s State) bool {
		if !symmetry {
			if seenState[s] {
				return false
			}
			seenState[s] = true
			return true
		}
		h.Reset()
		m.Fingerprint(h, s, true)
		k := h.Words()
		if seenKey[k] {
			return false
		}
		seenKey[k] = true
		return true
	}
	var parent []int // of each found state, -1 for an initial state
	var frontier []int
	// found records a new state and reports whether it satisfies the
	// invariant.
	found := func(s State, from, depth int) bool {
		r.distinct++
		r.states = append(r.states, s)
		parent = append(parent, from)
		frontier = append(frontier, len(r.states)-1)
		if v := m.Check(s); v != "" {
			r.violation, r.violDepth = v, depth
			for x := len(r.states) - 1; parent[x] >= 0; x = parent[x] {
				r.trace = append([]string{labelOf(m, r.states[parent[x]], r.states[x])}, r.trace...)
			}
			return false
		}
		return true
	}
	r.depth = 1
	for _, s := range m.Init() {
		r.generated++
		if isNew(s) && !found(s, -1, 1) {
			return r
		}
	}
	var succ []State
	for len(frontier) > 0 {
		level := frontier
		frontier = nil
		for _, i := range level {
			succ = succ[:0]
			m.Next(r.states[i], func(n State) { succ = append(succ, n) })
			for _, n := range succ {
				r.generated++
				if isNew(n) && !found(n, i, r.depth+1) {
					r.depth++
					return r
				}
			}
		}
		if len(frontier) > 0 {
			r.depth++
		}
	}
	return r
}

// labelOf is the label of the first step Next takes from s to n.
func labelOf(m *Model, s, n State) string {
	i, at := 0, -1
	m.Next(s, func(x State) {
		if at < 0 && x == n {
			at = i
		}
		i++
	})
	return m.Label(s, at)
}
