package main

import (
	"fmt"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// Adapter puts kvpaxos under paxsim: an engine.Protocol, and an
// engine.Explorer for the exhaustive search (paxsim check).
type Adapter struct{}

var _ engine.Explorer[State] = Adapter{}

// Info describes kvpaxos to paxsim. Its clients run gets, puts and
// appends, and each replica reports to paxsim the slots it applies, so
// every property applies, exactly-once included (the store skips a
// retried command it executed). It has no variants: the bug is in the
// implementation itself.
func (Adapter) Info() engine.Info {
	return engine.Info{
		Name:     "kvpaxos",
		Summary:  "a third party's Multi-Paxos key-value store (examples/kvpaxos)",
		Workload: engine.Workload{Kind: engine.KeyValue, Clients: 3, Commands: 4},
		Timers:   []string{"tick"},
		NoOps:    []checker.Value{Cmd{}.ID()},
	}
}

// NewNodes builds the replicas, with a heartbeat every two round trips.
func (Adapter) NewNodes(s engine.Setup) (sim.NewNode[Msg, State, checker.Observation], error) {
	return func(id sim.NodeID, st State) sim.Node[Msg, State, checker.Observation] {
		return newNode(id, s.Nodes, max(10, 2*s.MaxDelay), st)
	}, nil
}

// Request is a client's operation as kvpaxos's client library sends it.
func (Adapter) Request(q engine.Request) (Msg, checker.Value) {
	c := Cmd{Client: q.Client, Seq: q.Seq, Op: q.Op.Kind.String(), Key: q.Op.Key, Arg: q.Op.Arg}
	return Msg{Kind: Request, Cmd: c}, c.ID()
}

// Answer recognises a replica's answer: the command ID holds the client's
// sequence number.
func (Adapter) Answer(o checker.Observation) (engine.Answer, bool) {
	return engine.Answer{Client: o.Client, Seq: int(o.Value & (1<<32 - 1)), Value: o.Value, Output: o.Output}, o.Kind == checker.Returned
}

// DescribeDurable words a replica's disk: its promise, its commit index
// and its log.
func (Adapter) DescribeDurable(st State) string {
	return fmt.Sprintf("promised %s, decided up to %d, log %v", st.Promised, st.Commit, st.Log)
}

// Symmetric is false: the explorer's renaming of replicas needs messages
// that fingerprint their node ids, which kvpaxos's do not.
func (Adapter) Symmetric() bool { return false }

// ExploreTimer leaves the tick out unless asked for (paxsim check
// --ticks): in the explorer's network every message stays deliverable,
// so heartbeats and resends add only states, and a client's request is
// what starts an election.
func (Adapter) ExploreTimer(_ sim.TimerTag, ticks bool) bool { return ticks }

// MaxDepth bounds the explorer's paths when the user sets no bound: the
// bug's shortest counterexample is at depth 12, and the fixed code has
// some 14,000 states to depth 14.
func (Adapter) MaxDepth() int { return 14 }
