package model

import (
	"math/bits"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// Persistent sets for partial-order reduction (explore.Reducer). A step of
// a Choice world belongs to one node: a delivery, a drop, a timer and a
// restart are all the receiver's (the node To). A node's step reads and
// writes that node's state, takes the oldest message of a link into it,
// and puts messages at the end of links out of it; with FIFO links, two
// steps of different nodes then commute, and neither disables the other.
//
// The steps of a set X of nodes are persistent when no node outside X can
// give a node of X a step it does not have yet: a node y outside X only
// lengthens the links it sends on, and a link into X that holds a message
// already keeps its oldest one, so X needs, for each of its nodes x, every
// node whose link to x is empty. persistentNodes starts X at each node with
// a step and closes it under that rule, and keeps the X with the fewest
// steps. What else could couple two nodes makes it give up (returns 0):
//
//   - a network that is not FIFO: there every message in flight may arrive
//     next, and any node may send one later;
//   - a crash or a duplicate left in the budget, which every node shares;
//   - a client's request in flight while the replicas answer clients (a
//     KeyValue workload): any replica's answer withdraws it;
//   - a client's request not yet sent (turns.go): any replica's answer to
//     its previous one lets it be delivered.
//
// The checkers are part of the state too, and most of their checks judge
// a claim against what the other nodes had reported when it was made (a
// learner's value chosen by then, say): two nodes' steps that both observe
// such things do not commute for them. So a reduced expansion takes no
// step with an observation that other nodes' observations may judge
// differently before it and after it (State.shared, judge.local: a
// promise that omits no vote of its node's is the node's own business,
// every other kind is not), nor a step that breaks a property; unless the
// search judges only properties that the order of observations does not
// decide (checker.OrderFree: agreement and validity). A step whose
// observations are its node's own commutes with any other node's step,
// checkers included, and leaves the verdicts as they were.
//
// TestPersistentStepsCommute checks, on random walks of both reference
// protocols, that steps of different nodes commute.

// persistentNodes returns the nodes whose enabled steps (acts, as the
// search's bounds enable them) are a persistent set of the world's with
// fewer steps than all, bit per node, or 0 when there is none.
func (m *Model[M, D]) persistentNodes(w *sim.World[M, D, checker.Observation], acts []sim.Action[M], j *judge) uint64 {
	if !w.FIFOLinks() || w.FaultsLeft() || m.turnsLeft(j) {
		return 0
	}
	var steps [sim.MaxNodes + 1]int
	total := 0
	for i := range acts {
		a := &acts[i]
		if !m.enabled(a, j) {
			continue
		}
		if m.answers && a.Kind == sim.ActDeliver && a.From == sim.External {
			return 0
		}
		steps[a.To]++
		total++
	}
	var senders [sim.MaxNodes + 1]uint64
	w.Senders(&senders)
	all := uint64(1)<<uint(w.Nodes()+1) - 2 // nodes 1..N
	best, fewest := uint64(0), total
	for p := 1; p <= w.Nodes(); p++ {
		if steps[p] == 0 {
			continue
		}
		x := closeOver(uint64(1)<<uint(p), all, &senders)
		n := 0
		for y := x; y != 0; y &= y - 1 {
			n += steps[bits.TrailingZeros64(y)]
		}
		if n < fewest {
			best, fewest = x, n
		}
	}
	return best
}

// closeOver adds to x, until none is left, every node of all whose link
// to a node of x is empty (senders[y] has no bit for it).
func closeOver(x, all uint64, senders *[sim.MaxNodes + 1]uint64) uint64 {
	for {
		grown := x
		for y := x; y != 0; y &= y - 1 {
			grown |= all &^ senders[bits.TrailingZeros64(y)]
		}
		if grown == x {
			return x
		}
		x = grown
	}
}

// NextPersistent implements explore.Reducer.
func (m *Model[M, D]) NextPersistent(s *State[M, D], emit func(*State[M, D]), stutter func()) bool {
	return m.expandSteps(s, plain, func(_ *sim.Action[M], next *State[M, D], _ []Sent[M]) { emit(next) }, stutter, true)
}

// LabelPersistent implements explore.Reducer.
func (m *Model[M, D]) LabelPersistent(s *State[M, D], i int) string {
	k, label := 0, ""
	m.expandSteps(s, labeled, func(a *sim.Action[M], _ *State[M, D], _ []Sent[M]) {
		if k == i {
			label = a.String()
		}
		k++
	}, nil, true)
	return label
}
