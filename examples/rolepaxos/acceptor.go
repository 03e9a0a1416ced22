package main

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/sim"
)

// acceptor votes. Everything it knows is on its disk: the ballot it
// promised, and the last (ballot, value) it accepted.
type acceptor struct {
	l    Layout
	disk Disk
}

// Start does nothing: an acceptor only answers.
func (a *acceptor) Start(*env) {}

// Fire is never called: an acceptor sets no timer.
func (a *acceptor) Fire(*env, sim.TimerTag) {}

// Deliver handles a message.
func (a *acceptor) Deliver(e *env, from sim.NodeID, m Msg) {
	switch m.Type {
	case Prepare:
		a.prepare(e, from, m)
	case Accept:
		a.accept(e, from, m)
	case Ask: // a learner missed our vote
		if a.disk.VotedVal != 0 {
			e.Send(from, Msg{Type: Accepted, Bal: a.disk.VotedBal, Val: a.disk.VotedVal})
		}
	}
}

// prepare promises a ballot not below its promise, reporting its vote.
func (a *acceptor) prepare(e *env, from sim.NodeID, m Msg) {
	if m.Bal.Less(a.disk.Promised) {
		a.reject(e, from, m)
		return
	}
	a.disk.Promised = m.Bal
	e.Persist(a.disk)
	e.Observe(checker.Observation{Kind: checker.Promised, Ballot: m.Bal.obs(), Prior: a.disk.VotedBal.obs(), Value: checker.Value(a.disk.VotedVal)})
	e.Send(from, Msg{Type: Promise, Bal: m.Bal, Prev: a.disk.VotedBal, Val: a.disk.VotedVal})
}

// accept votes for a proposal whose ballot is not below its promise, and
// tells the learners.
func (a *acceptor) accept(e *env, from sim.NodeID, m Msg) {
	if m.Bal.Less(a.disk.Promised) {
		a.reject(e, from, m)
		return
	}
	a.disk.Promised, a.disk.VotedBal, a.disk.VotedVal = m.Bal, m.Bal, m.Val
	e.Persist(a.disk)
	e.Observe(checker.Observation{Kind: checker.Accepted, Ballot: m.Bal.obs(), Value: checker.Value(m.Val)})
	a.l.sendTo(e, Layout.learner, Msg{Type: Accepted, Bal: m.Bal, Val: m.Val})
}

// reject tells a proposer that its ballot is below the promise.
func (a *acceptor) reject(e *env, to sim.NodeID, m Msg) {
	if !a.l.Quiet {
		e.Send(to, Msg{Type: Reject, Bal: m.Bal, Prev: a.disk.Promised})
	}
}

// CloneInto copies the acceptor for paxsim's explorer.
func (a *acceptor) CloneInto(sim.Node[Msg, Disk, checker.Observation]) sim.Node[Msg, Disk, checker.Observation] {
	c := *a
	return &c
}

// Fingerprint writes the acceptor's state: its disk.
func (a *acceptor) Fingerprint(h *fingerprint.Hasher) { a.disk.Fingerprint(h) }
