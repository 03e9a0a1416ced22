package multipaxos

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/internal/arena"
	"github.com/paxsim/paxsim/sim"
)

// A Node is a sim.Cloner: the explorer copies and fingerprints it.
var _ sim.Cloner[Msg, Durable, checker.Observation] = (*Node)(nil)

// CloneInto implements sim.Cloner: a deep copy of the replica, reusing
// dst's memory when it is a *Node. The log's array is reused only when no
// persisted Durable can share it (a world, or a snapshot pool, may still
// hold dst's persisted states); otherwise the clone gets a fresh one. The
// clone's arena starts empty: dst's chunk backs messages and durable
// states that other worlds may hold.
func (n *Node) CloneInto(dst sim.Node[Msg, Durable, checker.Observation]) sim.Node[Msg, Durable, checker.Observation] {
	d, _ := dst.(*Node)
	if d == nil {
		d = new(Node)
	}
	log := d.log[:0]
	if d.logShared {
		log = nil
	}
	recovered, pending, queue, waiting, notify := d.recovered[:0], d.pending[:0], d.queue[:0], d.waiting[:0], d.notify[:0]
	scratch, decided, tail, out := d.scratch[:0], d.decided[:0], d.tail[:0], d.out
	svc, gaps := d.svc, d.gaps[:0]
	*d = *n
	d.arena = arena.Slice[Entry]{}                                    // the original writes on in its chunk: the copy gets its own
	d.scratch, d.decided, d.tail, d.out = scratch, decided, tail, out // buffers: never the original's
	d.log = append(log, n.log...)
	d.logShared = false
	d.recovered = append(recovered, n.recovered...)
	d.pending = append(pending, n.pending...)
	d.queue = append(queue, n.queue...)
	d.waiting = append(waiting, n.waiting...)
	d.notify = append(notify, n.notify...)
	d.svc = svc
	n.svc.cloneInto(&d.svc)
	d.gaps = append(gaps, n.gaps...)
	return d
}

// Fingerprint implements sim.Fingerprinter: every field that decides what
// the replica does next. Its id and configuration are the same in every
// state and left out; so is the service (the key-value store, the dedup
// table and the views), which is a function of the chosen prefix, written
// in full with the rest of the log.
func (n *Node) Fingerprint(h *fingerprint.Hasher) {
	ballot(h, n.promised)
	h.Int(n.prefix)
	h.Uint64(uint64(len(n.log)))
	for k := range n.log {
		entry(h, &n.log[k])
	}
	h.Uint64(uint64(n.role))
	ballot(h, n.ballot)
	h.Node(int(n.leader))
	ballot(h, n.leaderBallot)
	ballot(h, n.maxSeen)
	h.Int(int64(n.attempt))
	h.Bool(n.heard)
	h.Int(n.from)
	h.NodeSet(n.promisedBy)
	h.Uint64(uint64(len(n.recovered)))
	for k := range n.recovered {
		entry(h, &n.recovered[k])
	}
	h.Int(n.recoverTo)
	h.Int(n.recoverChosen)
	h.Uint64(uint64(len(n.gaps)))
	for _, g := range n.gaps {
		h.Node(int(g.by))
		h.Int(g.lo)
		h.Int(g.hi)
	}
	h.NodeSet(n.blocked)
	h.Int(n.next)
	h.Uint64(uint64(len(n.pending)))
	for k := range n.pending {
		p := &n.pending[k]
		entry(h, &p.entry)
		h.NodeSet(p.votes)
		h.Int(int64(p.age))
	}
	h.Int(n.fillTo)
	h.Uint64(uint64(len(n.notify)))
	for k := range n.notify {
		entry(h, &n.notify[k])
	}
	h.Bool(n.commitArmed)
	h.Uint64(uint64(len(n.queue)))
	for k := range n.queue {
		command(h, &n.queue[k])
	}
	h.Uint64(uint64(len(n.waiting)))
	for k := range n.waiting {
		command(h, &n.waiting[k])
	}
	h.Int(n.ahead)
	h.Node(int(n.aheadPeer))
	h.Bool(n.catchupArmed)
	h.Int(int64(n.catchupTries))
}

// Fingerprint implements sim.Fingerprinter.
func (d Durable) Fingerprint(h *fingerprint.Hasher) {
	ballot(h, d.Promised)
	h.Uint64(uint64(len(d.Prefix)))
	for k := range d.Prefix {
		entry(h, &d.Prefix[k])
	}
	h.Uint64(uint64(len(d.Tail)))
	for k := range d.Tail {
		entry(h, &d.Tail[k])
	}
}

// Fingerprint implements sim.Fingerprinter.
func (m Msg) Fingerprint(h *fingerprint.Hasher) {
	h.Uint64(uint64(m.Type))
	ballot(h, m.Ballot)
	h.Int(m.From)
	h.Int(m.Chosen)
	h.Uint64(m.Mask) // instance offsets, not node ids
	h.Uint64(uint64(len(m.Entries)))
	for k := range m.Entries {
		entry(h, &m.Entries[k])
	}
	h.Uint64(uint64(len(m.Commits)))
	for k := range m.Commits {
		entry(h, &m.Commits[k])
	}
}

func ballot(h *fingerprint.Hasher, b Ballot) {
	h.Uint64(uint64(b.Round))
	h.Node(int(b.Node))
}

func entry(h *fingerprint.Hasher, e *Entry) {
	h.Int(e.Instance)
	ballot(h, e.Ballot)
	h.Uint64(uint64(e.View.Epoch))
	h.NodeSet(e.View.Members)
	h.Bool(e.Chosen)
	command(h, &e.Cmd)
}

func command(h *fingerprint.Hasher, c *Command) {
	h.Int(int64(c.ID))
	h.Uint64(uint64(c.Op))
	h.NodeSet(c.Members)
	str(h, c.Key)
	str(h, c.Arg)
}

// str writes a string exactly: its length, then its bytes eight to a word.
func str(h *fingerprint.Hasher, s string) {
	h.Uint64(uint64(len(s)))
	for i := 0; i < len(s); i += 8 {
		var w uint64
		for j := i; j < min(i+8, len(s)); j++ {
			w = w<<8 | uint64(s[j])
		}
		h.Uint64(w)
	}
}
