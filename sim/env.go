package sim

import "fmt"

// Env is a node's handle on the world, passed to every handler. Its effects
// are applied as they are made; a handler runs atomically, so a crash can
// never split a Persist from the sends that follow it.
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
func (e *Env[M, D, O]) Send(to NodeID, msg M) { e.w.send(e.id, to, msg) }

// Broadcast sends msg to every node, this one included, in id order.
func (e *Env[M, D, O]) Broadcast(msg M) {
	for to := NodeID(1); int(to) <= e.w.cfg.Nodes; to++ {
		e.w.send(e.id, to, msg)
	}
}

// SetTimer arms timer tag to fire after the given ticks (at least 1),
// replacing any pending timer with the same tag. A slow node's timers
// stretch with it.
func (e *Env[M, D, O]) SetTimer(tag TimerTag, after Time) {
	if tag >= MaxTimerTags {
		misuse("timer-tag", "node %d used timer tag %d (tags are 0..%d)", e.id, tag, MaxTimerTags-1)
	}
	after = max(after, 1)
	s := &e.w.slots[e.id]
	if e.w.cfg.Mode == Choice {
		s.armed |= 1 << tag
		s.after[tag] = after
		return
	}
	e.w.setTimer(e.id, tag, e.w.now+after*s.slowFactor, s.slowFactor)
}

// CancelTimer disarms timer tag, if it is pending.
func (e *Env[M, D, O]) CancelTimer(tag TimerTag) {
	if tag >= MaxTimerTags {
		misuse("timer-tag", "node %d used timer tag %d (tags are 0..%d)", e.id, tag, MaxTimerTags-1)
	}
	if e.w.cfg.Mode == Choice {
		e.w.slots[e.id].armed &^= 1 << tag
		return
	}
	e.w.timers.cancel(int32(e.id), tag)
}

// Persist replaces the node's durable state with d: what NewNode receives
// after a crash. Persist takes ownership: d must not share memory that the
// node mutates later.
func (e *Env[M, D, O]) Persist(d D) {
	s := &e.w.slots[e.id]
	s.durable = d
	s.fpOK = false
}

// Observe reports o to the run's observer, the checkers' only window on
// the node.
func (e *Env[M, D, O]) Observe(o O) {
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
