package engine

import (
	"fmt"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/sim"
)

// clientDriver runs a workload's clients in one session: it decides what
// they ask and when (from the session's Decider, so that a run stays a
// pure function of its config and decisions), keeps their history and
// judges it at the end.
type clientDriver interface {
	// begin starts a timed run's clients.
	begin()
	// choose starts a Choice run's clients: d picks the replicas.
	choose(d sim.Decider)
	// step starts, retries and schedules the requests due by now, before
	// every event of a timed run; healed says whether faults have healed.
	step(now sim.Time, healed bool)
	// idleBeforeHeal reports whether step does nothing until faults heal,
	// so that a timed run need not call it before.
	idleBeforeHeal() bool
	// answered takes a client's answer, recognised by Protocol.Answer:
	// a.Client is one of the clients.
	answered(a Answer)
	// take is a decision trace's or a script's client step.
	take(st ClientStep) error
	// done reports whether every client has had every answer.
	done() bool
	// unanswered words the operations still waiting, for a liveness
	// failure.
	unanswered() []string
	// count is how many clients there are: ids 1..count.
	count() int
	// seq is the number of client's latest request (0 for none).
	seq(client int) int
	// isReconfig reports whether v is a reconfiguration the operator
	// asked for.
	isReconfig(v checker.Value) bool
	// reconfigMembers is the member set, bit per id, that the operator's
	// reconfiguration v asked for; ok false when v is none.
	reconfigMembers(v checker.Value) (members uint64, ok bool)
	// finish puts the history, its verdict and the clients' counts in
	// res.
	finish(res *Result)
}

// host is what a clientDriver needs of its session.
type host interface {
	now() sim.Time
	events() int64
	leftFaulty() uint64
	decider() sim.Decider
	nodes() int
	// proposers is the nodes that take client requests (Info.Roles), a
	// bit per id.
	proposers() uint64
	// send puts client's request r on its way to replica to, arriving at
	// at, and returns the command's value. retry says whether the client
	// sent r before.
	send(r Request, to sim.NodeID, at sim.Time, retry bool) checker.Value
	// invoked tells the checkers that a client asked for value at time at.
	invoked(client int, value checker.Value, at sim.Time)
	// fail records a violation found by the clients' checks.
	fail(v checker.Violation)
	// logChecker is the run's replicated-log checker, nil for a single
	// decree.
	logChecker() *checker.LogChecker
	// noOp reports whether v is one of the protocol's gap fillers.
	noOp(v checker.Value) bool
}

// newClientDriver returns the driver of workload w's clients; scripted
// ones start no operation of their own.
func newClientDriver[M sim.Message, D any](s *Session[M, D], w Workload, scripted bool) clientDriver {
	if w.Kind == KeyValue {
		return newKVClients(s, s.plan, scripted)
	}
	return &consensusClients{h: s, clients: s.plan.clients, window: s.cfg.ProposeWindow, hedge: s.cfg.Hedge, ops: make([]linearize.Op, 0, s.plan.clients)}
}

func (s *Session[M, D]) now() sim.Time                   { return s.world.Now() }
func (s *Session[M, D]) events() int64                   { return s.world.Events() }
func (s *Session[M, D]) leftFaulty() uint64              { return s.world.LeftFaulty() }
func (s *Session[M, D]) decider() sim.Decider            { return s.decide }
func (s *Session[M, D]) nodes() int                      { return s.cfg.Nodes }
func (s *Session[M, D]) proposers() uint64               { return s.plan.roles.Proposers }
func (s *Session[M, D]) fail(v checker.Violation)        { s.res.Violations = append(s.res.Violations, v) }
func (s *Session[M, D]) logChecker() *checker.LogChecker { return s.judge.log }
func (s *Session[M, D]) noOp(v checker.Value) bool       { return slices.Contains(s.info.NoOps, v) }

func (s *Session[M, D]) send(r Request, to sim.NodeID, at sim.Time, retry bool) checker.Value {
	var msg M
	var value checker.Value
	if s.request != nil {
		msg, value = s.request(r)
	} else {
		msg, value = s.proto.Request(r)
	}
	if s.opts.Record {
		st := ClientStep{Client: r.Client, Op: r.Op, To: to}
		if retry {
			st.Op = Op{}
		}
		s.log(st.String())
	}
	if dr := s.opts.Draw; dr != nil { // the diagram's arrow of the request
		dr.b.Request(r.Client, to, msg.String(), int64(at))
	}
	s.world.Request(at, to, msg)
	return value
}

// Client takes a client step of a decision trace or a script: client C's
// next operation, or its retry, enters the network now.
func (s *Session[M, D]) Client(st ClientStep) error {
	if int(st.To) < 1 || int(st.To) > s.cfg.Nodes {
		return fmt.Errorf("node %d does not exist (nodes are 1..%d)", st.To, s.cfg.Nodes)
	}
	return s.clients.take(st)
}
