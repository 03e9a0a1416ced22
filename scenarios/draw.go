package scenarios

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/protocol"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// Drawing records a run as a space-time diagram (package diagram): set
// Options.Draw to a new Drawing, run or replay, then call Diagram. It sees
// what the world traces and sends, the clients' requests and answers, the
// nodes' observations, and each replica's durable state after every step:
// for an acceptor of single-decree Paxos its promise and accepted value
// (and what it learned), for Multi-Paxos its promise and its log. Like the
// readable trace, it only watches: the run is the same with or without it.
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

// drawPaxos attaches opts.Draw, if set, to a single-decree runner: it
// returns the options the runner must use.
func drawPaxos(r *runner, opts Options) Options {
	dr := opts.Draw
	if dr == nil {
		return opts
	}
	opts = dr.attach(r.cfg.Nodes, diagram.Lanes(r.cfg.Nodes, r.cfg.Proposers), &r.res, opts, func(id sim.NodeID) string {
		return paxosState(r.world.Durable(id))
	})
	r.world.SetSendTracer(dr.b.Entry)
	r.onObserve = dr.observe
	r.opts = opts
	return opts
}

// drawMultiPaxos attaches opts.Draw, if set, to a Multi-Paxos runner.
func drawMultiPaxos(r *mpRunner, opts Options) Options {
	dr := opts.Draw
	if dr == nil {
		return opts
	}
	lanes := diagram.Lanes(r.cfg.Nodes, r.setup.clients+1)
	lanes[r.setup.clients].Name = "operator" // the last client reconfigures
	opts = dr.attach(r.cfg.Nodes, lanes, &r.res, opts, func(id sim.NodeID) string {
		return multiPaxosState(r.world.Durable(id))
	})
	r.world.SetSendTracer(dr.b.Entry)
	r.onObserve = dr.observe
	r.opts = opts
	return opts
}

// attach starts the builder and chains it to the run's trace entries and
// steps; state words a replica's durable state.
func (dr *Drawing) attach(nodes int, lanes []diagram.Lane, res *Result, opts Options, state func(sim.NodeID) string) Options {
	dr.b = diagram.NewBuilder(lanes)
	dr.b.MaxRows = dr.MaxRows
	dr.result = res
	states := func() {
		dr.b.EndStep()
		if dr.b.Full() {
			return
		}
		for id := sim.NodeID(1); int(id) <= nodes; id++ {
			dr.b.State(id, state(id))
		}
	}
	states()
	if prev := opts.traceEntries; prev != nil {
		opts.traceEntries = func(e sim.TraceEntry) { prev(e); dr.b.Entry(e) }
	} else {
		opts.traceEntries = dr.b.Entry
	}
	if prev := opts.OnEvent; prev != nil {
		opts.OnEvent = func(i int64, h uint64) { prev(i, h); states() }
	} else {
		opts.OnEvent = func(int64, uint64) { states() }
	}
	return opts
}

// drawRequest draws a client's request, sent at time at, when there is a
// drawing: a function of the message's type, since passing msg as an
// interface would allocate at every request.
func drawRequest[M sim.Message](dr *Drawing, client int, to sim.NodeID, msg M, at sim.Time) {
	if dr != nil && dr.b != nil {
		dr.b.Request(client, to, msg.String(), int64(at))
	}
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

// paxosState words what a single-decree replica persisted: its promise, its
// accepted (ballot, value) and, once it learned, the value.
func paxosState(d protocol.Durable) string {
	s := fmt.Sprintf("promised %s, accepted (%s, %s)", d.Promised, d.AcceptedBallot, d.AcceptedValue)
	if d.Learned != checker.None {
		s += ", learned " + d.Learned.String()
	}
	return s
}

// multiPaxosState words what a Multi-Paxos replica persisted: its promise
// and its log, the chosen prefix as a range and the entries past it.
func multiPaxosState(d mp.Durable) string {
	var b strings.Builder
	fmt.Fprintf(&b, "promised %s", d.Promised)
	if n := len(d.Prefix); n > 0 {
		fmt.Fprintf(&b, "; i1..i%d chosen and applied", n)
	}
	const most = 8
	for i, e := range d.Tail {
		if i == most {
			fmt.Fprintf(&b, "; and %d more entries", len(d.Tail)-most)
			break
		}
		fmt.Fprintf(&b, "; %s", e)
	}
	return b.String()
}
