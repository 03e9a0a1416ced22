package sim

// A node's storage (Env.Write, Env.Sync, Env.Persist). A node's durable
// state D is written whole: a write replaces it, as a rewritten file or a
// log replayed to one value would. A write is durable only once synced.
// A plain crash (the process dies; the machine, and its page cache, live
// on) keeps every write. A crash that loses unsynced writes (a power cut:
// FaultConfig.LoseUnsyncedRate, or a Choice world's crash with Lose) keeps
// the last synced state and a prefix of the writes made since: the disk
// takes writes in order. Persist writes and syncs in one step, the simple
// path of a protocol that always syncs.

// MaxUnsyncedWrites bounds the writes a node keeps unsynced: past it, the
// oldest reaches the disk on its own, as a page cache writes back, so a
// node that never syncs holds a bounded memory, and a Choice world's crash
// a bounded choice of what survives.
const MaxUnsyncedWrites = 8

// write makes d node id's latest write, not yet durable.
func (w *World[M, D, O]) write(id NodeID, d D) {
	s := &w.slots[id]
	if len(s.unsynced) == MaxUnsyncedWrites {
		s.durable, s.durableKey = s.unsynced[0], s.unsyncedKeys[0]
		copy(s.unsynced, s.unsynced[1:])
		copy(s.unsyncedKeys, s.unsyncedKeys[1:])
		s.unsynced, s.unsyncedKeys = s.unsynced[:len(s.unsynced)-1], s.unsyncedKeys[:len(s.unsyncedKeys)-1]
	}
	s.unsynced = append(s.unsynced, d)
	s.unsyncedKeys = append(s.unsyncedKeys, w.writtenKey(d))
	s.fpOK = false
}

// sync makes node id's writes durable.
func (w *World[M, D, O]) sync(id NodeID) {
	s := &w.slots[id]
	if n := len(s.unsynced); n > 0 {
		s.durable, s.durableKey = s.unsynced[n-1], s.unsyncedKeys[n-1]
		s.dropUnsynced()
		w.stats.Syncs++
	}
	s.fpOK = false
}

// persist writes d and syncs it.
func (w *World[M, D, O]) persist(id NodeID, d D) {
	s := &w.slots[id]
	s.durable, s.durableKey = d, w.writtenKey(d)
	s.dropUnsynced()
	s.fpOK = false
	w.stats.Syncs++
}

// settle is what a crash leaves of the node's storage: every write but the
// last lose ones (a plain crash loses none).
func (s *slot[M, D, O]) settle(lose int) {
	if keep := len(s.unsynced) - lose; keep > 0 {
		s.durable, s.durableKey = s.unsynced[keep-1], s.unsyncedKeys[keep-1]
	}
	s.dropUnsynced()
}

// dropUnsynced forgets the unsynced writes, keeping the slice's memory
// and none of the states it held.
func (s *slot[M, D, O]) dropUnsynced() {
	clear(s.unsynced)
	s.unsynced, s.unsyncedKeys = s.unsynced[:0], s.unsyncedKeys[:0]
}

// latest is the node's storage as it last wrote it.
func (s *slot[M, D, O]) latest() D {
	if n := len(s.unsynced); n > 0 {
		return s.unsynced[n-1]
	}
	return s.durable
}

// Unsynced is how many writes node id made since it last synced.
func (w *World[M, D, O]) Unsynced(id NodeID) int { return len(w.slots[id].unsynced) }
