package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// CheckConfig is an exhaustive search of the real protocol code: every
// interleaving of a small cluster's steps in the simulator's choice mode,
// within bounds. Config gives the protocol, variant, nodes and proposers
// (client c proposes value c to replica c); its timing and fault rates do
// not apply.
type CheckConfig struct {
	Config Config
	// Network is what delivery does: SentSet (the default for paxsim
	// check) keeps every sent message deliverable forever, which covers
	// loss, reordering and duplication in one state; Multiset consumes
	// messages and makes drops and duplications actions of their own.
	Network sim.NetworkSemantics
	// MaxBallot bounds the ballots each proposer uses: rounds 1..MaxBallot.
	// A step that would start a higher round is not taken.
	MaxBallot int
	// Crashes is how many crashes a path may contain (restarts are free);
	// at most a minority (or Config.MaxCrashed) is down at once.
	Crashes int
	// NoRestarts leaves crashed replicas down.
	NoRestarts bool
	// NoTimers leaves timers unfired: no retries with higher ballots and no
	// learner catch-up, only what messages and client requests start.
	NoTimers bool
	// Drops and Dups, for a Multiset network: may in-flight messages be
	// lost, and how many extra copies of sent messages a path may inject.
	Drops bool
	Dups  int
	// NetworkSelf sends a replica's messages to itself through the network
	// like any other, for the scheduler to deliver whenever: every
	// interleaving, at many times the states. By default they are local
	// calls, delivered at once (sim.ChoiceConfig.LocalSelf).
	NetworkSelf bool
	// Properties, when not empty, are the only properties whose violation
	// ends the search: agreement alone, say, to see how a variant that an
	// early check catches first goes on to break it. A panic always ends
	// it.
	Properties []checker.Property

	// Multi-Paxos only (Config.Protocol multipaxos; check_multipaxos.go
	// says what its search covers). Commands is how many client commands
	// are in flight from the start, one per client (0 means 2); with
	// Reconfig the last one reconfigures the cluster to these members.
	// Alpha is Lamport's window (0 means 2). Ticks lets the leaders' tick
	// timer fire (heartbeats and retransmissions).
	Commands int
	Reconfig []sim.NodeID
	Alpha    int
	Ticks    bool
}

// DefaultCheck is what a bare `paxsim check` explores: three replicas, two
// proposers, a grow-only network set, one ballot per proposer (the two
// duel with ballots 1.1 and 1.2), timers on and no crashes: 317,716
// states.
func DefaultCheck() CheckConfig {
	c := Default()
	return CheckConfig{Config: c, Network: sim.SentSet, MaxBallot: 1}
}

// Validate reports the first bad knob as a *ConfigError.
func (c CheckConfig) Validate() error {
	_, err := c.build()
	return err
}

func (c CheckConfig) build() (sim.Config, error) {
	var sc sim.Config
	var err error
	if c.Config.Protocol == MultiPaxos {
		var s mpSetupCheck
		s, err = c.buildMPCheck()
		sc = s.sc
	} else {
		sc, _, err = c.Config.build()
		switch {
		case err != nil:
		case c.Commands != 0:
			err = bad("commands", "is for --protocol multipaxos (single-decree clients are --proposers)")
		case len(c.Reconfig) > 0:
			err = bad("reconfig", "is for --protocol multipaxos")
		case c.Alpha != 0:
			err = bad("alpha", "is for --protocol multipaxos")
		case c.Ticks:
			err = bad("ticks", "is for --protocol multipaxos")
		}
	}
	if err != nil {
		return sc, err
	}
	switch {
	case c.MaxBallot < 1:
		return sc, bad("max-ballot", "%d: each proposer needs at least one ballot", c.MaxBallot)
	case c.MaxBallot > 1<<20:
		return sc, bad("max-ballot", "%d is too many to explore", c.MaxBallot)
	case c.Crashes < 0:
		return sc, bad("crashes", "%d is negative", c.Crashes)
	case c.Dups < 0:
		return sc, bad("dups", "%d is negative", c.Dups)
	case c.Network == sim.SentSet && (c.Drops || c.Dups > 0):
		return sc, bad("network", "a set network already loses and duplicates messages; --drops and --dups need --network multiset")
	case c.Config.Nodes > 16:
		return sc, bad("nodes", "%d is too many to explore (at most 16)", c.Config.Nodes)
	}
	maxCrashed := c.Config.MaxCrashed
	if maxCrashed == 0 {
		maxCrashed = (c.Config.Nodes - 1) / 2
	}
	sc.Mode = sim.Choice
	sc.Choice = sim.ChoiceConfig{Drops: c.Drops, MaxDups: c.Dups, MaxCrashes: c.Crashes, Network: c.Network, LocalSelf: !c.NetworkSelf}
	sc.Faults = sim.FaultConfig{Interval: sc.Faults.Interval, MaxCrashed: maxCrashed}
	sc.HealAt = 0
	return sc, nil
}

// CheckModel is the real single-decree protocol code as an
// explore.Model: a state is a Choice world with its safety checker, a step
// one of the world's enabled actions (deliver a message, which for the
// replica a client asked is the client's proposal; fire a timer; drop or
// duplicate a message; crash or restart a replica), and the invariant
// every property the checker judges at each observation: agreement,
// validity, learner integrity and the early checks. A panic in protocol
// code is a violation too.
type CheckModel struct {
	worldModel[protocol.Msg, protocol.Durable, *checker.Safety]
}

// CheckState is one state of a CheckModel.
type CheckState = worldState[protocol.Msg, protocol.Durable, *checker.Safety]

// NewCheckModel builds the model of c; a bad c returns a *ConfigError.
func NewCheckModel(c CheckConfig) (*CheckModel, error) {
	if c.Config.Protocol == MultiPaxos {
		return nil, bad("protocol", "NewCheckModel is single-decree Paxos; NewMPCheckModel explores multipaxos")
	}
	sc, err := c.build()
	if err != nil {
		return nil, err
	}
	_, variant, _ := c.Config.build()
	m := &CheckModel{}
	m.worldModel = worldModel[protocol.Msg, protocol.Durable, *checker.Safety]{
		sc:      sc,
		factory: protocol.NewNodes(c.Config.Nodes, checkProtocolConfig(variant, sc.Network.Delay)),
		perms:   symmetryGroup(c.Config.Nodes, c.Config.Proposers),
		props:   c.Properties,
		start: func(w *sim.World[protocol.Msg, protocol.Durable, checker.Observation]) *checker.Safety {
			safety := checker.NewSafety(c.Config.Nodes)
			for cl := 1; cl <= c.Config.Proposers; cl++ {
				safety.Observe(0, checker.Observation{Kind: checker.Invoked, Client: cl, Value: checker.Value(cl)})
				w.Request(0, sim.NodeID(cl), protocol.Msg{Type: protocol.Request, Client: int32(cl), Value: checker.Value(cl)})
			}
			return safety
		},
		enabled: func(a sim.Action[protocol.Msg], _ *checker.Safety) bool {
			switch a.Kind {
			case sim.ActTimer:
				return !c.NoTimers
			case sim.ActRestart:
				return !c.NoRestarts
			}
			return true
		},
		beyond: func(d protocol.Durable) bool { return int(d.Round) > c.MaxBallot },
	}
	return m, nil
}

// checkProtocolConfig is the protocol the explorer runs: the campaigns',
// but for learners' ballots (protocol.Config.NoLearnerBallots). They
// exist for liveness, which the explorer does not judge, and they would
// make every replica a proposer: the states would grow 14-fold at the
// default bounds, and no renaming of replicas would be a symmetry.
func checkProtocolConfig(variant protocol.Variant, d sim.Delay) protocol.Config {
	c := protocolConfig(variant, d)
	c.NoLearnerBallots = true
	return c
}

// symmetryGroup lists the renamings of replica ids that map the protocol's
// transitions onto themselves: the permutations of the replicas that no
// client asks. A ballot is (round, proposer id) and the order of two
// ballots of one round depends on their ids, so renaming replicas that
// propose would change which ballot wins; replicas that never propose own
// no ballot, and whatever they do is the same under any renaming of them.
func symmetryGroup(nodes, proposers int) []*[64]uint8 {
	free := make([]uint8, 0, nodes)
	for id := proposers + 1; id <= nodes; id++ {
		free = append(free, uint8(id))
	}
	var out []*[64]uint8
	permute(free, 0, func(p []uint8) {
		if len(out) == 0 {
			out = append(out, nil) // the identity: no renaming, cached fingerprints
			return
		}
		var perm [64]uint8
		for i := range perm {
			perm[i] = uint8(i)
		}
		for i, id := range p {
			perm[proposers+1+i] = id
		}
		out = append(out, &perm)
	})
	return out
}

// permute calls fn with every permutation of xs[k:] (xs[:k] fixed), the
// identity first.
func permute(xs []uint8, k int, fn func([]uint8)) {
	if k >= len(xs) {
		fn(xs)
		return
	}
	for i := k; i < len(xs); i++ {
		xs[k], xs[i] = xs[i], xs[k]
		permute(xs, k+1, fn)
		xs[k], xs[i] = xs[i], xs[k]
	}
}

// Safety returns the checker of state s, with what it saw on the way.
func (m *CheckModel) Safety(s *CheckState) *checker.Safety { return m.Judge(s) }

// judge is the checker state a model keeps with every world: what was
// accepted, chosen and applied on the way to a state, which the replicas'
// state no longer shows, decides the verdicts after it. *checker.Safety
// is one; the Multi-Paxos model pairs it with a checker.LogChecker.
type judge[J any] interface {
	CloneInto(dst J) J
	Fingerprint(h *fingerprint.Hasher)
	Observe(node int, o checker.Observation)
	Violation() *checker.Violation
	Violations() []checker.Violation
}

// worldModel is the engine both models of protocol code run on (the
// single-decree CheckModel and the Multi-Paxos MPCheckModel), an
// explore.Model over Choice worlds of message type M and durable state D
// judged by J. The protocol's part is four functions: start (the initial
// world's client requests, and a fresh judge that knows them), enabled
// (which of a world's actions the bounds allow, given the checker's state
// before it), beyond (a durable state past the ballot bound) and the node
// factory.
type worldModel[M sim.Message, D any, J judge[J]] struct {
	sc      sim.Config
	factory sim.NewNode[M, D, checker.Observation]
	perms   []*[64]uint8       // the symmetry group, the identity (nil) first
	props   []checker.Property // the properties whose violation ends the search; nil for all
	start   func(w *sim.World[M, D, checker.Observation]) J
	enabled func(a sim.Action[M], j J) bool
	beyond  func(d D) bool
	scratch sync.Pool // *scratch[M, D, J], live, for Next

	// Full keeps every state the explorer holds as a whole copy of its
	// world and checker, instead of a compact snapshot whose parts are
	// stored once each, keyed by fingerprint: what an exact search needs,
	// at tens of times the memory.
	Full bool

	pool   *sim.SnapshotPool[M, D, checker.Observation]
	judges sim.Interner[J] // immutable: shared by the states restored
}

// worldState is one state of a worldModel: live (a world and its checker,
// as Next emits them) or compact (a snapshot and the index of its
// checker's state, as the explorer keeps them).
type worldState[M sim.Message, D any, J judge[J]] struct {
	world   *sim.World[M, D, checker.Observation]
	judge   J
	observe sim.Observer[checker.Observation]
	// A live state shares its parent's checker until an observation
	// changes it (copy on write): most steps observe nothing.
	owned    bool
	own      J // memory for the state's own copy
	judgeKey fingerprint.Key
	judgeOK  bool // judgeKey is the checker's fingerprint

	snap     sim.Snapshot
	judgeRef uint32
	panic    string
}

// SymmetryGroupSize is the number of renamings symmetry reduction tries.
func (m *worldModel[M, D, J]) SymmetryGroupSize() int { return len(m.perms) }

func (m *worldModel[M, D, J]) newState() *worldState[M, D, J] {
	st := &worldState[M, D, J]{}
	st.observe = func(node sim.NodeID, o checker.Observation) {
		if !st.owned {
			st.own = st.judge.CloneInto(st.own)
			st.judge, st.owned = st.own, true
		}
		st.judgeOK = false
		st.judge.Observe(int(node), o)
	}
	return st
}

// Init implements explore.Model: every replica booted, every client's
// request in flight to its replica.
func (m *worldModel[M, D, J]) Init() []*worldState[M, D, J] {
	st := m.newState()
	w, err := sim.New(m.sc, zeroDecider{}, m.factory, st.observe)
	if err != nil {
		panic(err) // validated when the model was built
	}
	st.world = w
	w.Fingerprinted()
	st.judge, st.owned = m.start(w), true
	m.guard(st, func() { w.Actions() }) // boot: every replica starts
	if m.pool == nil {
		m.pool = sim.NewSnapshotPool(w)
	}
	return []*worldState[M, D, J]{st}
}

// zeroDecider answers every draw a node makes with 0: in a Choice world
// timers fire when the explorer says, so their drawn lengths decide
// nothing, and a trace replays them the same way.
type zeroDecider struct{}

func (zeroDecider) Intn(sim.Decision, int) int        { return 0 }
func (zeroDecider) Chance(sim.Decision, float64) bool { return false }

// scratch is what one call of Next works in: the parent, live, and the
// successor being built.
type scratch[M sim.Message, D any, J judge[J]] struct {
	parent, next *worldState[M, D, J]
	acts         []sim.Action[M]
}

// successors calls fn for every enabled action of s within the bounds,
// with the successor it leads to, built in a scratch state valid until fn
// returns.
func (m *worldModel[M, D, J]) successors(s *worldState[M, D, J], fn func(a sim.Action[M], next *worldState[M, D, J])) {
	if s.panic != "" {
		return
	}
	sc, _ := m.scratch.Get().(*scratch[M, D, J])
	if sc == nil {
		sc = &scratch[M, D, J]{parent: m.newState(), next: m.newState()}
	}
	parent := m.live(s, sc.parent)
	sc.acts = append(sc.acts[:0], parent.world.Actions()...)
	for _, a := range sc.acts {
		if !m.enabled(a, parent.judge) {
			continue
		}
		m.copyInto(sc.next, parent)
		m.guard(sc.next, func() { sc.next.world.Do(a) })
		if m.outOfBounds(sc.next) {
			continue
		}
		fn(a, sc.next)
	}
	m.scratch.Put(sc)
}

// Next implements explore.Model.
func (m *worldModel[M, D, J]) Next(s *worldState[M, D, J], emit func(*worldState[M, D, J])) {
	m.successors(s, func(_ sim.Action[M], next *worldState[M, D, J]) { emit(next) })
}

// live returns s as a live state: s itself, or s restored into into.
func (m *worldModel[M, D, J]) live(s, into *worldState[M, D, J]) *worldState[M, D, J] {
	if s.world != nil {
		return s
	}
	into.world = m.pool.Restore(into.world, s.snap, into.observe)
	into.judge, into.owned = m.judges.Get(s.judgeRef), false
	into.judgeKey, into.judgeOK = s.judgeKey, true
	into.panic = s.panic
	return into
}

// copyInto makes dst a live copy of src, sharing src's checker until dst
// observes something.
func (m *worldModel[M, D, J]) copyInto(dst, src *worldState[M, D, J]) {
	dst.world = src.world.CloneInto(dst.world, dst.observe)
	dst.judge, dst.owned = src.judge, false
	dst.judgeKey, dst.judgeOK = src.judgeKey, src.judgeOK
	dst.panic = src.panic
}

// judgeFingerprint is the fingerprint of st's checker, computed once.
func (m *worldModel[M, D, J]) judgeFingerprint(st *worldState[M, D, J]) fingerprint.Key {
	if !st.judgeOK {
		var h fingerprint.Hasher
		h.Reset()
		st.judge.Fingerprint(&h)
		st.judgeKey, st.judgeOK = h.Sum(), true
	}
	return st.judgeKey
}

// guard runs fn, turning a panic in protocol code into the state's
// violation.
func (m *worldModel[M, D, J]) guard(st *worldState[M, D, J], fn func()) {
	defer func() {
		if p := recover(); p != nil {
			st.panic = fmt.Sprintf("%s: panic while running %s: %v", PanicProperty, st.world.Current(), p)
		}
	}()
	fn()
}

// outOfBounds reports a state past the ballot bound: a replica whose
// durable state holds a ballot of a round above it.
func (m *worldModel[M, D, J]) outOfBounds(st *worldState[M, D, J]) bool {
	if st.panic != "" {
		return false
	}
	for id := 1; id <= m.sc.Nodes; id++ {
		if m.beyond(st.world.Durable(sim.NodeID(id))) {
			return true
		}
	}
	return false
}

// Retain implements explore.Retainer: a compact copy of a live state (or
// a whole one, with Full).
func (m *worldModel[M, D, J]) Retain(s *worldState[M, D, J]) *worldState[M, D, J] {
	if m.Full {
		st := m.newState()
		m.copyInto(st, s)
		var fresh J
		st.judge, st.owned = s.judge.CloneInto(fresh), true
		return st
	}
	st := &worldState[M, D, J]{panic: s.panic}
	st.snap = m.pool.Snapshot(s.world, nil)
	st.judgeKey, st.judgeOK = m.judgeFingerprint(s), true
	st.judgeRef = m.judges.Intern(st.judgeKey, func() J {
		var fresh J
		return s.judge.CloneInto(fresh)
	})
	return st
}

// Judge returns the checker of state s, with what it saw on the way.
func (m *worldModel[M, D, J]) Judge(s *worldState[M, D, J]) J {
	if s.world != nil {
		return s.judge
	}
	return m.judges.Get(s.judgeRef)
}

// Check implements explore.Model.
func (m *worldModel[M, D, J]) Check(s *worldState[M, D, J]) string {
	if s.panic != "" {
		return s.panic
	}
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
func (m *worldModel[M, D, J]) violation(s *worldState[M, D, J]) *checker.Violation {
	return firstOf(m.Judge(s), m.props)
}

// firstOf returns j's first violation of one of props (of any property,
// when props is empty), or nil.
func firstOf[J judge[J]](j J, props []checker.Property) *checker.Violation {
	if len(props) == 0 {
		return j.Violation()
	}
	all := j.Violations()
	for i := range all {
		if slices.Contains(props, all[i].Property) {
			return &all[i]
		}
	}
	return nil
}

// Fingerprint implements explore.Model: the world (nodes, durable state,
// network, timers) and the checker's state. With symmetry it writes the
// renaming of the state whose fingerprint is least among the group's.
func (m *worldModel[M, D, J]) Fingerprint(h *fingerprint.Hasher, s *worldState[M, D, J], symmetry bool) {
	sc := s
	if s.world == nil {
		sc = m.live(s, m.newState())
	}
	if symmetry && len(m.perms) > 1 {
		var sub fingerprint.Hasher
		var best fingerprint.Key
		bestPerm := m.perms[0]
		for i, p := range m.perms {
			sub.Reset()
			sub.SetRenaming(p)
			m.write(&sub, sc)
			if k := sub.Sum(); i == 0 || k.Less(best) {
				best, bestPerm = k, p
			}
		}
		h.SetRenaming(bestPerm)
		defer h.SetRenaming(nil)
	}
	m.write(h, sc)
}

func (m *worldModel[M, D, J]) write(h *fingerprint.Hasher, s *worldState[M, D, J]) {
	s.world.Fingerprint(h)
	switch {
	case h.Exact():
		s.judge.Fingerprint(h)
	case h.Renaming() == nil:
		h.Key(m.judgeFingerprint(s))
	default: // the form of the cached key, under the renaming
		var sub fingerprint.Hasher
		sub.Reset()
		sub.SetRenaming(h.Renaming())
		s.judge.Fingerprint(&sub)
		h.Key(sub.Sum())
	}
	h.Bool(s.panic != "")
}

// Label implements explore.Model: the i-th successor's step, as a
// decision-trace line.
func (m *worldModel[M, D, J]) Label(s *worldState[M, D, J], i int) string {
	k, label := 0, ""
	m.successors(s, func(a sim.Action[M], _ *worldState[M, D, J]) {
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

// readViolation fills in what the last state of rep's counterexample,
// last, broke: every property's first violation, and the property the
// search was after (PanicProperty for a panic).
func (m *worldModel[M, D, J]) readViolation(last *worldState[M, D, J], rep *CheckReport) {
	rep.Violations = slices.Clone(m.Judge(last).Violations())
	rep.Property = PanicProperty
	if v := m.violation(last); v != nil {
		rep.Property = v.Property
	}
}

// CheckReport is the outcome of an exhaustive search of the protocol code.
type CheckReport struct {
	// Result's Path holds the model's compact states, which only the
	// model that made them can read (nil for Multi-Paxos, whose states
	// are another model's: Labels has its path); Violations has what the
	// last broke.
	explore.Result[*CheckState]
	// Violations are the first violation of each property in the bad
	// state, in the order they happened.
	Violations []checker.Violation
	// Trace is the counterexample as a decision trace that `paxsim replay`
	// runs (a set network's repeated deliveries become duplications, a
	// client request delivered again a client retry), or nil.
	Trace *Trace
	// Steps is the counterexample as steps, one a line: the trace's
	// lines for single-decree Paxos; for Multi-Paxos, which has no
	// decision traces, the scenario steps of checkMultiPaxos.
	Steps []string
	// Property is the property the counterexample breaks.
	Property checker.Property
	// Note says what the search cannot judge, for the report: a variant
	// that breaks liveness only, say. "" when there is nothing to add.
	Note string
}

// Check explores every state of c within its bounds and opts'. A violation
// comes back with the shortest path to it (BFS) as a decision trace, which
// is replayed before it is returned: a trace that does not reproduce the
// violation is an error.
func Check(c CheckConfig, opts explore.Options) (CheckReport, error) {
	if c.Config.Protocol == MultiPaxos {
		return checkMultiPaxos(c, opts)
	}
	m, err := NewCheckModel(c)
	if err != nil {
		return CheckReport{}, err
	}
	m.Full = opts.Exact
	res, err := explore.Run[*CheckState](m, opts)
	rep := CheckReport{Result: res}
	if err != nil || res.Verdict != explore.VerdictViolation {
		return rep, err
	}
	m.readViolation(res.Path[len(res.Path)-1], &rep)
	rep.Trace, err = traceOfPath(c, res.Labels, rep.Property)
	if rep.Trace != nil {
		for _, l := range rep.Trace.Lines {
			rep.Steps = append(rep.Steps, l.Text)
		}
	}
	return rep, err
}

// traceOfPath turns an explorer's path into a decision trace that replays
// in the multiset Choice world of Replay, and checks that it reproduces
// the violation.
func traceOfPath(c CheckConfig, labels []string, want checker.Property) (*Trace, error) {
	sc, variant, err := choiceConfig(c.Config)
	if err != nil {
		return nil, err
	}
	r, err := newRunner(c.Config, sc, variant, 0, zeroDecider{}, Options{})
	if err != nil {
		return nil, err
	}
	var lines []string
	for cl := 1; cl <= c.Config.Proposers; cl++ {
		lines = append(lines, clientLine(cl, checker.Value(cl), sim.NodeID(cl)))
		r.propose(cl, sim.NodeID(cl), 0)
	}
	var stepErr error
	r.execute(func() error {
		for _, l := range labels {
			if err := r.world.DoLine(l); err != nil {
				// A set network delivered this message before: in a
				// multiset it takes a copy (or a client's retry).
				verb, rest, _ := strings.Cut(l, " ")
				if verb != "deliver" {
					stepErr = fmt.Errorf("explorer step %q does not replay: %v", l, err)
					return nil
				}
				if strings.HasPrefix(rest, "client->") {
					op := r.op(clientOf(rest))
					if op == nil {
						stepErr = fmt.Errorf("explorer step %q: no such client", l)
						return nil
					}
					lines = append(lines, clientLine(op.Client, op.Value, sim.NodeID(op.Node)))
					r.request(op.Client, sim.NodeID(op.Node), r.world.Now())
				} else {
					dup := "dup " + rest
					if err := r.world.DoLine(dup); err != nil {
						stepErr = fmt.Errorf("explorer step %q does not replay: %v", dup, err)
						return nil
					}
					lines = append(lines, dup)
				}
				if err := r.world.DoLine(l); err != nil {
					stepErr = fmt.Errorf("explorer step %q does not replay: %v", l, err)
					return nil
				}
			}
			lines = append(lines, l)
			r.afterStep() // the path ends at the violation the search looked for
			// The explorer's replicas call themselves; the replay's send
			// their messages to themselves through the network, and take
			// them now, in the order sent.
			for !c.NetworkSelf {
				self := ""
				for _, a := range r.world.Actions() {
					if a.Kind == sim.ActDeliver && a.From == a.To {
						self = a.String()
						break
					}
				}
				if self == "" {
					break
				}
				if err := r.world.DoLine(self); err != nil {
					stepErr = fmt.Errorf("local delivery %q does not replay: %v", self, err)
					return nil
				}
				lines = append(lines, self)
				r.afterStep()
			}
		}
		return nil
	})
	if stepErr != nil {
		return nil, stepErr
	}
	t := &Trace{Config: c.Config}
	for i, l := range lines {
		t.Lines = append(t.Lines, sim.ScriptLine{N: i + 1, Text: l})
	}
	res, err := Replay(t, Options{})
	if err != nil {
		return nil, fmt.Errorf("the counterexample trace does not replay: %v", err)
	}
	// A replay stops at the first violation; the search may have gone on
	// past an early check to the property it was asked about.
	if !res.Failed() || (res.Violations[0].Property != want && len(c.Properties) == 0) {
		return nil, fmt.Errorf("the counterexample trace replays without breaking %s (verdict %s): explorer and replay disagree", want, res.Verdict)
	}
	return t, nil
}

// clientOf reads the client of a request delivery line's rest,
// "client->N Request(client C, vC)".
func clientOf(rest string) int {
	var node, client, value int
	if _, err := fmt.Sscanf(rest, "client->%d Request(client %d, v%d)", &node, &client, &value); err != nil {
		return 0
	}
	return client
}
