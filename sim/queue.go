package sim

import "fmt"

// EventKind says what an executed event did.
type EventKind uint8

// The kinds of events in the queue.
const (
	EventDeliver        EventKind = iota + 1 // a message reaches its receiver
	EventRequest                             // a client request reaches a node
	EventTimer                               // a node's timer fires
	EventFaultTick                           // random faults are considered
	EventCrash                               // a scheduled crash
	EventRestart                             // a crashed node restarts
	EventSlowStart                           // a scheduled slowdown or pause begins
	EventSlowEnd                             // a slowdown or pause ends
	EventPartitionStart                      // a scheduled partition begins
	EventPartitionEnd                        // a partition heals
	EventHeal                                // every fault heals; the network turns reliable
	numEventKinds
)

var eventNames = [numEventKinds]string{
	EventDeliver:        "deliver",
	EventRequest:        "request",
	EventTimer:          "timer",
	EventFaultTick:      "fault-tick",
	EventCrash:          "crash",
	EventRestart:        "restart",
	EventSlowStart:      "slow-start",
	EventSlowEnd:        "slow-end",
	EventPartitionStart: "partition-start",
	EventPartitionEnd:   "partition-end",
	EventHeal:           "heal",
}

func (k EventKind) String() string {
	if k > 0 && k < numEventKinds {
		return eventNames[k]
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// event is one entry of the queue. It is a plain value: the queue is a slice
// of them, so scheduling allocates nothing once the slice has grown.
// The queue moves events by value, so an event is kept small: node ids in
// a byte, and the fields in the order that pads them least.
type event[M Message] struct {
	at   Time
	seq  uint64 // tie-break: events at equal times run in scheduling order
	gen  uint32 // crash generation (self-sends, restarts), partition id or spell id
	arg  int32  // a scheduled fault's index into Config.Faults.Schedule; a message's sending time (sentAt)
	kind EventKind
	held bool     // a message held for a paused receiver (slowness.go)
	lost loss     // a message a FIFO link loses on arrival (fifo.go)
	tag  TimerTag // timer tag
	from node8
	to   node8
	msg  M
	// sent is the message's Digest when sent, for the message ownership
	// check (ownership.go); 0 for a message not checked.
	sent uint64
}

// node8 is a node id (at most MaxNodes) in a byte, as an event keeps it.
type node8 uint8

func (e *event[M]) before(o *event[M]) bool {
	if e.at != o.at {
		return e.at < o.at
	}
	return e.seq < o.seq
}

// queue is a binary min-heap of events ordered by (at, seq). It is written
// out by hand so that the hot path has no interface calls and no boxing.
type queue[M Message] struct {
	items []event[M]
}

func (q *queue[M]) len() int { return len(q.items) }

// push adds e. It moves a hole up from the end to where e belongs and
// copies e once, into it: an event is several words wide.
func (q *queue[M]) push(e *event[M]) {
	n := len(q.items)
	if n == cap(q.items) {
		q.items = append(q.items, *e)
	} else {
		q.items = q.items[:n+1]
	}
	q.rise(n, e)
}

// rise moves the hole at i up to where e belongs and copies e into it.
func (q *queue[M]) rise(i int, e *event[M]) {
	items := q.items
	for i > 0 {
		parent := (i - 1) / 2
		if !e.before(&items[parent]) {
			break
		}
		items[i] = items[parent]
		i = parent
	}
	items[i] = *e
}

// pop removes and returns the earliest event. The queue must not be empty.
func (q *queue[M]) pop() event[M] {
	var top event[M]
	q.popInto(&top)
	return top
}

// popInto removes the earliest event into dst, which must not be in the
// queue. The queue must not be empty. The last event fills the hole at
// the top, moved down to where it belongs and copied once.
func (q *queue[M]) popInto(dst *event[M]) {
	items := q.items
	*dst = items[0]
	last := len(items) - 1
	e := &items[last] // the children compared below all come before it
	i := 0
	for {
		least := 2*i + 1
		if least >= last {
			break
		}
		if right := least + 1; right < last && items[right].before(&items[least]) {
			least = right
		}
		if !items[least].before(e) {
			break
		}
		items[i] = items[least]
		i = least
	}
	items[i] = *e
	var zero event[M]
	items[last] = zero // drop references held by the message
	q.items = items[:last]
}

// heapify restores the heap order after the times of some events changed.
func (q *queue[M]) heapify() {
	for i := len(q.items)/2 - 1; i >= 0; i-- {
		q.down(i)
	}
}

// up and down move the element at i into a hole instead of swapping: an
// event is several words wide, and half the copies of a swap are wasted.
func (q *queue[M]) up(i int) {
	e := q.items[i]
	q.rise(i, &e)
}

// down moves the element at i into a hole instead of swapping: an event
// is several words wide, and half the copies of a swap are wasted.
func (q *queue[M]) down(i int) {
	items := q.items
	n := len(items)
	e := items[i]
	for {
		least := 2*i + 1
		if least >= n {
			break
		}
		if right := least + 1; right < n && items[right].before(&items[least]) {
			least = right
		}
		if !items[least].before(&e) {
			break
		}
		items[i] = items[least]
		i = least
	}
	items[i] = e
}

// deliveryOn returns the index of a delivery on from->to, or -1: on a
// FIFO link the queue holds its oldest message alone (fifo.go).
func (q *queue[M]) deliveryOn(from, to NodeID) int {
	for i := range q.items {
		if e := &q.items[i]; e.kind == EventDeliver && NodeID(e.from) == from && NodeID(e.to) == to {
			return i
		}
	}
	return -1
}

// replace puts e in place of the event at index i.
func (q *queue[M]) replace(i int, e *event[M]) {
	q.items[i] = *e
	q.down(i)
	q.up(i)
}

// remove takes the event at index i out of the queue.
func (q *queue[M]) remove(i int) {
	last := len(q.items) - 1
	q.items[i] = q.items[last]
	var zero event[M]
	q.items[last] = zero
	q.items = q.items[:last]
	if i < last {
		q.down(i)
		q.up(i)
	}
}
