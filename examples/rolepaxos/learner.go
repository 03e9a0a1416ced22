package main

import (
	"cmp"
	"maps"
	"math/bits"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/sim"
)

// learner counts the acceptors' 2bs. Once a majority of the acceptors
// voted for one value in one ballot, the value is chosen: it keeps it on
// disk and tells the proposers.
type learner struct {
	l         Layout
	id        int
	every     sim.Time
	anyBallot bool             // the bug: count votes by value alone
	votes     map[tally]uint64 // who voted for what, a bit per acceptor
	learned   int64
}

// tally is what a learner counts votes for.
type tally struct {
	Bal Ballot
	Val int64
}

// Start arms the timer on which a learner that learned nothing asks.
func (l *learner) Start(e *env) { e.SetTimer(0, l.every) }

// Fire asks the acceptors for their votes and the learners for the
// decision, until it learns.
func (l *learner) Fire(e *env, _ sim.TimerTag) {
	if l.learned != 0 {
		return
	}
	e.SetTimer(0, l.every)
	l.l.sendTo(e, Layout.acceptor, Msg{Type: Ask})
	l.l.sendTo(e, Layout.learner, Msg{Type: Ask})
}

// Deliver handles a message.
func (l *learner) Deliver(e *env, from sim.NodeID, m Msg) {
	switch m.Type {
	case Accepted:
		l.accepted(e, from, m)
	case Decided:
		l.learn(e, m.Val, Ballot{}) // a learner told it; it does not say the ballot
	case Ask:
		if l.learned != 0 && int(from) != l.id {
			e.Send(from, Msg{Type: Decided, Val: l.learned})
		}
	}
}

// accepted counts a 2b. A late 2b for a ballot of a proposer that still
// runs makes a learner that knows the decision tell that proposer.
func (l *learner) accepted(e *env, from sim.NodeID, m Msg) {
	if l.learned != 0 {
		if !l.l.Quiet {
			e.Send(sim.NodeID(m.Bal.ID), Msg{Type: Decided, Val: l.learned})
		}
		return
	}
	k := tally{m.Bal, m.Val}
	if l.anyBallot {
		k.Bal = Ballot{} // BUG: votes of different ballots add up
	}
	if l.votes == nil {
		l.votes = map[tally]uint64{}
	}
	l.votes[k] |= 1 << from
	if bits.OnesCount64(l.votes[k]) > l.l.acceptors()/2 {
		l.learn(e, m.Val, m.Bal)
	}
}

// learn keeps the value chosen, once, and tells the proposers.
func (l *learner) learn(e *env, v int64, b Ballot) {
	if l.learned != 0 {
		return
	}
	l.learned, l.votes = v, nil
	e.Persist(Disk{Learned: v})
	o := checker.Observation{Kind: checker.Learned, Value: checker.Value(v)}
	if b != (Ballot{}) {
		o.Ballot = b.obs()
	}
	e.Observe(o)
	l.l.sendTo(e, Layout.proposer, Msg{Type: Decided, Val: v})
}

// CloneInto copies the learner for paxsim's explorer.
func (l *learner) CloneInto(sim.Node[Msg, Disk, checker.Observation]) sim.Node[Msg, Disk, checker.Observation] {
	c := *l
	c.votes = maps.Clone(l.votes)
	return &c
}

// Fingerprint writes the learner's state, the votes in their order.
func (l *learner) Fingerprint(h *fingerprint.Hasher) {
	h.Node(l.id)
	h.Int(l.learned)
	for _, k := range slices.SortedFunc(maps.Keys(l.votes), func(a, b tally) int {
		return cmp.Or(cmp.Compare(a.Bal.N, b.Bal.N), cmp.Compare(a.Bal.ID, b.Bal.ID), cmp.Compare(a.Val, b.Val))
	}) {
		k.Bal.write(h)
		h.Int(k.Val)
		h.NodeSet(l.votes[k])
	}
}
