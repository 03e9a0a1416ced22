package sim

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/paxsim/paxsim/fingerprint"
)

// World runs one simulation: N nodes, a network, faults and virtual time.
// A World is not safe for concurrent use; run one per goroutine.
type World[M Message, D, O any] struct {
	cfg     Config
	net     NetworkConfig // the network as it is now: reliable after HealAt
	decide  Decider
	random  *Random // decide, when it is a Random: its draws are direct calls
	newNode NewNode[M, D, O]
	observe Observer[O]
	// restartObs, when restartOn, is what a restart reports for the node
	// (SetRestartObservation).
	restartObs O
	restartOn  bool
	tracer     func(TraceEntry)
	sendTr     func(TraceEntry)             // SetSendTracer
	sendFn     func(from, to NodeID, msg M) // SetSendHook

	booted   bool
	healed   bool
	now      Time
	seq      uint64
	executed int64
	hash     uint64
	folds    uint64     // events and network faults folded into hash: what Advance watches
	queue    queue[M]   // messages, requests and faults to come
	timers   timerQueue // pending timers, one per (node, tag) at most
	tick     tick       // the next random-fault draw, if one is due
	current  event[M]   // the event being executed, for panic reports

	slots      []slot[M, D, O] // indexed by NodeID; slot 0 is unused
	env        Env[M, D, O]
	held       heldEffects[M, D, O] // the running handler's, when a torn crash may cut it
	asserts    assertions           // the nodes' assertions (Env.Always, Sometimes, Reachable)
	tornMiss   int                  // a Choice world's torn action that cut nothing: the effects its handler made, plus one
	crashed    int
	all        uint64   // mask of every node id
	cut        []uint64 // cut[from]: receivers its messages cannot reach
	cutAtHeal  uint64   // nodes a replayed heal leaves cut off (Step.CutOff): a Choice world has no partitions
	partitions []partition
	partitionN uint32
	faulty     uint64  // the nodes the heal left faulty
	spells     []spell // the slowdowns and pauses in force, in starting order
	spellN     uint32  // spells started so far: the last one's id
	// The messages in flight on each link of a Timed world: at most
	// Network.LinkCapacity, but for those a Choice world handed over
	// (SwitchToTimed).
	links     links
	fifo      fifoLinks[M]             // with Network.FIFO, each link's messages in order
	history   []sent[M]                // recent sends, for re-delivery; a ring once full (deep.go)
	reservoir []sent[M]                // a sample of every send, for re-delivery (deep.go)
	leader    func() NodeID            // SetLeader
	healCore  func(keep uint64) uint64 // SetHealCore
	lagUntil  Time                     // when the last lag ends (deep.go)
	trials    []faultTrial             // the random faults eligible now
	none      []float64                // none[i]: probability that no trial from i on fires
	// eligibleGen changes whenever a node's eligibility for a random fault
	// may have changed; trialsGen is the value trials were built at.
	eligibleGen, trialsGen uint64
	historyN               int
	stats                  Stats

	// Choice mode (choice.go).
	inflight []flight[M]       // messages in the network, in sending order
	sentLog  []flight[M]       // every distinct message sent, for duplication
	netIdx   netIndex          // inflight's and sentLog's index by link, once they are long
	texts    map[uint64]string // messages' texts by digest, for replays (script.go)
	actions  []Action[M]       // scratch for Actions
	dups     int               // copies injected so far
	crashes  int               // crashes so far
	schedLog func(string)      // receives the schedule as decision-trace lines
	pendRand []string          // lines drawn inside the running handler
	pendNet  []string          // network faults of the running handler
	local    []flight[M]       // LocalSelf: messages to self awaiting delivery

	// Exploration (snapshot.go).
	fingerprinted bool                    // flights carry their fingerprints
	identity      *identityAudit[M, D, O] // shared by a search's worlds; nil for none
	identityFault string                  // the audit's finding at the last step
	writes        uint64                  // writes made, for the ownership check's sample
	ownHash       fingerprint.Hasher      // the ownership check's
	scratchHash   fingerprint.Hasher      // for message fingerprints
	oldNodes      []Node[M, D, O]         // scratch for CloneInto
}

// slot is everything the world keeps about one node.
type slot[M Message, D, O any] struct {
	node     Node[M, D, O]
	up       bool
	durable  D   // survives any crash: the last value the node synced (storage.go)
	unsynced []D // writes since the last sync, oldest first
	// durableKey and unsyncedKeys are what the ownership check
	// (ownership.go) recorded of durable and unsynced when written.
	durableKey   ownedKey
	unsyncedKeys []ownedKey
	crashGen     uint32
	// restartAt is when the node, while down, restarts by itself (0:
	// never).
	restartAt Time
	// tornArmed: a torn crash waits for the node's next handler
	// (effects.go).
	tornArmed bool
	// What the spells in force (slowness.go) make of the node: how many
	// times slower it runs (1: normal speed), and until when it is paused
	// (not paused when that has passed).
	slowFactor  Time
	pausedUntil Time
	armed       uint32             // choice mode: the armed timers
	after       [MaxTimerTags]Time // choice mode: each armed timer's duration
	// The fingerprints of node and durable, once computed (snapshot.go);
	// anything that runs the node or persists clears fpOK.
	fpOK    bool
	nodeKey fingerprint.Key
	durKey  fingerprint.Key
}

// partition cuts messages from senders in from to receivers in to.
type partition struct {
	id       uint32
	from, to uint64
}

type sent[M Message] struct {
	from, to NodeID
	msg      M
	at       Time // when it was sent
}

// Stats counts what happened in a run.
type Stats struct {
	Faults    [NumFaultKinds]int64 // how often each kind of fault happened
	Sent      int64                // messages nodes sent
	Delivered int64                // messages delivered to a live node
	Timers    int64                // timers fired
	// Syncs counts the writes made durable: each Persist, and each Sync
	// with a write to make durable (a real store's fsyncs, the cost
	// that dominates a consensus protocol's latency).
	Syncs int64
	// PeakLinkLoad is the most messages that were in flight on one link
	// at once (NetworkConfig.LinkCapacity bounds it).
	PeakLinkLoad int64
	// PartitionsHealed counts partitions that ended before the heal: the
	// network came back mid-run.
	PartitionsHealed int64
}

// New returns a World for cfg whose decisions come from decider. Nodes are
// built by newNode and boot at time 0, when the first Step runs, so a tracer
// set before then sees the boot. observe may be nil.
func New[M Message, D, O any](cfg Config, decider Decider, newNode NewNode[M, D, O], observe Observer[O]) (*World[M, D, O], error) {
	w := new(World[M, D, O])
	if err := w.Reset(cfg, decider, newNode, observe); err != nil {
		return nil, err
	}
	return w, nil
}

// timed sets up what only a Timed world uses: its timer queue, the
// counters of its links and their FIFO queues. A Choice world keeps timers
// as armed bits and messages in inflight, and cloning it copies none.
func (w *World[M, D, O]) timed() {
	w.timers.init(w.cfg.Nodes)
	w.links.init(w.cfg.Nodes, w.cfg.Network.LinkCapacity)
	if w.net.FIFO {
		w.fifo.init(w.cfg.Nodes)
	}
}

// SetTracer makes the world call fn for every executed event and network
// fault, in order. Building entries formats messages, so leave it unset on
// hot paths: the trace hash is kept either way.
func (w *World[M, D, O]) SetTracer(fn func(TraceEntry)) { w.tracer = fn }

// Now is the current virtual time.
func (w *World[M, D, O]) Now() Time { return w.now }

// Events is how many events have executed so far.
func (w *World[M, D, O]) Events() int64 { return w.executed }

// Hash is the rolling hash of every event executed so far.
func (w *World[M, D, O]) Hash() uint64 { return w.hash }

// Stats returns the run's counters.
func (w *World[M, D, O]) Stats() Stats {
	s := w.stats
	s.PeakLinkLoad = int64(w.links.peak)
	return s
}

// Nodes is the cluster size.
func (w *World[M, D, O]) Nodes() int { return w.cfg.Nodes }

// Up reports whether node id is running.
func (w *World[M, D, O]) Up(id NodeID) bool { return w.slots[id].up }

// Healed reports whether the heal time has passed.
func (w *World[M, D, O]) Healed() bool { return w.healed }

// Config is the configuration in force, defaults filled in.
func (w *World[M, D, O]) Config() Config { return w.cfg }

// Current describes the event being executed or last executed: what a
// panic report names.
func (w *World[M, D, O]) Current() TraceEntry {
	e := &w.current
	return TraceEntry{Index: w.executed, Time: e.at, Kind: e.kind.String(), From: NodeID(e.from), To: NodeID(e.to), Msg: w.describe(e)}
}

// Request schedules a client request: msg reaches node to at time at, as a
// delivery from External. A request to a crashed node is lost. In a Choice
// world the request is in flight at once, and at is ignored.
func (w *World[M, D, O]) Request(at Time, to NodeID, msg M) {
	w.mustBeNode(External, to)
	if w.cfg.Mode == Choice {
		w.sendChoice(External, to, msg)
		return
	}
	w.schedule(event[M]{at: at, kind: EventRequest, from: node8(External), to: node8(to), msg: msg})
}

// Next reports the time of the next event, and false when none is left.
func (w *World[M, D, O]) Next() (Time, bool) {
	w.boot()
	if w.cfg.Mode == Choice {
		return w.now + 1, len(w.Actions()) > 0
	}
	src, at := w.nextSource()
	return at, src != fromNowhere
}

// source says where the next event of a Timed world comes from.
type source uint8

const (
	fromNowhere source = iota // nothing is left to run
	fromQueue                 // the event queue
	fromTimers                // the timer queue
	fromTick                  // the fault tick
)

// nextSource picks the earliest of the queue's first event, the timer
// queue's first timer and the fault tick, by (time, sequence number): the
// order one queue holding all three would pop them in. It returns where
// that is, and its time.
func (w *World[M, D, O]) nextSource() (source, Time) {
	src, at, seq := fromNowhere, Time(0), uint64(0)
	if w.queue.len() > 0 {
		e := &w.queue.items[0]
		src, at, seq = fromQueue, e.at, e.seq
	}
	if w.timers.len() > 0 {
		t := &w.timers.items[0]
		if src == fromNowhere || t.at < at || (t.at == at && t.seq < seq) {
			src, at, seq = fromTimers, t.at, t.seq
		}
	}
	if k := &w.tick; k.due && (src == fromNowhere || k.at < at || (k.at == at && k.seq < seq)) {
		src, at = fromTick, k.at
	}
	return src, at
}

// Step takes the next event, the one Next reported, and runs it. It
// returns false when none is left. Not every step counts as an event: a
// message or timer held for a paused node or a fault draw that started
// nothing advances the world without adding to Events.
//
// In a Choice world Step asks the Decider to pick one of Actions and does it.
func (w *World[M, D, O]) Step() bool {
	w.boot()
	if w.cfg.Mode == Choice {
		return w.stepChoice()
	}
	return w.stepBy(math.MaxInt64)
}

// Advance takes the steps due by limit, as Step does, until one of them
// folds something into the trace hash: an event, or a network fault. The
// steps before it change no node, no counter and no hash (a message or
// timer held for a paused node, the end of a fault that was over, a draw
// of random faults that started none), so a driver that looks at the
// world after each event, not after each step, lets the world take them
// on its own. It reports whether it took a step: false when none is left
// or the next is due after limit. In a Choice world it is Step.
func (w *World[M, D, O]) Advance(limit Time) bool {
	w.boot()
	if w.cfg.Mode == Choice {
		return w.stepChoice()
	}
	folds, took := w.folds, false
	for w.stepBy(limit) {
		took = true
		if w.folds != folds {
			break
		}
	}
	return took
}

// stepBy takes the next step of a Timed world if it is due by limit, and
// reports whether it did.
func (w *World[M, D, O]) stepBy(limit Time) bool {
	src, at := w.nextSource()
	if src == fromNowhere || at > limit {
		return false
	}
	switch src {
	case fromTimers:
		t := w.timers.pop()
		w.current = event[M]{at: t.at, seq: t.seq, kind: EventTimer, to: node8(t.node), tag: t.tag}
	case fromQueue:
		w.queue.popInto(&w.current)
	case fromTick:
		w.tick.due = false
		w.current = event[M]{at: w.tick.at, seq: w.tick.seq, kind: EventFaultTick}
	}
	w.run(&w.current)
	w.endStep()
	return true
}

// boot starts every node and schedules the faults, once. It is on the
// path of every step: the first time's work is bootOnce's.
func (w *World[M, D, O]) boot() {
	if !w.booted {
		w.bootOnce()
	}
}

func (w *World[M, D, O]) bootOnce() {
	w.booted = true
	for id := 1; id <= w.cfg.Nodes; id++ {
		w.slots[id].slowFactor = 1 // before any Start sends to it
	}
	for id := 1; id <= w.cfg.Nodes; id++ {
		w.start(NodeID(id))
	}
	if w.cfg.Mode == Choice {
		w.deliverLocal()
		w.flushLog()
		return // no timed faults: the scheduler crashes and drops
	}
	w.endStep()
	for i, f := range w.cfg.Faults.Schedule {
		w.scheduleFault(i, f)
	}
	if w.hasRandomFaults() {
		w.scheduleTick(w.cfg.Faults.Interval)
	}
	if w.cfg.HealAt > 0 {
		w.schedule(event[M]{at: w.cfg.HealAt, kind: EventHeal})
	}
}

func (w *World[M, D, O]) hasRandomFaults() bool {
	f := &w.cfg.Faults
	return f.CrashRate > 0 || f.TornCrashRate > 0 || f.LoseUnsyncedRate > 0 || f.PartitionRate > 0 || f.SlowRate > 0 ||
		f.DeposeRate > 0 || f.LagRate > 0
}

func (w *World[M, D, O]) schedule(e event[M]) {
	w.seq++
	e.seq = w.seq
	w.queue.push(&e)
}

// run executes e, the world's current event, and reports whether it
// counted as an event; held ones, stale fault ends and fault ticks do not.
func (w *World[M, D, O]) run(e *event[M]) bool {
	if e.at > w.now {
		w.now = e.at
	}
	to := NodeID(e.to)
	switch e.kind {
	case EventDeliver:
		w.links.release(NodeID(e.from), to) // off the link; a pause holds it again
		if w.net.FIFO {
			return w.deliverFIFO(e)
		}
		return w.deliver(e)
	case EventRequest:
		return w.deliver(e)
	case EventTimer:
		return w.fire(e)
	case EventFaultTick:
		w.faultTick()
		return false
	case EventCrash:
		if w.slots[to].up {
			w.crash(to, w.cfg.Faults.Schedule[e.arg].End)
			return true
		}
		return false
	case EventRestart:
		s := &w.slots[to]
		if s.up || s.crashGen != e.gen {
			return false
		}
		w.record(EventRestart, to, to, 0)
		w.logStep("restart %s", to)
		w.restart(to)
		return true
	case EventSlowStart:
		f := w.cfg.Faults.Schedule[e.arg]
		w.slow(to, f.Kind == FaultPause, Time(f.Factor), f.End)
		return true
	case EventSlowEnd:
		return w.endSpell(to, e.gen)
	case EventPartitionStart:
		f := w.cfg.Faults.Schedule[e.arg]
		w.partition(f.Kind == FaultOneWay, f.Nodes, f.End)
		return true
	case EventPartitionEnd:
		if !w.heal(e.gen) {
			return false
		}
		w.stats.PartitionsHealed++
		w.record(EventPartitionEnd, 0, 0, uint64(e.gen))
		if w.tracer != nil {
			w.tracer(TraceEntry{Index: w.executed, Time: w.now, Kind: "partition-heal", Msg: fmt.Sprintf("partition #%d heals", e.gen)})
		}
		return true
	case EventHeal:
		w.healAll()
		return true
	}
	panic(fmt.Sprintf("sim: unknown event kind %d", e.kind))
}

// deliver runs e, the world's current event: a message or request
// reaches its receiver.
func (w *World[M, D, O]) deliver(e *event[M]) bool {
	from, to := NodeID(e.from), NodeID(e.to)
	s := &w.slots[to]
	if w.mustHold(e) {
		held := *e
		held.at, held.held = s.pausedUntil, true // until the pause ends, in arrival order
		if e.kind == EventDeliver {
			w.links.add(from, to) // still on its link
		}
		w.schedule(held)
		return false
	}
	if from == to && e.gen != s.crashGen {
		// It died with its sender; a replay loses it at the crash.
		w.fault(FaultLost, from, to, e, logNone)
		return true
	}
	if !s.up {
		if w.outlives(e, s) {
			return false
		}
		w.fault(FaultLost, from, to, e, logStep)
		return true
	}
	if e.kind == EventDeliver && w.cut[from]&(1<<uint(to)) != 0 {
		w.fault(FaultPartitionDrop, from, to, e, logStep)
		return true
	}
	digest := e.msg.Digest()
	if e.sent != 0 && digest != e.sent {
		w.brokeMessageOwnership(from, to, e)
	}
	w.record(e.kind, from, to, digest)
	torn := (s.tornArmed || w.held.on) && w.tornHere(to) // the common case inline
	if w.schedLog != nil && !torn {
		w.logStep("deliver %s->%s %s", from, to, e.msg)
	}
	if w.tracer != nil {
		w.trace(e.kind.String(), from, to, e)
	}
	if e.kind == EventDeliver {
		w.stats.Delivered++
	}
	w.env.id = to
	s.fpOK = false
	s.node.Deliver(&w.env, from, e.msg)
	if torn {
		w.tear(to, e)
	}
	return true
}

// outlives reports whether message e, which reached its receiver s while
// s is down, waits on its link for s's restart instead of being lost
// (NetworkConfig.OutliveRate), and if so schedules it then: after the
// restart, which was scheduled first. A FIFO link's connection dies with
// its receiver, and a Choice world's scheduler delivers a message when it
// likes: neither holds one.
func (w *World[M, D, O]) outlives(e *event[M], s *slot[M, D, O]) bool {
	from, to := NodeID(e.from), NodeID(e.to)
	if e.kind != EventDeliver || w.net.FIFO || w.cfg.Mode != Timed || s.restartAt <= w.now ||
		!w.chance(Decision{DecideOutlive, from, to}, w.net.OutliveRate) || w.inert(FaultOutlive) {
		return false
	}
	w.stats.Faults[FaultOutlive]++
	if w.tracer != nil {
		w.trace(FaultOutlive.String(), from, to, e)
	}
	held := *e
	held.at = s.restartAt
	w.links.add(from, to) // still on its link
	w.schedule(held)
	return true
}

// mustHold reports whether delivery e waits for its receiver's pause to
// end: one that would reach a live, paused receiver.
func (w *World[M, D, O]) mustHold(e *event[M]) bool {
	s := &w.slots[e.to]
	return s.pausedUntil > w.now && s.up && (e.from != e.to || e.gen == s.crashGen)
}

// fire runs node e.to's timer e.tag, which is armed no more: a timer
// fires once. A paused node's timer waits for the pause to end.
func (w *World[M, D, O]) fire(e *event[M]) bool {
	id := NodeID(e.to)
	s := &w.slots[id]
	if !s.up {
		panic(fmt.Sprintf("sim: timer %d of node %s fired while it was down", e.tag, id))
	}
	if s.pausedUntil > w.now {
		w.setTimer(id, e.tag, s.pausedUntil, heldStretch)
		return false
	}
	w.record(EventTimer, id, id, uint64(e.tag))
	torn := (s.tornArmed || w.held.on) && w.tornHere(id)
	if !torn {
		w.logStep("timer %s %d", id, e.tag)
	}
	if w.tracer != nil {
		w.tracer(TraceEntry{Index: w.executed, Time: w.now, Kind: "timer", From: id, To: id, Msg: fmt.Sprintf("tag %d", e.tag)})
	}
	w.stats.Timers++
	w.env.id = id
	s.fpOK = false
	s.node.Fire(&w.env, e.tag)
	if torn {
		w.tear(id, e)
	}
	return true
}

// record counts an executed event and folds it into the trace hash.
func (w *World[M, D, O]) record(kind EventKind, from, to NodeID, detail uint64) {
	w.executed++
	w.folds++
	w.hash = foldEvent(w.hash, w.now, uint64(kind), uint64(from), uint64(to), detail)
}

// faultLog says where a network fault goes in the schedule log.
type faultLog uint8

const (
	logStep    faultLog = iota // a step of its own
	logHandler                 // met by a handler's send: right after the handler's step
	logNone                    // implied by another step (a crash)
)

// fault counts a network fault on message e, folds it into the hash, traces
// it and logs it.
func (w *World[M, D, O]) fault(k FaultKind, from, to NodeID, e *event[M], where faultLog) {
	w.stats.Faults[k]++
	w.folds++
	w.hash = foldEvent(w.hash, w.now, 0x100+uint64(k), uint64(from), uint64(to), e.msg.Digest())
	if w.tracer != nil {
		w.trace(k.String(), from, to, e)
	}
	if w.schedLog != nil && where != logNone {
		verb := "drop"
		if k == FaultDup || k == FaultRedeliver {
			verb = "dup"
		}
		line := fmt.Sprintf("%s %s->%s %s", verb, from, to, e.msg)
		if where == logHandler {
			w.pendNet = append(w.pendNet, line)
		} else {
			w.schedLog(line)
		}
	}
}

func (w *World[M, D, O]) trace(kind string, from, to NodeID, e *event[M]) {
	w.tracer(TraceEntry{Index: w.executed, Time: w.now, Kind: kind, From: from, To: to, Msg: e.msg.String()})
}

func (w *World[M, D, O]) describe(e *event[M]) string {
	switch e.kind {
	case EventDeliver, EventRequest:
		return e.msg.String()
	case EventTimer:
		return fmt.Sprintf("tag %d", e.tag)
	}
	return ""
}

func (w *World[M, D, O]) mustBeNode(from, id NodeID) {
	if id < 1 || int(id) > w.cfg.Nodes {
		misuse("send-to-node", "%s sent a message to node %d, which does not exist (nodes are 1..%d)", sender(from), id, w.cfg.Nodes)
	}
}

// sender names who sent a message, for errors.
func sender(from NodeID) string {
	if from == External {
		return "a client"
	}
	return "node " + from.String()
}

// start builds node id from its durable state and runs its Start.
func (w *World[M, D, O]) start(id NodeID) {
	s := &w.slots[id]
	s.node = w.newNode(id, s.durable)
	s.up = true
	s.fpOK = false
	w.env.id = id
	s.node.Start(&w.env)
}

func (w *World[M, D, O]) crash(id NodeID, restartAt Time) {
	w.crashAs(id, restartAt, FaultCrash, 0, "")
}

// crashAs crashes node id as a fault of kind (FaultCrash, FaultTornCrash
// or FaultLostUnsynced), losing the last lose of its unsynced writes, and
// restarts it at restartAt (0: never, by itself). line is the crash's
// decision-trace step when it is not "crash N".
func (w *World[M, D, O]) crashAs(id NodeID, restartAt Time, kind FaultKind, lose int, line string) {
	s := &w.slots[id]
	w.checkOwnership(id)
	s.settle(lose)
	s.tornArmed = false
	s.up = false
	s.node = nil // volatile state is gone
	s.fpOK = false
	s.armed = 0 // and so are pending timers
	if w.cfg.Mode == Timed {
		w.timers.cancelNode(int32(id))
	}
	w.eligibleGen++
	s.crashGen++
	w.crashed++
	w.stats.Faults[kind]++
	if kind == FaultCrash {
		w.record(EventCrash, id, id, 0)
		w.logStep("crash %s", id)
	} else {
		w.record(EventCrash, id, id, uint64(kind)<<8|uint64(lose))
		w.logStep("%s", line)
	}
	if w.tracer != nil {
		detail := ""
		if kind != FaultCrash {
			_, detail, _ = strings.Cut(line, " "+id.String()+" ")
		}
		w.tracer(TraceEntry{Index: w.executed, Time: w.now, Kind: kind.String(), From: id, To: id, Msg: detail})
	}
	s.restartAt = restartAt
	if restartAt > 0 {
		w.schedule(event[M]{at: restartAt, kind: EventRestart, to: node8(id), gen: s.crashGen})
	}
}

func (w *World[M, D, O]) restart(id NodeID) {
	w.crashed--
	w.eligibleGen++
	w.stats.Faults[FaultRestart]++
	if w.tracer != nil {
		w.tracer(TraceEntry{Index: w.executed, Time: w.now, Kind: "restart", From: id, To: id})
	}
	if w.restartOn && w.observe != nil {
		w.observe(id, w.restartObs)
	}
	w.start(id)
}

// SetRestartObservation makes every restart report o for the node that
// restarts, to the world's observer, before the node's Start runs: how a
// harness tells its checkers that what the node does next starts from its
// durable state (a replica replaying its log, say). Copies of the world
// keep it; Reset unsets it.
func (w *World[M, D, O]) SetRestartObservation(o O) { w.restartObs, w.restartOn = o, true }

// partition cuts side off from the rest (both ways unless oneWay) until end.
func (w *World[M, D, O]) partition(oneWay bool, side uint64, end Time) {
	kind := FaultOneWay
	if !oneWay {
		kind = FaultPartition
	}
	w.partitionAs(kind, oneWay, side, end)
}

// partitionAs is partition counted and traced as a fault of kind: a
// partition, or the depose or lag that makes it.
func (w *World[M, D, O]) partitionAs(kind FaultKind, oneWay bool, side uint64, end Time) {
	w.partitionN++
	id := w.partitionN
	rest := w.all &^ side
	w.partitions = append(w.partitions, partition{id: id, from: side, to: rest})
	arrow := "-/->"
	if !oneWay {
		arrow = "|"
		w.partitions = append(w.partitions, partition{id: id, from: rest, to: side})
	}
	w.recomputeCut()
	w.stats.Faults[kind]++
	w.record(EventPartitionStart, 0, 0, side<<1|b2u(oneWay))
	if w.tracer != nil || w.schedLog != nil {
		desc := fmt.Sprintf("partition #%d: {%s} %s {%s}", id, FormatNodes(side), arrow, FormatNodes(rest))
		if w.tracer != nil {
			e := TraceEntry{Index: w.executed, Time: w.now, Kind: kind.String(), Msg: desc}
			if kind == FaultDepose || kind == FaultLag { // one node, the one it aims at
				e.From, e.To = NodeID(bits.TrailingZeros64(side)), NodeID(bits.TrailingZeros64(side))
			}
			w.tracer(e)
		}
		w.logStep("# %s", desc)
	}
	if end > 0 {
		w.schedule(event[M]{at: end, kind: EventPartitionEnd, gen: id})
	}
}

// heal removes partition id and reports whether it was still in force.
func (w *World[M, D, O]) heal(id uint32) bool {
	kept := w.partitions[:0]
	for _, p := range w.partitions {
		if p.id != id {
			kept = append(kept, p)
		}
	}
	removed := len(kept) != len(w.partitions)
	w.partitions = kept
	w.recomputeCut()
	return removed
}

func (w *World[M, D, O]) recomputeCut() {
	clear(w.cut)
	for _, p := range w.partitions {
		for m := p.from; m != 0; m &= m - 1 {
			w.cut[bits.TrailingZeros64(m)] |= p.to
		}
	}
}

// healAll ends every fault, but those of the nodes outside the liveness
// core (Faults.KeepFaulty) that are down or cut off then: what the
// liveness phase starts from.
func (w *World[M, D, O]) healAll() {
	w.healed = true
	w.net.DropRate, w.net.DupRate, w.net.RedeliverRate, w.net.LongDelayRate, w.net.OutliveRate = 0, 0, 0, 0, 0
	for id := range w.slots {
		w.slots[id].tornArmed = false // a crash that had not fallen yet never will
	}
	var cutOff, down uint64
	for m := w.keepFaulty(); m != 0; m &= m - 1 {
		id := NodeID(bits.TrailingZeros64(m))
		switch {
		case !w.slots[id].up:
			down |= 1 << uint(id)
		case w.isCutOff(id) || w.cutAtHeal&(1<<uint(id)) != 0:
			cutOff |= 1 << uint(id)
		}
	}
	w.faulty = down | cutOff
	w.partitions = w.partitions[:0]
	if cutOff != 0 { // cut off from everyone, for good: no end event
		w.partitionN++
		rest := w.all &^ cutOff
		w.partitions = append(w.partitions, partition{id: w.partitionN, from: cutOff, to: rest}, partition{id: w.partitionN, from: rest, to: cutOff})
		for m := cutOff; m != 0; m &= m - 1 { // and from each other
			w.partitions = append(w.partitions, partition{id: w.partitionN, from: m & -m, to: cutOff &^ (m & -m)})
		}
	}
	w.recomputeCut()
	w.record(EventHeal, 0, 0, w.faulty)
	w.logStep("%s", Step{Heal: true, CutOff: cutOff})
	if w.tracer != nil {
		msg := "every fault heals; the network turns reliable"
		if w.faulty != 0 {
			msg = fmt.Sprintf("every fault heals but outside the core: {%s} stay down, {%s} stay cut off; the network turns reliable", FormatNodes(down), FormatNodes(cutOff))
		}
		w.tracer(TraceEntry{Index: w.executed, Time: w.now, Kind: "heal", Msg: msg})
	}
	w.spells = w.spells[:0] // their ends find nothing left to end
	for id := NodeID(1); int(id) <= w.cfg.Nodes; id++ {
		w.respeed(id)
	}
	for id := NodeID(1); int(id) <= w.cfg.Nodes; id++ { // restarts may send: speeds first
		switch {
		case down&(1<<uint(id)) != 0:
			w.slots[id].crashGen++ // its pending restart never comes
		case !w.slots[id].up:
			w.record(EventRestart, id, id, 0)
			w.restart(id)
		}
	}
}

// setTimer arms node id's timer tag to fire at at, set while the node ran
// stretch times slower (heldStretch: held by a pause), replacing the
// pending one. It takes the next sequence number, as scheduling an event
// does.
func (w *World[M, D, O]) setTimer(id NodeID, tag TimerTag, at, stretch Time) {
	w.seq++
	w.timers.set(timer{at: at, seq: w.seq, node: int32(id), tag: tag, stretch: int32(stretch)})
}

// inert reports whether faults of kind k are switched off
// (FaultConfig.Inert).
func (w *World[M, D, O]) inert(k FaultKind) bool { return w.cfg.Faults.Inert&(1<<k) != 0 }

// isCutOff reports whether a partition cuts id off from some node of the
// core, one way or the other.
func (w *World[M, D, O]) isCutOff(id NodeID) bool {
	core := w.all &^ w.cfg.Faults.KeepFaulty
	if w.cut[id]&core != 0 {
		return true
	}
	for m := core; m != 0; m &= m - 1 {
		if w.cut[bits.TrailingZeros64(m)]&(1<<uint(id)) != 0 {
			return true
		}
	}
	return false
}

// LeftFaulty is the nodes the heal left down or cut off (see
// FaultConfig.KeepFaulty): outside the core whose progress liveness
// judges. It is 0 before the heal.
func (w *World[M, D, O]) LeftFaulty() uint64 { return w.faulty }

func (w *World[M, D, O]) scheduleFault(i int, f ScheduledFault) {
	if w.cfg.HealAt > 0 && f.Start >= w.cfg.HealAt {
		return // faults start before the heal or not at all
	}
	end := f.End
	if end == 0 || (w.cfg.HealAt > 0 && end > w.cfg.HealAt) {
		end = w.cfg.HealAt
	}
	f.End = end
	w.cfg.Faults.Schedule[i] = f
	switch f.Kind {
	case FaultCrash:
		for m := f.Nodes; m != 0; m &= m - 1 {
			w.schedule(event[M]{at: f.Start, kind: EventCrash, to: node8(bits.TrailingZeros64(m)), arg: int32(i)})
		}
	case FaultSlow, FaultPause:
		for m := f.Nodes; m != 0; m &= m - 1 {
			w.schedule(event[M]{at: f.Start, kind: EventSlowStart, to: node8(bits.TrailingZeros64(m)), arg: int32(i)})
		}
	case FaultPartition, FaultOneWay:
		w.schedule(event[M]{at: f.Start, kind: EventPartitionStart, arg: int32(i)})
	}
}

// faultTrial is one random fault that may start at a fault tick.
type faultTrial struct {
	kind DecisionKind // DecideCrash, DecideSlow or DecidePartition
	node NodeID
	p    float64
}

// faultTick draws the random faults of one interval. Each eligible trial
// (a crash per up node, a slowdown per node at normal speed, a partition)
// fires independently with its rate; to keep the common tick cheap, one
// decision first asks whether any fires, and only then is each trial drawn,
// conditioned on at least one firing. The distribution is exactly that of
// independent draws; the probabilities use only multiplication and
// division, which IEEE 754 rounds the same way on every machine.
func (w *World[M, D, O]) faultTick() {
	if w.healed {
		return
	}
	if w.trialsGen != w.eligibleGen || len(w.none) == 0 {
		w.buildTrials()
	}
	trials, none := w.trials, w.none
	if len(trials) > 0 && w.chance(Decision{Kind: DecideFault}, 1-none[0]) {
		fired := false
		for i, t := range trials {
			p := t.p
			if !fired {
				p = t.p / (1 - none[i]) // given that one of trials i.. fires
			}
			if w.chance(Decision{t.kind, t.node, 0}, p) {
				fired = true
				w.startFault(t)
			}
		}
	}
	next := w.now + w.cfg.Faults.Interval
	if w.cfg.HealAt == 0 || next < w.cfg.HealAt {
		w.scheduleTick(next)
	}
}

// tick is the next draw of random faults. It recurs every interval until
// the heal, so it is kept out of the event queue, which it would enter
// and leave dozens of times in a short run: it is due at at, and takes
// its place among the events by seq, the sequence number it would have
// had in the queue.
type tick struct {
	at  Time
	seq uint64
	due bool
}

// scheduleTick makes the fault tick due at at, taking the next sequence
// number, as scheduling an event does.
func (w *World[M, D, O]) scheduleTick(at Time) {
	w.seq++
	w.tick = tick{at: at, seq: w.seq, due: true}
}

// buildTrials lists the random faults that may start now and the
// probabilities that none of a suffix of them fires. Eligibility changes
// only with crashes, restarts and slowdowns, so most ticks reuse the list.
func (w *World[M, D, O]) buildTrials() {
	f := &w.cfg.Faults
	n := w.cfg.Nodes
	trials := w.trials[:0]
	if w.crashed < f.MaxCrashed {
		trials = w.crashTrials(trials)
	}
	if f.SlowRate > 0 {
		for id := NodeID(1); int(id) <= n; id++ {
			if s := &w.slots[id]; s.slowFactor == 1 && s.pausedUntil <= w.now {
				trials = append(trials, faultTrial{DecideSlow, id, f.SlowRate})
			}
		}
	}
	if f.PartitionRate > 0 && n >= 2 {
		trials = append(trials, faultTrial{DecidePartition, 0, f.PartitionRate})
	}
	if f.DeposeRate > 0 && n >= 2 {
		trials = append(trials, faultTrial{DecideDepose, 0, f.DeposeRate})
	}
	if f.LagRate > 0 && n >= 2 {
		trials = append(trials, faultTrial{DecideLag, 0, f.LagRate})
	}
	if cap(w.none) < len(trials)+1 {
		w.none = make([]float64, len(trials)+1, max(len(trials)+1, 4*n+4))
	}
	none := w.none[:len(trials)+1]
	none[len(trials)] = 1
	for i := len(trials) - 1; i >= 0; i-- {
		none[i] = none[i+1] * (1 - trials[i].p)
	}
	w.trials, w.none = trials, none
	w.trialsGen = w.eligibleGen
}

// startFault starts the fault a trial drew, drawing its shape and length.
func (w *World[M, D, O]) startFault(t faultTrial) {
	f := &w.cfg.Faults
	id := t.node
	if (t.kind == DecideSlow && w.inert(FaultSlow)) || (t.kind == DecidePartition && w.inert(FaultPartition)) {
		return
	}
	switch t.kind {
	case DecideCrash, DecideLoseUnsynced, DecideTornCrash:
		w.startCrash(t)
	case DecideSlow:
		pause := w.decide.Intn(Decision{DecideSlowKind, id, 0}, 2) == 1
		end := w.now + w.draw(Decision{DecideSlowLength, id, 0}, f.SlowLength)
		factor := Time(2 + w.decide.Intn(Decision{DecideSlowFactor, id, 0}, f.SlowFactorMax-1))
		w.slow(id, pause, factor, w.capAtHeal(end))
	case DecidePartition:
		oneWay := w.decide.Intn(Decision{Kind: DecidePartitionKind}, 2) == 1
		side := w.drawSide()
		end := w.now + w.draw(Decision{Kind: DecidePartitionLength}, f.PartitionLength)
		w.partition(oneWay, side, w.capAtHeal(end))
	case DecideDepose:
		w.depose()
	case DecideLag:
		w.lag()
	}
}

// drawSide draws a nonempty proper subset of the nodes, one coin per node.
func (w *World[M, D, O]) drawSide() uint64 {
	n := w.cfg.Nodes
	var side uint64
	for id := 1; id <= n; id++ {
		if w.decide.Intn(Decision{DecidePartitionShape, NodeID(id), 0}, 2) == 1 {
			side |= 1 << uint(id)
		}
	}
	if side == 0 || side == w.all {
		side ^= 1 << uint(1+w.decide.Intn(Decision{Kind: DecidePartitionShape}, n))
	}
	return side
}

func (w *World[M, D, O]) capAtHeal(t Time) Time {
	if w.cfg.HealAt > 0 && t > w.cfg.HealAt {
		return w.cfg.HealAt
	}
	return t
}

// chance asks the decider only when the answer is not certain.
func (w *World[M, D, O]) chance(d Decision, p float64) bool {
	if p <= 0 {
		return false
	}
	if p >= 1 {
		return true
	}
	return w.askChance(d, p)
}

// askChance asks the decider for a chance p: chance's call, which would
// not be inlined on the paths where p is 0.
func (w *World[M, D, O]) askChance(d Decision, p float64) bool {
	if w.random != nil {
		return w.random.Chance(d, p)
	}
	return w.decide.Chance(d, p)
}

// intn asks the decider for a value in [0, n).
func (w *World[M, D, O]) intn(d Decision, n int) int {
	if w.random != nil {
		return w.random.Intn(d, n)
	}
	return w.decide.Intn(d, n)
}

// draw returns a value in r, asking the decider only when r has a choice.
func (w *World[M, D, O]) draw(d Decision, r Range) Time {
	if r.Max == r.Min {
		return r.Min
	}
	return r.Min + Time(w.decide.Intn(d, int(r.Max-r.Min+1)))
}

// send puts a message on the network: the one place where drops,
// duplicates, re-deliveries, partitions and delays apply.
func (w *World[M, D, O]) send(from, to NodeID, msg M) {
	w.mustBeNode(from, to)
	w.stats.Sent++
	if w.sendTr != nil {
		w.sendTr(TraceEntry{Index: w.executed, Time: w.now, Kind: "send", From: from, To: to, Msg: msg.String()})
	}
	if w.sendFn != nil {
		w.sendFn(from, to, msg)
	}
	if w.cfg.Mode == Choice {
		w.sendChoice(from, to, msg)
		return
	}
	if w.net.FIFO {
		w.sendFIFO(from, to, msg)
		return
	}
	e := event[M]{kind: EventDeliver, from: node8(from), to: node8(to), msg: msg, arg: sentAt(w.now)}
	w.stampSent(&e)
	if from == to { // a node's message to itself never leaves the process:
		e.at = w.now + w.delay(from, to) // it dies with it (gen)
		e.gen = w.slots[from].crashGen
		w.enqueue(&e)
		return
	}
	if w.cut[from]&(1<<uint(to)) != 0 {
		w.fault(FaultPartitionDrop, from, to, &e, logHandler)
		return
	}
	if w.chance(Decision{DecideDrop, from, to}, w.net.DropRate) && !w.inert(FaultDrop) {
		w.fault(FaultDrop, from, to, &e, logHandler)
		return
	}
	e.at = w.now + w.delay(from, to)
	if w.net.LongDelayRate > 0 {
		w.longDelay(&e)
	}
	w.enqueue(&e)
	if w.chance(Decision{DecideDup, from, to}, w.net.DupRate) && !w.inert(FaultDup) {
		w.fault(FaultDup, from, to, &e, logHandler)
		e.at = w.now + w.delay(from, to)
		w.enqueue(&e)
	}
	w.remember(from, to, msg)
	if w.historyN > 1 && w.chance(Decision{DecideRedeliver, from, to}, w.net.RedeliverRate) && !w.inert(FaultRedeliver) {
		old := w.pickOld()
		r := event[M]{kind: EventDeliver, from: node8(old.from), to: node8(old.to), msg: old.msg, arg: sentAt(old.at)}
		w.fault(FaultRedeliver, old.from, old.to, &r, logHandler)
		r.at = w.now + w.delay(old.from, old.to)
		w.enqueue(&r)
	}
}

// enqueue puts message e on its link, unless the link is full: then the
// network loses it, an overflow. A copy the network made (a duplicate, a
// re-delivery) is traced as such first, then lost, so that a replay makes
// the copy and drops it.
func (w *World[M, D, O]) enqueue(e *event[M]) {
	if !w.links.take(NodeID(e.from), NodeID(e.to)) {
		w.fault(FaultOverflow, NodeID(e.from), NodeID(e.to), e, logHandler)
		return
	}
	w.seq++ // as schedule does, without copying e twice
	e.seq = w.seq
	w.queue.push(e)
}

// delay draws a message delay, stretched when the receiver is slow.
func (w *World[M, D, O]) delay(from, to NodeID) Time {
	d := w.net.Delay
	t := d.Min
	dec := Decision{DecideDelay, from, to}
	if d.Max > d.Min {
		t += Time(w.intn(dec, int(d.Max-d.Min+1)))
	}
	if d.Dist == LongTail && w.intn(dec, 10) == 0 {
		t += Time(w.intn(dec, int(9*d.Max+1)))
	}
	if w.random == nil && !w.healed {
		t += w.holdBack(from, to, d.Max)
	}
	return t * w.slots[to].slowFactor
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
