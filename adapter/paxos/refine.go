package paxos

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore/spec"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

var _ engine.Refiner[protocol.Msg, protocol.Durable] = Adapter{}

// SpecBallots: ballot (round r, replica n) is number (r-1)*nodes + n-1,
// so rounds 1..rounds of nodes replicas are rounds*nodes ballots.
func (Adapter) SpecBallots(nodes, rounds int) int { return rounds * nodes }

// specBallot numbers b through the ballots' total order (round first,
// then replica id); -1 for the zero ballot, none.
func specBallot(nodes int, b protocol.Ballot) int {
	if b.IsZero() {
		return -1
	}
	return (int(b.Round)-1)*nodes + int(b.Node) - 1
}

// specValue is client c's value c as Paxos.tla's value c-1; None is -1.
func specValue(v checker.Value) int { return int(v) - 1 }

// SpecAcceptor: maxBal is the promise, maxVBal and maxVal the accepted
// ballot and value.
func (Adapter) SpecAcceptor(nodes int, d protocol.Durable) (maxBal, maxVBal, maxVal int) {
	return specBallot(nodes, d.Promised), specBallot(nodes, d.AcceptedBallot), specValue(d.AcceptedValue)
}

// SpecMessage: Prepare is 1a, Promise 1b (its sender the acceptor, its
// accepted ballot and value the vote reported), Accept 2a and Accepted 2b.
//
// One promise is none of Paxos.tla's: an acceptor answers a Prepare again
// for the ballot it promised (an idempotent reply to a repeated request),
// and if it has voted in that ballot since, the reply reports a vote at
// the ballot itself. Paxos.tla's acceptors answer only ballots above
// maxBal, so its 1b messages report votes below their ballot. No
// proposer counts that reply (its ballot is past phase 1), so it maps to
// no message: a stutter. A proposer that did count it would send a 2a
// that Phase2a checks against the 1b messages that are in msgs.
func (Adapter) SpecMessage(nodes int, from sim.NodeID, m protocol.Msg) (spec.Message, bool) {
	bal, acc := specBallot(nodes, m.Ballot), int(from)-1
	switch m.Type {
	case protocol.Prepare:
		return spec.Message{Type: "1a", Bal: bal}, true
	case protocol.Promise:
		if m.Ballot == m.Prior {
			return spec.Message{}, false
		}
		return spec.Message{Type: "1b", Acc: acc, Bal: bal, MBal: specBallot(nodes, m.Prior), MVal: specValue(m.Value)}, true
	case protocol.Accept:
		return spec.Message{Type: "2a", Bal: bal, Val: specValue(m.Value)}, true
	case protocol.Accepted:
		return spec.Message{Type: "2b", Acc: acc, Bal: bal, Val: specValue(m.Value)}, true
	}
	return spec.Message{}, false
}
