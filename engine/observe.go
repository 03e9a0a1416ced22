package engine

import (
	"fmt"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// observe is the world's observer: every observation goes to the
// checkers (stamped with time and event index), the coverage, the
// clients, the readable trace and Options.OnObserve.
func (s *Session[M, D]) observe(node sim.NodeID, o checker.Observation) {
	w := s.world
	s.judge.observe(int(node), o, int64(w.Now()), w.Events())
	s.cover.report(o.Kind)
	switch o.Kind {
	case checker.Proposed:
		s.cover.observe(node, o, s.judge.safety, w)
		s.proposed(node, o)
		s.checkView(node, o)
	case checker.Accepted:
		s.cover.observe(node, o, s.judge.safety, w)
	case checker.Learned:
		if s.judge.log == nil && s.progress[node] == 0 {
			s.progress[node] = 1
		}
		s.catchUp.observed(node, o, w.Now(), s.judge.log != nil)
	case checker.Applied:
		s.progress[node] = o.Instance
		s.applied(node, o)
		s.reconfigApplied(o)
		s.catchUp.observed(node, o, w.Now(), s.judge.log != nil)
	case checker.Restarted:
		s.catchUp.restarted(node, w.Now(), s.progress)
	case checker.Returned:
		s.answered(node, o)
	}
	if s.opts.Trace != nil && o.Kind != checker.Restarted { // the trace's restart line says it
		fmt.Fprintf(s.opts.Trace, "    node %d %s\n", node, o)
	}
	if s.opts.OnObserve != nil {
		s.opts.OnObserve(node, o)
	}
}

// answered gives the clients a replica's answer, as the protocol reads it.
func (s *Session[M, D]) answered(node sim.NodeID, o checker.Observation) {
	a, ok := s.proto.Answer(o)
	switch {
	case !ok:
	case a.Client < 1 || a.Client > s.clients.count():
		s.judge.breach("answer-to-client", fmt.Sprintf("node %d answered client %d, which does not exist (clients are 1..%d)", node, a.Client, s.clients.count()))
	default:
		// A duplicate of an earlier request, answered after the client
		// sent its next one.
		s.cover.res.LateDuplicate = s.cover.res.LateDuplicate || s.clients.seq(a.Client) > a.Seq
		s.clients.answered(a)
	}
}

// invoked tells the checkers that a client asked for value at time at
// (which may lie ahead: a value chosen before then breaks validity).
func (s *Session[M, D]) invoked(client int, value checker.Value, at sim.Time) {
	s.asked = true
	s.judge.at(int64(at), s.world.Events())
	o := checker.Observation{Kind: checker.Invoked, Client: client, Value: value}
	s.judge.safety.Observe(0, o)
	if s.judge.log != nil {
		s.judge.log.Observe(0, o) // each client's order (checker.LogChecker)
	}
	s.judge.note()
}
