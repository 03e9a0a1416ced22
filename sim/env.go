package sim

import "fmt"

// Env is a node's handle on the world, passed to every handler. A handler
// makes its effects (sends, timer changes, storage writes and syncs,
// observations) in order, and the world makes them as they are made, but
// for a handler that a torn crash cuts (effects.go): then the effects
// before the crash happen and those after it do not. So the order is the
// protocol's to get right: a reply sent before the write it reports is
// synced is a reply a crash can make a lie of.
type Env[M Message, D, O any] struct {
	w  *World[M, D, O]
	id NodeID
}

// ID is the node the handler runs on.
func (e *Env[M, D, O]) ID() NodeID { return e.id }

// Nodes is the cluster size: node ids are 1..Nodes().
func (e *Env[M, D, O]) Nodes() int { return e.w.cfg.Nodes }

// Now is the current virtual time.
func (e *Env[M, D, O]) Now() Time { return e.w.now }

// Send puts msg on the network to node to.
func (e *Env[M, D, O]) Send(to NodeID, msg M) {
	if e.w.held.on {
		e.w.hold(effect[M, D, O]{kind: effSend, to: to, msg: msg})
		return
	}
	e.w.send(e.id, to, msg)
}

// Broadcast sends msg to every node, this one included, in id order. A
// torn crash takes it whole or not at all: one effect (a crash partway
// through would favour low ids, which no renaming of the nodes keeps;
// losing some of its messages is the network's to do).
func (e *Env[M, D, O]) Broadcast(msg M) {
	if e.w.held.on {
		e.w.hold(effect[M, D, O]{kind: effBroadcast, msg: msg})
		return
	}
	e.w.broadcast(e.id, msg)
}

// SetTimer arms timer tag to fire after the given ticks (at least 1),
// replacing any pending timer with the same tag. A slow node's timers
// stretch with it.
func (e *Env[M, D, O]) SetTimer(tag TimerTag, after Time) {
	if tag >= MaxTimerTags {
		misuse("timer-tag", "node %d used timer tag %d (tags are 0..%d)", e.id, tag, MaxTimerTags-1)
	}
	if e.w.held.on {
		e.w.hold(effect[M, D, O]{kind: effSetTimer, tag: tag, after: after})
		return
	}
	e.w.setTimerOf(e.id, tag, after)
}

// CancelTimer disarms timer tag, if it is pending.
func (e *Env[M, D, O]) CancelTimer(tag TimerTag) {
	if tag >= MaxTimerTags {
		misuse("timer-tag", "node %d used timer tag %d (tags are 0..%d)", e.id, tag, MaxTimerTags-1)
	}
	if e.w.held.on {
		e.w.hold(effect[M, D, O]{kind: effCancelTimer, tag: tag})
		return
	}
	e.w.cancelTimerOf(e.id, tag)
}

// Persist writes d as the node's durable state and syncs it: what NewNode
// receives after any crash. It is Write then Sync, in one effect. Persist
// takes ownership: d must not share memory that the node mutates later.
func (e *Env[M, D, O]) Persist(d D) {
	if e.w.held.on {
		e.w.hold(effect[M, D, O]{kind: effPersist, d: d})
		return
	}
	e.w.persist(e.id, d)
}

// Write writes d as the node's durable state, without syncing it: a crash
// that loses unsynced writes (a power cut) may lose it, and every write
// since the last Sync after it (storage.go). Write takes ownership of d,
// as Persist does.
func (e *Env[M, D, O]) Write(d D) {
	if e.w.held.on {
		e.w.hold(effect[M, D, O]{kind: effWrite, d: d})
		return
	}
	e.w.write(e.id, d)
}

// Sync makes the node's writes durable.
func (e *Env[M, D, O]) Sync() {
	if e.w.held.on {
		e.w.hold(effect[M, D, O]{kind: effSync})
		return
	}
	e.w.sync(e.id)
}

// Observe reports o to the run's observer, the checkers' only window on
// the node. A promise or vote is observed once it is durable: after the
// Persist, or the Sync, that keeps it.
func (e *Env[M, D, O]) Observe(o O) {
	if e.w.held.on {
		e.w.hold(effect[M, D, O]{kind: effObserve, o: o})
		return
	}
	if e.w.observe != nil {
		e.w.observe(e.id, o)
	}
}

// Rand returns a value in [0, n), drawn by the run's Decider: a node's only
// source of randomness, such as backoff jitter.
func (e *Env[M, D, O]) Rand(n int) int {
	if n <= 1 {
		return 0
	}
	v := e.w.decide.Intn(Decision{Kind: DecideJitter, Node: e.id}, n)
	if e.w.schedLog != nil {
		e.w.pendRand = append(e.w.pendRand, fmt.Sprintf("rand %s %d", e.id, v))
	}
	return v
}

// broadcast sends msg from node id to every node, in id order.
func (w *World[M, D, O]) broadcast(id NodeID, msg M) {
	for to := NodeID(1); int(to) <= w.cfg.Nodes; to++ {
		w.send(id, to, msg)
	}
}

// hold keeps effect f of the running handler for a torn crash to cut.
func (w *World[M, D, O]) hold(f effect[M, D, O]) {
	w.held.list = append(w.held.list, f)
}

// setTimerOf arms node id's timer tag to fire after the given ticks.
func (w *World[M, D, O]) setTimerOf(id NodeID, tag TimerTag, after Time) {
	after = max(after, 1)
	s := &w.slots[id]
	if w.cfg.Mode == Choice {
		s.armed |= 1 << tag
		s.after[tag] = after
		return
	}
	w.setTimer(id, tag, w.now+after*s.slowFactor, s.slowFactor)
}

// cancelTimerOf disarms node id's timer tag, if it is pending.
func (w *World[M, D, O]) cancelTimerOf(id NodeID, tag TimerTag) {
	if w.cfg.Mode == Choice {
		w.slots[id].armed &^= 1 << tag
		return
	}
	w.timers.cancel(int32(id), tag)
}
