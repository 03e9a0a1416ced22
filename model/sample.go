package model

import (
	"math/rand/v2"

	"github.com/paxsim/paxsim/sim"
)

// Sample implements explore.Sampler: one successor of s drawn uniformly
// from those NextStutters emits, without taking the others. It tries the
// state's steps in a random order (rng's permutation) and emits the
// first that the bounds do not cut and that is not a stutter, with its
// label; false when there is none. A random walk's step then costs one
// step or a few, not the state's whole expansion.
func (m *Model[M, D]) Sample(s *State[M, D], rng *rand.Rand, emit func(label string, next *State[M, D])) bool {
	if s.fault != "" {
		return false
	}
	sc := m.scratchFor(s)
	defer m.putScratch(sc)
	sc.stutter = func() {} // a stutter is no step of a walk
	judge := m.judgeOf(s)
	got := false
	take := func(a *sim.Action[M], next *State[M, D], _ []Sent[M]) {
		got = true
		emit(a.String(), next)
	}
	if m.listMoves(s, labeled, sc) {
		for _, i := range rng.Perm(len(sc.moves)) {
			if m.stepMove(s, &sc.moves[i], labeled, judge, sc, take); got {
				return true
			}
		}
		return false
	}
	sc.acts = append(sc.acts[:0], sc.parent(m).world.Actions()...)
	for _, i := range rng.Perm(len(sc.acts)) {
		if a := &sc.acts[i]; m.enabled(a, judge) {
			if m.stepAction(s, a, labeled, judge, sc, take); got {
				return true
			}
		}
	}
	return false
}
