package main

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/sim"
)

// proposer runs ballots for the value its first client asked for, until a
// learner tells it a value is chosen. It keeps only its last round on
// disk, so that a restarted proposer never reuses a ballot.
type proposer struct {
	l         Layout
	id        int
	every     sim.Time
	round     int   // the highest round it used or saw rejected
	value     int64 // what it proposes when the promises report nothing
	clients   []int // waiting for the decision
	decided   int64
	bal       Ballot
	phase     int    // 0 idle, 1 collecting promises, 2 sent its 2a
	promised  uint64 // acceptors that promised bal, a bit per id
	prev      Ballot // the highest vote the promises reported, and its value
	prevValue int64
}

// Start arms the retry timer.
func (p *proposer) Start(e *env) { e.SetTimer(0, p.every) }

// Deliver handles a message.
func (p *proposer) Deliver(e *env, from sim.NodeID, m Msg) {
	switch m.Type {
	case Propose:
		p.propose(e, m)
	case Promise:
		p.promise(e, from, m)
	case Reject:
		p.round = max(p.round, m.Prev.N)
	case Decided:
		p.decide(e, m.Val)
	}
}

// Fire retries, now and then, while a client waits and nothing is known
// decided: another proposer may be duelling with it.
func (p *proposer) Fire(e *env, _ sim.TimerTag) {
	e.SetTimer(0, p.every)
	if len(p.clients) > 0 && p.decided == 0 && e.Rand(2) == 0 {
		p.prepare(e)
	}
}

// propose takes a client's request: answered at once if the decision is
// known, else the client waits, and an idle proposer starts a ballot.
func (p *proposer) propose(e *env, m Msg) {
	if !slices.Contains(p.clients, m.Client) {
		p.clients = append(p.clients, m.Client)
	}
	if p.decided != 0 {
		p.decide(e, p.decided)
		return
	}
	if p.value == 0 {
		p.value = m.Val
	}
	if p.phase == 0 {
		p.prepare(e)
	}
}

// prepare starts phase 1 with a round above any it used or saw.
func (p *proposer) prepare(e *env) {
	p.round++
	e.Persist(Disk{Round: p.round})
	p.bal, p.phase, p.promised, p.prev, p.prevValue = Ballot{p.round, p.id}, 1, 0, Ballot{}, 0
	p.l.sendTo(e, Layout.acceptor, Msg{Type: Prepare, Bal: p.bal})
}

// promise counts a promise; a majority of the acceptors lets it propose
// the value of the highest vote they reported, or its own.
func (p *proposer) promise(e *env, from sim.NodeID, m Msg) {
	if p.phase != 1 || m.Bal != p.bal {
		return
	}
	p.promised |= 1 << from
	if p.prev.Less(m.Prev) {
		p.prev, p.prevValue = m.Prev, m.Val
	}
	if bits.OnesCount64(p.promised) <= p.l.acceptors()/2 {
		return
	}
	v := p.value
	if p.prevValue != 0 {
		v = p.prevValue
	}
	p.phase = 2
	e.Observe(checker.Observation{Kind: checker.Proposed, Ballot: p.bal.obs(), Value: checker.Value(v)})
	p.l.sendTo(e, Layout.acceptor, Msg{Type: Accept, Bal: p.bal, Val: v})
}

// decide answers every waiting client with the value chosen.
func (p *proposer) decide(e *env, v int64) {
	p.decided, p.phase = v, 0
	for _, c := range p.clients {
		e.Observe(checker.Observation{Kind: checker.Returned, Client: c, Value: checker.Value(v)})
	}
	p.clients = p.clients[:0]
}

// CloneInto copies the proposer for paxsim's explorer.
func (p *proposer) CloneInto(sim.Node[Msg, Disk, checker.Observation]) sim.Node[Msg, Disk, checker.Observation] {
	c := *p
	c.clients = slices.Clone(p.clients)
	return &c
}

// Fingerprint writes the proposer's state, node ids as such.
func (p *proposer) Fingerprint(h *fingerprint.Hasher) {
	h.Node(p.id)
	h.Int(int64(p.round))
	h.Int(p.value)
	h.String(fmt.Sprint(p.clients))
	h.Int(p.decided)
	p.bal.write(h)
	h.Int(int64(p.phase))
	h.NodeSet(p.promised)
	p.prev.write(h)
	h.Int(p.prevValue)
}
