package multipaxos

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// Node is a replica of Multi-Paxos as the harness holds it.
type Node = sim.Node[mp.Msg, mp.Durable, checker.Observation]

// Wrapped is Multi-Paxos with every replica wrapped by Wrap: a test's way
// to put a fault into the reference protocol's code (a handler that
// panics, answers reads from its own state, never hears an instance's
// accept) without a copy of the adapter, as adapter/paxos.Wrapped is for
// single-decree Paxos.
type Wrapped struct {
	Adapter
	Wrap func(Node) Node
}

// NewNodes implements engine.Protocol: the Adapter's replicas, each one
// wrapped.
func (w Wrapped) NewNodes(s engine.Setup) (sim.NewNode[mp.Msg, mp.Durable, checker.Observation], error) {
	inner, err := w.Adapter.NewNodes(s)
	if err != nil {
		return nil, err
	}
	return func(id sim.NodeID, d mp.Durable) Node { return w.Wrap(inner(id, d)) }, nil
}
