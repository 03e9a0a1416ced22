package sim

// links counts the messages in flight on each link (sender to receiver) of
// a Timed world, against its capacity (NetworkConfig.LinkCapacity). It is
// on the path of every message, so it is a flat table of counters.
type links struct {
	load     []int32 // load[from*stride+to]
	stride   int     // nodes+1: ids run from 0 (External) to nodes
	capacity int32
	peak     int32 // the most any link held at once
}

// init sizes the table for nodes 1..nodes, every link empty.
func (l *links) init(nodes, capacity int) {
	l.stride = nodes + 1
	l.load = zeroed(l.load, l.stride*l.stride)
	l.capacity = int32(capacity)
	l.peak = 0
}

func (l *links) index(from, to NodeID) int { return int(from)*l.stride + int(to) }

// take counts one more message on from->to and reports true, unless the
// link is full.
func (l *links) take(from, to NodeID) bool {
	i := l.index(from, to)
	n := l.load[i] + 1
	if n > l.capacity {
		return false
	}
	l.load[i] = n
	l.peak = max(l.peak, n)
	return true
}

// add counts one more message on from->to, whatever its load: one that
// was in the network already.
func (l *links) add(from, to NodeID) {
	i := l.index(from, to)
	l.load[i]++
	l.peak = max(l.peak, l.load[i])
}

// release counts a message off from->to: delivered, or lost on arrival.
func (l *links) release(from, to NodeID) { l.load[l.index(from, to)]-- }

// of is the load of from->to.
func (l *links) of(from, to NodeID) int { return int(l.load[l.index(from, to)]) }
