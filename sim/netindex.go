package sim

import "sort"

// netIndex indexes the network of a Choice world by link: the messages in
// flight (by their seq, which increases in sending order) and those ever
// sent (sentLog positions, and the set of them). With it, replaying a
// trace step finds and takes its message in time that depends on the
// messages on its link, not on the whole network, and a send checks for an
// earlier copy in constant time. Without it, replaying a long trace of a
// large cluster (and shrinking it, which replays it thousands of times)
// scanned hundreds of messages a step, and every distinct message ever
// sent a send. It is a cache: built once the network is long (a short one,
// as in exhaustive search, is scanned), kept up to date as messages come
// and go, and dropped when a world is cloned or restored or its in-flight
// messages are filtered. Its maps are only looked up, never ranged over.
type netIndex struct {
	flights map[link][]uint64 // by link: the seqs of the messages in flight, in sending order
	seqs    []uint64          // the seq of each message in flight, by position: increasing
	next    uint64            // the next message's seq

	sent        map[link][]int32       // by link: positions in sentLog
	sentSet     map[flightKey]struct{} // sentLog's messages
	sentIndexed int                    // sentLog[:sentIndexed] is in sent and sentSet
}

type link struct{ from, to NodeID }

type flightKey struct {
	from, to NodeID
	digest   uint64
}

// netIndexMin is the network length from which the index is built.
const netIndexMin = 64

// addFlight puts f in flight, last.
func (w *World[M, D, O]) addFlight(f flight[M]) {
	w.inflight = append(w.inflight, f)
	if x := &w.netIdx; x.flights != nil {
		l := link{f.from, f.to}
		x.flights[l] = append(x.flights[l], x.next)
		x.seqs = append(x.seqs, x.next)
		x.next++
	}
}

// indexFlights builds the in-flight index if it is missing and the network
// is long enough to need it, and reports whether there is one.
func (w *World[M, D, O]) indexFlights() bool {
	x := &w.netIdx
	if x.flights != nil {
		return true
	}
	if len(w.inflight) < netIndexMin {
		return false
	}
	x.flights, x.seqs = make(map[link][]uint64), x.seqs[:0]
	for i := range w.inflight {
		l := link{w.inflight[i].from, w.inflight[i].to}
		x.flights[l] = append(x.flights[l], uint64(i))
		x.seqs = append(x.seqs, uint64(i))
	}
	x.next = uint64(len(w.inflight))
	return true
}

// flightAt is the position of the in-flight message whose seq is hint-1,
// when the index is up and hint is not 0.
func (w *World[M, D, O]) flightAt(hint uint64) (int, bool) {
	x := &w.netIdx
	if hint == 0 || x.flights == nil {
		return 0, false
	}
	seq := hint - 1
	i := sort.Search(len(x.seqs), func(i int) bool { return x.seqs[i] >= seq })
	return i, i < len(x.seqs) && x.seqs[i] == seq
}

// unindexFlight takes the message in flight at position i, about to leave
// the network, out of the index.
func (w *World[M, D, O]) unindexFlight(i int) {
	x := &w.netIdx
	if x.flights == nil {
		return
	}
	seq, l := x.seqs[i], link{w.inflight[i].from, w.inflight[i].to}
	x.seqs = append(x.seqs[:i], x.seqs[i+1:]...)
	seqs := x.flights[l]
	for k := range seqs {
		if seqs[k] == seq {
			x.flights[l] = append(seqs[:k], seqs[k+1:]...)
			return
		}
	}
	panic("sim: a message in flight is missing from the network's index")
}

// dropFlights drops the in-flight index: it is rebuilt when needed.
func (x *netIndex) dropFlights() { x.flights, x.seqs = nil, x.seqs[:0] }

// findFlightOn is the first message in flight on from->to whose message
// satisfies match, as an action of kind, and whether there is one.
func (w *World[M, D, O]) findFlightOn(kind ActionKind, from, to NodeID, match func(M) bool) (Action[M], bool) {
	if !w.indexFlights() {
		return w.findOn(w.inflight, kind, from, to, match)
	}
	for _, seq := range w.netIdx.flights[link{from, to}] {
		i, ok := w.flightAt(seq + 1)
		if !ok {
			panic("sim: the network's index names a message not in flight")
		}
		if f := &w.inflight[i]; match(f.msg) {
			return Action[M]{Kind: kind, From: f.from, To: f.to, Msg: f.msg, digest: f.digest, seq: seq + 1}, true
		}
	}
	return Action[M]{}, false
}

// findSentOn is the first message ever sent on from->to whose message
// satisfies match, as a duplication, and whether there is one.
func (w *World[M, D, O]) findSentOn(from, to NodeID, match func(M) bool) (Action[M], bool) {
	if len(w.sentLog) < netIndexMin {
		return w.findOn(w.sentLog, ActDup, from, to, match)
	}
	w.indexSent()
	for _, i := range w.netIdx.sent[link{from, to}] {
		if f := &w.sentLog[i]; match(f.msg) {
			return Action[M]{Kind: ActDup, From: f.from, To: f.to, Msg: f.msg, digest: f.digest}, true
		}
	}
	return Action[M]{}, false
}

// findOn is the first flight of list on from->to whose message
// satisfies match, as an action of kind: a scan, for short networks.
func (w *World[M, D, O]) findOn(list []flight[M], kind ActionKind, from, to NodeID, match func(M) bool) (Action[M], bool) {
	for i := range list {
		f := &list[i]
		if f.from == from && f.to == to && match(f.msg) {
			return Action[M]{Kind: kind, From: f.from, To: f.to, Msg: f.msg, digest: f.digest}, true
		}
	}
	return Action[M]{}, false
}

// wasSent reports whether sentLog holds f already.
func (w *World[M, D, O]) wasSent(f *flight[M]) bool {
	if len(w.sentLog) < netIndexMin {
		return w.seenBefore(w.sentLog, f)
	}
	w.indexSent()
	_, ok := w.netIdx.sentSet[flightKey{f.from, f.to, f.digest}]
	return ok
}

// indexSent brings the index of sentLog, which only grows, up to date.
func (w *World[M, D, O]) indexSent() {
	x := &w.netIdx
	if x.sentSet == nil || x.sentIndexed > len(w.sentLog) {
		x.sent, x.sentSet, x.sentIndexed = make(map[link][]int32), make(map[flightKey]struct{}, 2*len(w.sentLog)), 0
	}
	for ; x.sentIndexed < len(w.sentLog); x.sentIndexed++ {
		g := &w.sentLog[x.sentIndexed]
		x.sentSet[flightKey{g.from, g.to, g.digest}] = struct{}{}
		l := link{g.from, g.to}
		x.sent[l] = append(x.sent[l], int32(x.sentIndexed))
	}
}
