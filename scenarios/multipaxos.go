package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/internal/arena"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// The protocols: single-decree Paxos, and Multi-Paxos, the replicated
// key-value service.
const (
	Paxos      = "paxos"
	MultiPaxos = "multipaxos"
)

// Multi-Paxos workload defaults.
const (
	defaultClients  = 3
	defaultCommands = 4
	defaultReconfig = 0.005 // reconfigurations per fault interval, until the heal
	mpClientTimeout = 300   // ticks a client waits before asking another replica
	mpThinkTime     = 5     // the least pause between a client's operations
)

// mpSetup is a Multi-Paxos Config resolved.
type mpSetup struct {
	cfg      mp.Config
	clients  int
	commands int
	rate     float64      // reconfigurations per fault interval
	schedule []reconfigAt // or these, at fixed times
}

type reconfigAt struct {
	at      sim.Time
	members []sim.NodeID
}

// buildMP checks a Multi-Paxos c.
func (c Config) buildMP() (sim.Config, mpSetup, error) {
	var s mpSetup
	if c.Protocol != MultiPaxos {
		return sim.Config{}, s, bad("protocol", "%q is not multipaxos", c.Protocol)
	}
	v, err := mp.LookupVariant(c.Variant)
	if err != nil {
		return sim.Config{}, s, &ConfigError{Field: "variant", Msg: err.Error()}
	}
	s.cfg = mp.Config{Variant: v}
	s.clients, s.commands = c.Clients, c.Commands
	if s.clients == 0 {
		s.clients = defaultClients
	}
	if s.commands == 0 {
		s.commands = defaultCommands
	}
	switch {
	case s.clients < 0 || s.clients > 1000:
		return sim.Config{}, s, bad("clients", "%d is not between 1 and 1000", c.Clients)
	case s.commands < 0 || s.commands > 100000:
		return sim.Config{}, s, bad("commands", "%d is not between 1 and 100000", c.Commands)
	}
	sc, err := c.simConfig()
	if err != nil {
		return sc, s, err
	}
	switch r := strings.TrimSpace(c.Reconfig); {
	case r == "":
		s.rate = defaultReconfig
	case r == "none" || r == "0":
	case strings.Contains(r, "@"):
		if s.schedule, err = parseReconfigSchedule(r, c.Nodes, c.maxTime()); err != nil {
			return sc, s, err
		}
	default:
		rate, err := strconv.ParseFloat(r, 64)
		if err != nil || !(rate >= 0 && rate <= 1) {
			return sc, s, bad("reconfig", "%q: want a rate in [0, 1], a schedule MEMBERS@TICK,... (1+2+3@200) or none", r)
		}
		s.rate = rate
	}
	return sc, s, nil
}

// mpClient is one client of the key-value service (or, as the last one,
// the operator that reconfigures the cluster): one request at a time, sent
// to a replica picked at random and again to another when no answer comes
// in time.
type mpClient struct {
	id       int
	seq      int
	left     int // operations still to start
	waiting  bool
	current  mp.Msg
	cmdID    checker.Value
	op       int // index in the run's KV history, or -1 (reconfig)
	retryAt  sim.Time
	nextAt   sim.Time
	operator bool
}

type mpWorld = sim.World[mp.Msg, mp.Durable, checker.Observation]

// mpRunner runs one Multi-Paxos seed.
type mpRunner struct {
	cfg      Config
	setup    mpSetup
	opts     Options
	world    *mpWorld
	decide   sim.Decider
	safety   *checker.Safety
	log      *checker.LogChecker
	res      Result
	clients  []*mpClient
	operator *mpClient
	pending  []reconfigAt
	nextDraw sim.Time
	applied  []int64 // per node: the instances applied
	retried  bool
	keep     uint64 // the nodes outside the liveness core (sim.FaultConfig.KeepFaulty)
	cover    coverage
	// The clients' requests and values are written once into arenas, so
	// that an operation allocates nothing of its own.
	requests arena.Slice[mp.Entry]
	text     arena.Text
	scratch  []byte
	// onObserve, when set, sees every observation after the checkers (a
	// scenario prints them).
	onObserve func(sim.NodeID, checker.Observation)
}

// runMultiPaxos runs one seed of the replicated key-value service under c
// and judges it: per-instance agreement, validity and learner integrity
// (checker.Safety, quorums from each entry's view), log and state
// consistency and exactly-once execution (checker.LogChecker) at every
// step; after the heal, liveness (every client operation answered, every
// replica caught up, within the bound); at the end the clients' history
// against a linearizable key-value store (porcupine, by key).
func runMultiPaxos(c Config, seed uint64, opts Options) (Result, error) {
	sc, setup, err := c.buildMP()
	if err != nil {
		return Result{}, err
	}
	decider := opts.Decider
	if decider == nil {
		decider = sim.NewRandom(seed)
	}
	r, err := newMPRunner(c, sc, setup, seed, decider, opts)
	if err != nil {
		return Result{}, err
	}
	for i := 1; i <= setup.clients; i++ {
		r.clients = append(r.clients, &mpClient{id: i, left: setup.commands, op: -1})
	}
	r.operator = &mpClient{id: setup.clients + 1, op: -1, operator: true}
	r.clients = append(r.clients, r.operator)
	r.pending = append(r.pending, setup.schedule...)
	r.nextDraw = sim.Time(c.FaultInterval)
	r.execute(func() { r.loop(sim.Time(c.HealAt), sim.Time(c.HealAt+c.Liveness), sim.Time(c.maxTime())) })
	return r.res, nil
}

// newMPRunner builds the world and the checkers of one Multi-Paxos run,
// without clients.
func newMPRunner(c Config, sc sim.Config, setup mpSetup, seed uint64, decider sim.Decider, opts Options) (*mpRunner, error) {
	r := &mpRunner{cfg: c, setup: setup, opts: opts, decide: decider, res: Result{Seed: seed, Verdict: VerdictOK}}
	sc.Faults.Inert = opts.InertFaults
	if c.HealAt > 0 && len(setup.schedule) == 0 { // scheduled views could leave the core without a majority
		sc.Faults.KeepFaulty = keepFaulty(seed, c.Nodes)
		r.keep = sc.Faults.KeepFaulty
	}
	r.safety = checker.NewSafety(c.Nodes)
	r.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: mp.NoOp}) // leaders fill gaps themselves
	r.log = checker.NewLogChecker(c.Nodes)
	r.applied = make([]int64, c.Nodes+1)
	var err error
	r.world, err = sim.New(sc, decider, mp.NewNodes(c.Nodes, setup.cfg), r.observe)
	if err != nil {
		return nil, &ConfigError{Field: "config", Msg: err.Error()}
	}
	opts = drawMultiPaxos(r, opts)
	r.world.SetTracer(opts.tracer())
	return r, nil
}

func (r *mpRunner) execute(body func()) {
	defer func() {
		if p := recover(); p != nil {
			r.res.Violations = append(r.res.Violations, panicViolation(r.world.Current(), r.world.Events(), p))
		}
		r.finish()
	}()
	body()
}

func (r *mpRunner) loop(healAt, deadline, maxTime sim.Time) {
	w, c := r.world, r.cfg
	for {
		r.clientStep(w.Now())
		if w.Events() >= c.MaxEvents {
			r.res.Stop = StopMaxEvents
			return
		}
		next, ok := w.Next()
		if healAt > 0 && (!ok || next > deadline) && deadline <= maxTime {
			r.res.Stop, r.res.LivenessChecked = StopDeadline, true
			r.judgeLiveness(healAt, deadline)
			return
		}
		if !ok {
			r.res.Stop = StopQuiescent
			return
		}
		if next > maxTime {
			r.res.Stop = StopMaxTime
			return
		}
		w.Step()
		if r.opts.OnEvent != nil {
			r.opts.OnEvent(w.Events(), w.Hash())
		}
		if v := r.violation(); v != nil {
			r.res.Stop = StopViolation
			return
		}
		if w.Healed() && r.done() {
			r.res.Stop, r.res.LivenessChecked = StopDecided, true
			return
		}
	}
}

// violation is the first safety violation either checker found.
func (r *mpRunner) violation() *checker.Violation {
	if v := r.safety.Violation(); v != nil {
		return v
	}
	return r.log.Violation()
}

// done reports whether every client finished and every replica applied
// everything any replica applied.
func (r *mpRunner) done() bool {
	for _, cl := range r.clients {
		if cl.waiting || cl.left > 0 || (cl.operator && len(r.pending) > 0) {
			return false
		}
	}
	top := int64(0)
	for _, a := range r.applied[1:] {
		top = max(top, a)
	}
	faulty := r.world.LeftFaulty()
	for id, a := range r.applied[1:] {
		if a != top && faulty&(1<<uint(id+1)) == 0 {
			return false
		}
	}
	return true
}

// clientStep starts, retries and schedules client requests due by now.
func (r *mpRunner) clientStep(now sim.Time) {
	w := r.world
	if w.Healed() && !r.retried {
		r.retried = true
		for _, cl := range r.clients {
			if cl.waiting {
				cl.retryAt = now // ask again now that faults healed
			}
		}
	}
	// The operator's reconfigurations: drawn each fault interval until
	// the heal, or at the scheduled times.
	for r.setup.rate > 0 && !w.Healed() && now >= r.nextDraw {
		r.nextDraw += sim.Time(r.cfg.FaultInterval)
		if r.decide.Chance(sim.Decision{Kind: sim.DecideWorkload}, r.setup.rate) {
			next := reconfigAt{now, r.drawMembers()}
			if k := len(r.pending); k > 0 && r.pending[k-1].at <= now {
				// The operator still waits for its last change: the one it
				// has not sent yet gives way to the newer (only the latest
				// configuration matters), so changes do not queue up
				// past the heal.
				r.pending[k-1] = next
			} else {
				r.pending = append(r.pending, next)
			}
		}
	}
	for _, cl := range r.clients {
		switch {
		case cl.waiting && now >= cl.retryAt:
			r.send(cl, now)
		case cl.waiting || now < cl.nextAt:
		case cl.operator && len(r.pending) > 0 && r.pending[0].at <= now:
			next := r.pending[0]
			r.pending = r.pending[1:]
			cl.seq++
			cl.current = mp.RequestFrom(&r.requests, mp.ReconfigCommand(cl.id, cl.seq, next.members...))
			r.start(cl, now, -1)
		case !cl.operator && cl.left > 0:
			cl.left--
			cl.seq++
			r.drawOp(cl)
			r.start(cl, now, len(r.res.KVOps)-1)
		}
	}
}

// drawMembers draws a new configuration: a random nonempty subset of the
// nodes, each in with even odds, that keeps a majority in the liveness
// core (a view the heal could leave without a quorum would stall for
// good). Small views are what makes a proposer that takes its quorum from
// the wrong view dangerous: the majorities of two views may not meet.
func (r *mpRunner) drawMembers() []sim.NodeID {
	n := r.cfg.Nodes
	for {
		var ids []sim.NodeID
		for id := 1; id <= n; id++ {
			if r.decide.Intn(sim.Decision{Kind: sim.DecideWorkload, Node: sim.NodeID(id)}, 2) == 1 {
				ids = append(ids, sim.NodeID(id))
			}
		}
		if len(ids) > 0 && keepsMajority(mp.MemberSet(ids...), r.keep) {
			return ids
		}
	}
}

var mpKeys = []string{"a", "b", "c"}

// drawOp draws the client's next operation and opens its history entry.
func (r *mpRunner) drawOp(cl *mpClient) {
	key := mpKeys[r.decide.Intn(sim.Decision{Kind: sim.DecideWorkload}, len(mpKeys))]
	switch r.decide.Intn(sim.Decision{Kind: sim.DecideWorkload}, 3) {
	case 0:
		r.newOp(cl, linearize.KVGet, key, "")
	case 1:
		r.newOp(cl, linearize.KVPut, key, r.value("", cl))
	default:
		r.newOp(cl, linearize.KVAppend, key, r.value("+", cl))
	}
}

// value is the value a client's operation writes: prefix, then "c.s" for
// client c's seq s.
func (r *mpRunner) value(prefix string, cl *mpClient) string {
	b := append(r.scratch[:0], prefix...)
	b = strconv.AppendInt(b, int64(cl.id), 10)
	b = strconv.AppendInt(append(b, '.'), int64(cl.seq), 10)
	r.scratch = b
	return r.text.String(b)
}

// newOp makes an operation the client's current request (its seq already
// counted) and opens its history entry, whose index it returns.
func (r *mpRunner) newOp(cl *mpClient, kind linearize.KVKind, key, value string) int {
	op := linearize.KVOp{Client: cl.id, Key: key, Kind: kind, Value: value, Invoke: int64(r.world.Now()), Return: -1}
	var cmd mp.Command
	switch kind {
	case linearize.KVGet:
		cmd = mp.GetCommand(cl.id, cl.seq, key)
	case linearize.KVPut:
		cmd = mp.PutCommand(cl.id, cl.seq, key, value)
	default:
		cmd = mp.AppendCommand(cl.id, cl.seq, key, value)
	}
	cl.current = mp.RequestFrom(&r.requests, cmd)
	r.res.KVOps = append(r.res.KVOps, op)
	return len(r.res.KVOps) - 1
}

// start sends a client's new request to a random replica and reports its
// invocation.
func (r *mpRunner) start(cl *mpClient, now sim.Time, op int) {
	r.invoke(cl, op)
	r.send(cl, now)
}

// invoke reports the invocation of a client's new request.
func (r *mpRunner) invoke(cl *mpClient, op int) {
	cl.cmdID, cl.op, cl.waiting = cl.current.Entries[0].Cmd.ID, op, true
	r.safety.At(int64(r.world.Now()), r.world.Events())
	r.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Client: cl.id, Value: cl.cmdID})
}

// send sends the client's current request to a random replica: of the
// core, once the heal left nodes outside it faulty.
func (r *mpRunner) send(cl *mpClient, now sim.Time) {
	if faulty := r.world.LeftFaulty(); faulty != 0 {
		k := r.decide.Intn(sim.Decision{Kind: sim.DecideWorkload, Node: sim.NodeID(cl.id)}, coreSize(r.cfg.Nodes, faulty))
		r.sendTo(cl, sim.NodeID(coreNode(r.cfg.Nodes, faulty, k)), now)
		return
	}
	r.sendTo(cl, sim.NodeID(1+r.decide.Intn(sim.Decision{Kind: sim.DecideWorkload, Node: sim.NodeID(cl.id)}, r.cfg.Nodes)), now)
}

// sendTo sends the client's current request to replica to.
func (r *mpRunner) sendTo(cl *mpClient, to sim.NodeID, now sim.Time) {
	if cl.op >= 0 && r.res.KVOps[cl.op].Node == 0 {
		r.res.KVOps[cl.op].Node = int(to)
	}
	cl.retryAt = now + mpClientTimeout
	drawRequest(r.opts.Draw, cl.id, to, cl.current, now+1)
	r.world.Request(now+1, to, cl.current)
}

// observe feeds both checkers and the clients.
func (r *mpRunner) observe(node sim.NodeID, o checker.Observation) {
	now, events := int64(r.world.Now()), r.world.Events()
	r.safety.At(now, events)
	r.safety.Observe(int(node), o)
	r.log.At(now, events)
	r.log.Observe(int(node), o)
	switch o.Kind {
	case checker.Proposed, checker.Accepted:
		r.cover.observe(node, o, r.safety, r.world)
	case checker.Applied:
		r.applied[node] = o.Instance
	case checker.Returned:
		for _, cl := range r.clients {
			if cl.waiting && cl.cmdID == o.Value {
				cl.waiting, cl.nextAt = false, r.world.Now()+r.think()
				if cl.op >= 0 {
					r.res.KVOps[cl.op].Return, r.res.KVOps[cl.op].Output = now, o.Output
				}
			}
		}
	}
	if r.opts.Trace != nil {
		fmt.Fprintf(r.opts.Trace, "    node %d %s\n", node, o)
	}
	if r.onObserve != nil {
		r.onObserve(node, o)
	}
}

// think draws a client's pause between operations: spread over the
// propose window, so that operations meet the faults.
func (r *mpRunner) think() sim.Time {
	spread := max(r.cfg.ProposeWindow/int64(max(r.setup.commands, 1)), 1)
	return mpThinkTime + sim.Time(r.decide.Intn(sim.Decision{Kind: sim.DecideWorkload}, int(2*spread)))
}

// judgeLiveness reports the operations unanswered, or replicas behind, at
// the deadline.
func (r *mpRunner) judgeLiveness(healAt, deadline sim.Time) {
	var missing []string
	for _, cl := range r.clients {
		if cl.waiting {
			missing = append(missing, fmt.Sprintf("client %d's %s unanswered since t=%d", cl.id, mp.FormatID(cl.cmdID), cl.retryAt-mpClientTimeout))
		}
	}
	top := int64(0)
	for _, a := range r.applied[1:] {
		top = max(top, a)
	}
	faulty := r.world.LeftFaulty()
	for id, a := range r.applied[1:] {
		if a < top && faulty&(1<<uint(id+1)) == 0 {
			missing = append(missing, fmt.Sprintf("node %d applied %d of %d instances", id+1, a, top))
		}
	}
	if len(missing) == 0 {
		return
	}
	r.res.Violations = append(r.res.Violations, checker.Violation{
		Property: checker.Liveness, Time: int64(deadline), Event: r.world.Events(),
		Message:  fmt.Sprintf("faults healed at t=%d, but by t=%d the service has not caught up", healAt, deadline),
		Evidence: missing,
	})
}

func (r *mpRunner) finish() {
	w := r.world
	r.res.Events, r.res.Time, r.res.TraceHash, r.res.Stats = w.Events(), int64(w.Now()), w.Hash(), w.Stats()
	r.res.LeftFaulty = leftFaulty(w)
	r.res.Coverage = r.cover.res
	for _, a := range r.applied[1:] {
		if a > 0 {
			r.res.Learners++
		}
	}
	// The first violation of each property, safety checker first.
	seen := map[checker.Property]bool{}
	for _, v := range r.res.Violations {
		seen[v.Property] = true
	}
	for _, vs := range [][]checker.Violation{r.safety.Violations(), r.log.Violations()} {
		for _, v := range vs {
			if !seen[v.Property] {
				seen[v.Property] = true
				r.res.Violations = append(r.res.Violations, v)
			}
		}
	}
	r.res.Linearizability = string(linearize.CheckKV(r.res.KVOps, LinearizabilityBudget))
	if r.res.Linearizability == string(linearize.Illegal) {
		r.res.Violations = append(r.res.Violations, checker.Violation{
			Property: checker.Linearizability, Time: int64(w.Now()), Event: w.Events(),
			Message: fmt.Sprintf("the %d key-value operations are not linearizable (paxsim run --html FILE draws them)", len(r.res.KVOps)),
		})
	}
	r.res.Service = r.serviceSummary()
	if len(r.res.Violations) > 0 {
		r.res.Verdict, r.res.Stop = VerdictViolation, StopViolation
	}
}
