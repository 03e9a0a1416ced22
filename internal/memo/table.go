// Package memo is a concurrent map for memoization: written once per key,
// read many times by several goroutines at once. The explorer's workers
// look up a remembered step for nearly every successor they generate, so
// a read takes no lock, allocates nothing and boxes no key.
package memo

import (
	"sync"
	"sync/atomic"
)

// Key is a key of a Table: comparable, with a hash of its own (a few
// multiplications over a small array beat a general hasher).
type Key interface {
	comparable
	Hash() uint64
}

// Table maps keys to values that never change once stored. The zero
// Table is empty and ready to use. Reads take no lock; writes take one.
type Table[K Key, V any] struct {
	mu  sync.Mutex
	tab atomic.Pointer[table[K, V]]
}

// table is one generation of a Table: open addressing, linear probing,
// at most half full. Slots only go from empty to full; a write that
// outgrows it publishes a bigger copy, and readers still holding this one
// miss only the keys stored since, which Store then finds under its lock.
type table[K Key, V any] struct {
	slots []atomic.Pointer[entry[K, V]]
	mask  uint64
	n     int
}

type entry[K Key, V any] struct {
	key K
	val V
}

const initialSlots = 1 << 10

// Load returns the value stored under k, if any.
func (t *Table[K, V]) Load(k K) (V, bool) {
	if tab := t.tab.Load(); tab != nil {
		if e := tab.find(k, k.Hash()); e != nil {
			return e.val, true
		}
	}
	var zero V
	return zero, false
}

// LoadOrStore returns the value stored under k, storing v under it first
// if there is none; stored reports whether v was.
func (t *Table[K, V]) LoadOrStore(k K, v V) (actual V, stored bool) {
	h := k.Hash()
	t.mu.Lock()
	defer t.mu.Unlock()
	tab := t.tab.Load()
	if tab == nil {
		tab = newTable[K, V](initialSlots)
		t.tab.Store(tab)
	}
	if e := tab.find(k, h); e != nil {
		return e.val, false
	}
	if 2*(tab.n+1) > len(tab.slots) {
		tab = tab.grow()
		t.tab.Store(tab)
	}
	tab.put(&entry[K, V]{k, v}, h)
	return v, true
}

// Len is the number of keys stored.
func (t *Table[K, V]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tab := t.tab.Load(); tab != nil {
		return tab.n
	}
	return 0
}

func newTable[K Key, V any](size int) *table[K, V] {
	return &table[K, V]{slots: make([]atomic.Pointer[entry[K, V]], size), mask: uint64(size - 1)}
}

// find returns the entry of k, whose hash is h, or nil.
func (t *table[K, V]) find(k K, h uint64) *entry[K, V] {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		e := t.slots[i].Load()
		if e == nil || e.key == k {
			return e
		}
	}
}

// put stores e, whose key is not in t and hashes to h, in an empty slot.
func (t *table[K, V]) put(e *entry[K, V], h uint64) {
	i := h & t.mask
	for t.slots[i].Load() != nil {
		i = (i + 1) & t.mask
	}
	t.slots[i].Store(e)
	t.n++
}

// grow returns a copy of t with twice the slots.
func (t *table[K, V]) grow() *table[K, V] {
	bigger := newTable[K, V](2 * len(t.slots))
	for i := range t.slots {
		if e := t.slots[i].Load(); e != nil {
			bigger.put(e, e.key.Hash())
		}
	}
	return bigger
}

// HashWords hashes a few 32-bit words, for a Key's Hash: each pair of
// words is mixed in by a multiplication, the whole finished by a
// xor-shift.
func HashWords(ws ...uint32) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for len(ws) >= 2 {
		h = (h ^ (uint64(ws[0]) | uint64(ws[1])<<32)) * 0xff51afd7ed558ccd
		h ^= h >> 29
		ws = ws[2:]
	}
	if len(ws) == 1 {
		h = (h ^ uint64(ws[0])) * 0xff51afd7ed558ccd
	}
	return h ^ h>>32
}

// Row maps small indices to values that never change once stored, in a
// growable array: a Table for keys that count from 0. The zero Row is
// empty and ready to use. Reads take no lock; writes take one.
type Row struct {
	mu   sync.Mutex
	vals atomic.Pointer[[]atomic.Uint32] // a value v is stored as v+1, 0 for none
}

// Load returns the value stored at i, if any.
func (r *Row) Load(i uint32) (uint32, bool) {
	if vals := r.vals.Load(); vals != nil && int(i) < len(*vals) {
		if v := (*vals)[i].Load(); v != 0 {
			return v - 1, true
		}
	}
	return 0, false
}

// Store stores v at i: the value of i from now on, which must not be
// another than one stored before. v must be below the largest uint32.
func (r *Row) Store(i, v uint32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	vals := r.vals.Load()
	if vals == nil || int(i) >= len(*vals) {
		longer := make([]atomic.Uint32, max(16, 2*int(i)+2))
		if vals != nil {
			for j := range *vals {
				longer[j].Store((*vals)[j].Load())
			}
		}
		vals = &longer
		r.vals.Store(vals)
	}
	(*vals)[i].Store(v + 1)
}
