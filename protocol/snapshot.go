package protocol

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/sim"
)

// A Node is a sim.Cloner: the explorer copies and fingerprints it.
var _ sim.Cloner[Msg, Durable, checker.Observation] = (*Node)(nil)

// CloneInto implements sim.Cloner: a deep copy of the replica, reusing
// dst's memory when it is a *Node.
func (n *Node) CloneInto(dst sim.Node[Msg, Durable, checker.Observation]) sim.Node[Msg, Durable, checker.Observation] {
	d, _ := dst.(*Node)
	if d == nil {
		d = new(Node)
	}
	heard := d.heard[:0]
	*d = *n
	d.clients = append(d.clientBuf[:0], n.clients...)
	d.heard = nil
	if len(n.heard) > 0 {
		d.heard = append(heard, n.heard...)
	}
	return d
}

// Fingerprint implements sim.Fingerprinter: every field that decides what
// the replica does next. Its id, configuration and variant are the same in
// every state, so they are left out.
func (n *Node) Fingerprint(h *fingerprint.Hasher) {
	n.durable.Fingerprint(h)
	h.Uint64(uint64(n.phase))
	ballot(h, n.ballot)
	h.Int(int64(n.value))
	h.NodeSet(n.promises)
	ballot(h, n.highest)
	h.Int(int64(n.adopted))
	h.NodeSet(n.accepts)
	ballot(h, n.maxSeen)
	h.Int(int64(n.attempt))
	h.Uint64(uint64(len(n.clients)))
	for _, c := range n.clients {
		h.Int(int64(c))
	}
	h.Int(int64(n.replies))
	h.Bool(n.asked)
	h.Bool(n.busy)
	h.Uint64(uint64(len(n.heard)))
	for _, v := range n.heard {
		h.Int(int64(v.value))
		h.NodeSet(v.voters)
	}
}

// Fingerprint implements sim.Fingerprinter.
func (d Durable) Fingerprint(h *fingerprint.Hasher) {
	ballot(h, d.Promised)
	ballot(h, d.AcceptedBallot)
	h.Int(int64(d.AcceptedValue))
	h.Uint64(uint64(d.Round))
	h.Int(int64(d.Learned))
}

// Fingerprint implements sim.Fingerprinter.
func (m Msg) Fingerprint(h *fingerprint.Hasher) {
	h.Uint64(uint64(m.Type))
	ballot(h, m.Ballot)
	ballot(h, m.Prior)
	h.Int(int64(m.Value))
	h.Int(int64(m.Client))
}

func ballot(h *fingerprint.Hasher, b Ballot) {
	h.Uint64(uint64(b.Round))
	h.Node(int(b.Node))
}
