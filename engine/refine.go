package engine

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/explore/spec"
	"github.com/paxsim/paxsim/sim"
)

// Refiner is implemented by a single-decree protocol whose states map
// onto Lamport's Paxos.tla (package explore/spec): the refinement mapping
// that `check --refine` checks every explored step against, and that a
// campaign's spec coverage counts the states of. Acceptors are replicas
// (replica id is acceptor id-1), values are 0-based, and ballots are
// numbered through their total order, 0 the lowest, -1 for none.
type Refiner[M sim.Message, D any] interface {
	// SpecBallots is the number of ballots of a cluster of nodes replicas
	// whose proposers use rounds 1..rounds: Paxos.tla's Ballot is
	// 0..SpecBallots-1.
	SpecBallots(nodes, rounds int) int
	// SpecAcceptor maps what a replica persisted onto its maxBal,
	// maxVBal and maxVal.
	SpecAcceptor(nodes int, d D) (maxBal, maxVBal, maxVal int)
	// SpecMessage maps a message a replica sent onto the Paxos.tla
	// message it is; ok is false for one Paxos.tla has none of (a nack, a
	// commit, a learner's question).
	SpecMessage(nodes int, from sim.NodeID, m M) (msg spec.Message, ok bool)
}

// SpecFollower follows a run's messages through its protocol's mapping
// onto Paxos.tla (Refiner), for a campaign's spec coverage (package
// refine's Coverage). A run of a protocol without a mapping tells it
// nothing.
type SpecFollower interface {
	// Begin starts a run of nodes replicas and clients clients.
	Begin(nodes, clients int)
	// Send is a message a replica sent, as Paxos.tla's, in sending order.
	Send(msg spec.Message)
}

// followSpec makes w tell f, through p's mapping, every Paxos.tla message
// its replicas send; a protocol without a mapping tells f nothing. A
// message a replica sends to itself dies with it when it crashes first,
// but it was sent: Paxos.tla's msgs has it.
func followSpec[M sim.Message, D any](p Protocol[M, D], w *sim.World[M, D, checker.Observation], c Config, f SpecFollower) {
	ref, ok := p.(Refiner[M, D])
	if f == nil || !ok {
		w.SetSendHook(nil) // a reused world's, from a run that followed
		return
	}
	f.Begin(c.Nodes, c.Clients)
	w.SetSendHook(func(from, _ sim.NodeID, m M) {
		if msg, ok := ref.SpecMessage(c.Nodes, from, m); ok {
			f.Send(msg)
		}
	})
}
