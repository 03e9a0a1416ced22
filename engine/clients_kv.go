package engine

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/internal/arena"
	"github.com/paxsim/paxsim/sim"
)

// KeyValue workload timing.
const (
	kvClientTimeout = 300 // ticks a client waits before asking another replica
	kvThinkTime     = 5   // the least pause between a client's operations
)

// kvKeys are the keys a KeyValue workload's operations touch: the first
// three, or a third as many as there are clients when that is more (up
// to ten), so that a key's history stays one that porcupine judges
// within its budget while keys still conflict: few, so
// that operations conflict.
var kvKeys = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}

// kvKeyCount is how many of kvKeys a workload of clients touches.
func kvKeyCount(clients int) int { return min(len(kvKeys), max(3, clients/3)) }

// kvClient is one client of a key-value service (or, as the last one, the
// operator that reconfigures the cluster): one request at a time, sent to
// a replica picked at random and again to another when no answer comes
// in time.
type kvClient struct {
	id       int
	seq      int
	left     int // operations still to start
	waiting  bool
	req      Request
	op       int // index in the history, or -1 (a reconfiguration)
	retryAt  sim.Time
	nextAt   sim.Time
	operator bool
}

// kvClients are a KeyValue workload's clients and its operator.
type kvClients struct {
	h         host
	window    int64
	commands  int
	interval  sim.Time
	reconfig  reconfigPlan
	keep      uint64 // the nodes outside the liveness core
	clients   []*kvClient
	operator  *kvClient
	pending   []reconfigAt // changes the operator has yet to ask for
	nextDraw  sim.Time
	retried   bool
	ops       []linearize.KVOp
	reconfigs []checker.Value // the reconfigurations' command values
	// reconfigVals are every reconfiguration's command value, a script's
	// clients' too, and reconfigTo their member sets, bit per id.
	reconfigVals []checker.Value
	reconfigTo   []uint64
	requested    int // reconfigurations the operator asked for
	timeoutGap   sim.Time
	hedgeRate    float64 // Config.Hedge
	// lastStart is when clients stop starting operations, half the
	// liveness bound after the heal (0: never): each operation started has
	// half the bound left to be answered, and the replicas to catch up, so
	// that the judgement is of progress, not of a request sent just before
	// the deadline.
	lastStart sim.Time
	text      arena.Text // the operations' values
	scratch   []byte
}

func newKVClients[M sim.Message, D any](s *Session[M, D], p plan, scripted bool) *kvClients {
	c := &kvClients{
		h: s, window: s.cfg.ProposeWindow, commands: p.commands, interval: sim.Time(s.cfg.FaultInterval),
		reconfig: p.reconfig, keep: s.keep, timeoutGap: kvClientTimeout, hedgeRate: s.cfg.Hedge,
	}
	if s.cfg.HealAt > 0 {
		c.lastStart = sim.Time(s.cfg.HealAt + p.livenessBound(s.cfg)/2)
	}
	left := p.commands
	if scripted {
		left = 0
	}
	for i := 1; i <= p.clients; i++ {
		c.clients = append(c.clients, &kvClient{id: i, left: left, op: -1})
	}
	c.operator = &kvClient{id: p.clients + 1, op: -1, operator: true}
	c.clients = append(c.clients, c.operator)
	c.pending = append(c.pending, p.reconfig.schedule...)
	c.nextDraw = c.interval
	return c
}

func (c *kvClients) begin() {}

// choose starts every client's first operation at once, each to the
// replica d picks.
func (c *kvClients) choose(d sim.Decider) {
	for _, cl := range c.clients {
		if cl.operator || cl.left == 0 {
			continue
		}
		c.next(cl, c.drawOp(cl))
		to := sim.NodeID(pickProposer(d, c.h.proposers()))
		c.sendTo(cl, to, c.h.now(), false)
		c.hedge(cl, to, c.h.now())
	}
}

// step starts, retries and schedules the client requests due by now.
func (c *kvClients) step(now sim.Time, healed bool) {
	if healed && !c.retried {
		c.retried = true
		for _, cl := range c.clients {
			if cl.waiting {
				cl.retryAt = now // ask again now that faults healed
			}
		}
	}
	c.drawReconfigs(now, healed)
	for _, cl := range c.clients {
		switch {
		case cl.waiting && now >= cl.retryAt:
			c.send(cl, now, true)
		case cl.waiting || now < cl.nextAt:
		case cl.operator && len(c.pending) > 0 && c.pending[0].at <= now:
			next := c.pending[0]
			c.pending = c.pending[1:]
			c.next(cl, Op{Kind: OpReconfig, Members: next.members})
			c.send(cl, now, false)
		case !cl.operator && cl.left > 0 && (c.lastStart == 0 || now < c.lastStart):
			c.next(cl, c.drawOp(cl))
			c.send(cl, now, false)
		}
	}
}

// idleBeforeHeal: clients start, retry and reconfigure all along.
func (c *kvClients) idleBeforeHeal() bool { return false }

// drawReconfigs draws the operator's reconfigurations, each fault
// interval until the heal.
func (c *kvClients) drawReconfigs(now sim.Time, healed bool) {
	for c.reconfig.rate > 0 && !healed && now >= c.nextDraw {
		c.nextDraw += c.interval
		if !c.h.decider().Chance(sim.Decision{Kind: sim.DecideWorkload}, c.reconfig.rate) {
			continue
		}
		next := reconfigAt{now, c.drawMembers()}
		if k := len(c.pending); k > 0 && c.pending[k-1].at <= now {
			// The operator still waits for its last change: the one it
			// has not sent yet gives way to the newer (only the latest
			// configuration matters), so changes do not queue up past the
			// heal.
			c.pending[k-1] = next
		} else {
			c.pending = append(c.pending, next)
		}
	}
}

// drawMembers draws a new configuration: a random nonempty subset of the
// nodes, each in with even odds, that keeps a majority in the liveness
// core (a view the heal could leave without a quorum would stall for
// good). Small views are what makes a proposer that takes its quorum from
// the wrong view dangerous: the majorities of two views may not meet.
func (c *kvClients) drawMembers() []sim.NodeID {
	n := c.h.nodes()
	for {
		var ids []sim.NodeID
		var set uint64
		for id := 1; id <= n; id++ {
			if c.h.decider().Intn(sim.Decision{Kind: sim.DecideWorkload, Node: sim.NodeID(id)}, 2) == 1 {
				ids = append(ids, sim.NodeID(id))
				set |= 1 << uint(id)
			}
		}
		if len(ids) > 0 && keepsMajority(set, c.keep) {
			return ids
		}
	}
}

// drawOp draws the client's next operation.
func (c *kvClients) drawOp(cl *kvClient) Op {
	d := c.h.decider()
	key := kvKeys[d.Intn(sim.Decision{Kind: sim.DecideWorkload}, kvKeyCount(len(c.clients)-1))]
	switch d.Intn(sim.Decision{Kind: sim.DecideWorkload}, 3) {
	case 0:
		return Op{Kind: OpGet, Key: key}
	case 1:
		return Op{Kind: OpPut, Key: key, Arg: c.value("", cl.id, cl.seq+1)}
	}
	return Op{Kind: OpAppend, Key: key, Arg: c.value("+", cl.id, cl.seq+1)}
}

// next makes op the client's next request, waiting for its answer, and
// opens its history entry (a reconfiguration has none).
func (c *kvClients) next(cl *kvClient, op Op) {
	cl.seq++
	cl.req = Request{Client: cl.id, Seq: cl.seq, Op: op}
	cl.waiting, cl.op = true, -1
	if op.Kind == OpReconfig {
		c.requested++
		return
	}
	cl.left = max(cl.left-1, 0)
	c.ops = append(c.ops, linearize.KVOp{Client: cl.id, Key: op.Key, Kind: kvKind(op.Kind), Value: op.Arg, Invoke: int64(c.h.now()), Return: -1})
	cl.op = len(c.ops) - 1
}

// value is the value an operation writes: prefix, then "c.s" for client
// c's seq s, written once into the run's text arena, so that an operation
// allocates nothing of its own.
func (c *kvClients) value(prefix string, client, seq int) string {
	b := append(c.scratch[:0], prefix...)
	b = strconv.AppendInt(b, int64(client), 10)
	b = strconv.AppendInt(append(b, '.'), int64(seq), 10)
	c.scratch = b
	return c.text.String(b)
}

func kvKind(k OpKind) linearize.KVKind {
	switch k {
	case OpGet:
		return linearize.KVGet
	case OpPut:
		return linearize.KVPut
	}
	return linearize.KVAppend
}

// send sends the client's current request to a random replica that
// proposes (Info.Roles): of the core, once the heal left nodes outside it
// faulty.
func (c *kvClients) send(cl *kvClient, now sim.Time, retry bool) {
	asked := c.h.proposers() &^ c.h.leftFaulty()
	k := c.h.decider().Intn(sim.Decision{Kind: sim.DecideWorkload, Node: sim.NodeID(cl.id)}, bits.OnesCount64(asked))
	to := sim.NodeID(nth(asked, k))
	c.sendTo(cl, to, now, retry)
	c.hedge(cl, to, now)
}

// hedge sends the client's current request, just sent to replica to, to
// a second replica that proposes too, with chance Config.Hedge. The copy
// is a retry in the decision trace, so a replay (which takes the trace's
// client steps as they are) does not hedge again.
func (c *kvClients) hedge(cl *kvClient, to sim.NodeID, now sim.Time) {
	if c.hedgeRate == 0 || !c.h.decider().Chance(sim.Decision{Kind: sim.DecideWorkload, Node: sim.NodeID(cl.id)}, c.hedgeRate) {
		return
	}
	others := c.h.proposers() &^ c.h.leftFaulty() &^ (1 << uint(to))
	if others == 0 {
		return
	}
	k := c.h.decider().Intn(sim.Decision{Kind: sim.DecideWorkload, Node: sim.NodeID(cl.id)}, bits.OnesCount64(others))
	c.h.send(cl.req, sim.NodeID(nth(others, k)), now+1, true)
}

// sendTo sends the client's current request to replica to.
func (c *kvClients) sendTo(cl *kvClient, to sim.NodeID, now sim.Time, retry bool) {
	if cl.op >= 0 && c.ops[cl.op].Node == 0 {
		c.ops[cl.op].Node = int(to)
	}
	cl.retryAt = now + c.timeoutGap
	value := c.h.send(cl.req, to, now+1, retry)
	if !retry {
		if cl.operator {
			c.reconfigs = append(c.reconfigs, value)
		}
		if cl.req.Op.Kind == OpReconfig { // the operator's, or a script's client's
			c.reconfigVals = append(c.reconfigVals, value)
			c.reconfigTo = append(c.reconfigTo, memberSet(cl.req.Op.Members))
		}
		c.h.invoked(cl.id, value, now)
	}
}

func (c *kvClients) answered(a Answer) {
	cl := c.clients[a.Client-1] // the session checked a.Client
	if !cl.waiting || cl.seq != a.Seq {
		return
	}
	now := c.h.now()
	cl.waiting, cl.nextAt = false, now+c.think()
	if cl.op >= 0 {
		c.ops[cl.op].Return, c.ops[cl.op].Output = int64(now), a.Output
	}
}

// think draws a client's pause between operations: spread over the
// propose window, so that operations meet the faults.
func (c *kvClients) think() sim.Time {
	spread := max(c.window/int64(max(c.commands, 1)), 1)
	return kvThinkTime + sim.Time(c.h.decider().Intn(sim.Decision{Kind: sim.DecideWorkload}, int(2*spread)))
}

// take is a trace's or script's client step: the client's next operation
// (or its retry) enters the network now.
func (c *kvClients) take(st ClientStep) error {
	if st.Client > len(c.clients) {
		return fmt.Errorf("client %d does not exist (the run has %d, the operator last)", st.Client, len(c.clients))
	}
	cl := c.clients[st.Client-1]
	now := c.h.now()
	switch {
	case st.Retry() && !cl.waiting:
		return fmt.Errorf("client %d has no request waiting for an answer", st.Client)
	case st.Retry():
		c.sendTo(cl, st.To, now, true)
		return nil
	case cl.waiting:
		return fmt.Errorf("client %d still waits for its request #%d: one request at a time (client %d retry to N sends it again)",
			st.Client, cl.seq, st.Client)
	}
	c.next(cl, st.Op)
	c.sendTo(cl, st.To, now, false)
	return nil
}

func (c *kvClients) count() int { return len(c.clients) }

func (c *kvClients) seq(client int) int {
	if client < 1 || client > len(c.clients) {
		return 0
	}
	return c.clients[client-1].seq
}

func (c *kvClients) isReconfig(v checker.Value) bool { return slices.Contains(c.reconfigs, v) }

func (c *kvClients) reconfigMembers(v checker.Value) (uint64, bool) {
	if k := slices.Index(c.reconfigVals, v); k >= 0 {
		return c.reconfigTo[k], true
	}
	return 0, false
}

// memberSet is ids as a set, bit per id.
func memberSet(ids []sim.NodeID) uint64 {
	var s uint64
	for _, id := range ids {
		s |= 1 << uint(id)
	}
	return s
}

// done reports whether every client finished.
func (c *kvClients) done() bool {
	return !slices.ContainsFunc(c.clients, func(cl *kvClient) bool {
		return cl.waiting || cl.left > 0 || (cl.operator && len(c.pending) > 0)
	})
}

func (c *kvClients) unanswered() []string {
	var out []string
	for _, cl := range c.clients {
		if !cl.waiting {
			continue
		}
		// A reconfiguration has no history entry: its last send is all
		// there is to say.
		asked, last := cl.retryAt-c.timeoutGap, ""
		if cl.op >= 0 {
			asked, last = sim.Time(c.ops[cl.op].Invoke), fmt.Sprintf(" (asked last at t=%d)", cl.retryAt-c.timeoutGap)
		}
		out = append(out, fmt.Sprintf("client %d's %s (#%d) unanswered since t=%d%s", cl.id, cl.req.Op, cl.seq, asked, last))
	}
	return out
}

// finish checks the history against a linearizable key-value store
// (porcupine, by key).
func (c *kvClients) finish(res *Result) {
	res.KVOps = c.ops
	if log := c.h.logChecker(); log != nil {
		res.Service = c.serviceSummary(log)
	}
	res.Linearizability = string(linearize.CheckKV(c.ops, LinearizabilityBudget))
	if res.Linearizability == string(linearize.Illegal) {
		c.h.fail(checker.Violation{
			Property: checker.Linearizability, Check: "key-value-history", Time: int64(c.h.now()), Event: c.h.events(),
			Message: fmt.Sprintf("the %d key-value operations are not linearizable (the run verb's --html FILE draws them)", len(c.ops)),
		})
	}
}

// serviceSummary sums up the clients' history and what the replicas
// applied (applying follows being chosen, which the safety checker
// confirms at every step).
func (c *kvClients) serviceSummary(log *checker.LogChecker) *ServiceSummary {
	s := &ServiceSummary{Operations: len(c.ops), ReconfigsInvoked: c.requested}
	for _, op := range c.ops {
		if op.Return >= 0 {
			s.Answered++
		}
	}
	seen := map[checker.Value]bool{}
	for i := int64(1); ; i++ {
		id, ok := log.Command(i)
		if !ok {
			break
		}
		s.Instances = i
		if c.h.noOp(id) || seen[id] {
			continue
		}
		seen[id] = true
		if slices.Contains(c.reconfigs, id) {
			s.Reconfigs++
		} else {
			s.Commands++
		}
	}
	for node := 1; node <= c.h.nodes(); node++ {
		if log.AppliedIndex(node) == s.Instances {
			s.CaughtUp++
		}
	}
	return s
}
