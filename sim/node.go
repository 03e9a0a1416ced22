package sim

import "strconv"

// NodeID names a node. Nodes are numbered 1..N; External (0) is the sender
// of client requests, which come from outside the cluster.
type NodeID int

// External is the NodeID that client requests arrive from.
const External NodeID = 0

// MaxNodes is the largest cluster a World runs: node sets are 64-bit masks.
const MaxNodes = 63

func (id NodeID) String() string {
	if id == External {
		return "client"
	}
	return strconv.Itoa(int(id))
}

// Time is virtual time in ticks. A tick has no wall-clock meaning; the
// defaults treat one tick as roughly a millisecond of network time.
type Time int64

// TimerTag names one of a node's timers. A node has at most one pending
// timer per tag: setting a tag again replaces the pending one.
type TimerTag uint8

// MaxTimerTags bounds the tags a node may use: 0..7. Few are needed (a
// proposer's retry, a learner's catch-up, a leader's heartbeat), and each
// costs every node's slot memory, which exhaustive search copies per state.
const MaxTimerTags = 8

// Message is the constraint on what nodes send each other. Messages are small
// values; a node must not mutate a message (or memory it shares) after
// sending it, because the network may hold and re-deliver copies.
type Message interface {
	// Digest is a 64-bit hash of the content: equal messages give equal
	// digests. It feeds the trace hash, so it must not depend on pointers.
	Digest() uint64
	// String renders the message for readable traces, and names it in
	// decision traces and scenario scripts: a step picks the message in
	// flight whose String it gives, so String must tell apart any two
	// messages that differ in a way the receiver can see (two messages
	// with one rendering are taken as the same message).
	String() string
}

// Node is a process under test: a deterministic state machine that reacts to
// deliveries and timers. It acts on the world only through env.
type Node[M Message, D, O any] interface {
	// Start runs when the node boots, first or after a crash, once the node
	// has been rebuilt from its durable state.
	Start(env *Env[M, D, O])
	// Deliver hands the node a message. from is External for client requests.
	Deliver(env *Env[M, D, O], from NodeID, msg M)
	// Fire runs when a timer set with env.SetTimer expires.
	Fire(env *Env[M, D, O], tag TimerTag)
}

// NewNode builds node id from what it last persisted. durable is D's zero
// value when the node never persisted anything. A crash discards the node
// and a restart calls NewNode again: volatile state cannot survive.
type NewNode[M Message, D, O any] func(id NodeID, durable D) Node[M, D, O]

// Observer receives every observation a node emits, in execution order.
type Observer[O any] func(node NodeID, o O)
