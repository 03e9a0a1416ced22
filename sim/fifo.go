package sim

// FIFO links (NetworkConfig.FIFO): each link, from a sender to a receiver
// (a node to itself included), delivers its messages in the order sent. What
// the other faults of the network mean on such a link:
//
//   - A drop loses one message, and the link keeps order for the rest. The
//     network decides at sending, but loses the message when it reaches the
//     front of its link: every loss on a FIFO link is of its oldest message,
//     in a Timed world as in a Choice one, where the scheduler drops only
//     the oldest message of a link. A message sent into a partition is lost
//     the same way; one that meets a partition, or a crashed receiver, on
//     arrival is lost as on any link. A full link (LinkCapacity) loses its
//     oldest message to make room for the new one.
//   - A duplicate, and a re-delivery, is a copy of the latest message sent
//     on its link, put at its end when the step that drew it ends: it is
//     delivered right after that original and everything sent before it,
//     the one repeat that order allows. A duplicate is drawn at a send, as
//     on any link, and copies the latest message of that link; a
//     re-delivery draws a link from the recent sends, as on any link, and
//     copies that link's latest message instead of an old one, since an
//     old message delivered again would break the order. In a Choice world
//     the scheduler may duplicate the latest message sent on each link
//     alone, likewise to its end. A timed run's decision trace therefore
//     replays step by step in a Choice world with FIFO links.
//   - A pause holds a link's oldest message until it ends, and the rest
//     behind it; a slowdown stretches the delays, which the order then
//     clamps. Partitions and crashes are as on any link.
//
// A Timed world keeps each link's messages in a queue of its own, and only
// each link's oldest in the event queue: the event queue stays as small as
// the number of links, and the oldest is at hand when a full link loses
// it. A message arrives no earlier than the one sent before it on its
// link; at equal times the event queue runs them in sending order.

// fifoLinks is the FIFO network of a Timed world.
type fifoLinks[M Message] struct {
	links  []fifoLink[M] // links[from*stride+to]
	stride int
	copies []fifoCopy // the copies the running step drew, in order
}

// fifoLink is the messages on one FIFO link, oldest first.
type fifoLink[M Message] struct {
	items  []event[M] // items[head:] are on the link
	head   int
	last   Time // the arrival time of the latest message put on it
	latest M    // the latest message sent on it: what a copy copies
}

// fifoCopy is a duplicate or re-delivery drawn on link from->to.
type fifoCopy struct {
	from, to NodeID
	kind     FaultKind // FaultDup or FaultRedeliver
}

// init sizes the network for nodes 1..nodes, every link empty, reusing
// the memory of its links and their queues and keeping none of their
// messages alive.
func (f *fifoLinks[M]) init(nodes int) {
	f.stride = nodes + 1
	all := f.links[:cap(f.links)]
	for i := range all {
		all[i] = fifoLink[M]{items: emptied(all[i].items)}
	}
	if n := f.stride * f.stride; cap(all) >= n {
		f.links = all[:n]
	} else {
		f.links = make([]fifoLink[M], n)
	}
	f.copies = f.copies[:0]
}

func (f *fifoLinks[M]) link(from, to NodeID) *fifoLink[M] {
	return &f.links[int(from)*f.stride+int(to)]
}

func (l *fifoLink[M]) len() int { return len(l.items) - l.head }

// push puts e at the end of the link, reusing the room its delivered
// messages left.
func (l *fifoLink[M]) push(e *event[M]) {
	if l.head > 0 && len(l.items) == cap(l.items) {
		n := copy(l.items, l.items[l.head:])
		clear(l.items[n:])
		l.items, l.head = l.items[:n], 0
	}
	l.items = append(l.items, *e)
}

// pop takes the oldest message off the link.
func (l *fifoLink[M]) pop() {
	var zero event[M]
	l.items[l.head] = zero // drop references held by the message
	l.head++
	if l.head == len(l.items) {
		l.items, l.head = l.items[:0], 0
	}
}

// loss is how a FIFO network loses a message it decided at sending to
// lose: when the message reaches the front of its link.
type loss uint8

const (
	kept          loss = iota
	lostDrop           // FaultDrop
	lostPartition      // FaultPartitionDrop
)

// sendFIFO is send on a FIFO link of a Timed world.
func (w *World[M, D, O]) sendFIFO(from, to NodeID, msg M) {
	w.fifo.link(from, to).latest = msg
	e := event[M]{kind: EventDeliver, from: node8(from), to: node8(to), msg: msg, arg: sentAt(w.now)}
	w.stampSent(&e)
	switch {
	case from == to: // it dies with its sender (gen)
		e.gen = w.slots[from].crashGen
	case w.cut[from]&(1<<uint(to)) != 0:
		e.lost = lostPartition
	case w.chance(Decision{DecideDrop, from, to}, w.net.DropRate) && !w.inert(FaultDrop):
		e.lost = lostDrop
	}
	e.at = w.now + w.delay(from, to)
	if from != to && e.lost == kept && w.net.LongDelayRate > 0 {
		w.longDelay(&e) // and the link's later messages wait behind it
	}
	w.enqueueFIFO(&e)
	if from == to || e.lost != kept {
		return
	}
	if w.chance(Decision{DecideDup, from, to}, w.net.DupRate) && !w.inert(FaultDup) {
		w.fifo.copies = append(w.fifo.copies, fifoCopy{from, to, FaultDup})
	}
	w.remember(from, to, msg)
	if w.historyN > 1 && w.chance(Decision{DecideRedeliver, from, to}, w.net.RedeliverRate) && !w.inert(FaultRedeliver) {
		old := w.pickOld()
		w.fifo.copies = append(w.fifo.copies, fifoCopy{old.from, old.to, FaultRedeliver})
	}
}

// copyLatest makes the copies the step drew: each the latest message sent
// on its link, put at its end.
func (w *World[M, D, O]) copyLatest() {
	for _, c := range w.fifo.copies {
		e := event[M]{kind: EventDeliver, from: node8(c.from), to: node8(c.to), msg: w.fifo.link(c.from, c.to).latest, arg: sentAt(w.now)}
		w.fault(c.kind, c.from, c.to, &e, logHandler)
		e.at = w.now + w.delay(c.from, c.to)
		w.enqueueFIFO(&e)
	}
	w.fifo.copies = w.fifo.copies[:0]
}

// enqueueFIFO puts message e at the end of its link; a full link loses its
// oldest message to make room.
func (w *World[M, D, O]) enqueueFIFO(e *event[M]) {
	if from, to := NodeID(e.from), NodeID(e.to); !w.links.take(from, to) {
		w.loseOldest(from, to) // the load stays: one off, one on
	}
	w.admitFIFO(e)
}

// admitFIFO puts message e at the end of its link, whatever its load: it
// arrives no earlier than the message before it, and the event queue
// holds it once it is the oldest.
func (w *World[M, D, O]) admitFIFO(e *event[M]) {
	l := w.fifo.link(NodeID(e.from), NodeID(e.to))
	e.at = max(e.at, l.last)
	l.last = e.at
	w.seq++
	e.seq = w.seq
	l.push(e)
	if l.len() == 1 {
		w.queue.push(e)
	}
}

// FIFOBacklog is when the latest message now on a FIFO link of a Timed
// world arrives, or 0 when there is none: on a FIFO link a message held
// long (a tail delay, a slowed receiver's stretched one, a long delay)
// holds every later message of its link until it arrives, so that a
// link can be silent that long after the network turned reliable.
func (w *World[M, D, O]) FIFOBacklog() Time {
	if !w.net.FIFO || w.cfg.Mode != Timed {
		return 0
	}
	var last Time
	for i := range w.fifo.links {
		if l := &w.fifo.links[i]; l.len() > 0 {
			last = max(last, l.last)
		}
	}
	return last
}

// advanceFIFO takes the oldest message off link from->to and puts the
// next in the event queue.
func (w *World[M, D, O]) advanceFIFO(from, to NodeID) {
	l := w.fifo.link(from, to)
	l.pop()
	if l.len() > 0 {
		e := w.oldest(l)
		w.queue.push(&e)
	}
}

// oldest is the event of link l's oldest message: due when it arrives, or
// now if it arrived behind one that a pause held.
func (w *World[M, D, O]) oldest(l *fifoLink[M]) event[M] {
	e := l.items[l.head]
	e.at = max(e.at, w.now)
	return e
}

// loseOldest loses the oldest message of a full link to an overflow.
func (w *World[M, D, O]) loseOldest(from, to NodeID) {
	l := w.fifo.link(from, to)
	old := l.items[l.head]
	w.fault(FaultOverflow, from, to, &old, logHandler)
	l.pop()
	i := w.queue.deliveryOn(from, to)
	if l.len() > 0 {
		e := w.oldest(l)
		w.queue.replace(i, &e)
	} else {
		w.queue.remove(i)
	}
}

// deliverFIFO runs the delivery of the oldest message of a FIFO link: held
// for a paused receiver, it stays the oldest; otherwise the next takes its
// place first, so that the handler's sends and overflows find the link as
// it is without it.
func (w *World[M, D, O]) deliverFIFO(e *event[M]) bool {
	if e.lost == kept && w.mustHold(e) {
		return w.deliver(e)
	}
	from, to := NodeID(e.from), NodeID(e.to)
	w.advanceFIFO(from, to)
	switch e.lost {
	case lostDrop:
		w.fault(FaultDrop, from, to, e, logStep)
		return true
	case lostPartition:
		w.fault(FaultPartitionDrop, from, to, e, logStep)
		return true
	}
	return w.deliver(e)
}

// endStep ends a Timed world's step: the copies it drew, then its log.
func (w *World[M, D, O]) endStep() {
	if len(w.fifo.copies) > 0 {
		w.copyLatest()
	}
	w.flushLog()
}
