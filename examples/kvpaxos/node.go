// kvpaxos is a small replicated key-value store on Multi-Paxos, written
// the way a third party would write one, and put under paxsim through its
// public API only (adapter.go).
//
// Every replica is proposer, acceptor and learner. A client sends a get,
// put or append to any replica, which forwards it to the leader it knows.
// A replica that knows none (the client will retry), or stops hearing
// from its leader, runs phase 1 for the whole log with a higher ballot.
// Acceptors answer with their log, and the new leader proposes again, at
// each slot past its commit index, what the promises reported at the
// highest ballot (a no-op where nobody reported anything), then new
// commands. A slot a majority accepted is decided; a follower that hears
// of a higher commit index in the leader's heartbeat asks for what it
// lacks. Replicas apply the decided slots in order, skip a command whose
// client they already served (a retry), and each answers the client,
// which takes the first answer.
//
// THE BUG. An acceptor's promise reports its log from the acceptor's own
// commit index on, not from where the Prepare asks: "the slots I know are
// decided, the new leader will learn them through catch-up." A candidate
// that missed a slot decided by the others hears nothing of it from those
// that know it decided, and proposes a no-op or a new command there: two
// values chosen in one slot. It is marked BUG in Node.prepare, with the
// fix.
package main

import (
	"fmt"
	"maps"
	"math/bits"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/sim"
)

// State is what a replica keeps on disk.
type State struct {
	Promised Ballot
	Log      []Entry // slot s at Log[s-1]
	Commit   int     // slots 1..Commit are decided and applied
}

type env = sim.Env[Msg, State, checker.Observation]

// Node is one replica. It follows leader, the leader it heard from or the
// candidate it promised (0 for none), and counts idle, the ticks since it
// last heard its leader. As a candidate for ballot bal it keeps votes, the
// nodes that promised (bit per node), and rec, the highest-ballot entry
// reported at each slot; leading, it keeps props, what it proposed at
// each slot and who accepted it.
type Node struct {
	id, n, leader, idle int
	every               sim.Time // ticks between heartbeats
	st                  State
	kv                  map[string]string
	last                map[int]int // by client: the sequence number of its latest command executed
	bal                 Ballot
	leading             bool
	votes               uint64
	rec                 []Entry
	props               []prop
}

type prop struct {
	Cmd   Cmd
	Votes uint64 // who accepted it, bit per node
}

// newNode builds replica id of a cluster of n from what it persisted. It
// replays its decided log into the store silently: it reported those
// slots applied before it crashed.
func newNode(id sim.NodeID, n int, every sim.Time, st State) *Node {
	r := &Node{id: int(id), n: n, every: every, st: State{st.Promised, slices.Clone(st.Log), st.Commit}, kv: map[string]string{}, last: map[int]int{}}
	for _, e := range st.Log[:st.Commit] {
		r.execute(e.Cmd)
	}
	return r
}

// Start arms the tick.
func (r *Node) Start(e *env) { e.SetTimer(0, r.every) }

// handlers are the replica's message handlers, by kind.
var handlers = map[Kind]func(*Node, *env, sim.NodeID, Msg){
	Request: (*Node).request, Prepare: (*Node).prepare, Promise: (*Node).promise, Accept: (*Node).accept,
	Accepted: (*Node).accepted, Learn: (*Node).learn, Heartbeat: (*Node).heartbeat, Need: (*Node).need,
}

// Deliver handles a message.
func (r *Node) Deliver(e *env, from sim.NodeID, m Msg) { handlers[m.Kind](r, e, from, m) }

// heartbeat follows the leader, and asks it for the decided slots this
// replica lacks.
func (r *Node) heartbeat(e *env, from sim.NodeID, m Msg) {
	if r.follow(e, from, m.Bal) && m.Slot > r.st.Commit {
		e.Send(from, Msg{Kind: Need, Slot: r.st.Commit + 1})
	}
}

// need sends a follower the decided slots it asks for.
func (r *Node) need(e *env, from sim.NodeID, m Msg) {
	if m.Slot <= r.st.Commit {
		e.Send(from, Msg{Kind: Learn, Slot: m.Slot, Log: slices.Clone(r.st.Log[m.Slot-1 : r.st.Commit])})
	}
}

// Fire is the tick. A leader sends a heartbeat, and again what it
// proposed past its commit index; anyone else runs for leader after a few
// silent ticks.
func (r *Node) Fire(e *env, _ sim.TimerTag) {
	e.SetTimer(0, r.every)
	if !r.leading {
		if r.idle++; r.idle > 2 && e.Rand(3) == 0 {
			r.elect(e)
		}
		return
	}
	e.Broadcast(Msg{Kind: Heartbeat, Bal: r.bal, Slot: r.st.Commit})
	for s := r.st.Commit + 1; s <= len(r.props); s++ {
		e.Broadcast(Msg{Kind: Accept, Bal: r.bal, Slot: s, Cmd: r.props[s-1].Cmd})
	}
}

// request proposes a client's command, unless it is in the log already,
// or forwards it to the leader. A replica that knows no leader runs for
// it; the client will retry.
func (r *Node) request(e *env, _ sim.NodeID, m Msg) {
	switch {
	case r.leading && !slices.ContainsFunc(r.props, func(p prop) bool { return p.Cmd == m.Cmd }):
		r.propose(e, m.Cmd)
	case r.leader == 0:
		r.elect(e)
	case r.leader != r.id:
		e.Send(sim.NodeID(r.leader), m)
	}
}

// elect runs phase 1 with a ballot above its promise.
func (r *Node) elect(e *env) {
	r.bal = Ballot{r.st.Promised.N + 1, r.id}
	r.raise(e, r.bal)
	r.leading, r.votes, r.rec, r.idle = false, 0, nil, 0
	e.Broadcast(Msg{Kind: Prepare, Bal: r.bal, Slot: r.st.Commit + 1})
}

// prepare promises a ballot not below its promise, and reports its log.
func (r *Node) prepare(e *env, from sim.NodeID, m Msg) {
	if m.Bal.Less(r.st.Promised) {
		return
	}
	r.raise(e, m.Bal)
	start := r.st.Commit + 1 // BUG: the fix is start := min(m.Slot, len(r.st.Log)+1)
	e.Send(from, Msg{Kind: Promise, Bal: m.Bal, Slot: start, Log: slices.Clone(r.st.Log[start-1:])})
}

// promise counts a promise of the candidate's ballot and keeps what it
// reports; a majority makes the candidate leader.
func (r *Node) promise(e *env, from sim.NodeID, m Msg) {
	if r.leading || m.Bal != r.bal || r.st.Promised != r.bal {
		return
	}
	r.votes |= 1 << from
	for i, x := range m.Log {
		if y := grow(&r.rec, m.Slot+i); y.Bal.Less(x.Bal) {
			*y = x
		}
	}
	if bits.OnesCount64(r.votes) <= r.n/2 {
		return
	}
	// Leading, it proposes again what the promises reported past its
	// commit index, a no-op where they reported nothing.
	r.leading, r.props = true, make([]prop, r.st.Commit)
	for s := r.st.Commit + 1; s <= len(r.rec); s++ {
		r.propose(e, r.rec[s-1].Cmd)
	}
}

// propose sends phase 2a for c at the next slot.
func (r *Node) propose(e *env, c Cmd) {
	r.props = append(r.props, prop{Cmd: c})
	e.Observe(checker.Observation{Kind: checker.Proposed, Instance: int64(len(r.props)), Ballot: r.bal.obs(), Value: c.ID()})
	e.Broadcast(Msg{Kind: Accept, Bal: r.bal, Slot: len(r.props), Cmd: c})
}

// follow takes the leader of ballot b, unless it promised a higher one.
func (r *Node) follow(e *env, from sim.NodeID, b Ballot) bool {
	if b.Less(r.st.Promised) {
		return false
	}
	r.raise(e, b)
	r.leader, r.idle = int(from), 0
	return true
}

// raise promises b for every slot, if b is above its promise.
func (r *Node) raise(e *env, b Ballot) {
	if !r.st.Promised.Less(b) {
		return
	}
	r.st.Promised, r.leader, r.leading = b, b.ID, r.leading && !r.bal.Less(b)
	r.persist(e)
	e.Observe(checker.Observation{Kind: checker.Promised, Instance: int64(r.st.Commit + 1), Ballot: b.obs(), AllInstances: true})
}

// accept accepts the leader's proposal, unless it promised higher.
func (r *Node) accept(e *env, from sim.NodeID, m Msg) {
	if !r.follow(e, from, m.Bal) {
		return
	}
	x := grow(&r.st.Log, m.Slot)
	x.Bal, x.Cmd = m.Bal, m.Cmd
	r.persist(e)
	e.Observe(checker.Observation{Kind: checker.Accepted, Instance: int64(m.Slot), Ballot: m.Bal.obs(), Value: m.Cmd.ID()})
	e.Send(from, Msg{Kind: Accepted, Bal: m.Bal, Slot: m.Slot})
}

// accepted counts a vote; the one that makes a majority decides the slot,
// which the followers learn after the next heartbeat.
func (r *Node) accepted(e *env, from sim.NodeID, m Msg) {
	if !r.leading || m.Bal != r.bal || m.Slot > len(r.props) {
		return
	}
	p := &r.props[m.Slot-1]
	if p.Votes&(1<<from) == 0 && bits.OnesCount64(p.Votes) == r.n/2 {
		r.learn(e, sim.NodeID(r.id), Msg{Slot: m.Slot, Log: []Entry{{r.bal, p.Cmd, true}}})
	}
	p.Votes |= 1 << from
}

// learn records decided slots, from m.Slot on, and applies in order what
// is decided.
func (r *Node) learn(e *env, _ sim.NodeID, m Msg) {
	for i, x := range m.Log {
		if y := grow(&r.st.Log, m.Slot+i); !y.Done {
			*y = x
			e.Observe(checker.Observation{Kind: checker.Learned, Instance: int64(m.Slot + i), Value: x.Cmd.ID()})
		}
	}
	for r.st.Commit < len(r.st.Log) && r.st.Log[r.st.Commit].Done {
		r.st.Commit++
		r.apply(e, r.st.Log[r.st.Commit-1].Cmd)
	}
	r.persist(e)
}

// apply executes the command at the commit index and answers its client
// (a retry that reached the log again was answered the first time).
func (r *Node) apply(e *env, c Cmd) {
	effect := r.execute(c)
	e.Observe(checker.Observation{Kind: checker.Applied, Instance: int64(r.st.Commit), Value: c.ID(), State: hash(fmt.Sprint(r.kv)), Effect: effect})
	if effect {
		e.Observe(checker.Observation{Kind: checker.Returned, Client: c.Client, Value: c.ID(), Output: r.kv[c.Key]})
	}
}

// execute runs c on the store, unless it is the no-op or its client's
// command ran already, and reports whether it did.
func (r *Node) execute(c Cmd) bool {
	if c.Client == 0 || r.last[c.Client] >= c.Seq {
		return false
	}
	switch c.Op {
	case "put":
		r.kv[c.Key] = c.Arg
	case "append":
		r.kv[c.Key] += c.Arg
	}
	r.last[c.Client] = c.Seq
	return true
}

// grow returns the entry at slot s of log, growing the log to s.
func grow(log *[]Entry, s int) *Entry {
	for len(*log) < s {
		*log = append(*log, Entry{})
	}
	return &(*log)[s-1]
}

func (r *Node) persist(e *env) { e.Persist(State{r.st.Promised, slices.Clone(r.st.Log), r.st.Commit}) }

// CloneInto copies the replica for paxsim's explorer (sim.Cloner).
func (r *Node) CloneInto(sim.Node[Msg, State, checker.Observation]) sim.Node[Msg, State, checker.Observation] {
	c := *r
	c.st.Log, c.kv, c.last = slices.Clone(r.st.Log), maps.Clone(r.kv), maps.Clone(r.last)
	c.rec, c.props = slices.Clone(r.rec), slices.Clone(r.props)
	return &c
}

// Fingerprint hashes the replica's state, for the explorer
// (sim.Fingerprinter).
func (r *Node) Fingerprint(h *fingerprint.Hasher) { h.Uint64(hash(fmt.Sprint(*r))) }

// Fingerprint hashes the durable state, for the explorer.
func (st State) Fingerprint(h *fingerprint.Hasher) { h.Uint64(hash(fmt.Sprint(st))) }
