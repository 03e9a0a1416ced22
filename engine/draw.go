package engine

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/sim"
)

// Drawing records a run as a space-time diagram (package diagram): set
// Options.Draw to a new Drawing, run or replay, then call Diagram. It sees
// what the world traces and sends, the clients' requests and answers, the
// nodes' observations, and each replica's durable state after every step,
// as the protocol words it (Protocol.DescribeDurable). Like the readable
// trace, it only watches: the run is the same with or without it.
type Drawing struct {
	// MaxRows bounds the diagram's rows (0: diagram.DefaultMaxRows); past
	// it, steps are counted, not drawn.
	MaxRows int

	b      *diagram.Builder
	result *Result
}

// Diagram returns the run's diagram, its caption the run's violations, or
// nil before the run.
func (dr *Drawing) Diagram() *diagram.Diagram {
	if dr == nil || dr.b == nil {
		return nil
	}
	d := dr.b.Diagram()
	if res := dr.result; res != nil {
		d.Alert = len(res.Violations) > 0
		for i := range res.Violations {
			d.Caption = append(d.Caption, strings.Split(res.Violations[i].String(), "\n")...)
		}
		if len(res.Violations) == 0 {
			d.Caption = append(d.Caption, "no violation: "+res.Verdict)
		}
	}
	return d
}

// Rows counts the rows drawn so far (0 before the run): a viewer's step
// knows its row.
func (dr *Drawing) Rows() int {
	if dr == nil || dr.b == nil {
		return 0
	}
	return dr.b.Rows()
}

// attachDrawing attaches Options.Draw, if set, to the session: a lane per
// client (the operator's last, for a protocol that reconfigures) and per
// replica.
func (s *Session[M, D]) attachDrawing() {
	dr := s.opts.Draw
	if dr == nil {
		return
	}
	clients := s.plan.clients
	if s.info.Workload.Kind == KeyValue {
		clients++ // the operator
	}
	lanes := diagram.Lanes(s.cfg.Nodes, clients)
	if s.info.Workload.Kind == KeyValue {
		lanes[clients-1].Name = "operator"
	}
	dr.b = diagram.NewBuilder(lanes)
	dr.b.MaxRows = dr.MaxRows
	dr.result = &s.res // until the run ends: then a copy (finish), for a Runner reuses the session
	states := func() {
		dr.b.EndStep()
		if dr.b.Full() {
			return
		}
		for id := sim.NodeID(1); int(id) <= s.cfg.Nodes; id++ {
			dr.b.State(id, s.proto.DescribeDurable(s.world.Durable(id)))
		}
	}
	states()
	s.opts.TraceEntries = chain(s.opts.TraceEntries, dr.b.Entry)
	prevEvent := s.opts.OnEvent
	s.opts.OnEvent = func(i int64, h uint64) {
		if prevEvent != nil {
			prevEvent(i, h)
		}
		states()
	}
	prevObserve := s.opts.OnObserve
	s.opts.OnObserve = func(node sim.NodeID, o checker.Observation) {
		dr.observe(node, o)
		if prevObserve != nil {
			prevObserve(node, o)
		}
	}
	s.world.SetSendTracer(dr.b.Entry)
}

// observe draws an observation: a client's answer as an arrow, anything
// else as a note on the node's lane.
func (dr *Drawing) observe(node sim.NodeID, o checker.Observation) {
	if o.Kind != checker.Returned {
		dr.b.Observe(node, o.String())
		return
	}
	text := "answers " + o.Value.String()
	if o.Output != "" {
		text = fmt.Sprintf("answers %s: %s", o.Value, o.Output)
	}
	dr.b.Reply(node, o.Client, text)
}
