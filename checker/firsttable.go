package checker

import "math/bits"

// firstTable records where each command first applied on each replica
// (LogChecker's exactly-once table). Replicas apply a command at the same
// instance, with the same effect, unless something is broken, so it keeps
// one record per command, with the replicas it holds for, and a record of
// its own only for a replica whose first application differs: a few bytes
// per command where a record per (replica, command) took several times
// that. The zero value is empty and ready to use.
type firstTable struct {
	common map[Value]sharedFirst
	apart  map[nodeCmd]firstApply
}

// sharedFirst is a command's first application on the replicas in nodes
// (a bit per node id).
type sharedFirst struct {
	firstApply
	nodes uint64
}

func (t *firstTable) get(node int, cmd Value) (firstApply, bool) {
	if f, ok := t.apart[nodeCmd{node, cmd}]; ok {
		return f, true
	}
	if s, ok := t.common[cmd]; ok && node >= 0 && node < 64 && s.nodes&(1<<uint(node)) != 0 {
		return s.firstApply, true
	}
	return firstApply{}, false
}

func (t *firstTable) set(node int, cmd Value, f firstApply) {
	if t.common == nil {
		t.common = make(map[Value]sharedFirst)
	}
	s, ok := t.common[cmd]
	if node >= 0 && node < 64 && (!ok || s.nodes == 0 || s.firstApply == f) {
		if !ok || s.nodes == 0 {
			s.firstApply = f
		}
		s.nodes |= 1 << uint(node)
		t.common[cmd] = s
		delete(t.apart, nodeCmd{node, cmd})
		return
	}
	if ok && node >= 0 && node < 64 && s.nodes&(1<<uint(node)) != 0 {
		s.nodes &^= 1 << uint(node)
		t.common[cmd] = s
	}
	if t.apart == nil {
		t.apart = make(map[nodeCmd]firstApply)
	}
	t.apart[nodeCmd{node, cmd}] = f
}

// each calls fn for every (node, command) recorded, in no order.
func (t *firstTable) each(fn func(node int, cmd Value, f firstApply)) {
	// order-free: callers sum what they see, or sort it.
	for cmd, s := range t.common {
		for m := s.nodes; m != 0; m &= m - 1 {
			fn(bits.TrailingZeros64(m), cmd, s.firstApply)
		}
	}
	// order-free: callers sum what they see, or sort it.
	for k, f := range t.apart {
		fn(k.node, k.cmd, f)
	}
}

// len is how many (node, command) are recorded.
func (t *firstTable) len() int {
	n := len(t.apart)
	// order-free: a count.
	for _, s := range t.common {
		n += bits.OnesCount64(s.nodes)
	}
	return n
}

// cloneInto makes dst a copy of t, reusing dst's memory.
func (t *firstTable) cloneInto(dst *firstTable) {
	if len(t.common) > 0 || dst.common != nil {
		dst.common = copyMap(dst.common, t.common)
	}
	if len(t.apart) > 0 || dst.apart != nil {
		dst.apart = copyMap(dst.apart, t.apart)
	}
}
