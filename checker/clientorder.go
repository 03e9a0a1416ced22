package checker

import "fmt"

// clientOrder is the real-time order of each client's commands, as a
// replicated log must keep it: a client that sends command b once it has
// the answer to command a saw a take effect, so a linearizable service
// puts a's effect before b's. A replica that executes a at an instance
// after b's effect broke that order; the answer to a came before a took
// effect (a reply sent ahead of the commit, or for a command then lost and
// proposed again).
//
// The check judges what the log shows and nothing it does not: a command
// answered that never enters the log (a read served from a leader's
// state) orders nothing here. It needs the harness's Invoked observations
// (node 0) and the replicas' Returned ones, with the command's id as the
// value.
type clientOrder struct {
	answered map[int]Value   // by client: its command answered last
	next     map[Value]Value // a command a: the command its client sent once it had a's answer
}

// returned notes that client has the answer to command v.
func (o *clientOrder) returned(client int, v Value) {
	if v == None {
		return
	}
	if o.answered == nil {
		o.answered = make(map[int]Value)
	}
	o.answered[client] = v
}

// invoked notes that client sent command v: after the answer to the one
// it had last.
func (o *clientOrder) invoked(client int, v Value) {
	a, ok := o.answered[client]
	if !ok || a == v || v == None {
		return
	}
	if o.next == nil {
		o.next = make(map[Value]Value)
	}
	o.next[a] = v
}

// after returns the command sent once a had its answer, if any.
func (o *clientOrder) after(a Value) (Value, bool) {
	b, ok := o.next[a]
	return b, ok
}

func (o *clientOrder) cloneInto(dst *clientOrder) {
	dst.answered = copyMap(dst.answered, o.answered)
	dst.next = copyMap(dst.next, o.next)
}

// each calls fn with every client's last answered command and every
// ordered pair, for a fingerprint.
func (o *clientOrder) each(fn func(tag uint64, x, y uint64)) {
	// order-free: callers sum what they see, or sort it.
	for c, v := range o.answered {
		fn(15, uint64(c), uint64(v))
	}
	// order-free: callers sum what they see, or sort it.
	for a, b := range o.next {
		fn(16, uint64(a), uint64(b))
	}
}

// checkOrder checks, as node executes command a at instance i, that the
// command its client sent once it had a's answer has not taken effect on
// node before (at an instance below i).
func (c *LogChecker) checkOrder(node int, a Value, i int64) {
	b, ok := c.order.after(a)
	if !ok {
		return
	}
	if f, ok := c.first.get(node, b); ok && f.effect && f.instance < i {
		c.violate(Linearizability, "client-order", i, fmt.Sprintf("node %d executes %s at instance %d, after %s at instance %d, which its client sent once it had %s's answer: the answer came before the command took effect",
			node, a, i, b, f.instance, a), c.entryEvidence(f.instance))
	}
}
