package sim

import (
	"github.com/paxsim/paxsim/fingerprint"
	"math"
	"math/bits"
)

// Faults that reach deep states: a long delay that lets a message outlive
// an election, the deposition of the current leader, a node held back
// long enough to lag past a catch-up reply, and re-delivery drawn from the
// whole history of the run, not only its latest sends.

// DefaultLongDelay is NetworkConfig.LongDelay when it is unset: from one
// to several election timeouts of the reference protocols (100 to 200
// ticks), so that a message sent under one leader arrives under the next.
var DefaultLongDelay = Range{200, 1000}

// DefaultLagLength is FaultConfig.LagLength when it is unset: long
// enough that a busy cluster decides hundreds of instances meanwhile.
var DefaultLagLength = Range{300, 1500}

// SetLeader makes fn the world's view of the current leader, for depose
// faults (FaultConfig.DeposeRate): the node to pause or cut off, 0 when
// there is none. The harness reads it from the nodes' observations; the
// world knows nothing of leaders. Reset unsets it.
func (w *World[M, D, O]) SetLeader(fn func() NodeID) { w.leader = fn }

// SetHealCore makes fn choose, at the heal, the nodes outside the
// liveness core (FaultConfig.KeepFaulty, which it is given): a harness
// may leave out the nodes that got furthest, so that the core must
// recover what only they knew. A choice that is not a minority of the
// nodes is ignored. Reset unsets it.
func (w *World[M, D, O]) SetHealCore(fn func(keep uint64) uint64) { w.healCore = fn }

// keepFaulty is the nodes outside the liveness core, chosen at the heal.
func (w *World[M, D, O]) keepFaulty() uint64 {
	keep := w.cfg.Faults.KeepFaulty
	if w.healCore != nil {
		if k := w.healCore(keep); k&^w.all == 0 && bits.OnesCount64(k) <= (w.cfg.Nodes-1)/2 {
			keep = k
		}
	}
	w.cfg.Faults.KeepFaulty = keep
	return keep
}

// longDelay stretches message e, sent between two nodes, by a long delay
// with probability NetworkConfig.LongDelayRate.
func (w *World[M, D, O]) longDelay(e *event[M]) {
	from, to := NodeID(e.from), NodeID(e.to)
	if !w.chance(Decision{DecideLongDelay, from, to}, w.net.LongDelayRate) || w.inert(FaultLongDelay) {
		return
	}
	e.at += w.draw(Decision{DecideLongDelay, from, to}, w.net.LongDelay)
	w.fault(FaultLongDelay, from, to, e, logNone) // an order of deliveries: no step of its own
}

// sentAt is the time a message is sent, as an event keeps it (event.arg):
// saturating at the largest int32.
func sentAt(now Time) int32 { return int32(min(now, math.MaxInt32)) }

// OldestInFlight returns when the oldest message that node from sent to
// another node, still in flight in a Timed world, was sent (a re-delivered
// copy counts as sent when its original was); ok is false when none is.
// It scans the network: for rare questions, not for every step.
func (w *World[M, D, O]) OldestInFlight(from NodeID) (at Time, ok bool) {
	oldest := int32(math.MaxInt32)
	for i := range w.queue.items {
		e := &w.queue.items[i]
		if e.kind == EventDeliver && NodeID(e.from) == from && e.to != e.from && e.arg < oldest {
			oldest, ok = e.arg, true
		}
	}
	return Time(oldest), ok
}

// depose pauses the current leader or cuts it off from every other node,
// for a PartitionLength capped at the heal. It counts as a depose, not as
// the pause or partition it makes.
func (w *World[M, D, O]) depose() {
	if w.leader == nil || w.inert(FaultDepose) {
		return
	}
	id := w.leader()
	if id < 1 || int(id) > w.cfg.Nodes || !w.slots[id].up {
		return
	}
	pause := w.decide.Intn(Decision{DecideDeposeKind, id, 0}, 2) == 1
	end := w.capAtHeal(w.now + w.draw(Decision{DecidePartitionLength, id, 0}, w.cfg.Faults.PartitionLength))
	if pause {
		w.slowAs(FaultDepose, id, true, 1, end)
		return
	}
	w.partitionAs(FaultDepose, false, 1<<uint(id), end)
}

// lag cuts a node, drawn among all, off from every other node for a
// LagLength capped at the heal, unless another lags still. It counts as a
// lag, not as the partition it makes.
func (w *World[M, D, O]) lag() {
	if w.now < w.lagUntil || w.inert(FaultLag) {
		return
	}
	id := NodeID(1 + w.decide.Intn(Decision{Kind: DecideLag}, w.cfg.Nodes))
	end := w.capAtHeal(w.now + w.draw(Decision{DecideLag, id, 0}, w.cfg.Faults.LagLength))
	w.lagUntil = end
	w.partitionAs(FaultLag, false, 1<<uint(id), end)
}

// The history that re-delivery draws from: the latest historyRecent sends
// in a ring, and a reservoir sample (Vitter's algorithm R) of
// historyReservoir sends over the whole run, so that a message from long
// ago, a deposed leader's, may come back, in bounded memory.
const (
	historyRecent    = 32
	historyReservoir = 32
)

// remember records a send for re-delivery. The reservoir's replacements
// are drawn from the run's trace hash, not the decider: a pure function
// of the run, which costs no decision a send.
func (w *World[M, D, O]) remember(from, to NodeID, msg M) {
	if w.net.RedeliverRate <= 0 {
		return
	}
	s := sent[M]{from, to, msg, w.now}
	n := w.historyN
	if len(w.history) < historyRecent {
		w.history = append(w.history, s)
	} else {
		w.history[n%historyRecent] = s
	}
	if len(w.reservoir) < historyReservoir {
		w.reservoir = append(w.reservoir, s)
	} else if j := fingerprint.SplitMix64(w.hash^uint64(n)) % uint64(n+1); j < historyReservoir {
		w.reservoir[j] = s
	}
	w.historyN++
}

// pickOld draws the message a re-delivery sends again: one of the recent
// sends or one of the reservoir's, each slot alike.
func (w *World[M, D, O]) pickOld() sent[M] {
	k := w.decide.Intn(Decision{Kind: DecideRedeliverPick}, len(w.history)+len(w.reservoir))
	if k < len(w.history) {
		return w.history[k]
	}
	return w.reservoir[k-len(w.history)]
}
