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
	sc, _, err := c.Config.build()
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

// CheckModel is the real protocol code as an explore.Model: a state is a
// Choice world with its safety checker, a step one of the world's enabled
// actions (deliver a message, which for the replica a client asked is the
// client's proposal; fire a timer; drop or duplicate a message; crash or
// restart a replica), and the invariant every property the checker judges
// at each observation: agreement, validity, learner integrity and the
// early checks. A panic in protocol code is a violation too.
type CheckModel struct {
	cfg     CheckConfig
	sc      sim.Config
	factory nodeFactory
	perms   []*[64]uint8 // the symmetry group, the identity (nil) first
	scratch sync.Pool    // *CheckState, live, for Next

	// Full keeps every state the explorer holds as a whole copy of its
	// world and checker, instead of a compact snapshot whose parts are
	// stored once each, keyed by fingerprint: what an exact search needs,
	// at tens of times the memory.
	Full bool

	pool     *sim.SnapshotPool[protocol.Msg, protocol.Durable, checker.Observation]
	safeties sim.Interner[*checker.Safety] // immutable: shared by the states restored
}

// CheckState is one state of a CheckModel: live (a world and its checker,
// as Next emits them) or compact (a snapshot and the index of its
// checker's state, as the explorer keeps them).
type CheckState struct {
	world   *paxosWorld
	safety  *checker.Safety
	observe sim.Observer[checker.Observation]
	// A live state shares its parent's checker until an observation
	// changes it (copy on write): most steps observe nothing.
	owned   bool
	own     *checker.Safety // memory for the state's own copy
	safeKey fingerprint.Key // the checker's fingerprint, when safeOK
	safeOK  bool

	snap    sim.Snapshot
	safeRef uint32
	panic   string
}

// NewCheckModel builds the model of c; a bad c returns a *ConfigError.
func NewCheckModel(c CheckConfig) (*CheckModel, error) {
	sc, err := c.build()
	if err != nil {
		return nil, err
	}
	_, variant, _ := c.Config.build()
	m := &CheckModel{cfg: c, sc: sc, factory: protocol.NewNodes(c.Config.Nodes, protocolConfig(variant, sc.Network.Delay))}
	m.perms = symmetryGroup(c.Config.Nodes, c.Config.Proposers)
	return m, nil
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

// SymmetryGroupSize is the number of renamings symmetry reduction tries.
func (m *CheckModel) SymmetryGroupSize() int { return len(m.perms) }

func (m *CheckModel) newState() *CheckState {
	st := &CheckState{}
	st.observe = func(node sim.NodeID, o checker.Observation) {
		if !st.owned {
			st.own = st.safety.CloneInto(st.own)
			st.safety, st.owned = st.own, true
		}
		st.safeOK = false
		st.safety.Observe(int(node), o)
	}
	return st
}

// Init implements explore.Model: every replica booted, every client's
// request in flight to its replica.
func (m *CheckModel) Init() []*CheckState {
	st := m.newState()
	st.safety, st.owned = checker.NewSafety(m.cfg.Config.Nodes), true
	w, err := sim.New(m.sc, zeroDecider{}, m.factory, st.observe)
	if err != nil {
		panic(err) // validated in NewCheckModel
	}
	st.world = w
	w.Fingerprinted()
	for c := 1; c <= m.cfg.Config.Proposers; c++ {
		st.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Client: c, Value: checker.Value(c)})
		w.Request(0, sim.NodeID(c), protocol.Msg{Type: protocol.Request, Client: int32(c), Value: checker.Value(c)})
	}
	m.guard(st, func() { w.Actions() }) // boot: every replica starts
	if m.pool == nil {
		m.pool = sim.NewSnapshotPool(w)
	}
	return []*CheckState{st}
}

// zeroDecider answers every draw a node makes with 0: in a Choice world
// timers fire when the explorer says, so their drawn lengths decide
// nothing, and a trace replays them the same way.
type zeroDecider struct{}

func (zeroDecider) Intn(sim.Decision, int) int        { return 0 }
func (zeroDecider) Chance(sim.Decision, float64) bool { return false }

// enabled filters the world's actions by the kinds switched off.
func (m *CheckModel) enabled(a sim.Action[protocol.Msg]) bool {
	switch a.Kind {
	case sim.ActTimer:
		return !m.cfg.NoTimers
	case sim.ActRestart:
		return !m.cfg.NoRestarts
	}
	return true
}

// scratch is what one call of Next works in: the parent, live, and the
// successor being built.
type scratch struct {
	parent, next *CheckState
	acts         []sim.Action[protocol.Msg]
}

// successors calls fn for every enabled action of s within the bounds,
// with the successor it leads to, built in a scratch state valid until fn
// returns.
func (m *CheckModel) successors(s *CheckState, fn func(a sim.Action[protocol.Msg], next *CheckState)) {
	if s.panic != "" {
		return
	}
	sc, _ := m.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{parent: m.newState(), next: m.newState()}
	}
	parent := m.live(s, sc.parent)
	sc.acts = append(sc.acts[:0], parent.world.Actions()...)
	for _, a := range sc.acts {
		if !m.enabled(a) {
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
func (m *CheckModel) Next(s *CheckState, emit func(*CheckState)) {
	m.successors(s, func(_ sim.Action[protocol.Msg], next *CheckState) { emit(next) })
}

// live returns s as a live state: s itself, or s restored into into.
func (m *CheckModel) live(s, into *CheckState) *CheckState {
	if s.world != nil {
		return s
	}
	into.world = m.pool.Restore(into.world, s.snap, into.observe)
	into.safety, into.owned = m.safeties.Get(s.safeRef), false
	into.safeKey, into.safeOK = s.safeKey, true
	into.panic = s.panic
	return into
}

// copyInto makes dst a live copy of src, sharing src's checker until dst
// observes something.
func (m *CheckModel) copyInto(dst, src *CheckState) {
	dst.world = src.world.CloneInto(dst.world, dst.observe)
	dst.safety, dst.owned = src.safety, false
	dst.safeKey, dst.safeOK = src.safeKey, src.safeOK
	dst.panic = src.panic
}

// safetyKey is the fingerprint of st's checker, computed once.
func (m *CheckModel) safetyKey(st *CheckState) fingerprint.Key {
	if !st.safeOK {
		var h fingerprint.Hasher
		h.Reset()
		st.safety.Fingerprint(&h)
		st.safeKey, st.safeOK = h.Sum(), true
	}
	return st.safeKey
}

// guard runs fn, turning a panic in protocol code into the state's
// violation.
func (m *CheckModel) guard(st *CheckState, fn func()) {
	defer func() {
		if p := recover(); p != nil {
			st.panic = fmt.Sprintf("%s: panic while running %s: %v", PanicProperty, st.world.Current(), p)
		}
	}()
	fn()
}

// outOfBounds reports a state past the ballot bound.
func (m *CheckModel) outOfBounds(st *CheckState) bool {
	if st.panic != "" {
		return false
	}
	for id := 1; id <= m.cfg.Config.Nodes; id++ {
		if int(st.world.Durable(sim.NodeID(id)).Round) > m.cfg.MaxBallot {
			return true
		}
	}
	return false
}

// Retain implements explore.Retainer: a compact copy of a live state (or
// a whole one, with Full).
func (m *CheckModel) Retain(s *CheckState) *CheckState {
	if m.Full {
		st := m.newState()
		m.copyInto(st, s)
		st.safety, st.owned = s.safety.CloneInto(nil), true
		return st
	}
	st := &CheckState{panic: s.panic}
	st.snap = m.pool.Snapshot(s.world, nil)
	st.safeKey, st.safeOK = m.safetyKey(s), true
	st.safeRef = m.safeties.Intern(st.safeKey, func() *checker.Safety { return s.safety.CloneInto(nil) })
	return st
}

// Safety returns the checker of state s, with what it saw on the way.
func (m *CheckModel) Safety(s *CheckState) *checker.Safety {
	if s.world != nil {
		return s.safety
	}
	return m.safeties.Get(s.safeRef)
}

// Check implements explore.Model.
func (m *CheckModel) Check(s *CheckState) string {
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
func (m *CheckModel) violation(s *CheckState) *checker.Violation {
	c := m.Safety(s)
	if len(m.cfg.Properties) == 0 {
		return c.Violation()
	}
	all := c.Violations()
	for i := range all {
		if slices.Contains(m.cfg.Properties, all[i].Property) {
			return &all[i]
		}
	}
	return nil
}

// Fingerprint implements explore.Model: the world (nodes, durable state,
// network, timers) and the checker's state. With symmetry it writes the
// renaming of the state whose fingerprint is least among the group's.
func (m *CheckModel) Fingerprint(h *fingerprint.Hasher, s *CheckState, symmetry bool) {
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

func (m *CheckModel) write(h *fingerprint.Hasher, s *CheckState) {
	s.world.Fingerprint(h)
	switch {
	case h.Exact():
		s.safety.Fingerprint(h)
	case h.Renaming() == nil:
		h.Key(m.safetyKey(s))
	default: // the form of the cached key, under the renaming
		var sub fingerprint.Hasher
		sub.Reset()
		sub.SetRenaming(h.Renaming())
		s.safety.Fingerprint(&sub)
		h.Key(sub.Sum())
	}
	h.Bool(s.panic != "")
}

// Label implements explore.Model: the i-th successor's step, as a
// decision-trace line.
func (m *CheckModel) Label(s *CheckState, i int) string {
	k, label := 0, ""
	m.successors(s, func(a sim.Action[protocol.Msg], _ *CheckState) {
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

// CheckReport is the outcome of an exhaustive search of the protocol code.
type CheckReport struct {
	// Result's Path holds the model's compact states, which only the
	// model that made them can read; Violations has what the last broke.
	explore.Result[*CheckState]
	// Violations are the first violation of each property in the bad
	// state, in the order they happened.
	Violations []checker.Violation
	// Trace is the counterexample as a decision trace that `paxsim replay`
	// runs (a set network's repeated deliveries become duplications, a
	// client request delivered again a client retry), or nil.
	Trace *Trace
	// Property is the property the counterexample breaks.
	Property checker.Property
}

// Check explores every state of c within its bounds and opts'. A violation
// comes back with the shortest path to it (BFS) as a decision trace, which
// is replayed before it is returned: a trace that does not reproduce the
// violation is an error.
func Check(c CheckConfig, opts explore.Options) (CheckReport, error) {
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
	last := res.Path[len(res.Path)-1]
	rep.Violations = slices.Clone(m.Safety(last).Violations())
	if v := m.violation(last); v != nil {
		rep.Property = v.Property
	} else {
		rep.Property = PanicProperty
	}
	rep.Trace, err = traceOfPath(c, res.Labels, rep.Property)
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
