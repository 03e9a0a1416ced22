package multipaxos

import (
	"fmt"
	"math/bits"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/internal/arena"
	"github.com/paxsim/paxsim/sim"
)

// Config tunes a cluster of Multi-Paxos replicas. The zero value is a
// correct cluster of every node with the defaults below.
type Config struct {
	Variant Variant
	// Members is the initial configuration; nil means every node. The
	// other nodes run as learners until a reconfiguration adds them.
	Members []sim.NodeID
	// Alpha is Lamport's window: the configuration of instance i is the one
	// chosen at or before instance i-Alpha, so a leader proposes at most
	// Alpha instances past its applied log, and a reconfiguration chosen
	// at j governs the instances from j+Alpha on. It is also the depth of
	// the leader's pipeline. 1..64; 0 means 8.
	Alpha int
	// HeartbeatTicks is the leader's heartbeat period, which also paces its
	// retransmissions. 0 means 20.
	HeartbeatTicks sim.Time
	// ElectionTicks is the base election timeout: a member that hears from
	// no leader for a random time in [E, 2E) campaigns; a candidate whose
	// ballot fails retries after [E, E + E*2^min(k,4)) on its k-th attempt,
	// the randomized, growing backoff that settles duelling candidates.
	// 0 means 100.
	ElectionTicks sim.Time
	// RetryTicks is how long a leader waits for an accept's replies before
	// sending it again to the acceptors that have not answered (counted in
	// heartbeats, rounded down, plus one). 0 means 2*HeartbeatTicks.
	RetryTicks sim.Time
	// CommitTicks is how long a leader holds commit notifications for an
	// accept to carry them before sending them in a heartbeat of their
	// own. 0 means 5.
	CommitTicks sim.Time
	// CatchupTicks is how long a learner that heard of chosen entries it
	// lacks waits before asking for them, and then between requests. 0
	// means HeartbeatTicks.
	CatchupTicks sim.Time
	// CatchUp is the most chosen entries of its prefix that a promise or a
	// catch-up reply (Learn) carries; a replica further behind asks again.
	// 1..CatchUpEntries; 0 means CatchUpEntries.
	CatchUp int
}

// params is a Config resolved for one cluster: shared, never mutated, by
// every node of the cluster and every clone of them.
type params struct {
	nodes     int
	all       uint64 // every node id
	initial   View
	alpha     int64
	heartbeat sim.Time
	election  sim.Time
	commit    sim.Time
	catchup   sim.Time
	retryAge  int // heartbeats a proposal waits before it is sent again
	report    int // chosen entries a promise or a Learn carries (Config.CatchUp)
	bug       bug
}

// Limits on what one message carries.
const (
	maxAlpha = 64   // an Accepted's mask covers one window
	maxQueue = 4096 // client commands a replica holds
)

// Timer tags used by a Node.
const (
	tickTimer     sim.TimerTag = iota // leader: heartbeat and retransmit; candidate: resend prepares
	electionTimer                     // follower: no leader heard, campaign; candidate: retry
	catchupTimer                      // learner: ask again for missing chosen entries
	commitTimer                       // leader: send held commit notifications
)

var timerNames = [...]string{tickTimer: "tick", electionTimer: "election", catchupTimer: "catchup", commitTimer: "commit"}

// TimerName names a Node's timer for people (scenario steps, traces):
// tick, election, catchup or commit.
func TimerName(tag sim.TimerTag) string {
	if int(tag) < len(timerNames) {
		return timerNames[tag]
	}
	return fmt.Sprintf("timer%d", tag)
}

// LookupTimer is TimerName's inverse.
func LookupTimer(name string) (sim.TimerTag, bool) {
	for tag, n := range timerNames {
		if n == name {
			return sim.TimerTag(tag), true
		}
	}
	return 0, false
}

const maxBackoffShift = 4

func resolve(nodes int, cfg Config) *params {
	if nodes < 1 || nodes > sim.MaxNodes {
		panic(fmt.Sprintf("multipaxos: %d nodes: want 1..%d", nodes, sim.MaxNodes))
	}
	p := &params{nodes: nodes, all: uint64(1)<<uint(nodes+1) - 2, bug: bugOf(cfg.Variant)}
	p.initial.Members = p.all
	if len(cfg.Members) > 0 {
		p.initial.Members = MemberSet(cfg.Members...)
		if p.initial.Members&^p.all != 0 {
			panic(fmt.Sprintf("multipaxos: members {%s} outside nodes 1..%d", sim.FormatNodes(p.initial.Members), nodes))
		}
	}
	switch {
	case cfg.Alpha == 0:
		p.alpha = 8
	case cfg.Alpha < 1 || cfg.Alpha > maxAlpha:
		panic(fmt.Sprintf("multipaxos: alpha %d: want 1..%d", cfg.Alpha, maxAlpha))
	default:
		p.alpha = int64(cfg.Alpha)
	}
	orDefault := func(t, d sim.Time) sim.Time {
		if t < 0 {
			panic(fmt.Sprintf("multipaxos: a negative time knob (%d ticks)", t))
		}
		if t == 0 {
			return d
		}
		return t
	}
	p.heartbeat = orDefault(cfg.HeartbeatTicks, 20)
	p.election = orDefault(cfg.ElectionTicks, 100)
	p.commit = orDefault(cfg.CommitTicks, 5)
	p.catchup = orDefault(cfg.CatchupTicks, p.heartbeat)
	p.retryAge = int(orDefault(cfg.RetryTicks, 2*p.heartbeat)/p.heartbeat) + 1
	p.report = reportSize(cfg.CatchUp)
	return p
}

// reportSize resolves Config.CatchUp.
func reportSize(catchUp int) int {
	switch {
	case catchUp == 0:
		return CatchUpEntries
	case catchUp < 1 || catchUp > CatchUpEntries:
		panic(fmt.Sprintf("multipaxos: catch-up %d: want 1..%d", catchUp, CatchUpEntries))
	}
	return catchUp
}

// CatchUpEntries is the most, and the default, of Config.CatchUp.
const CatchUpEntries = 64

// role is what a replica is doing about leadership.
type role uint8

const (
	follower  role = iota // follows the leader it knows, if any
	candidate             // runs phase 1 for its ballot
	leader                // phase 1 done: proposes, one round trip per command
)

var roleNames = [...]string{follower: "follower", candidate: "candidate", leader: "leader"}

func (r role) String() string { return roleNames[r] }

// proposal is a leader's entry in flight: the acceptors that accepted it
// and how many heartbeats it has waited.
type proposal struct {
	entry Entry
	votes uint64
	age   int
}

// Node is one Multi-Paxos replica: proposer (a leader when elected),
// acceptor and learner of every instance, and a replica of the key-value
// service. See the package documentation for the design.
type Node struct {
	p  *params
	id sim.NodeID

	// Durable state, persisted at the end of any handler that changed it.
	promised Ballot  // the acceptor's promise, for every instance
	log      []Entry // log[k] is instance k+1; zero entries are gaps
	prefix   int64   // instances 1..prefix are chosen and applied
	// logShared says log's backing array may back a persisted Durable's
	// Prefix: a clone must not write into it.
	logShared bool
	dirty     bool

	svc service // volatile: rebuilt from the prefix

	// Leadership.
	role         role
	ballot       Ballot     // a candidate's or leader's ballot
	leader       sim.NodeID // the leader this replica follows; 0 for none known
	leaderBallot Ballot
	maxSeen      Ballot // the highest ballot seen refused in a Nack
	attempt      int    // consecutive campaigns without a leader heard
	heard        bool   // a leader (or a higher candidate) was heard since the election timer was armed

	// Candidate and leader: phase 1 of ballot, for instances from on.
	from          int64
	promisedBy    uint64      // acceptors that promised ballot
	recovered     []Entry     // per instance, the unchosen entry of the highest ballot reported, sorted
	recoverTo     int64       // the highest instance any promise reported
	recoverChosen int64       // the highest chosen prefix any promise reported
	blocked       uint64      // members whose promises the leader waits for, to go on
	gaps          []reportGap // the chosen instances promises reported chosen but did not carry

	// Leader: phase 2.
	next        int64 // the next instance to propose at
	pending     []proposal
	fillTo      int64   // propose no-ops up to here when idle: a reconfiguration's window
	notify      []Entry // commit notifications not sent yet
	commitArmed bool

	// Client commands.
	queue   []Command // to propose (leader) or to hand to a leader when one is known
	waiting []Command // requests clients sent to this replica: it answers them when applied

	// Catch-up.
	ahead        int64 // the highest chosen prefix heard of
	aheadPeer    sim.NodeID
	catchupArmed bool
	catchupTries int

	// Memory, not state: the arena that the entries of sent messages and
	// persisted tails come from, and buffers to build them in.
	arena   arena.Slice[Entry]
	scratch []Entry // a run of entries being built, then copied to the arena
	tail    []Entry // persist's: the tail being built
	out     outbox  // what the running handler sends and reports, in order (flush)
	decided []Entry // tally's proposals just chosen
}

// NewNodes returns the sim.NewNode that builds replicas configured by cfg.
// It panics on a bad configuration.
func NewNodes(nodes int, cfg Config) sim.NewNode[Msg, Durable, checker.Observation] {
	p := resolve(nodes, cfg)
	return func(id sim.NodeID, d Durable) sim.Node[Msg, Durable, checker.Observation] {
		return newNode(p, id, d)
	}
}

// newNode rebuilds a replica from its durable state. Replaying the chosen
// prefix is silent: every entry in it was applied, and reported, in the
// handler that made it durable, before any crash. Chosen entries past the
// prefix (a crash fell between the write that learned them and their
// application) are applied, and reported, when the replica starts.
func newNode(p *params, id sim.NodeID, d Durable) *Node {
	n := &Node{p: p, id: id, promised: d.Promised, svc: newService(p.initial, p.alpha, p.nodes)}
	n.out = outbox{kinds: make([]outputKind, 0, 16), sends: make([]sendOut, 0, 8), obs: make([]checker.Observation, 0, 8)}
	n.log = d.Prefix[:len(d.Prefix):len(d.Prefix)]
	n.logShared = len(d.Prefix) > 0
	for k := range n.log {
		n.prefix++
		n.svc.apply(n.prefix, n.log[k].Cmd, p.bug&bugNoDedup == 0)
	}
	for _, e := range d.Tail {
		n.set(e)
	}
	return n
}

// Start implements sim.Node: a replica boots as a follower; a restarted one
// applies the chosen entries it had learned but not applied, and asks its
// peers for those it missed.
func (n *Node) Start(env *Env) {
	n.armElection(env)
	n.applyReady(env)
	if n.prefix > 0 || len(n.log) > 0 || !n.promised.IsZero() {
		for id := sim.NodeID(1); int(id) <= n.p.nodes; id++ {
			if id != n.id {
				n.send(env, id, Msg{Type: LearnReq, From: n.prefix + 1})
			}
		}
		n.catchupArmed = true
		env.SetTimer(catchupTimer, n.p.catchup)
	}
	n.flush(env)
}

// Deliver implements sim.Node.
func (n *Node) Deliver(env *Env, from sim.NodeID, m Msg) {
	switch m.Type {
	case RequestMsg:
		n.onRequest(env, from, m)
	case Prepare:
		n.onPrepare(env, from, m)
	case Promise:
		n.onPromise(env, from, m)
	case Accept:
		n.onAccept(env, from, m)
	case Accepted:
		n.onAccepted(env, from, m)
	case Nack:
		n.onNack(env, m)
	case Heartbeat:
		n.onHeartbeat(env, from, m)
	case LearnReq:
		n.onLearnReq(env, from, m)
	case Learn:
		n.onLearn(env, from, m)
	}
	n.flush(env)
}

// Fire implements sim.Node.
func (n *Node) Fire(env *Env, tag sim.TimerTag) {
	switch tag {
	case tickTimer:
		n.onTick(env)
	case electionTimer:
		n.onElectionTimeout(env)
	case catchupTimer:
		n.onCatchupTimeout(env)
	case commitTimer:
		n.commitArmed = false
		if n.role == leader && len(n.notify) > 0 {
			n.heartbeat(env)
		}
	}
	n.flush(env)
}

// persist writes the durable state, and syncs it, if the handler changed
// it: the promise, the prefix (shared, clipped) and a write-once copy of
// the tail. It runs at the end of every handler, before the messages and
// observations it queued leave the node (flush). Variant no-sync writes
// without syncing.
func (n *Node) persist(env *Env) {
	if !n.dirty {
		return
	}
	n.dirty = false
	p := n.prefix
	d := Durable{Promised: n.promised, Prefix: n.log[:p:p]}
	n.tail = n.tail[:0]
	for k := range n.log[p:] {
		if e := &n.log[p+int64(k)]; !empty(e) {
			n.tail = append(n.tail, *e)
		}
	}
	d.Tail = n.arena.Copy(n.tail)
	if p > 0 {
		n.logShared = true
	}
	if n.p.bug&bugNoSync != 0 {
		env.Write(d)
		return
	}
	env.Persist(d)
}

// send, broadcast and observe are how anything leaves the node. A
// handler's messages and observations wait in its outbox until it ends;
// then flush persists what the handler changed, once, and sends them, in
// order: nothing the node tells anyone is taken back by a crash, torn or
// not. (Variant accept-before-persist sends at once and persists at the
// end, after its replies.)
func (n *Node) send(env *Env, to sim.NodeID, m Msg) {
	if n.p.bug&bugAcceptBeforePersist != 0 {
		env.Send(to, m)
		return
	}
	n.out.kinds = append(n.out.kinds, outSend)
	n.out.sends = append(n.out.sends, sendOut{to, m})
}

func (n *Node) broadcast(env *Env, m Msg) {
	if n.p.bug&bugAcceptBeforePersist != 0 {
		env.Broadcast(m)
		return
	}
	n.out.kinds = append(n.out.kinds, outBroadcast)
	n.out.sends = append(n.out.sends, sendOut{0, m})
}

func (n *Node) observe(env *Env, o checker.Observation) {
	if n.p.bug&bugAcceptBeforePersist != 0 {
		env.Observe(o)
		return
	}
	n.out.obs = append(n.out.obs, o)
}

// flush ends a handler: it persists what the handler changed, reports
// it (its observations, in order: they describe the state just made
// durable, so that a crash inside the handler never leaves a write
// unreported or a report unwritten), then sends what it queued, in order.
func (n *Node) flush(env *Env) {
	n.persist(env)
	o := &n.out
	for k := range o.obs {
		env.Observe(o.obs[k])
	}
	s := 0
	for _, k := range o.kinds {
		switch k {
		case outSend:
			env.Send(o.sends[s].to, o.sends[s].msg)
			s++
		case outBroadcast:
			env.Broadcast(o.sends[s].msg)
			s++
		}
	}
	clear(o.sends) // no message or entry kept alive
	clear(o.obs)
	o.kinds, o.sends, o.obs = o.kinds[:0], o.sends[:0], o.obs[:0]
}

// outbox is what a handler sends and reports until flush: its messages,
// in the order sent (kinds tells a send from a broadcast), and its
// observations.
type outbox struct {
	kinds []outputKind
	sends []sendOut
	obs   []checker.Observation
}

// sendOut is a queued message: to a node, or (broadcast) to every one.
type sendOut struct {
	to  sim.NodeID
	msg Msg
}

type outputKind uint8

const (
	outSend outputKind = iota
	outBroadcast
)

// ---- the log ----

func empty(e *Entry) bool { return !e.Chosen && e.Ballot.IsZero() }

// entry returns instance i's entry, nil past the end of the log.
func (n *Node) entry(i int64) *Entry {
	if i < 1 || i > int64(len(n.log)) {
		return nil
	}
	return &n.log[i-1]
}

// set writes e at its instance, which must be past the prefix: the prefix
// never changes, which is what lets it be shared with persisted state.
func (n *Node) set(e Entry) {
	if e.Instance <= n.prefix {
		panic(fmt.Sprintf("multipaxos: node %d rewrites instance %d of its chosen prefix", n.id, e.Instance))
	}
	for int64(len(n.log)) < e.Instance {
		n.log = append(n.log, Entry{})
	}
	n.log[e.Instance-1] = e
	n.dirty = true
}

func quorum(votes uint64, v View) bool {
	return bits.OnesCount64(votes&v.Members) >= bits.OnesCount64(v.Members)/2+1
}

// proposalView is the view a proposer stamps on instance i and takes its
// quorums from: the one chosen at or before i-alpha. The caller makes sure
// i <= prefix+alpha.
func (n *Node) proposalView(i int64) View {
	if n.p.bug&bugNoView != 0 {
		return n.svc.latest().view // variant no-view: the current configuration, whatever the instance
	}
	return n.svc.viewAt(i)
}

// ---- clients ----

// onRequest takes a client's command, from a client (External) or
// forwarded by a replica. A replica answers a request a client sent it
// once the command is applied; a follower forwards the command to the
// leader it knows, or holds it until it knows one.
func (n *Node) onRequest(env *Env, from sim.NodeID, m Msg) {
	if len(m.Entries) != 1 {
		return
	}
	cmd := m.Entries[0].Cmd
	if !validRequest(cmd) {
		return
	}
	if from == sim.External {
		n.await(cmd)
	}
	if n.answer(env, cmd) {
		return
	}
	switch {
	case n.role == leader:
		n.enqueue(cmd)
		n.advance(env)
	case n.role == candidate:
		n.enqueue(cmd)
	case from != sim.External:
		// Forwarded to a follower: dropped. Its origin forwards it again
		// when it learns of a new leader, and clients retry.
	case n.leader != 0:
		n.send(env, n.leader, m)
	default:
		n.enqueue(cmd) // until a leader is known
	}
}

// validRequest reports whether cmd is a client command with a well-formed
// id: client and seq nonzero, the reconfiguration flag set exactly for
// reconfigurations.
func validRequest(cmd Command) bool {
	c, s, reconfig := DecodeID(cmd.ID)
	return c != 0 && s != 0 && cmd.Op != OpNoop && cmd.Op <= OpReconfig && reconfig == (cmd.Op == OpReconfig) &&
		cmd.ID == Value(uint64(reconfigBit(reconfig))|uint64(c)<<seqBits|uint64(s))
}

func reconfigBit(r bool) uint64 {
	if r {
		return reconfigFlag
	}
	return 0
}

// await records that a client waits here for cmd; a client has one
// request outstanding, so a newer one replaces the older.
func (n *Node) await(cmd Command) {
	client, seq, _ := DecodeID(cmd.ID)
	for k := range n.waiting {
		c, s, _ := DecodeID(n.waiting[k].ID)
		if c == client {
			if s < seq {
				n.waiting[k] = cmd
			}
			return
		}
	}
	n.waiting = append(n.waiting, cmd)
}

// answer answers a request that the dedup table shows executed, and
// reports whether it did: nothing more is to be done for it.
func (n *Node) answer(env *Env, cmd Command) bool {
	if n.p.bug&bugNoDedup != 0 {
		return false // variant no-dedup: no table to answer from
	}
	client, seq, _ := DecodeID(cmd.ID)
	last, out := n.svc.lastSeq(client)
	if seq > last {
		return false
	}
	n.reply(env, cmd.ID, seq == last, out)
	return true
}

// reply answers the client waiting here for command id, if any, with out
// (when current: a stale request gets no answer, its client has moved on).
func (n *Node) reply(env *Env, id Value, current bool, out string) {
	client, seq, _ := DecodeID(id)
	for k := range n.waiting {
		c, s, _ := DecodeID(n.waiting[k].ID)
		if c != client || s > seq {
			continue
		}
		if s == seq && current {
			n.observe(env, checker.Observation{Kind: checker.Returned, Client: client, Value: id, Output: out})
		}
		n.waiting = append(n.waiting[:k], n.waiting[k+1:]...)
		return
	}
}

// enqueue adds cmd to the commands to propose, unless it is there or in
// flight already.
func (n *Node) enqueue(cmd Command) {
	if len(n.queue) >= maxQueue || n.inFlight(cmd.ID) {
		return
	}
	n.queue = append(n.queue, cmd)
}

// inFlight reports whether command id is queued, proposed, or in the log
// past the prefix as chosen or as a value a leader will re-propose. It
// saves proposing a command twice; the dedup table makes a second copy
// harmless anyway.
func (n *Node) inFlight(id Value) bool {
	for _, c := range n.queue {
		if c.ID == id {
			return true
		}
	}
	for k := range n.pending {
		if n.pending[k].entry.Cmd.ID == id {
			return true
		}
	}
	for k := range n.recovered {
		if n.recovered[k].Instance >= n.next && n.recovered[k].Cmd.ID == id {
			return true
		}
	}
	for k := n.prefix; k < int64(len(n.log)); k++ {
		if n.log[k].Chosen && n.log[k].Cmd.ID == id {
			return true
		}
	}
	return false
}

// executed reports whether the dedup table shows cmd executed.
func (n *Node) executed(cmd Command) bool {
	if n.p.bug&bugNoDedup != 0 {
		return false
	}
	client, seq, _ := DecodeID(cmd.ID)
	last, _ := n.svc.lastSeq(client)
	return seq <= last
}

// forwardAll hands the new leader every command held here: the queue and
// the requests clients wait for here.
func (n *Node) forwardAll(env *Env) {
	if n.leader == 0 || n.leader == n.id {
		return
	}
	for _, c := range n.waiting {
		if !n.executed(c) {
			n.send(env, n.leader, RequestFrom(&n.arena, c))
		}
	}
	for _, c := range n.queue {
		if !n.executed(c) && !n.isWaiting(c.ID) {
			n.send(env, n.leader, RequestFrom(&n.arena, c))
		}
	}
	n.queue = n.queue[:0]
}

func (n *Node) isWaiting(id Value) bool {
	for _, c := range n.waiting {
		if c.ID == id {
			return true
		}
	}
	return false
}
