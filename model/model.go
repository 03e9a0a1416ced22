package model

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/internal/memo"
	"github.com/paxsim/paxsim/sim"
)

// panicProperty is the property a panic in protocol code breaks.
const panicProperty = engine.PanicProperty

// Model is a protocol's real code as an explore.Model: a state is a
// Choice world of its replicas with the checkers a run has
// (engine.NewCheckers), a step one of the world's enabled actions within
// the bounds (deliver a message, which for the replica a client asked is
// the client's request; fire a timer; drop or duplicate a message; crash
// or restart a replica), and the invariant every property the checkers
// judge at each observation, as campaigns judge runs. A panic in protocol
// code is a violation too.
//
// The explorer keeps its states compact: a snapshot whose parts are
// stored once each, keyed by fingerprint, and an index into the checker
// states seen (interned: they are immutable once kept).
type Model[M sim.Message, D any] struct {
	proto    engine.Protocol[M, D]
	info     *engine.Info
	cfg      engine.Config      // CheckConfig.Effective
	props    []checker.Property // the properties whose violation ends the search; nil for all
	sc       sim.Config
	setup    engine.Setup // the replicas' setup, the checkers' quorums among it
	factory  sim.NewNode[M, D, checker.Observation]
	requests []request[M]
	perms    []*[64]uint8 // the symmetry group, the identity (nil) first
	timers   uint32       // the timer tags the search fires, bit per tag
	restarts bool
	progress bool // Stalled judges progress (stalled.go)
	// replayLines, when set, replays a stalled state's lines in place
	// of trace.ReplayAll: a test's stand-in for a liveness phase that
	// does not confirm the stall.
	replayLines func(lines []string) (engine.Result, error)
	// maxBallot bounds the rounds of the ballots the world shows (bound.go).
	maxBallot int
	answers   bool // a client that has its answer does not retry (KeyValue)
	commands  int  // requests per KeyValue client, one at a time (turns.go)
	// orderFree: the properties searched for are judged whatever the
	// order of different nodes' observations (checker.OrderFree), so a
	// reduced expansion may take steps that observe (persistent.go).
	orderFree bool
	scratch   sync.Pool // *scratch[M, D], for Next

	// Full keeps every state the explorer holds as a whole copy of its
	// world and checkers, instead of a compact snapshot: what an exact
	// search needs, at tens of times the memory.
	Full bool

	pool   *sim.SnapshotPool[M, D, checker.Observation]
	judges sim.Interner[*judge]
	// steps remembers local steps (nil where they are not local, or for
	// a Full model), and each step the checkers' state after it from
	// each before (LocalStep.Derived).
	steps *sim.LocalSteps[M, D, checker.Observation]
	// audited holds what the audit of the Cloner contract found of each
	// step taken the long way (sim.World.AuditStep), audited once.
	audited memo.Table[auditKey, string]

	// decided is set once the search checks a state in which a value is
	// chosen (Report.Decided).
	decided atomic.Bool
}

// New builds the model of a search of c under p; a bad c returns a
// *engine.ConfigError naming the flag, and a protocol the explorer cannot
// tell the states of (sim.Explorable: a durable state without a
// Fingerprint, a node that is not a sim.Cloner) an error naming the type
// and what it lacks.
func New[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, c CheckConfig) (*Model[M, D], error) {
	r, err := c.resolve(info)
	if err != nil {
		return nil, err
	}
	factory, err := p.NewNodes(r.setup)
	if err != nil {
		return nil, bad("variant", "%v", err)
	}
	m := &Model[M, D]{
		proto: p, info: info, cfg: r.cfg, props: c.Properties, sc: r.sc, setup: r.setup, factory: factory,
		requests: requests(p, info, c, r.cfg), perms: []*[64]uint8{nil},
		restarts: !c.NoRestarts, maxBallot: c.MaxBallot, answers: info.Workload.Kind == engine.KeyValue, commands: r.cfg.Commands,
		orderFree: checker.OrderFree(c.Properties), progress: judgesProgress(c),
	}
	ex, _ := p.(engine.Explorer[D])
	if c.Ticks && !ticksApply[D](ex) {
		return nil, bad("ticks", "%s has no timer that a search leaves out unless asked", info.Name)
	}
	for tag := range 32 {
		if !c.NoTimers && (ex == nil || ex.ExploreTimer(sim.TimerTag(tag), c.Ticks)) {
			m.timers |= 1 << uint(tag)
		}
	}
	if ex != nil {
		if ex.Symmetric() && len(c.Reconfig) == 0 {
			asked := r.cfg.Clients
			if c.SharedProposer {
				asked = 1
			}
			m.perms = symmetryGroup(r.cfg.Nodes, asked, info.RolesOf(r.cfg.Nodes))
		}
	}
	if err := sim.Explorable(factory, false); err != nil {
		return nil, fmt.Errorf("%s cannot be explored: %v", info.Name, err)
	}
	return m, nil
}

// ticksApply reports whether CheckConfig.Ticks changes which timers a
// search fires.
func ticksApply[D any](ex engine.Explorer[D]) bool {
	for tag := range 32 {
		if ex != nil && ex.ExploreTimer(sim.TimerTag(tag), true) != ex.ExploreTimer(sim.TimerTag(tag), false) {
			return true
		}
	}
	return false
}

// SymmetryGroupSize is the number of renamings symmetry reduction tries.
func (m *Model[M, D]) SymmetryGroupSize() int { return len(m.perms) }

// Config is the run configuration of the model's replicas, the explorer's
// defaults written out: what its counterexamples replay under.
func (m *Model[M, D]) Config() engine.Config { return m.cfg }

// newJudge returns the checkers of the initial state, told of every
// client's first request.
func (m *Model[M, D]) newJudge() *judge {
	safety, log := engine.NewCheckers(m.info, m.setup)
	j := &judge{contract: *engine.NewContract(m.info, m.cfg.Nodes), safety: safety, log: log, answers: m.answers}
	for _, r := range m.requests {
		if r.seq == 1 {
			m.feed(j, 0, checker.Observation{Kind: checker.Invoked, Client: r.step.Client, Value: r.value})
		}
	}
	return j
}

// Init implements explore.Model: every replica booted, every client's
// requests in the network to its replica (turns.go: delivered in turn).
func (m *Model[M, D]) Init() []*State[M, D] {
	st := m.newState()
	w, err := sim.New(m.sc, zeroDecider{}, m.factory, st.observe)
	if err != nil {
		panic(err) // validated when the model was built
	}
	w.SetRestartObservation(checker.Observation{Kind: checker.Restarted})
	st.world = w
	if err := w.Fingerprinted(); err != nil {
		panic(err) // New checked that it is explorable
	}
	st.judge, st.owned = m.newJudge(), true
	for _, r := range m.requests {
		w.Request(0, r.step.To, r.msg)
	}
	m.guard(st, func() { w.Actions() }) // boot: every replica starts
	for id := 1; id <= m.cfg.Nodes; id++ {
		if f := w.IdentityFault(sim.NodeID(id)); f != "" && st.fault == "" {
			st.fault, st.faultBy = contractFault(f), checker.ContractProperty
		}
	}
	if m.pool == nil {
		m.pool = sim.NewSnapshotPool(w)
		if steps := sim.NewLocalSteps(m.pool, m.stepAbove); steps.Memoizes() && !m.Full && rememberSteps {
			m.steps = steps
		}
	}
	return []*State[M, D]{st}
}

// zeroDecider answers every draw a node makes with 0: in a Choice world
// timers fire when the explorer says, so their drawn lengths decide
// nothing, and a replay draws them the same way.
type zeroDecider struct{}

func (zeroDecider) Intn(sim.Decision, int) int        { return 0 }
func (zeroDecider) Chance(sim.Decision, float64) bool { return false }

// scratch is what one call of Next works in: the parent, live once a
// step needs its world, and the successor being built.
type scratch[M sim.Message, D any] struct {
	of       *State[M, D] // the parent
	live     *State[M, D] // of, live (parent); nil until then
	restored *State[M, D] // the memory live restores of into
	world    func() *sim.World[M, D, checker.Observation]
	next     *State[M, D]
	compact  *State[M, D] // a successor from memory
	buf      sim.Snapshot // compact's snapshot when it is not its parent's
	layout   sim.Layout   // of's snapshot's, when it has one
	// net is the parent's sim.SnapshotPool.NetKey, when netOK.
	net   fingerprint.Key
	netOK bool
	probe *sim.World[M, D, checker.Observation]
	slab  slab[M, D] // what Retain copies next and compact to
	// step is the remembered step that leads from of to compact, when
	// compact is pending (not built: State.pend), and added how many
	// messages it adds to the network.
	step  *localStep
	added int
	acts  []sim.Action[M]
	moves []sim.Move
	act   sim.Action[M] // a move written out
	// stutter, when set, is called for the stutters from memory instead
	// of the expansion's fn (NextStutters); compact is then not filled
	// in for them.
	stutter func()
	sent    []Sent[M]                        // Steps: what the step being taken sent
	record  func(from, to sim.NodeID, msg M) // appends to sent
	// only, when not 0, is the nodes whose steps a reduced expansion
	// takes (persistent.go), bit per node; cut is set when a bound cut
	// one of the steps taken.
	only uint64
	cut  bool
}

// successors calls fn for every enabled action of s within the bounds,
// with the successor it leads to, built in a scratch state valid until fn
// returns.
func (m *Model[M, D]) successors(s *State[M, D], fn func(a sim.Action[M], next *State[M, D])) {
	m.expand(s, labeled, func(a *sim.Action[M], next *State[M, D], _ []Sent[M]) { fn(*a, next) })
}

// expansion is what expand tells fn of each step besides the successor.
type expansion uint8

const (
	plain    expansion = iota // nothing: the action may be nil
	labeled                   // the action
	recorded                  // the action and the messages the step sent (Steps)
)

// expand calls fn for every enabled action of s within the bounds, with
// the successor it leads to (a scratch state valid until fn returns) and,
// as how asks, the action and the messages the step sent.
func (m *Model[M, D]) expand(s *State[M, D], how expansion, fn func(a *sim.Action[M], next *State[M, D], sent []Sent[M])) {
	m.expandStutters(s, how, fn, nil)
}

// expandStutters is expand, with the successors from memory that are s
// again passed to stutter instead of fn when stutter is not nil
// (NextStutters).
func (m *Model[M, D]) expandStutters(s *State[M, D], how expansion, fn func(a *sim.Action[M], next *State[M, D], sent []Sent[M]), stutter func()) {
	m.expandSteps(s, how, fn, stutter, false)
}

// expandSteps is expandStutters, over the steps of a persistent set of
// s's when reduce is set (persistent.go); it then reports whether it
// expanded s by one, and when it did not it has called fn for none.
func (m *Model[M, D]) expandSteps(s *State[M, D], how expansion, fn func(a *sim.Action[M], next *State[M, D], sent []Sent[M]), stutter func(), reduce bool) (reduced bool) {
	if s.fault != "" {
		return false
	}
	sc := m.scratchFor(s)
	defer m.putScratch(sc)
	sc.stutter = stutter
	judge := m.judgeOf(s)
	if !reduce && m.listMoves(s, how, sc) {
		m.expandMoves(s, how, judge, sc, fn)
		return false
	}
	w := sc.parent(m).world
	sc.acts = append(sc.acts[:0], w.Actions()...)
	if reduce {
		if sc.only = m.persistentNodes(w, sc.acts, judge); sc.only == 0 {
			return false
		}
	}
	for i := range sc.acts {
		a := &sc.acts[i]
		if reduce && sc.cut {
			return false // the explorer expands s in full instead
		}
		if !m.enabled(a, judge) || (reduce && sc.only&(1<<uint(a.To)) == 0) {
			continue
		}
		m.stepAction(s, a, how, judge, sc, fn)
	}
	return reduce && !sc.cut
}

// stepAction takes enabled action a from state s, which sc expands: from
// memory where it can, the long way where it must; fn gets the successor
// unless the bounds cut it (then sc.cut is set).
func (m *Model[M, D]) stepAction(s *State[M, D], a *sim.Action[M], how expansion, judge *judge, sc *scratch[M, D], fn func(a *sim.Action[M], next *State[M, D], sent []Sent[M])) {
	if how == recorded || m.unsent(a, judge) != nil { // a remembered step is not run again: it sends nothing to record, nor a request
	} else if ok, cut := m.remembered(s, a, sc); ok || cut {
		if ok {
			sc.fromMemory(a, fn)
		}
		sc.cut = sc.cut || cut
		return
	}
	m.takeLong(a, how, sc, fn)
}

// writtenOut reports whether move mv delivers or drops a client's
// request: whether it is enabled depends on the message.
func writtenOut(mv *sim.Move) bool {
	return (mv.Kind == sim.ActDeliver || mv.Kind == sim.ActDrop) && mv.From() == sim.External
}

// putScratch gives sc back, holding nothing of the expansion's caller (a
// pooled stutter callback would keep its chunk of candidates alive).
func (m *Model[M, D]) putScratch(sc *scratch[M, D]) {
	sc.stutter, sc.of, sc.live = nil, nil, nil
	sc.only, sc.cut = 0, false
	m.scratch.Put(sc)
}

// expandMoves is expand over the moves sc lists for compact state s:
// most are taken from memory, and only the others, or what how asks,
// are written out as actions.
func (m *Model[M, D]) expandMoves(s *State[M, D], how expansion, judge *judge, sc *scratch[M, D], fn func(a *sim.Action[M], next *State[M, D], sent []Sent[M])) {
	for i := range sc.moves {
		m.stepMove(s, &sc.moves[i], how, judge, sc, fn)
	}
}

// stepMove takes move mv of compact state s, which sc expands, if it is
// enabled: from memory where it can, the long way where it must.
func (m *Model[M, D]) stepMove(s *State[M, D], mv *sim.Move, how expansion, judge *judge, sc *scratch[M, D], fn func(a *sim.Action[M], next *State[M, D], sent []Sent[M])) {
	var a *sim.Action[M]
	if how != plain || writtenOut(mv) {
		sc.act = m.pool.Action(mv)
		a = &sc.act
	}
	if !m.enabledMove(mv, a, judge) {
		return
	}
	if a == nil || m.unsent(a, judge) == nil { // a client's send is taken the long way: the checkers are told of it
		if ok, cut := m.rememberedMove(s, mv, sc); ok || cut {
			if ok {
				sc.fromMemory(a, fn)
			}
			return
		}
	}
	sc.act = m.pool.Action(mv)
	m.takeLong(&sc.act, how, sc, fn)
}

// fromMemory passes the successor from memory in sc.compact, by action
// a, to fn, or to sc.stutter when it has one and the successor is a
// stutter.
func (sc *scratch[M, D]) fromMemory(a *sim.Action[M], fn func(a *sim.Action[M], next *State[M, D], sent []Sent[M])) {
	if sc.stutter != nil && sc.compact.stutter {
		sc.stutter()
		return
	}
	fn(a, sc.compact, nil)
}

// takeLong takes action a from the state sc expands the long way, in its
// live world, and calls fn with the successor unless the bounds cut it.
func (m *Model[M, D]) takeLong(a *sim.Action[M], how expansion, sc *scratch[M, D], fn func(a *sim.Action[M], next *State[M, D], sent []Sent[M])) {
	m.copyInto(sc.next, sc.parent(m))
	sc.next.above, sc.next.shared = false, false
	if fault := m.audit(sc, a); fault != "" { // the step not taken: its parent, marked
		sc.next.fault, sc.next.faultBy = contractFault(fault), checker.ContractProperty
		fn(a, sc.next, sc.sent)
		return
	}
	if how == recorded {
		sc.sent = sc.sent[:0]
		sc.next.world.SetSendHook(sc.record)
	}
	if r := m.unsent(a, sc.next.judge); r != nil {
		m.send(sc.next, r)
	}
	m.guard(sc.next, func() { sc.next.world.Do(*a) })
	if f := sc.next.world.IdentityFault(a.To); f != "" && sc.next.fault == "" {
		sc.next.fault, sc.next.faultBy = contractFault(f), checker.ContractProperty
	}
	if _, missed := sc.next.world.TornMissed(); missed {
		return // a torn crash past the handler's effects crashed nothing: the plain step, listed on its own
	}
	if m.outOfBounds(sc.next) || (sc.only != 0 && !m.orderFree && (sc.next.shared || m.violation(sc.next) != nil)) {
		sc.cut = true // a reduced expansion takes no step whose observations the order of the nodes' steps may judge differently (persistent.go)
		return
	}
	fn(a, sc.next, sc.sent)
}

// scratchFor returns a scratch to expand s in.
func (m *Model[M, D]) scratchFor(s *State[M, D]) *scratch[M, D] {
	sc, _ := m.scratch.Get().(*scratch[M, D])
	if sc == nil {
		sc = &scratch[M, D]{restored: m.newState(), next: m.newState(), compact: &State[M, D]{scratchParts: &scratchParts[M, D]{}}}
		sc.next.slab, sc.compact.slab = &sc.slab, &sc.slab
		sc.slab.words.Chunk = slabWords
		sc.record = func(from, to sim.NodeID, msg M) { sc.sent = append(sc.sent, Sent[M]{from, to, msg}) }
		sc.world = func() *sim.World[M, D, checker.Observation] { return sc.parent(m).world }
	}
	sc.of, sc.live, sc.netOK = s, nil, false
	if s.snap != nil {
		m.pool.Layout(s.snap, &sc.layout)
		if s.parts != nil && m.steps != nil {
			m.steps.KnownParts(&sc.layout, s.parts)
		}
	}
	return sc
}

// listMoves lists the moves of compact state s into sc.moves from its
// snapshot, without restoring its world, where that can be done and
// pays: a search that remembers steps, most of which then need no world.
// It reports whether it did.
func (m *Model[M, D]) listMoves(s *State[M, D], how expansion, sc *scratch[M, D]) bool {
	if how == recorded || m.steps == nil || s.isLive() || s.snap == nil {
		return false
	}
	var ok bool
	sc.moves, ok = m.pool.Moves(s.snap, sc.moves)
	return ok
}

// parent is the state sc expands, live: restored the first time a step
// needs its world.
func (sc *scratch[M, D]) parent(m *Model[M, D]) *State[M, D] {
	if sc.live == nil {
		sc.live = m.live(sc.of, sc.restored)
	}
	return sc.live
}

// parentNet is the network's part of the fingerprint of s, the parent
// sc expands: computed once, and only for a compact s.
func (sc *scratch[M, D]) parentNet(m *Model[M, D], s *State[M, D]) fingerprint.Key {
	if !sc.netOK {
		sc.net, sc.netOK = s.net, s.netOK
		if !sc.netOK {
			sc.net, sc.netOK = m.pool.NetKey(s.snap), true
		}
	}
	return sc.net
}

// enabled reports whether the bounds allow action a, given the checkers'
// state before it.
func (m *Model[M, D]) enabled(a *sim.Action[M], j *judge) bool {
	switch a.Kind {
	case sim.ActDeliver, sim.ActDrop:
		if m.answers && a.From == sim.External {
			return m.inTurn(a, j) // a client that has its answer does not retry
		}
	case sim.ActTimer:
		return m.timers&(1<<uint(a.Tag)) != 0
	case sim.ActRestart:
		return m.restarts
	}
	return true
}

// enabledMove is enabled of move mv, whose action a is written out for a
// client's request (else it may be nil): writtenOut.
func (m *Model[M, D]) enabledMove(mv *sim.Move, a *sim.Action[M], j *judge) bool {
	switch mv.Kind {
	case sim.ActDeliver, sim.ActDrop:
		return mv.From() != sim.External || m.enabled(a, j)
	case sim.ActTimer:
		return m.timers&(1<<uint(mv.Tag)) != 0
	case sim.ActRestart:
		return m.restarts
	}
	return true
}

// Forget implements explore.Forgetter: the snapshot pool, the
// remembered steps and the interned checker states go, and the next Init
// starts them afresh. No state of the model's from before may be used
// after.
func (m *Model[M, D]) Forget() {
	m.pool, m.steps = nil, nil
	m.judges.Reset()
	m.scratch = sync.Pool{}
}

// Next implements explore.Model.
func (m *Model[M, D]) Next(s *State[M, D], emit func(*State[M, D])) {
	m.expand(s, plain, func(_ *sim.Action[M], next *State[M, D], _ []Sent[M]) { emit(next) })
}

// NoteDecision notes whether s, a state the search checks, has a value
// chosen (Decided). Check calls it; a search that wraps the model and
// checks states its own way (package refine) calls it too.
func (m *Model[M, D]) NoteDecision(s *State[M, D]) {
	if !m.decided.Load() && m.judgeOf(s).safety.Decided() {
		m.decided.Store(true)
	}
}

// Decided reports whether some state the search checked has a value
// chosen (Report.Decided).
func (m *Model[M, D]) Decided() bool { return m.decided.Load() }

// Check implements explore.Model.
func (m *Model[M, D]) Check(s *State[M, D]) string {
	if s.fault != "" {
		return s.fault
	}
	m.NoteDecision(s)
	if v := m.violation(s); v != nil {
		out := fmt.Sprintf("%s: %s", v.Property, v.Message)
		if len(v.Evidence) > 0 {
			out += "\n  " + strings.Join(v.Evidence, "\n  ")
		}
		return out
	}
	return ""
}

// violation returns the first violation of s among the properties
// checked, or nil.
func (m *Model[M, D]) violation(s *State[M, D]) *checker.Violation {
	j := m.judgeOf(s)
	if len(m.props) == 0 {
		return j.Violation()
	}
	return firstOf(j.Violations(), m.props)
}

// Label implements explore.Model: the i-th successor's step, as a
// decision-trace line.
func (m *Model[M, D]) Label(s *State[M, D], i int) string {
	k, label := 0, ""
	m.successors(s, func(a sim.Action[M], _ *State[M, D]) {
		if k == i {
			label = a.String()
		}
		k++
	})
	if label == "" {
		return fmt.Sprintf("no successor %d (the state has %d)", i, k)
	}
	return label
}
