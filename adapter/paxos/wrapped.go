package paxos

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// Node is a replica of single-decree Paxos as the harness holds it.
type Node = sim.Node[protocol.Msg, protocol.Durable, checker.Observation]

// Wrapped is single-decree Paxos with every replica wrapped by Wrap: a
// test's way to put a fault into the reference protocol's code (a handler
// that blocks, reads a process-wide counter, ignores a message) without a
// copy of the adapter.
type Wrapped struct {
	Adapter
	Wrap func(Node) Node
}

// NewNodes implements engine.Protocol: the Adapter's replicas, each one
// wrapped.
func (w Wrapped) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	inner, err := w.Adapter.NewNodes(s)
	if err != nil {
		return nil, err
	}
	return func(id sim.NodeID, d protocol.Durable) Node { return w.Wrap(inner(id, d)) }, nil
}
