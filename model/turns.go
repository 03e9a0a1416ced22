package model

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// A KeyValue search's clients take turns as a real client does: client
// c sends its request k+1 once it has the answer to request k (with
// --commands K, k < K). Every request is in the world from the start,
// but the search delivers or drops a client's request only in its turn:
//
//   - request k+1 is delivered while the client has answers to exactly
//     k requests: before, it is not sent yet; after, the client has its
//     answer and does not retry;
//   - its first delivery or drop is the client's send: the checkers are
//     told then that the client invoked it (checker.Invoked), as a
//     replay's client line right before that step tells them.
//
// In a set network an answered request stays deliverable between
// replicas that forwarded it: an old duplicate that arrives after the
// client's next request is part of the search.

// maxCommands bounds a search's requests per client (a counter's 4 bits).
const maxCommands = 15

// turns holds a count per client 1..maxClients, 4 bits each.
type turns uint64

func (t turns) of(client int) int { return int(t>>(4*uint(client))) & 15 }

func (t *turns) add(client int) { *t += 1 << (4 * uint(client)) }

// validClient reports whether client has a counter.
func validClient(client int) bool { return client > 0 && client <= maxClients }

// answer records a client's answer a, to its oldest unanswered request;
// an answer to an older one (a duplicate's) changes nothing.
func (j *judge) answer(a engine.Answer) {
	if j.answers && validClient(a.Client) && a.Seq == j.answered.of(a.Client)+1 {
		j.answered.add(a.Client)
	}
}

// invoke records that client sent its next request.
func (j *judge) invoke(client int) {
	if j.answers && validClient(client) {
		j.invoked.add(client)
	}
}

// requestOf returns the client's request that action a delivers or
// drops, or nil when a does not deliver or drop one.
func (m *Model[M, D]) requestOf(a *sim.Action[M]) *request[M] {
	if a.From != sim.External || (a.Kind != sim.ActDeliver && a.Kind != sim.ActDrop) {
		return nil
	}
	d := a.Msg.Digest()
	for i := range m.requests {
		if r := &m.requests[i]; r.step.To == a.To && r.digest == d {
			return r
		}
	}
	return nil
}

// inTurn reports whether a KeyValue client's request that a delivers or
// drops is one the search may deliver or drop: its client's current
// request; an answered one may still be lost.
func (m *Model[M, D]) inTurn(a *sim.Action[M], j *judge) bool {
	r := m.requestOf(a)
	if r == nil {
		return true
	}
	next := j.answered.of(r.step.Client) + 1
	if a.Kind == sim.ActDrop {
		return r.seq <= next
	}
	return r.seq == next
}

// unsent returns the client's request that action a sends: the first
// delivery or drop of a request after the client's first, which the
// checkers are told of as an invocation before a takes it; else nil.
func (m *Model[M, D]) unsent(a *sim.Action[M], j *judge) *request[M] {
	if !m.answers || m.commands < 2 {
		return nil
	}
	if r := m.requestOf(a); r != nil && r.seq > j.invoked.of(r.step.Client) {
		return r
	}
	return nil
}

// send tells the checkers of st, a state about to take the first
// delivery or drop of request r, that r's client invoked it.
func (m *Model[M, D]) send(st *State[M, D], r *request[M]) {
	st.observe(0, checker.Observation{Kind: checker.Invoked, Client: r.step.Client, Value: r.value})
}

// turnsLeft reports whether a client has a request the search has not
// let it send yet: an answer, any replica's step, then enables a
// delivery to the replica it asks.
func (m *Model[M, D]) turnsLeft(j *judge) bool {
	if !m.answers || m.commands < 2 {
		return false
	}
	for i := range m.requests {
		r := &m.requests[i]
		if r.seq > j.answered.of(r.step.Client)+1 {
			return true
		}
	}
	return false
}
