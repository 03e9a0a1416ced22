package protocol

import (
	"cmp"
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
	// the others for it. 0 means 100. From the second time on, a replica
	// that has no ballot of its own going, and heard no other proposer at
	// work since it last asked, also runs one, with no value of its own:
	// phase 1 finds any value that may be chosen and phase 2 gets it
	// chosen again by a live majority, which then learns it. Without that,
	// when the replicas that learned the value are gone for good the rest
	// never learn it.
	LearnTicks sim.Time
	// NoLearnerBallots leaves the learners' ballots out: only replicas a
	// client asked ever propose. The explorer sets it (with them every
	// replica may propose, and its default bounds hold 14 times the
	// states); it cannot stall a run whose replicas all heal.
	NoLearnerBallots bool
	// Phase1Quorum and Phase2Quorum are how many promises and accepts a
	// proposer waits for, and Phase2Quorum how many accepts a learner
	// counts: 0 means a majority. Flexible Paxos needs only that they sum
	// past the cluster (engine.Info.Quorums tells the checker so).
	Phase1Quorum, Phase2Quorum int
}

// Timer tags used by a Node.
const (
	retryTimer sim.TimerTag = iota // proposer: give up on the ballot and retry
	learnTimer                     // learner: ask the others for the chosen value
)

const maxBackoffShift = 4

// fixedBackoffDiv sets the variant fixed-backoff's timer: RetryTicks/4,
// which is one maximum one-way delay when RetryTicks is four of them (as
// package scenarios sets it), or about one average round trip: time for
// one phase, not for both. The correct protocol survives so short a base
// (its timeout grows, at random, past the round trip of both phases); a
// fixed timer never does, and each retry pre-empts the ballots before it.
// A fixed timer of RetryTicks itself would be live here: it outlasts both
// phases, so no ballot is pre-empted once the network is healed.
const fixedBackoffDiv = 4

// phase is where a proposer stands in its current ballot.
type phase uint8

const (
	idle phase = iota
	preparing
	accepting
)

// Node is one single-decree Paxos replica: proposer, acceptor and learner.
type Node struct {
	cfg     Config
	id      sim.NodeID
	quorum  int // acceptors the proposer waits for in phase 2
	pquorum int // promises the proposer waits for in phase 1
	bug     bug // the variant's deviation, 0 for correct Paxos

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

	asked   bool        // learner: it asked the others for the chosen value once already
	busy    bool        // learner: a proposer was heard at work since its last ask
	replies int         // variant count-duplicates: Accepted replies for ballot, duplicates included
	heard   []valueVote // variant value-only-learner: acceptors heard per value, any ballot
}

// valueVote is what a value-only learner counts: the acceptors that
// reported accepting value, in whatever ballot.
type valueVote struct {
	value  Value
	voters uint64
}

// NewNodes returns the sim.NewNode that builds replicas configured by cfg.
func NewNodes(nodes int, cfg Config) sim.NewNode[Msg, Durable, checker.Observation] {
	if cfg.RetryTicks == 0 {
		cfg.RetryTicks = 50
	}
	if cfg.LearnTicks == 0 {
		cfg.LearnTicks = 100
	}
	b := bugOf(cfg.Variant)
	quorum := cmp.Or(cfg.Phase2Quorum, nodes/2+1)
	if b&bugMinorityQuorum != 0 {
		quorum = max(nodes/2, 1) // variant minority-quorum: n/2, not a majority
	}
	pquorum := cmp.Or(cfg.Phase1Quorum, quorum)
	if b&bugEarlyAccept != 0 {
		pquorum = 1 // variant early-accept: phase 2 after the first promise
	}
	return func(id sim.NodeID, d Durable) sim.Node[Msg, Durable, checker.Observation] {
		n := &Node{cfg: cfg, id: id, quorum: quorum, pquorum: pquorum, bug: b, durable: d}
		n.clients = n.clientBuf[:0]
		return n
	}
}

// persist makes the replica's state durable.
func (n *Node) persist(env *Env) {
	d := n.durable
	if n.bug&bugNoPersist != 0 {
		// variant no-persist: the acceptor's promise and accepted value
		// are not written, so a restart finds them empty; the proposer's
		// round and the learned value are.
		d.Promised, d.AcceptedBallot, d.AcceptedValue = Ballot{}, Ballot{}, checker.None
	}
	if n.bug&bugNoSync != 0 {
		env.Write(d) // variant no-sync: a power cut may lose it
		return
	}
	env.Persist(d)
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
	if (m.Type == Prepare || m.Type == Accept) && from != n.id && !n.cfg.NoLearnerBallots {
		n.busy = true // a proposer at work: no learner's ballot to cut it short
	}
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
		n.learn(env, m.Value, checker.Ballot{}) // a commit names no ballot
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
		if n.asked && !n.busy && n.phase == idle && n.value == checker.None && !n.cfg.NoLearnerBallots {
			// Asked before, no proposer heard at work since, and still
			// nothing: the replicas that learned may be gone for good.
			// Run a ballot of its own to find out: phase 1 reports any
			// value that may be chosen, and phase 2 gets it chosen again,
			// and learned, by a live majority.
			env.Reachable(AssertLearnerBallot)
			n.attempt = 0
			n.prepare(env)
		}
		n.asked, n.busy = true, false
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
	n.persist(env)
	n.ballot = Ballot{Round: round, Node: int32(n.id)}
	n.phase = preparing
	n.accepts, n.replies = 0, 0
	if n.bug&bugStalePromises == 0 { // variant stale-promises: earlier ballots' promises, and what they reported, still count
		n.promises = 0
		n.highest, n.adopted = Ballot{}, checker.None
	}
	env.Broadcast(Msg{Type: Prepare, Ballot: n.ballot})
	base := n.cfg.RetryTicks
	if n.bug&bugFixedBackoff != 0 {
		// variant fixed-backoff: one short timer, never randomized, never
		// grown.
		env.SetTimer(retryTimer, max(base/fixedBackoffDiv, 1))
		return
	}
	shift := min(n.attempt, maxBackoffShift)
	env.SetTimer(retryTimer, base+sim.Time(env.Rand(int(base<<shift))))
}

// onPrepare is the acceptor's phase 1b: promise any ballot not below the
// current promise, reporting the accepted (ballot, value).
func (n *Node) onPrepare(env *Env, from sim.NodeID, m Msg) {
	if n.bug&bugNoPromise != 0 {
		// variant no-promise: refuse only a ballot below the accepted one,
		// and record nothing.
		if m.Ballot.Less(n.durable.AcceptedBallot) {
			env.Send(from, Msg{Type: Nack, Ballot: n.durable.AcceptedBallot})
			return
		}
		n.promise(env, from, m)
		return
	}
	if m.Ballot.Less(n.durable.Promised) {
		env.Send(from, Msg{Type: Nack, Ballot: n.durable.Promised})
		return
	}
	if m.Ballot != n.durable.Promised {
		n.durable.Promised = m.Ballot
		if n.bug&bugOneBallot != 0 && n.durable.AcceptedValue != checker.None {
			// variant one-ballot: the one number is the promise and the
			// accepted value's ballot at once.
			n.durable.AcceptedBallot = m.Ballot
		}
		if n.bug&bugReplyBeforePersist != 0 {
			n.promise(env, from, m) // variant reply-before-persist
			n.persist(env)
			return
		}
		n.persist(env)
	}
	n.promise(env, from, m)
}

// promise answers m with the accepted (ballot, value).
func (n *Node) promise(env *Env, from sim.NodeID, m Msg) {
	reply := Msg{Type: Promise, Ballot: m.Ballot, Prior: n.durable.AcceptedBallot, Value: n.durable.AcceptedValue}
	env.Observe(checker.Observation{Kind: checker.Promised, Ballot: m.Ballot, Prior: reply.Prior, Value: reply.Value})
	env.Send(from, reply)
}

// onPromise counts promises for the current ballot; with a majority the
// proposer moves to phase 2 with the value of the highest reported ballot,
// or its own when none was reported.
func (n *Node) onPromise(env *Env, from sim.NodeID, m Msg) {
	if n.phase != preparing {
		return // already in phase 2, or given up
	}
	if m.Ballot != n.ballot && !n.earlierOwn(m.Ballot) {
		return // stale: an earlier ballot's promise
	}
	n.promises |= 1 << uint(from)
	if n.bug&bugLowestBallotValue != 0 {
		// variant lowest-ballot-value: the lowest reported ballot wins.
		if !m.Prior.IsZero() && (n.highest.IsZero() || m.Prior.Less(n.highest)) {
			n.highest, n.adopted = m.Prior, m.Value
		}
	} else if n.highest.Less(m.Prior) {
		n.highest, n.adopted = m.Prior, m.Value
	}
	if bits.OnesCount64(n.promises) < n.pquorum {
		return
	}
	env.Always(bits.OnesCount64(n.promises) >= n.pquorum, AssertPhase2OnQuorum)
	env.Sometimes(n.adopted != checker.None, AssertAdoptedReported)
	v := n.value
	if n.adopted != checker.None && n.bug&bugIgnorePromisedValues == 0 {
		v = n.adopted // variant ignore-promised-values: never adopts, keeps its own
	}
	if v == checker.None {
		// A learner's ballot (see Fire) that found nothing accepted: no
		// value can be chosen yet, and it has none to propose.
		n.phase = idle
		env.CancelTimer(retryTimer)
		return
	}
	n.phase = accepting
	env.Observe(checker.Observation{Kind: checker.Proposed, Ballot: n.ballot, Value: v})
	if n.bug&bugReplyOwnValue != 0 {
		n.answerClients(env, v) // variant reply-own-value: v is not chosen yet
	}
	env.Broadcast(Msg{Type: Accept, Ballot: n.ballot, Value: v})
}

// earlierOwn reports whether b is one of this proposer's earlier ballots
// and, under the variant stale-promises, a promise to it counts toward the
// current ballot.
func (n *Node) earlierOwn(b Ballot) bool {
	return n.bug&bugStalePromises != 0 && b.Node == n.ballot.Node && b.Less(n.ballot)
}

// onAccept is the acceptor's phase 2b: accept unless a higher ballot was
// promised, and persist before replying.
func (n *Node) onAccept(env *Env, from sim.NodeID, m Msg) {
	bound := n.durable.Promised
	if n.bug&bugNoPromise != 0 {
		bound = n.durable.AcceptedBallot // variant no-promise: the accepted ballot is all there is
	}
	if m.Ballot.Less(bound) && n.bug&bugAcceptBelowPromise == 0 { // variant accept-below-promise: no check
		env.Send(from, Msg{Type: Nack, Ballot: bound})
		return
	}
	if n.bug&bugNoPromise == 0 {
		n.durable.Promised = m.Ballot
	}
	env.Sometimes(!n.durable.AcceptedBallot.IsZero() && n.durable.AcceptedBallot != m.Ballot, AssertReaccepted)
	n.durable.AcceptedBallot = m.Ballot
	n.durable.AcceptedValue = m.Value
	if n.bug&bugReplyBeforePersist == 0 {
		n.persist(env)
	}
	env.Observe(checker.Observation{Kind: checker.Accepted, Ballot: m.Ballot, Value: m.Value})
	reply := Msg{Type: Accepted, Ballot: m.Ballot, Value: m.Value}
	if n.bug&bugValueOnlyLearner != 0 {
		env.Broadcast(reply) // variant value-only-learner: every learner hears it
	} else {
		env.Send(from, reply)
	}
	if n.bug&bugReplyBeforePersist != 0 {
		n.persist(env) // variant reply-before-persist: after the reply
	}
}

// onAccepted counts phase-2b replies; a majority in one ballot means the
// value is chosen, and every learner is told.
func (n *Node) onAccepted(env *Env, from sim.NodeID, m Msg) {
	if n.bug&bugValueOnlyLearner != 0 {
		n.hear(env, from, m.Value)
	}
	if n.phase != accepting || m.Ballot != n.ballot {
		return
	}
	n.accepts |= 1 << uint(from)
	count := bits.OnesCount64(n.accepts)
	if n.bug&bugCountDuplicates != 0 {
		n.replies++ // variant count-duplicates: replies, not acceptors
		count = n.replies
	}
	if count < n.quorum {
		return
	}
	n.phase = idle
	n.learn(env, m.Value, n.ballot) // counted: a majority accepted it at this ballot
	env.Broadcast(Msg{Type: Commit, Value: m.Value})
}

// hear is the learner of the variant value-only-learner: it counts the
// acceptors that accepted v in any ballot, and learns v once a majority
// did, as if the same value accepted in different ballots were chosen.
func (n *Node) hear(env *Env, from sim.NodeID, v Value) {
	if n.durable.Learned != checker.None {
		return
	}
	i := 0
	for i < len(n.heard) && n.heard[i].value != v {
		i++
	}
	if i == len(n.heard) {
		n.heard = append(n.heard, valueVote{value: v})
	}
	n.heard[i].voters |= 1 << uint(from)
	if bits.OnesCount64(n.heard[i].voters) >= n.quorum {
		n.learn(env, v, checker.Ballot{}) // counted across ballots: it knows no ballot
	}
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
// different one, so that the checker sees what it believes, with the
// ballot it was chosen in when it counted the votes itself (at; zero when
// a commit told it).
func (n *Node) learn(env *Env, v Value, at checker.Ballot) {
	if n.durable.Learned == v {
		return
	}
	if n.durable.Learned == checker.None {
		n.durable.Learned = v
		n.persist(env)
	}
	env.Observe(checker.Observation{Kind: checker.Learned, Ballot: at, Value: v})
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
