package model

import "github.com/paxsim/paxsim/sim"

// Sent is a message a step sent.
type Sent[M sim.Message] struct {
	From, To sim.NodeID
	Msg      M
}

// Steps calls fn for every step Next takes from s, in Next's order, with
// the action, the successor (a live scratch state, valid until fn returns,
// which Retain keeps) and the messages the step's handlers sent, in the
// order sent, local deliveries' replies included (valid until fn
// returns): what a refinement mapping reads (package refine).
func (m *Model[M, D]) Steps(s *State[M, D], fn func(a sim.Action[M], next *State[M, D], sent []Sent[M])) {
	m.expand(s, recorded, func(a *sim.Action[M], next *State[M, D], sent []Sent[M]) { fn(*a, next, sent) })
}

// Durable is replica id's durable state in s, a state Init returned or
// Steps passed to its fn.
func (m *Model[M, D]) Durable(s *State[M, D], id sim.NodeID) D { return s.world.Durable(id) }

// PathLines takes an explorer's path, its labels, and returns the lines
// that replay it, as Counterexample does, without asking that they break
// a property: a counterexample of a check the checkers do not make (a
// refinement's, say).
func (m *Model[M, D]) PathLines(labels []string) ([]string, error) { return m.lines(labels) }
