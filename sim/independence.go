package sim

// What a partial-order reduction needs to know of a Choice world to tell
// which steps commute (package model's persistent sets).

// Senders records in senders[to], for each node to 1..Nodes, the nodes
// with a message in flight to it, one bit per sender (External is bit 0).
// On FIFO links a receiver takes only the oldest message of each link, so
// while a link holds one, what its sender sends next only lengthens it:
// the receiver's next step from that link is decided already. It panics
// in a Timed world.
func (w *World[M, D, O]) Senders(senders *[MaxNodes + 1]uint64) {
	w.mustBeChoice()
	*senders = [MaxNodes + 1]uint64{}
	for i := range w.inflight {
		f := &w.inflight[i]
		senders[f.to] |= 1 << uint(f.from)
	}
}

// FaultsLeft reports whether the scheduler's bounds still allow a crash or
// a duplication on some path from here (ChoiceConfig.MaxCrashes and
// MaxDups). Both budgets are shared by every node, so while one is left a
// crash or a copy anywhere can take the last of it from another node's:
// no step of one node is then independent of the others'.
func (w *World[M, D, O]) FaultsLeft() bool {
	c := &w.cfg.Choice
	return w.crashes < c.MaxCrashes || (c.Network == Multiset && w.dups < c.MaxDups)
}

// FIFOLinks reports whether the world's links deliver in the order sent.
func (w *World[M, D, O]) FIFOLinks() bool { return w.net.FIFO }
