package sim

import "github.com/paxsim/paxsim/fingerprint"

// A node gives up what it writes and what it sends: Persist and Write take ownership of the
// durable state they are given (Env.Persist). A value that shares memory
// with the node (a slice the node goes on appending to or assigning into,
// a map it writes, a pointer it writes through) changes after it was
// written, so that a crash keeps what the node never wrote: a promise
// changed in memory and never persisted looks persisted, and the harness
// misses the bug it was there to find. The world checks the rule where it
// matters, at a crash: each durable value it holds (the synced state and
// the unsynced writes) must fingerprint as it did when it was written. A
// broken rule is a contract violation (rule durable-ownership), raised as
// a MisuseError. The check costs a fingerprint of one write in
// ownershipEvery (a value changed in place is usually changed on every
// write after), and checks durable states that are Fingerprinters only.

// Messages likewise: Send takes ownership of the message, which a real
// network would have serialized as it left. One that shares memory with
// its sender (a slice of the sender's log, which it then writes in place)
// changes in flight, and its receiver sees what was never sent, which may
// hide a bug or invent one. A delivery checks, on a sample of the
// messages, that the message's Digest is the one it had when sent (rule
// message-ownership).

// ownershipEvery is how often a write is fingerprinted for the check: one
// write in ownershipEvery, counted over the world's writes.
const ownershipEvery = 32

// ownedKey is the fingerprint a durable value had when written; ok is
// false for one not fingerprinted then.
type ownedKey struct {
	key fingerprint.Key
	ok  bool
}

// writtenKey fingerprints d as it is written, when the write is one the
// check samples and d is a Fingerprinter.
func (w *World[M, D, O]) writtenKey(d D) ownedKey {
	w.writes++
	if w.writes%ownershipEvery != 0 {
		return ownedKey{}
	}
	if _, ok := any(d).(Fingerprinter); !ok {
		return ownedKey{}
	}
	return ownedKey{durableKey(&w.ownHash, d), true}
}

// checkOwnership raises a MisuseError if a durable value of node id
// changed since it was written.
func (w *World[M, D, O]) checkOwnership(id NodeID) {
	s := &w.slots[id]
	if w.changedSinceWritten(s.durable, s.durableKey) {
		w.brokeOwnership(id, "its synced durable state")
	}
	for i, d := range s.unsynced {
		if i < len(s.unsyncedKeys) && w.changedSinceWritten(d, s.unsyncedKeys[i]) {
			w.brokeOwnership(id, "an unsynced write")
		}
	}
}

// changedSinceWritten reports whether d no longer fingerprints as k says
// it did when written. A Fingerprint that is no function of the value
// (a map written in its random order) raises its own rule instead.
func (w *World[M, D, O]) changedSinceWritten(d D, k ownedKey) bool {
	if !k.ok {
		return false
	}
	now := durableKey(&w.ownHash, d)
	if now == k.key {
		return false
	}
	if durableKey(&w.ownHash, d) != now {
		misuse("durable-fingerprint", "the Fingerprint of the durable state (%T) is not a function of its value: two calls "+
			"with nothing changed between them write different keys (a map iterated in its random order?)", d)
	}
	return true
}

func (w *World[M, D, O]) brokeOwnership(id NodeID, what string) {
	misuse("durable-ownership", "node %d crashed holding %s (%T) changed since it was written, with no write: "+
		"the value given to Persist or Write shares memory with the node, which went on writing to it in place "+
		"(a slice appended to or assigned into, a map written), so a crash would keep what was never written; "+
		"persist a copy (slices.Clone, maps.Clone) or never write in place what was persisted", id, what, s0[D]())
}

// s0 is D's zero value, to name its type.
func s0[D any]() (d D) { return d }

// messageOwnershipEvery is how often a message sent is checked: one in
// messageOwnershipEvery, by the count of sends (timed) or by digest
// (choice mode, where a message is delivered many times).
const messageOwnershipEvery = 8

// stampSent records the Digest of message e as sent, when the check
// samples it.
func (w *World[M, D, O]) stampSent(e *event[M]) {
	if w.stats.Sent%messageOwnershipEvery == 0 {
		e.sent = e.msg.Digest()
	}
}

// sampledDigest is a choice-mode message's digest as sent, when the check
// samples it, else 0.
func sampledDigest(d uint64) uint64 {
	if d%messageOwnershipEvery == 0 {
		return d
	}
	return 0
}

func (w *World[M, D, O]) brokeMessageOwnership(from, to NodeID, e *event[M]) {
	misuse("message-ownership", "the message %s->%s (%T) changed between its send and its delivery, now %s: "+
		"the value given to Send shares memory with its sender (a slice of the sender's state, which it went on writing "+
		"in place), as no real network's message does; send a copy (slices.Clone) of what the sender may change", sender(from), to, e.msg, e.msg)
}
