package protocol

import (
	"math/bits"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// Config tunes a cluster of single-decree Paxos replicas.
type Config struct {
	Variant Variant
	// RetryTicks is the base proposer timeout: a proposer that has not
	// seen its ballot through by then retries with a higher one. Attempt k
	// waits a random time in [base, base + base*2^min(k, 4)): the
	// randomized, growing backoff that lets duelling proposers settle,
	// capped well inside the liveness bound. 0 means 50.
	RetryTicks sim.Time
	// LearnTicks is how often a replica that has not learned the value asks
	// the others for it. 0 means 100.
	LearnTicks sim.Time
}

// Timer tags used by a Node.
const (
	retryTimer sim.TimerTag = iota // proposer: give up on the ballot and retry
	learnTimer                     // learner: ask the others for the chosen value
)

const maxBackoffShift = 4

// phase is where a proposer stands in its current ballot.
type phase uint8

const (
	idle phase = iota
	preparing
	accepting
)

// Node is one single-decree Paxos replica: proposer, acceptor and learner.
type Node struct {
	cfg    Config
	id     sim.NodeID
	quorum int

	durable Durable // the acceptor's and learner's state, as persisted

	// Proposer state; all volatile.
	phase     phase
	ballot    Ballot
	value     Value  // the client value this replica proposes, if any
	promises  uint64 // acceptors that promised ballot
	highest   Ballot // the highest accepted ballot reported in promises
	adopted   Value  // the value reported with highest
	accepts   uint64 // acceptors that accepted ballot
	maxSeen   Ballot // the highest ballot seen in any Nack
	attempt   int
	clients   []int32 // clients awaiting the decision
	clientBuf [4]int32
}

// NewNodes returns the sim.NewNode that builds replicas configured by cfg.
func NewNodes(nodes int, cfg Config) sim.NewNode[Msg, Durable, checker.Observation] {
	if cfg.RetryTicks == 0 {
		cfg.RetryTicks = 50
	}
	if cfg.LearnTicks == 0 {
		cfg.LearnTicks = 100
	}
	return func(id sim.NodeID, d Durable) sim.Node[Msg, Durable, checker.Observation] {
		n := &Node{cfg: cfg, id: id, quorum: nodes/2 + 1, durable: d}
		n.clients = n.clientBuf[:0]
		return n
	}
}

// Start implements sim.Node: a (re)started replica resumes from its
// durable state and, until it knows the value, periodically asks for it.
func (n *Node) Start(env *Env) {
	if n.durable.Learned == checker.None {
		n.armLearnTimer(env)
	}
}

// Deliver implements sim.Node.
func (n *Node) Deliver(env *Env, from sim.NodeID, m Msg) {
	switch m.Type {
	case Request:
		n.onRequest(env, m)
	case Prepare:
		n.onPrepare(env, from, m)
	case Promise:
		n.onPromise(env, from, m)
	case Accept:
		n.onAccept(env, from, m)
	case Accepted:
		n.onAccepted(env, from, m)
	case Nack:
		n.onNack(m)
	case Commit:
		n.learn(env, m.Value)
	case LearnReq:
		if n.durable.Learned != checker.None {
			env.Send(from, Msg{Type: Commit, Value: n.durable.Learned})
		}
	}
}

// Fire implements sim.Node.
func (n *Node) Fire(env *Env, tag sim.TimerTag) {
	if n.durable.Learned != checker.None {
		return
	}
	switch tag {
	case retryTimer:
		n.attempt++
		n.prepare(env)
	case learnTimer:
		env.Broadcast(Msg{Type: LearnReq})
		n.armLearnTimer(env)
	}
}

// onRequest takes a client's proposal: answer at once if the value is
// known, else propose the client's value unless already proposing one.
func (n *Node) onRequest(env *Env, m Msg) {
	if n.durable.Learned != checker.None {
		env.Observe(checker.Observation{Kind: checker.Returned, Client: int(m.Client), Value: n.durable.Learned})
		return
	}
	for _, c := range n.clients {
		if c == m.Client {
			// A client asking again has waited long for this replica's
			// ballot: start a fresh one now, with a short backoff.
			n.attempt = 0
			if n.value != checker.None {
				n.prepare(env)
			}
			return
		}
	}
	n.clients = append(n.clients, m.Client)
	if n.value == checker.None {
		n.value = m.Value
		n.attempt = 0
		n.prepare(env)
	}
}

// prepare starts phase 1 with a ballot above every one this replica used
// or saw refused, persisting the round before any message leaves.
func (n *Node) prepare(env *Env) {
	round := max(n.durable.Round, n.maxSeen.Round, n.durable.Promised.Round) + 1
	n.durable.Round = round
	env.Persist(n.durable)
	n.ballot = Ballot{Round: round, Node: int32(n.id)}
	n.phase = preparing
	n.promises, n.accepts = 0, 0
	n.highest, n.adopted = Ballot{}, checker.None
	env.Broadcast(Msg{Type: Prepare, Ballot: n.ballot})
	shift := min(n.attempt, maxBackoffShift)
	base := n.cfg.RetryTicks
	env.SetTimer(retryTimer, base+sim.Time(env.Rand(int(base<<shift))))
}

// onPrepare is the acceptor's phase 1b: promise any ballot not below the
// current promise, reporting the accepted (ballot, value).
func (n *Node) onPrepare(env *Env, from sim.NodeID, m Msg) {
	if m.Ballot.Less(n.durable.Promised) {
		env.Send(from, Msg{Type: Nack, Ballot: n.durable.Promised})
		return
	}
	if m.Ballot != n.durable.Promised {
		n.durable.Promised = m.Ballot
		env.Persist(n.durable)
	}
	reply := Msg{Type: Promise, Ballot: m.Ballot, Prior: n.durable.AcceptedBallot, Value: n.durable.AcceptedValue}
	env.Observe(checker.Observation{Kind: checker.Promised, Ballot: m.Ballot, Prior: reply.Prior, Value: reply.Value})
	env.Send(from, reply)
}

// onPromise counts promises for the current ballot; with a majority the
// proposer moves to phase 2 with the value of the highest reported ballot,
// or its own when none was reported.
func (n *Node) onPromise(env *Env, from sim.NodeID, m Msg) {
	if n.phase != preparing || m.Ballot != n.ballot {
		return // stale: an earlier ballot's promise, or already in phase 2
	}
	n.promises |= 1 << uint(from)
	if n.highest.Less(m.Prior) {
		n.highest, n.adopted = m.Prior, m.Value
	}
	if bits.OnesCount64(n.promises) < n.quorum {
		return
	}
	v := n.value
	if n.adopted != checker.None && !n.cfg.Variant.Is(IgnorePromisedValues) {
		v = n.adopted
	}
	n.phase = accepting
	env.Observe(checker.Observation{Kind: checker.Proposed, Ballot: n.ballot, Value: v})
	if n.cfg.Variant.Is(ReplyOwnValue) {
		n.answerClients(env, v) // the bug: v is not chosen yet
	}
	env.Broadcast(Msg{Type: Accept, Ballot: n.ballot, Value: v})
}

// onAccept is the acceptor's phase 2b: accept unless a higher ballot was
// promised, and persist before replying.
func (n *Node) onAccept(env *Env, from sim.NodeID, m Msg) {
	if m.Ballot.Less(n.durable.Promised) {
		env.Send(from, Msg{Type: Nack, Ballot: n.durable.Promised})
		return
	}
	n.durable.Promised = m.Ballot
	n.durable.AcceptedBallot = m.Ballot
	n.durable.AcceptedValue = m.Value
	env.Persist(n.durable)
	env.Observe(checker.Observation{Kind: checker.Accepted, Ballot: m.Ballot, Value: m.Value})
	env.Send(from, Msg{Type: Accepted, Ballot: m.Ballot, Value: m.Value})
}

// onAccepted counts phase-2b replies; a majority in one ballot means the
// value is chosen, and every learner is told.
func (n *Node) onAccepted(env *Env, from sim.NodeID, m Msg) {
	if n.phase != accepting || m.Ballot != n.ballot {
		return
	}
	n.accepts |= 1 << uint(from)
	if bits.OnesCount64(n.accepts) < n.quorum {
		return
	}
	n.phase = idle
	n.learn(env, m.Value)
	env.Broadcast(Msg{Type: Commit, Value: m.Value})
}

// onNack notes a higher promise; the retry timer takes the next ballot
// above it, so a refused proposer backs off instead of duelling at once.
func (n *Node) onNack(m Msg) {
	if n.maxSeen.Less(m.Ballot) {
		n.maxSeen = m.Ballot
	}
	if n.phase != idle && n.ballot.Less(m.Ballot) {
		n.phase = idle
	}
}

// learn records the chosen value durably and answers waiting clients. A
// replica reports every value it is told is chosen, even a second,
// different one, so that the checker sees what it believes.
func (n *Node) learn(env *Env, v Value) {
	if n.durable.Learned == v {
		return
	}
	if n.durable.Learned == checker.None {
		n.durable.Learned = v
		env.Persist(n.durable)
	}
	env.Observe(checker.Observation{Kind: checker.Learned, Value: v})
	n.phase = idle
	env.CancelTimer(retryTimer)
	env.CancelTimer(learnTimer)
	n.answerClients(env, n.durable.Learned)
}

// answerClients tells every waiting client that v is decided.
func (n *Node) answerClients(env *Env, v Value) {
	for _, c := range n.clients {
		env.Observe(checker.Observation{Kind: checker.Returned, Client: int(c), Value: v})
	}
	n.clients = n.clients[:0]
}

func (n *Node) armLearnTimer(env *Env) {
	base := n.cfg.LearnTicks
	env.SetTimer(learnTimer, base+sim.Time(env.Rand(int(base))))
}
