// Package memo is a concurrent map for memoization: written once per key,
// read many times by several goroutines at once. The explorer's workers
// look up a remembered step for nearly every successor they generate, so
// a read takes no lock, allocates nothing and boxes no key.
package memo

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// Table maps keys to values that never change once stored. The zero
// Table is empty and ready to use. Reads take no lock; writes take one.
type Table[K comparable, V any] struct {
	mu   sync.Mutex
	tab  atomic.Pointer[table[K, V]]
	seed maphash.Seed
	once sync.Once
}

// table is one generation of a Table: open addressing, linear probing,
// at most half full. Slots only go from empty to full; a write that
// outgrows it publishes a bigger copy, and readers still holding this one
// miss only the keys stored since, which Store then finds under its lock.
type table[K comparable, V any] struct {
	slots []atomic.Pointer[entry[K, V]]
	mask  uint64
	n     int
}

type entry[K comparable, V any] struct {
	key K
	val V
}

const initialSlots = 1 << 10

func (t *Table[K, V]) hash(k K) uint64 {
	t.once.Do(func() { t.seed = maphash.MakeSeed() })
	return maphash.Comparable(t.seed, k)
}

// Load returns the value stored under k, if any.
func (t *Table[K, V]) Load(k K) (V, bool) {
	if tab := t.tab.Load(); tab != nil {
		if e := tab.find(k, t.hash(k)); e != nil {
			return e.val, true
		}
	}
	var zero V
	return zero, false
}

// LoadOrStore returns the value stored under k, storing v under it first
// if there is none; stored reports whether v was.
func (t *Table[K, V]) LoadOrStore(k K, v V) (actual V, stored bool) {
	h := t.hash(k)
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
		tab = tab.grow(t.hash)
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

func newTable[K comparable, V any](size int) *table[K, V] {
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
func (t *table[K, V]) grow(hash func(K) uint64) *table[K, V] {
	bigger := newTable[K, V](2 * len(t.slots))
	for i := range t.slots {
		if e := t.slots[i].Load(); e != nil {
			bigger.put(e, hash(e.key))
		}
	}
	return bigger
}
