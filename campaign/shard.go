package campaign

import "math/bits"

// ShardRange is the i-th (from 1) of n disjoint parts of the seeds
// start..start+seeds-1: its first seed and how many seeds it has. The
// parts are contiguous, in order, and differ in size by at most one seed;
// together they are the whole range. It needs 1 <= i <= n.
func ShardRange(start, seeds, i, n uint64) (first, count uint64) {
	lo, hi := mulDiv(seeds, i-1, n), mulDiv(seeds, i, n)
	return start + lo, hi - lo
}

// mulDiv is a*b/c without overflow, for b <= c.
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	q, _ := bits.Div64(hi, lo, c)
	return q
}
