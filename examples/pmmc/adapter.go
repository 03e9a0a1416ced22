package main

import (
	"fmt"
	"strconv"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// Adapter puts pmmc under paxsim: an engine.Protocol, and an
// engine.Explorer for the exhaustive search (paxsim check).
type Adapter struct{}

var _ engine.Explorer[State] = Adapter{}

// window is the paper's WINDOW: how far past slot_out a replica
// proposes. It is a window (engine.Knob.Window) as paxsim means it, so
// paxsim's liveness bound gives clients queued behind it their time.
var window = func() engine.Knob {
	k := engine.IntKnob("window", "a replica proposes at most `W` slots past the first it has not applied", 5, 1, 10)
	k.Window = true
	k.Draw = func(intn func(int) int) string { return strconv.Itoa(1 + intn(10)) }
	return k
}()

// Info describes pmmc to paxsim: a key-value workload, every property
// (the replicas skip a command decided twice, so exactly-once applies).
func (Adapter) Info() engine.Info {
	return engine.Info{
		Name:     "pmmc",
		Summary:  "a third party's Paxos Made Moderately Complex key-value store (examples/pmmc)",
		Workload: engine.Workload{Kind: engine.KeyValue, Clients: 3, Commands: 4},
		Knobs:    []engine.Knob{window},
		Timers:   []string{"tick"},
	}
}

// NewNodes builds the nodes, with a tick every two round trips.
func (a Adapter) NewNodes(s engine.Setup) (sim.NewNode[Msg, State, checker.Observation], error) {
	info := a.Info()
	w, err := strconv.Atoi(info.Param(s.Params, window.Name))
	if err != nil {
		return nil, fmt.Errorf("window: %v", err)
	}
	return func(id sim.NodeID, st State) sim.Node[Msg, State, checker.Observation] {
		return newNode(id, s.Nodes, w, max(10, 2*s.MaxDelay), st)
	}, nil
}

// Request is a client's operation as pmmc's client library sends it.
func (Adapter) Request(q engine.Request) (Msg, checker.Value) {
	c := Cmd{Client: q.Client, Seq: q.Seq, Op: q.Op.Kind.String(), Key: q.Op.Key, Arg: q.Op.Arg}
	return Msg{Kind: Request, Cmd: c}, c.ID()
}

// Answer recognises a replica's answer: the command ID holds the client's
// sequence number.
func (Adapter) Answer(o checker.Observation) (engine.Answer, bool) {
	return engine.Answer{Client: o.Client, Seq: int(o.Value & (1<<32 - 1)), Value: o.Value, Output: o.Output}, o.Kind == checker.Returned
}

// DescribeDurable words a node's disk.
func (Adapter) DescribeDurable(st State) string {
	n := 0
	for _, d := range st.Decided {
		if d.Slot != 0 {
			n++
		}
	}
	return fmt.Sprintf("ballot %s, accepted %v, %d slots decided", st.Ballot, st.Accepted, n)
}

// Symmetric is false: messages name no node ids, so renaming nodes is not
// sound for the explorer.
func (Adapter) Symmetric() bool { return false }

// ExploreTimer leaves the tick out unless asked for (paxsim check
// --ticks): in the explorer's network no message is lost, which is what
// the paper assumes.
func (Adapter) ExploreTimer(_ sim.TimerTag, ticks bool) bool { return ticks }

// MaxDepth bounds the explorer's paths when the user sets no bound.
func (Adapter) MaxDepth() int { return 14 }
