package scenarios

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// Exhaustive search of Multi-Paxos (CheckConfig with Config.Protocol
// multipaxos) runs the real replicas of protocol/multipaxos in the same
// Choice worlds, on the same engine, as the single-decree CheckModel. What
// differs is the workload, the timers, the checker and the size:
//
//   - Workload: Commands client commands (default 2), one per client, in
//     flight from the start: client c puts key "a"+c-1 to value "c.1",
//     sent to replica ((c-1) mod nodes)+1. With Reconfig the last client
//     is an operator whose one command reconfigures the cluster to those
//     members. In a set network a client's request stays deliverable, so
//     delivering it again is the client's retry (to the same replica),
//     while the client waits: once a replica answers it, the client has
//     moved on and its request is not delivered again, as campaigns' and
//     scenarios' clients retry only while they wait. In a multiset network a
//     request is delivered once (Dups copies only replicas' messages), so
//     there are no retries.
//   - Timers: the election timer (tag 1) starts campaigns, bounded by
//     MaxBallot like every ballot: with MaxBallot 1 each replica may
//     campaign once, at round 1, so ballots 1.1 < 1.2 < 1.3 give up to two
//     leader changes (by replicas that had not promised a higher ballot);
//     a replica that promised a round-1 ballot needs round 2. The commit
//     timer (3) sends the commit notifications a leader holds; the
//     catch-up timer (2) asks a peer for missing chosen entries. The tick
//     (0) is off unless Ticks: it sends heartbeats, retransmits accepts
//     and resends prepares, which a set network can deliver again anyway,
//     and each firing ages the pending proposals: nearly twice the states
//     for nothing a set network lacks.
//   - Alpha, Lamport's window, is 2 unless set: a leader proposes up to two
//     instances past its applied log, which is what no-view needs (with 1
//     an entry's view is always the latest applied), and fills a
//     reconfiguration's window with one no-op, not seven.
//   - The checker: checker.Safety (agreement, validity, learner integrity
//     and the early checks, each entry's quorum from its view) and
//     checker.LogChecker (log and state consistency, exactly-once), at
//     every observation, as campaigns judge runs. A panic is a violation.
//   - Size: even one leader and two commands reach millions of states
//     (every order in which two followers take the accepts, heartbeats,
//     commit notifications and catch-up replies sent them), so a search is
//     bounded by depth too: the CLI's default is 14 (every path of up to
//     13 steps), deep enough for each safety variant's counterexample.
//
// Every replica may campaign, and a ballot names its replica, so no two
// replicas are interchangeable: there is no symmetry to reduce.

// Multi-Paxos check defaults.
const (
	// MPCheckCommands is how many client commands a check has in flight
	// when CheckConfig.Commands is 0.
	MPCheckCommands = 2
	// MPCheckDepth is the CLI's depth bound for Multi-Paxos: every path of
	// up to 13 steps, which holds each safety variant's shortest
	// counterexample at the default bounds (the deepest, no-view's, ends
	// at depth 14).
	MPCheckDepth = 14
	// MPCheckAlpha is Lamport's window in a check when CheckConfig.Alpha
	// is 0; a scenario that replays a check's steps needs the same
	// (alpha=2).
	MPCheckAlpha = 2

	maxCheckCommands = 8
)

// mpJudge is the Multi-Paxos model's checker state: both checkers a
// campaign runs, and the clients answered (bit c for client c), whose
// requests are not delivered again.
type mpJudge struct {
	safety   *checker.Safety
	log      *checker.LogChecker
	answered uint64
}

func (j *mpJudge) CloneInto(dst *mpJudge) *mpJudge {
	if dst == nil {
		dst = &mpJudge{}
	}
	dst.answered = j.answered
	dst.safety = j.safety.CloneInto(dst.safety)
	dst.log = j.log.CloneInto(dst.log)
	return dst
}

func (j *mpJudge) Fingerprint(h *fingerprint.Hasher) {
	j.safety.Fingerprint(h)
	j.log.Fingerprint(h)
	h.Uint64(j.answered)
}

func (j *mpJudge) Observe(node int, o checker.Observation) {
	if o.Kind == checker.Returned && o.Client > 0 && o.Client < 64 {
		j.answered |= 1 << uint(o.Client)
	}
	j.safety.Observe(node, o)
	j.log.Observe(node, o)
}

// Violation is the safety checker's first violation, else the log
// checker's, as a campaign reports them.
func (j *mpJudge) Violation() *checker.Violation {
	if v := j.safety.Violation(); v != nil {
		return v
	}
	return j.log.Violation()
}

func (j *mpJudge) Violations() []checker.Violation {
	return append(append([]checker.Violation(nil), j.safety.Violations()...), j.log.Violations()...)
}

// mpCheckRequest is one client's command in a Multi-Paxos search.
type mpCheckRequest struct {
	client int
	to     sim.NodeID
	msg    mp.Msg
}

// id is the command's id, the Value observations name it by.
func (r mpCheckRequest) id() checker.Value { return r.msg.Entries[0].Cmd.ID }

// step is the request as a scenario step: "client C put KEY VALUE to N"
// or "client C reconfig 1+2 to N".
func (r mpCheckRequest) step() string {
	cmd := r.msg.Entries[0].Cmd
	switch cmd.Op {
	case mp.OpReconfig:
		var ids []string
		for id := 1; id < 64; id++ {
			if cmd.Members&(1<<uint(id)) != 0 {
				ids = append(ids, fmt.Sprint(id))
			}
		}
		return fmt.Sprintf("client %d reconfig %s to %d", r.client, strings.Join(ids, "+"), r.to)
	case mp.OpGet:
		return fmt.Sprintf("client %d get %s to %d", r.client, cmd.Key, r.to)
	}
	return fmt.Sprintf("client %d %s %s %s to %d", r.client, cmd.Op, cmd.Key, cmd.Arg, r.to)
}

// retryStep is the scenario step of the client sending its request again
// (the same command, the same seq) to replica to.
func retryStep(client int, to sim.NodeID) string {
	return fmt.Sprintf("client %d retry to %d", client, to)
}

// mpSetupCheck is a Multi-Paxos CheckConfig resolved.
type mpSetupCheck struct {
	sc       sim.Config
	cfg      mp.Config
	variant  mp.Variant
	requests []mpCheckRequest
}

// buildMPCheck checks a Multi-Paxos c and resolves it.
func (c CheckConfig) buildMPCheck() (mpSetupCheck, error) {
	var s mpSetupCheck
	v, err := mp.LookupVariant(c.Config.Variant)
	if err != nil {
		return s, &ConfigError{Field: "variant", Msg: err.Error()}
	}
	s.variant = v
	switch {
	case c.Config.Clients != 0 || c.Config.Commands != 0 || c.Config.Reconfig != "":
		return s, bad("commands", "a check's workload is CheckConfig.Commands and Reconfig, not the campaign's clients, commands and reconfig")
	case c.NetworkSelf:
		return s, bad("network-self", "Multi-Paxos replicas send nothing to themselves (a leader's own promise and accept are local calls)")
	case c.Commands < 0 || c.Commands > maxCheckCommands:
		return s, bad("commands", "%d is not between 1 and %d", c.Commands, maxCheckCommands)
	case c.Alpha < 0 || c.Alpha > 64:
		return s, bad("alpha", "%d is not between 1 and 64", c.Alpha)
	}
	sc, err := c.Config.simConfig()
	if err != nil {
		return s, err
	}
	s.sc = sc
	alpha := c.Alpha
	if alpha == 0 {
		alpha = MPCheckAlpha
	}
	s.cfg = mp.Config{Variant: v, Alpha: alpha}
	commands := c.Commands
	if commands == 0 {
		commands = MPCheckCommands
	}
	for _, id := range c.Reconfig {
		if id < 1 || int(id) > c.Config.Nodes {
			return s, bad("reconfig", "member %d is not a node (1..%d)", id, c.Config.Nodes)
		}
	}
	for cl := 1; cl <= commands; cl++ {
		r := mpCheckRequest{client: cl, to: sim.NodeID((cl-1)%c.Config.Nodes + 1)}
		if cl == commands && len(c.Reconfig) > 0 {
			r.msg = mp.Reconfig(cl, 1, c.Reconfig...)
		} else {
			r.msg = mp.Put(cl, 1, string(rune('a'+cl-1)), fmt.Sprintf("%d.1", cl))
		}
		s.requests = append(s.requests, r)
	}
	return s, nil
}

// MPCheckModel is the real Multi-Paxos code as an explore.Model: a state is
// a Choice world of replicas with both checkers, a step one of the world's
// enabled actions within the bounds (see the comment at the top of this
// file for what is enabled).
type MPCheckModel struct {
	worldModel[mp.Msg, mp.Durable, *mpJudge]
	cfg   CheckConfig
	setup mpSetupCheck
}

// MPCheckState is one state of an MPCheckModel.
type MPCheckState = worldState[mp.Msg, mp.Durable, *mpJudge]

// NewMPCheckModel builds the Multi-Paxos model of c; a bad c returns a
// *ConfigError.
func NewMPCheckModel(c CheckConfig) (*MPCheckModel, error) {
	if c.Config.Protocol != MultiPaxos {
		return nil, bad("protocol", "%q: NewMPCheckModel explores multipaxos", c.Config.Protocol)
	}
	sc, err := c.build()
	if err != nil {
		return nil, err
	}
	setup, _ := c.buildMPCheck()
	m := &MPCheckModel{cfg: c, setup: setup}
	m.worldModel = worldModel[mp.Msg, mp.Durable, *mpJudge]{
		sc:      sc,
		factory: mp.NewNodes(c.Config.Nodes, setup.cfg),
		perms:   []*[64]uint8{nil}, // every replica may lead: no symmetry
		props:   c.Properties,
		start: func(w *sim.World[mp.Msg, mp.Durable, checker.Observation]) *mpJudge {
			j := newMPJudge(c.Config.Nodes, setup.requests)
			for _, r := range setup.requests {
				w.Request(0, r.to, r.msg)
			}
			return j
		},
		enabled: func(a sim.Action[mp.Msg], j *mpJudge) bool {
			switch a.Kind {
			case sim.ActDeliver:
				if a.From == sim.External && len(a.Msg.Entries) == 1 {
					client, _, _ := mp.DecodeID(a.Msg.Entries[0].Cmd.ID)
					return j.answered&(1<<uint(client)) == 0 // a client that has its answer does not retry
				}
			case sim.ActTimer:
				return !c.NoTimers && (a.Tag != mpTickTimer || c.Ticks)
			case sim.ActRestart:
				return !c.NoRestarts
			}
			return true
		},
		beyond: func(d mp.Durable) bool { return int(d.Promised.Round) > c.MaxBallot },
	}
	return m, nil
}

// mpTickTimer is the tag of a Multi-Paxos replica's tick: a leader's
// heartbeat and retransmissions, a candidate's resent prepares.
const mpTickTimer sim.TimerTag = 0

// newMPJudge returns both checkers, told of the no-op a new leader fills
// gaps with and of every client's command.
func newMPJudge(nodes int, requests []mpCheckRequest) *mpJudge {
	j := &mpJudge{safety: checker.NewSafety(nodes), log: checker.NewLogChecker(nodes)}
	j.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: mp.NoOp})
	for _, r := range requests {
		j.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Client: r.client, Value: r.id()})
	}
	return j
}

// Checkers returns the Safety and LogChecker of state s.
func (m *MPCheckModel) Checkers(s *MPCheckState) (*checker.Safety, *checker.LogChecker) {
	j := m.Judge(s)
	return j.safety, j.log
}

// livenessNote is what a Multi-Paxos check says of a variant that breaks
// liveness only, or "".
func livenessNote(v mp.Variant) string {
	if v.Breaks != checker.Liveness {
		return ""
	}
	return fmt.Sprintf("%s breaks liveness only (%s); a safety search cannot judge liveness, so ok is its expected verdict here: "+
		"campaigns judge it (paxsim campaign --protocol multipaxos --variant %s)", v.Name, v.Summary, v.Name)
}

// checkMultiPaxos is Check for Multi-Paxos: a violation comes back with
// the shortest path (BFS) as scenario steps in rep.Steps, which are
// replayed in a multiset world before they are returned.
func checkMultiPaxos(c CheckConfig, opts explore.Options) (CheckReport, error) {
	m, err := NewMPCheckModel(c)
	if err != nil {
		return CheckReport{}, err
	}
	m.Full = opts.Exact
	res, err := explore.Run[*MPCheckState](m, opts)
	rep := CheckReport{Result: explore.Result[*CheckState]{
		Verdict: res.Verdict, Distinct: res.Distinct, Generated: res.Generated, Depth: res.Depth,
		Complete: res.Complete, Stop: res.Stop, Violation: res.Violation, Labels: res.Labels,
		Collision: res.Collision, Elapsed: res.Elapsed,
	}}
	rep.Note = livenessNote(m.setup.variant)
	if err != nil || res.Verdict != explore.VerdictViolation {
		return rep, err
	}
	m.readViolation(res.Path[len(res.Path)-1], &rep)
	rep.Steps, err = m.stepsOfPath(res.Labels, rep.Property)
	return rep, err
}

// stepsOfPath turns an explorer's path into scenario steps that replay in
// a multiset Choice world (drops and duplications allowed), and checks
// that they reproduce the violation.
func (m *MPCheckModel) stepsOfPath(labels []string, want checker.Property) ([]string, error) {
	steps, j, panicked, err := m.replayPath(labels)
	switch {
	case err != nil:
		return nil, fmt.Errorf("explorer step does not replay: %v", err)
	case want == PanicProperty && panicked != "":
		return steps, nil
	case panicked != "":
		return nil, fmt.Errorf("the counterexample's replay panics: %s", panicked)
	}
	if v := firstOf(j, m.props); v == nil || v.Property != want {
		return nil, fmt.Errorf("the counterexample's steps replay without breaking %s: explorer and replay disagree", want)
	}
	return steps, nil
}

// replayPath takes an explorer's path in a multiset Choice world and
// returns it as scenario steps, with the checkers' state at its end (or
// the panic that ended it). The client requests come first, as "client C
// put KEY VALUE to N" lines; a set network's second delivery of a
// replica's message becomes "dup A->B MSG" before it, and of a client's
// request "client C retry to N".
func (m *MPCheckModel) replayPath(labels []string) (steps []string, j *mpJudge, panicked string, err error) {
	sc := m.sc
	sc.Choice.Network, sc.Choice.Drops, sc.Choice.MaxDups, sc.Choice.DupSelf = sim.Multiset, true, 1<<30, true
	j = newMPJudge(m.cfg.Config.Nodes, m.setup.requests)
	w, err := sim.New(sc, zeroDecider{}, m.factory, func(node sim.NodeID, o checker.Observation) { j.Observe(int(node), o) })
	if err != nil {
		return nil, nil, "", err
	}
	for _, r := range m.setup.requests {
		steps = append(steps, r.step())
		w.Request(0, r.to, r.msg)
	}
	k := 0
	defer func() {
		if p := recover(); p != nil {
			panicked = fmt.Sprint(p)
			steps = append(steps, labels[k]) // the step that panicked
		}
	}()
	for ; k < len(labels); k++ {
		l := labels[k]
		if err = w.DoLine(l); err != nil {
			var extra string
			if extra, err = m.redeliver(w, l); err != nil {
				return steps, j, "", err
			}
			steps = append(steps, extra)
			if err = w.DoLine(l); err != nil {
				return steps, j, "", err
			}
		}
		steps = append(steps, l)
	}
	return steps, j, "", nil
}

// redeliver makes a set network's second delivery of a message possible in
// a multiset world: a duplicate of a replica's message, a client's retry
// of its request. It returns the step it took.
func (m *MPCheckModel) redeliver(w *sim.World[mp.Msg, mp.Durable, checker.Observation], label string) (string, error) {
	verb, rest, _ := strings.Cut(label, " ")
	if verb != "deliver" {
		return "", fmt.Errorf("%q cannot be taken", label)
	}
	if strings.HasPrefix(rest, "client->") {
		for _, r := range m.setup.requests {
			if rest == fmt.Sprintf("client->%s %s", r.to, r.msg) {
				w.Request(0, r.to, r.msg)
				return retryStep(r.client, r.to), nil
			}
		}
		return "", fmt.Errorf("%q: no client sent that request", label)
	}
	dup := "dup " + rest
	return dup, w.DoLine(dup)
}
