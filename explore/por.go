package explore

// Partial-order reduction (Options.POR). A BFS expands a state by the
// persistent set its Reducer model gives instead of by all of its steps.
// The reduced search must not ignore a step for ever around a cycle of
// reduced expansions (the "ignoring problem"); the proviso here is the
// simplest sound one for a breadth-first search: a reduced expansion is
// kept only when every successor it emits is a state no earlier level
// holds, so every edge that may close a cycle (to a state at the same
// depth or above) leaves a fully expanded state. Whether a successor is
// in an earlier level reads the visited set as the level's start left
// it, so the choice does not depend on the workers' timing.
//
// What it keeps: with a model whose persistent sets are persistent and
// whose invariant, once broken, stays broken on every path on (the
// checkers' verdicts are), a complete reduced search finds a violation
// exactly when the full one does. A path to a violation may be longer:
// a step of the set that the violation does not need may come first.

// reducedIndex marks an origin's successor index as one among the
// successors of its parent's reduced expansion.
const reducedIndex = 1 << 30

// pending is a successor of a reduced expansion, kept back until the
// expansion is known to stand.
type pending[S any, K comparable] struct {
	key   K
	s     S
	index int32
}

// expandReduced expands it by the model's persistent set into c, and
// reports whether it did; false when the model has none smaller than all
// of its steps, or a successor is a state an earlier level holds (the
// proviso), and nothing was added to c.
func (s *search[S, K]) expandReduced(c *chunk[S, K], w worker[K], it item[S, K]) bool {
	h, seen := w.h, w.seen
	held := c.held[:0]
	defer func() { c.held = held[:0]; clear(held) }() // the next state's, holding none of this one's
	var index int32
	stays := true
	emit := func(next S) {
		index++
		if !stays {
			return
		}
		h.Reset()
		s.m.Fingerprint(h, next, s.opts.Symmetry)
		k := s.key(h)
		if _, old := s.visited.find(k, true); old {
			stays = false
			return
		}
		held = append(held, pending[S, K]{k, s.retain(next), index - 1})
	}
	stutter := func() { index++; stays = false } // a step back to the state itself
	if !s.reducer.NextPersistent(it.s, emit, stutter) || !stays {
		return false
	}
	for _, p := range held {
		c.generated++
		if seen.lookup(p.key) {
			continue
		}
		seen.add(p.key)
		shard, _ := s.visited.find(p.key, false)
		c.out = append(c.out, candidate[S, K]{key: p.key, s: p.s, parent: it.id, index: p.index | reducedIndex, gen: c.generated, shard: shard})
	}
	c.reduced++
	return true
}
