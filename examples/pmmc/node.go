// pmmc is a replicated key-value store written after van Renesse and
// Altınbüken's "Paxos Made Moderately Complex", the way a third party
// would write it, and put under paxsim through its public API only
// (adapter.go).
//
// Every node hosts the paper's three roles, as state rather than
// processes. A replica keeps slot_in and slot_out (both from 1, as in the
// paper), proposes client requests at slot_in while slot_in < slot_out +
// WINDOW, applies decisions in slot order, skips a command decided
// before (a retry decided twice), and answers the client. A leader runs
// a scout (phase 1) for its ballot (round, leader); once adopted, it
// spawns a commander (phase 2) for each of its proposals, after taking
// for each slot the pvalue of the highest ballot the promises reported
// (pmax). A P1b or P2b with a higher ballot preempts it. An acceptor
// keeps its ballot and its set of pvalues on disk.
//
// The paper's links lose nothing. Here they do, so scouts, commanders and
// replicas resend on a tick, a replica asks a random peer for decisions
// it lacks (Status), and a preempted leader pings the leader that
// preempted it, scouting again only when that one stays silent (the
// paper's failure detector, which keeps leaders from duelling forever).
//
// THE BUG, on while lastPValueWins is true: pmax lets a later pvalue of a
// slot replace an earlier one, whatever their ballots.
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

// lastPValueWins is the bug: pmax keeps, for each slot, the pvalue the
// promises reported last instead of the one with the highest ballot.
// Set it to false for the correct protocol.
const lastPValueWins = true

// State is what a node keeps on disk: its acceptor's ballot and pvalues,
// its replica's decisions, and the last ballot its leader scouted (a
// leader that restarted must not use one of its ballots again: it would
// propose anew in a ballot that may have proposed other values).
type State struct {
	Ballot   Ballot
	Scouted  Ballot
	Accepted []PValue
	Decided  []PValue // slot s at Decided[s-1]; Slot is 0 where none is known
}

type env = sim.Env[Msg, State, checker.Observation]

// Node is one node: replica, leader and acceptor.
type Node struct {
	id, n, window int
	every         sim.Time // ticks between resends
	st            State
	// The replica.
	slotIn, slotOut int
	requests        []Cmd
	proposals       map[int]Cmd
	kv              map[string]string
	// The leader: its ballot, whether it is active (adopted), its
	// proposals, its scout and commanders; passive, the ballot that
	// preempted it, and the ticks its leader has not answered a Ping.
	bal        Ballot
	active     bool
	props      map[int]Cmd
	scout      scout
	commanders []commander
	watch      Ballot
	missed     int
}

// scout is phase 1 of the leader's ballot: who promised, and the pvalues
// they reported.
type scout struct {
	Live  bool
	Votes uint64 // bit per acceptor
	PVals []PValue
}

// commander is phase 2 of one pvalue: who accepted it.
type commander struct {
	PV    PValue
	Votes uint64
}

// newNode builds node id of a cluster of n from what it persisted. The
// replica replays its decisions silently: it reported them applied
// before it crashed.
func newNode(id sim.NodeID, n, window int, every sim.Time, st State) *Node {
	r := &Node{id: int(id), n: n, window: window, every: every, slotIn: 1, slotOut: 1,
		st:        State{st.Ballot, st.Scouted, slices.Clone(st.Accepted), slices.Clone(st.Decided)},
		proposals: map[int]Cmd{}, kv: map[string]string{}, bal: Ballot{0, int(id)}, props: map[int]Cmd{}}
	if st.Scouted != (Ballot{}) {
		r.bal.Round = st.Scouted.Round + 1
	}
	for r.decided(r.slotOut) {
		r.execute(r.st.Decided[r.slotOut-1].Cmd)
		r.slotOut++
	}
	r.slotIn = r.slotOut
	return r
}

// Start arms the tick and, as in the paper, spawns the leader's scout.
func (r *Node) Start(e *env) {
	e.SetTimer(0, r.every)
	r.spawnScout(e)
}

var handlers = map[Kind]func(*Node, *env, sim.NodeID, Msg){
	Request: (*Node).request, Propose: (*Node).propose, P1a: (*Node).p1a, P1b: (*Node).p1b, P2a: (*Node).p2a,
	P2b: (*Node).p2b, Decision: (*Node).decision, Ping: (*Node).ping, Pong: (*Node).pong, Status: (*Node).status,
}

// Deliver handles a message.
func (r *Node) Deliver(e *env, from sim.NodeID, m Msg) { handlers[m.Kind](r, e, from, m) }

// Fire is the tick: the leader resends or watches, the replica resends
// its proposals and asks a random peer for decisions.
func (r *Node) Fire(e *env, _ sim.TimerTag) {
	e.SetTimer(0, r.every)
	switch {
	case r.scout.Live:
		e.Broadcast(Msg{Kind: P1a, Bal: r.bal})
	case r.active:
		r.commanders = slices.DeleteFunc(r.commanders, func(c commander) bool { return r.decided(c.PV.Slot) })
		for _, c := range r.commanders {
			e.Broadcast(Msg{Kind: P2a, Bal: c.PV.Bal, Slot: c.PV.Slot, Cmd: c.PV.Cmd})
		}
	case r.missed > 2 && e.Rand(2) == 0:
		r.bal = Ballot{max(r.bal.Round, r.watch.Round+1), r.id}
		r.spawnScout(e)
	default:
		r.missed++
		e.Send(sim.NodeID(r.watch.Leader), Msg{Kind: Ping, Bal: r.watch})
	}
	for s := r.slotOut; s < r.slotIn; s++ {
		if c, ok := r.proposals[s]; ok {
			e.Broadcast(Msg{Kind: Propose, Slot: s, Cmd: c})
		}
	}
	if peer := 1 + e.Rand(r.n); peer != r.id {
		e.Send(sim.NodeID(peer), Msg{Kind: Status, Slot: r.slotOut})
	}
}

// request is a client's command: the replica adds it to its requests.
func (r *Node) request(e *env, _ sim.NodeID, m Msg) {
	if !slices.Contains(r.requests, m.Cmd) && !slices.Contains(slices.Collect(maps.Values(r.proposals)), m.Cmd) {
		r.requests = append(r.requests, m.Cmd)
	}
	r.fill(e)
}

// fill is the replica's propose(): requests go to free slots in the
// window, unless they were performed already (one decided past a gap is
// proposed again: that may fill the gap).
func (r *Node) fill(e *env) {
	for r.slotIn < r.slotOut+r.window && len(r.requests) > 0 {
		if c := r.requests[0]; slices.ContainsFunc(r.st.Decided[:r.slotOut-1], func(d PValue) bool { return d.Cmd == c }) {
			r.requests = r.requests[1:] // performed already: a retry, or a proposal that lost its slot to itself
			continue
		}
		if !r.decided(r.slotIn) {
			c := r.requests[0]
			r.requests = r.requests[1:]
			r.proposals[r.slotIn] = c
			e.Broadcast(Msg{Kind: Propose, Slot: r.slotIn, Cmd: c})
		}
		r.slotIn++
	}
}

// decision records decided pvalues and performs, in slot order, what is
// decided. A proposal of its own that lost its slot is requested again.
func (r *Node) decision(e *env, _ sim.NodeID, m Msg) {
	var fresh []PValue
	for _, d := range m.PVals {
		if x := grow(&r.st.Decided, d.Slot); x.Slot == 0 {
			*x = d
			fresh = append(fresh, d)
		}
	}
	if len(fresh) == 0 {
		return
	}
	r.persist(e)
	for _, d := range fresh {
		e.Observe(checker.Observation{Kind: checker.Learned, Instance: int64(d.Slot), Value: d.Cmd.ID(), Ballot: d.Bal.obs()})
	}
	for r.decided(r.slotOut) {
		d := r.st.Decided[r.slotOut-1].Cmd
		if c, ok := r.proposals[r.slotOut]; ok {
			delete(r.proposals, r.slotOut)
			if c != d {
				r.requests = append(r.requests, c)
			}
		}
		r.perform(e, d)
	}
	r.fill(e)
}

// perform applies c at slot_out, and answers its client unless c was
// decided at an earlier slot.
func (r *Node) perform(e *env, c Cmd) {
	effect := r.execute(c)
	e.Observe(checker.Observation{Kind: checker.Applied, Instance: int64(r.slotOut), Value: c.ID(), State: hash(fmt.Sprint(r.kv)), Effect: effect})
	r.slotOut++
	if effect {
		e.Observe(checker.Observation{Kind: checker.Returned, Client: c.Client, Value: c.ID(), Output: r.kv[c.Key]})
	}
}

// execute runs c on the store, unless it was decided below slot_out.
func (r *Node) execute(c Cmd) bool {
	for s := 1; s < r.slotOut; s++ {
		if r.st.Decided[s-1].Cmd == c {
			return false
		}
	}
	switch c.Op {
	case "put":
		r.kv[c.Key] = c.Arg
	case "append":
		r.kv[c.Key] += c.Arg
	}
	return true
}

// status sends a replica the decisions it lacks, from its slot_out.
func (r *Node) status(e *env, from sim.NodeID, m Msg) {
	var ds []PValue
	for s := m.Slot; s <= len(r.st.Decided) && len(ds) < 16; s++ {
		if r.decided(s) {
			ds = append(ds, r.st.Decided[s-1])
		}
	}
	if len(ds) > 0 {
		e.Send(from, Msg{Kind: Decision, PVals: ds})
	}
}

// propose is a replica's proposal, at the leader: it keeps the first one
// of each slot, and an active leader commands it (again, if the replica
// asks again: the decision may have been lost). A slot this node's
// replica knows decided is answered with the decision.
func (r *Node) propose(e *env, from sim.NodeID, m Msg) {
	if r.decided(m.Slot) {
		e.Send(from, Msg{Kind: Decision, PVals: []PValue{r.st.Decided[m.Slot-1]}})
		return
	}
	c, ok := r.props[m.Slot]
	if !ok {
		c, r.props[m.Slot] = m.Cmd, m.Cmd
	}
	if r.active && !slices.ContainsFunc(r.commanders, func(x commander) bool { return x.PV.Slot == m.Slot }) {
		r.command(e, PValue{r.bal, m.Slot, c})
	}
}

// spawnScout starts phase 1 of the leader's ballot, which it persists
// first.
func (r *Node) spawnScout(e *env) {
	r.scout, r.active, r.commanders, r.st.Scouted = scout{Live: true}, false, nil, r.bal
	r.persist(e)
	e.Broadcast(Msg{Kind: P1a, Bal: r.bal})
}

// command spawns a commander for pv.
func (r *Node) command(e *env, pv PValue) {
	r.commanders = append(r.commanders, commander{PV: pv})
	e.Observe(checker.Observation{Kind: checker.Proposed, Instance: int64(pv.Slot), Ballot: pv.Bal.obs(), Value: pv.Cmd.ID()})
	e.Broadcast(Msg{Kind: P2a, Bal: pv.Bal, Slot: pv.Slot, Cmd: pv.Cmd})
}

// p1a is the acceptor's phase 1: it adopts a higher ballot, and answers
// with its ballot and pvalues.
func (r *Node) p1a(e *env, from sim.NodeID, m Msg) {
	r.heard(m.Bal)
	if r.st.Ballot.Less(m.Bal) {
		r.st.Ballot = m.Bal
		r.persist(e)
		e.Observe(checker.Observation{Kind: checker.Promised, Instance: 1, Ballot: m.Bal.obs(), AllInstances: true})
	}
	e.Send(from, Msg{Kind: P1b, Bal: r.st.Ballot, PVals: slices.Clone(r.st.Accepted)})
}

// p2a is the acceptor's phase 2: it accepts a pvalue of a ballot not
// below its own.
func (r *Node) p2a(e *env, from sim.NodeID, m Msg) {
	r.heard(m.Bal)
	if !m.Bal.Less(r.st.Ballot) {
		r.st.Ballot = m.Bal
		if pv := (PValue{m.Bal, m.Slot, m.Cmd}); !slices.Contains(r.st.Accepted, pv) {
			r.st.Accepted = append(r.st.Accepted, pv)
		}
		r.persist(e)
		e.Observe(checker.Observation{Kind: checker.Accepted, Instance: int64(m.Slot), Ballot: m.Bal.obs(), Value: m.Cmd.ID()})
	}
	e.Send(from, Msg{Kind: P2b, Bal: r.st.Ballot, Asked: m.Bal, Slot: m.Slot})
}

// p1b is a promise, for the scout: a majority adopts the ballot.
func (r *Node) p1b(e *env, from sim.NodeID, m Msg) {
	switch {
	case r.bal.Less(m.Bal):
		r.preempted(m.Bal)
	case !r.scout.Live || m.Bal != r.bal:
	default:
		r.scout.Votes |= 1 << from
		r.scout.PVals = append(r.scout.PVals, m.PVals...)
		if bits.OnesCount64(r.scout.Votes) > r.n/2 {
			r.adopted(e)
		}
	}
}

// adopted makes the leader active: it takes pmax of what the promises
// reported, and commands every proposal its replica does not know
// decided.
func (r *Node) adopted(e *env) {
	best := map[int]PValue{}
	for _, p := range r.scout.PVals {
		if q, ok := best[p.Slot]; lastPValueWins || !ok || q.Bal.Less(p.Bal) { // BUG while lastPValueWins
			best[p.Slot] = p
		}
	}
	for s, p := range best {
		r.props[s] = p.Cmd
	}
	r.scout, r.active = scout{}, true
	for s := 1; len(r.props) > 0 && s <= slices.Max(slices.Collect(maps.Keys(r.props))); s++ {
		if c, ok := r.props[s]; ok && !r.decided(s) {
			r.command(e, PValue{r.bal, s, c})
		}
	}
}

// p2b is a vote, for a commander: a majority decides its pvalue.
func (r *Node) p2b(e *env, from sim.NodeID, m Msg) {
	if r.bal.Less(m.Bal) {
		r.preempted(m.Bal)
		return
	}
	i := slices.IndexFunc(r.commanders, func(c commander) bool { return c.PV.Bal == m.Bal && c.PV.Slot == m.Slot && m.Asked == m.Bal })
	if i < 0 {
		return
	}
	c := &r.commanders[i]
	if c.Votes |= 1 << from; bits.OnesCount64(c.Votes) > r.n/2 {
		e.Broadcast(Msg{Kind: Decision, PVals: []PValue{c.PV}})
		r.commanders = slices.Delete(r.commanders, i, i+1)
	}
}

// preempted makes the leader passive: it watches the leader of b, and
// scouts again with a higher ballot only when that one falls silent.
func (r *Node) preempted(b Ballot) {
	r.active, r.scout, r.commanders = false, scout{}, nil
	r.watch, r.missed, r.bal = b, 0, Ballot{b.Round + 1, r.id}
}

// ping answers a preempted leader while this one leads or scouts; if it
// was preempted too, it names the ballot that preempted it, whose leader
// the other is then to watch.
func (r *Node) ping(e *env, from sim.NodeID, m Msg) {
	switch {
	case r.active || r.scout.Live:
		e.Send(from, Msg{Kind: Pong, Bal: r.bal})
	case m.Bal.Less(r.watch):
		e.Send(from, Msg{Kind: Pong, Bal: r.watch})
	}
}

// pong: the leader watched is alive, or names a higher ballot to watch.
func (r *Node) pong(_ *env, _ sim.NodeID, m Msg) { r.heard(m.Bal) }

// heard: a message of ballot b, not below the one watched, shows that its
// leader is alive.
func (r *Node) heard(b Ballot) {
	if !b.Less(r.watch) {
		r.watch, r.missed = b, 0
	}
}

func (r *Node) decided(s int) bool { return s <= len(r.st.Decided) && r.st.Decided[s-1].Slot != 0 }

// grow returns the entry at slot s of log, growing the log to s.
func grow(log *[]PValue, s int) *PValue {
	for len(*log) < s {
		*log = append(*log, PValue{})
	}
	return &(*log)[s-1]
}

func (r *Node) persist(e *env) {
	e.Persist(State{r.st.Ballot, r.st.Scouted, slices.Clone(r.st.Accepted), slices.Clone(r.st.Decided)})
}

// CloneInto copies the node for paxsim's explorer (sim.Cloner).
func (r *Node) CloneInto(sim.Node[Msg, State, checker.Observation]) sim.Node[Msg, State, checker.Observation] {
	c := *r
	c.st = State{r.st.Ballot, r.st.Scouted, slices.Clone(r.st.Accepted), slices.Clone(r.st.Decided)}
	c.requests, c.proposals, c.kv, c.props = slices.Clone(r.requests), maps.Clone(r.proposals), maps.Clone(r.kv), maps.Clone(r.props)
	c.scout.PVals, c.commanders = slices.Clone(r.scout.PVals), slices.Clone(r.commanders)
	return &c
}

// Fingerprint hashes the node's state, for the explorer (sim.Fingerprinter).
func (r *Node) Fingerprint(h *fingerprint.Hasher) { h.Uint64(hash(fmt.Sprint(*r))) }

// Fingerprint hashes the durable state, for the explorer.
func (st State) Fingerprint(h *fingerprint.Hasher) { h.Uint64(hash(fmt.Sprint(st))) }
