package explore

import "github.com/paxsim/paxsim/fingerprint"

// visited is the set of states seen, each with its id. Workers call only
// lookup, all at once, while no one adds; adds are sequential.
type visited[K comparable] interface {
	lookup(k K) bool
	add(k K, id int32) bool // false when k was there
	len() int
}

// mapSet is the visited set of an exact search, keyed by whole encodings.
type mapSet struct{ m map[string]int32 }

func (s *mapSet) lookup(k string) bool { _, ok := s.m[k]; return ok }
func (s *mapSet) len() int             { return len(s.m) }
func (s *mapSet) add(k string, id int32) bool {
	if _, ok := s.m[k]; ok {
		return false
	}
	s.m[k] = id
	return true
}

// keyTable is the visited set of a fingerprinted search: an open-addressing
// hash table of 128-bit keys with linear probing. The keys are hashes
// already, so their low bits index the table directly; the all-zero key
// marks an empty slot (a real one is stored with its low bit set).
type keyTable struct {
	keys []fingerprint.Key
	ids  []int32
	n    int
	mask uint64
}

func newKeyTable() *keyTable {
	const size = 1 << 12
	return &keyTable{keys: make([]fingerprint.Key, size), ids: make([]int32, size), mask: size - 1}
}

func nonZero(k fingerprint.Key) fingerprint.Key {
	if k == (fingerprint.Key{}) {
		k[1] = 1
	}
	return k
}

func (t *keyTable) len() int { return t.n }

func (t *keyTable) lookup(k fingerprint.Key) bool {
	k = nonZero(k)
	for i := k[0] & t.mask; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case k:
			return true
		case fingerprint.Key{}:
			return false
		}
	}
}

func (t *keyTable) add(k fingerprint.Key, id int32) bool {
	k = nonZero(k)
	i := k[0] & t.mask
	for ; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case k:
			return false
		case fingerprint.Key{}:
			t.keys[i], t.ids[i] = k, id
			t.n++
			if uint64(t.n)*4 > (t.mask+1)*3 { // 75% full: double
				t.grow()
			}
			return true
		}
	}
}

func (t *keyTable) grow() {
	keys, ids := t.keys, t.ids
	size := 2 * len(keys)
	t.keys, t.ids, t.mask = make([]fingerprint.Key, size), make([]int32, size), uint64(size-1)
	for j, k := range keys {
		if k == (fingerprint.Key{}) {
			continue
		}
		i := k[0] & t.mask
		for t.keys[i] != (fingerprint.Key{}) {
			i = (i + 1) & t.mask
		}
		t.keys[i], t.ids[i] = k, ids[j]
	}
}
