package sim

// timer is a pending timer of a Timed world: node's timer tag fires at at.
type timer struct {
	at   Time
	seq  uint64 // tie-break with every other event, as event.seq
	node int32
	// stretch is how many times slower the node ran when the timer was
	// set: what is left of it shrinks back when the node speeds up. It is
	// heldStretch for a timer held by a pause, whose time has come.
	stretch int32
	tag     TimerTag
}

// heldStretch marks a timer held by a pause.
const heldStretch = 0

func (t *timer) before(o *timer) bool {
	if t.at != o.at {
		return t.at < o.at
	}
	return t.seq < o.seq
}

// timerQueue is the pending timers of a Timed world: a binary min-heap by
// (at, seq) that knows where each (node, tag) sits, so that re-arming a
// timer moves it in place and cancelling one removes it. A node has at
// most one pending timer per tag, so the heap never holds more than
// nodes*MaxTimerTags entries, however often timers are re-armed; nothing
// stale waits in it to be skipped.
type timerQueue struct {
	items []timer
	// pos[node*MaxTimerTags+tag] is the timer's index in items plus one;
	// 0 when the timer is not pending.
	pos []int32
}

// init sizes the queue for nodes 1..nodes, empty, reusing its memory.
func (q *timerQueue) init(nodes int) {
	n := (nodes + 1) * MaxTimerTags
	if cap(q.pos) < n {
		q.pos = make([]int32, n)
	}
	q.pos = q.pos[:n]
	clear(q.pos)
	q.items = q.items[:0]
}

func (q *timerQueue) len() int { return len(q.items) }

func slotOf(node int32, tag TimerTag) int { return int(node)*MaxTimerTags + int(tag) }

// get returns node's pending timer tag, if there is one.
func (q *timerQueue) get(node int32, tag TimerTag) (timer, bool) {
	p := q.pos[slotOf(node, tag)]
	if p == 0 {
		return timer{}, false
	}
	return q.items[p-1], true
}

// set arms t, replacing the pending timer of its node and tag.
func (q *timerQueue) set(t timer) {
	p := q.pos[slotOf(t.node, t.tag)]
	if p == 0 {
		q.items = append(q.items, t)
		q.up(len(q.items) - 1)
		return
	}
	i := int(p - 1)
	later := q.items[i].before(&t)
	q.items[i] = t
	if later {
		q.down(i)
	} else {
		q.up(i)
	}
}

// cancel disarms node's timer tag, if it is pending.
func (q *timerQueue) cancel(node int32, tag TimerTag) {
	if p := q.pos[slotOf(node, tag)]; p != 0 {
		q.removeAt(int(p - 1))
	}
}

// cancelNode disarms every timer of node.
func (q *timerQueue) cancelNode(node int32) {
	for tag := range TimerTag(MaxTimerTags) {
		q.cancel(node, tag)
	}
}

// pop removes and returns the earliest timer. The queue must not be empty.
func (q *timerQueue) pop() timer {
	t := q.items[0]
	q.removeAt(0)
	return t
}

// removeAt removes the timer at index i: the last one fills the hole and
// moves up or down to its place.
func (q *timerQueue) removeAt(i int) {
	q.pos[slotOf(q.items[i].node, q.items[i].tag)] = 0
	last := len(q.items) - 1
	moved := q.items[last]
	q.items = q.items[:last]
	if i == last {
		return
	}
	q.items[i] = moved
	q.pos[slotOf(moved.node, moved.tag)] = int32(i + 1)
	if i > 0 && moved.before(&q.items[(i-1)/2]) {
		q.up(i)
	} else {
		q.down(i)
	}
}

// place puts t at index i and records where it is.
func (q *timerQueue) place(i int, t timer) {
	q.items[i] = t
	q.pos[slotOf(t.node, t.tag)] = int32(i + 1)
}

func (q *timerQueue) up(i int) {
	items := q.items
	t := items[i]
	for i > 0 {
		parent := (i - 1) / 2
		if !t.before(&items[parent]) {
			break
		}
		q.place(i, items[parent])
		i = parent
	}
	q.place(i, t)
}

func (q *timerQueue) down(i int) {
	items := q.items
	n := len(items)
	t := items[i]
	for {
		least := 2*i + 1
		if least >= n {
			break
		}
		if right := least + 1; right < n && items[right].before(&items[least]) {
			least = right
		}
		if !items[least].before(&t) {
			break
		}
		q.place(i, items[least])
		i = least
	}
	q.place(i, t)
}
