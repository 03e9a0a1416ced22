package checker

import "slices"

// nodeTable maps (node, instance) to a value: what each acceptor promised
// or each learner learned, per instance. The instances of a run are dense
// (0 for single-decree Paxos, 1, 2, 3, ... for a log), so it keeps them in
// a flat slice, a row of node ids per instance with a bit per node that
// holds a value: a few bytes per (node, instance), where a map takes
// several times that. Instances far past the last one, and node ids outside
// the cluster, go to a map. The zero value is empty and ready to use.
type nodeTable[T any] struct {
	stride int      // node ids 0..stride-1 have a column
	dense  []T      // [instance*stride + node]
	has    []uint64 // per instance: a bit per node that holds a value
	sparse map[learnKey]T
}

// denseReach is how far past the last dense instance a new one may lie and
// still grow the slice to reach it.
const denseReach = 4096

// reset empties t for nodes node ids (1..nodes), keeping its memory.
func (t *nodeTable[T]) reset(nodes int) {
	t.stride = min(nodes+1, 64)
	t.dense, t.has = t.dense[:0], t.has[:0]
	clear(t.sparse)
}

// column reports whether node has a column, and so instance a row, or may
// get one.
func (t *nodeTable[T]) column(node int) bool { return node >= 0 && node < t.stride }

func (t *nodeTable[T]) get(node int, instance int64) (T, bool) {
	if t.column(node) && instance >= 0 && instance < int64(len(t.has)) {
		if t.has[instance]&(1<<uint(node)) == 0 {
			var zero T
			return zero, false
		}
		return t.dense[instance*int64(t.stride)+int64(node)], true
	}
	v, ok := t.sparse[learnKey{node, instance}]
	return v, ok
}

func (t *nodeTable[T]) set(node int, instance int64, v T) {
	if t.column(node) && instance >= 0 && instance < int64(len(t.has))+denseReach {
		if n := int(instance) + 1; n > len(t.has) {
			t.grow(n)
		}
		t.has[instance] |= 1 << uint(node)
		t.dense[instance*int64(t.stride)+int64(node)] = v
		return
	}
	if t.sparse == nil {
		t.sparse = make(map[learnKey]T)
	}
	t.sparse[learnKey{node, instance}] = v
}

// grow makes rows for instances 0..n-1. The arrays grow as append grows
// them, by a quarter once large: amortised O(1) a row, with little slack.
func (t *nodeTable[T]) grow(n int) {
	t.has = extend(t.has, n)
	t.dense = extend(t.dense, n*t.stride)
}

// extend returns s with zero values up to length n.
func extend[T any](s []T, n int) []T {
	old := len(s)
	s = slices.Grow(s, n-old)[:n]
	clear(s[old:])
	return s
}

// each calls fn for every (node, instance) that holds a value: the dense
// ones in order, then the others in no order.
func (t *nodeTable[T]) each(fn func(node int, instance int64, v T)) {
	for i, bits := range t.has {
		for node := 0; bits != 0; node, bits = node+1, bits>>1 {
			if bits&1 != 0 {
				fn(node, int64(i), t.dense[i*t.stride+node])
			}
		}
	}
	// order-free: callers sum what they see, or sort it.
	for k, v := range t.sparse {
		fn(k.node, k.instance, v)
	}
}

// len is how many (node, instance) hold a value.
func (t *nodeTable[T]) len() int {
	n := len(t.sparse)
	for _, bits := range t.has {
		for ; bits != 0; bits &= bits - 1 {
			n++
		}
	}
	return n
}

// cloneInto makes dst a copy of t, reusing dst's memory.
func (t *nodeTable[T]) cloneInto(dst *nodeTable[T]) {
	dst.stride = t.stride
	dst.dense = append(dst.dense[:0], t.dense...)
	dst.has = append(dst.has[:0], t.has...)
	if len(t.sparse) > 0 || dst.sparse != nil {
		dst.sparse = copyMap(dst.sparse, t.sparse)
	}
}
