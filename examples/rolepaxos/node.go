// rolepaxos is single-decree Paxos as "Paxos Made Simple" describes it,
// with its three roles on separate nodes, written the way a third party
// would write it and put under paxsim through its public API only
// (adapter.go).
//
// Of n nodes, the first p are proposers, the last p learners and the
// rest acceptors, with p = max(1, (n-1)/3): 2 proposers, 3 acceptors and
// 2 learners in a cluster of 7. A client asks a proposer, which runs
// phase 1 and phase 2 against the acceptors; quorums are majorities of
// the acceptors. Acceptors send their 2b to every learner, and a learner
// that counts a majority of acceptors in one ballot has learned the value:
// it tells the proposers, which answer their clients. A proposer that has
// not heard of a decision retries with a higher ballot; a learner that
// missed the 2bs asks the acceptors and the other learners.
//
// THE BUG (variant learner-any-ballot). The learner counts 2bs by value,
// not by ballot: "the value is what matters". Two acceptors that voted
// for v in different ballots look like a majority for v, though v is not
// chosen, and another value can still be. It is marked BUG in
// learner.accepted.
package main

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/sim"
)

type env = sim.Env[Msg, Disk, checker.Observation]

// Layout is the role of each node of a cluster of N, P of them
// proposers. Quiet leaves out the messages that serve liveness alone (a
// Reject, a Decided for a late 2b), as paxsim's explorer asks.
type Layout struct {
	N, P  int
	Quiet bool
}

// layoutOf splits a cluster of n nodes.
func layoutOf(n int) Layout { return Layout{N: n, P: max(1, (n-1)/3)} }

// proposer, acceptor and learner report whether node id plays the role.
func (l Layout) proposer(id int) bool { return id >= 1 && id <= l.P }
func (l Layout) learner(id int) bool  { return id > l.N-l.P && id <= l.N }
func (l Layout) acceptor(id int) bool { return id > l.P && id <= l.N-l.P }

// acceptors counts the acceptors, whose majority is a quorum.
func (l Layout) acceptors() int { return l.N - 2*l.P }

// sendTo sends m to every node that plays the role.
func (l Layout) sendTo(e *env, role func(Layout, int) bool, m Msg) {
	for id := 1; id <= l.N; id++ {
		if role(l, id) {
			e.Send(sim.NodeID(id), m)
		}
	}
}

// Fingerprint writes the disk for paxsim's explorer.
func (d Disk) Fingerprint(h *fingerprint.Hasher) {
	h.Int(int64(d.Round))
	d.Promised.write(h)
	d.VotedBal.write(h)
	h.Int(d.VotedVal)
	h.Int(d.Learned)
}

// newNode builds node id from its disk, as the role its id gives it.
func newNode(l Layout, id sim.NodeID, every sim.Time, anyBallot bool, d Disk) sim.Node[Msg, Disk, checker.Observation] {
	switch {
	case l.proposer(int(id)):
		return &proposer{l: l, id: int(id), every: every, round: d.Round}
	case l.acceptor(int(id)):
		return &acceptor{l: l, disk: d}
	}
	return &learner{l: l, id: int(id), every: every, anyBallot: anyBallot, learned: d.Learned}
}
