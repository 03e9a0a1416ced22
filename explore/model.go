// Package explore is paxsim's model checker: it enumerates every reachable
// state of a small model, breadth first (shortest counterexamples) or
// depth first, checks an invariant in each, and counts as TLC does.
//
// A Model is a transition system: initial states, a successor function that
// lists every way an action can be taken, an invariant and a fingerprint.
// Two models ship with paxsim: the real protocol code under the simulator's
// choice mode (package scenarios builds it), and Lamport's abstract Paxos
// of the TLA+ specification (package explore/spec), whose counts can be
// compared one for one with TLC's.
package explore

import (
	"math/rand/v2"

	"github.com/paxsim/paxsim/fingerprint"
)

// Model is a transition system the explorer searches. Its methods must be
// deterministic and safe to call from several goroutines at once on
// different states; a state, once emitted, is never modified.
type Model[S any] interface {
	// Init returns the initial states, in a fixed order.
	Init() []S
	// Next calls emit once for every way an action can be taken in s, in a
	// fixed order: TLC's successor enumeration, in which every witness of
	// an existential (which message, which quorum) is a successor of its
	// own and a step that changes nothing (a stuttering step) counts too.
	Next(s S, emit func(next S))
	// Check returns a description of the invariant s breaks, or "".
	Check(s S) string
	// Fingerprint writes s to h: everything that decides s's future and
	// its verdicts, nothing else (no clocks, no counters of the path). With
	// symmetry, it writes the canonical representative of s's orbit under
	// the model's symmetry group, so that symmetric states share it.
	Fingerprint(h *fingerprint.Hasher, s S, symmetry bool)
	// Label describes the i-th successor Next emits from s: the step of a
	// counterexample, e.g. "Phase1b(a2) on 1a(1)".
	Label(s S, i int) string
}

// Retainer is implemented by models whose Next reuses one scratch state for
// the states it emits, valid only until emit returns: the explorer calls
// Retain for every emitted state it keeps, and the model returns a copy of
// its own. Models of small value states need not implement it.
type Retainer[S any] interface {
	Retain(s S) S
}

// Stutterer is implemented by models whose Next can tell, as it generates
// them, the successors that are the state itself again: steps that change
// nothing the fingerprint covers (a message sent again into a set of
// messages, one delivered again to a replica that has seen it). In most
// models most successors are such stutters. NextStutters is Next, in the
// same order, but calls stutter instead of emit for some or all of them;
// never for another state. The explorer counts a stutter as generated and
// goes on, as it would once the visited set said it had the state: no
// fingerprint, lookup or check.
//
// A model that wraps another by embedding it and overrides Next must
// override NextStutters too, or the explorer, finding the embedded one,
// goes around its Next.
type Stutterer[S any] interface {
	NextStutters(s S, emit func(next S), stutter func())
}

// Reducer is implemented by models that can expand a state by a persistent
// set of its steps (Godefroid's partial-order reduction): a set such that
// no sequence of the state's other steps, and of the steps they lead to,
// contains one that interferes with a step in the set. Every state the
// full search would reach in violation is then reached by a search that
// expands each state by such a set, provided every cycle passes through a
// fully expanded state, which the explorer sees to (Options.POR).
type Reducer[S any] interface {
	// NextPersistent is NextStutters over a persistent set of s's steps,
	// in Next's order, and reports whether the successors it emitted are
	// that set's: false when no set smaller than all of s's steps is
	// persistent, or one of the set's steps left a bound of the search,
	// and the explorer is to forget what it emitted and expand s in full.
	// It must be deterministic, as Next is.
	NextPersistent(s S, emit func(next S), stutter func()) (reduced bool)
	// LabelPersistent is Label of the i-th successor NextPersistent emits.
	LabelPersistent(s S, i int) string
}

// Staller is implemented by models that judge progress as well as
// safety. A breadth-first search asks Stalled of every state it expands
// in full whose steps all lead back to the state itself (stutters, or
// successors with its fingerprint), or that has none: a state the model
// can never leave, which is a violation if it still awaits something (no
// value chosen, say) that no bound of the search kept from happening. The
// first such state of the shallowest level is the search's violation, as
// a bad state is, with the shortest path to it. A search with partial-
// order reduction judges only the states it expands in full.
type Staller[S any] interface {
	// Stalled returns a description of what s awaits in vain, given that
	// every step of s leads back to s; "" when s awaits nothing, or when
	// a bound of the search (on ballots, say) left out a step of s that
	// might have made progress. It must be deterministic, as Check is.
	Stalled(s S) string
}

// Forgetter is implemented by models that keep what they learn of the
// states they generate (interned parts, remembered steps) for as long as
// they live: what a search of every state needs, and what grows without
// bound over random walks, each of which wanders into states no other
// walk reaches. Random calls Forget between walks when the heap passes a
// quarter of the memory cap, and calls Init again after; no state the
// model emitted before is used after. Forget must change nothing Init,
// Next, Check or Fingerprint return, only what they cost: the walks,
// and so the verdict, do not depend on when it is called.
type Forgetter interface {
	Forget()
}

// Sampler is implemented by models that can draw one successor of a
// state without generating all of them: Random then walks by Sample,
// not by NextStutters. Sample calls emit once with a successor drawn
// uniformly, by rng, from those NextStutters emits (never a stutter), and
// its Label, and reports whether there was one. Like Next, it may emit a
// scratch state (Retainer), and it must be a function of s and rng's
// draws.
type Sampler[S any] interface {
	Sample(s S, rng *rand.Rand, emit func(label string, next S)) bool
}
