package explore

import "github.com/paxsim/paxsim/fingerprint"

// visited is the set of states seen, split into shards by key so that a
// BFS level's new keys can be added by one goroutine per shard. Workers
// call only lookup, all at once, while no one adds; each shard's adds are
// sequential, in frontier order.
type visited[K comparable] struct {
	shards  []set[K]
	shardOf func(k K) int
	// newSet returns an empty set of the shards' kind.
	newSet func() set[K]
}

// set is one shard of a visited set.
type set[K comparable] interface {
	lookup(k K) bool
	add(k K) bool // false when k was there
	len() int
	clear() // empties the set
}

// find returns k's shard, and whether k is in it; when probe is false it
// does not look.
func (v *visited[K]) find(k K, probe bool) (shard int32, found bool) {
	i := v.shardOf(k)
	return int32(i), probe && v.shards[i].lookup(k)
}

func (v *visited[K]) add(k K) bool { return v.shards[v.shardOf(k)].add(k) }

// exactSet is the visited set of an exact search, keyed by whole
// encodings: one shard, for small models.
func exactSet() *visited[string] {
	newSet := func() set[string] { return mapSet{} }
	return &visited[string]{shards: []set[string]{newSet()}, shardOf: func(string) int { return 0 }, newSet: newSet}
}

// keySet is the visited set of a fingerprinted search, in n shards.
func keySet(n int) *visited[fingerprint.Key] {
	v := &visited[fingerprint.Key]{
		shardOf: func(k fingerprint.Key) int { return int(k[1] % uint64(n)) },
		newSet:  func() set[fingerprint.Key] { return newKeyTable() },
	}
	for range n {
		v.shards = append(v.shards, newKeyTable())
	}
	return v
}

// mapSet is a set of whole encodings.
type mapSet map[string]struct{}

func (s mapSet) lookup(k string) bool { _, ok := s[k]; return ok }
func (s mapSet) len() int             { return len(s) }
func (s mapSet) clear()               { clear(s) }
func (s mapSet) add(k string) bool {
	if _, ok := s[k]; ok {
		return false
	}
	s[k] = struct{}{}
	return true
}

// keyTable is a set of 128-bit keys: an open-addressing hash table with
// linear probing. The keys are hashes already, so their low bits index
// the table directly. Beside each slot a tag byte (0 for an empty slot,
// else 7 more bits of the key) lets a probe pass a slot, and find an
// empty one, without reading the keys: most probes of a big table then
// touch one byte array, a sixteenth of its memory. 17 bytes a slot, at
// most 75% full: the parent of each state is kept in the search's
// origins, not here.
type keyTable struct {
	tags []uint8
	keys []fingerprint.Key
	n    int
	mask uint64
}

func newKeyTable() *keyTable {
	const size = 1 << 12
	return &keyTable{tags: make([]uint8, size), keys: make([]fingerprint.Key, size), mask: size - 1}
}

// tagOf is the tag of key k: never 0, and from other bits than those
// that index the table (k[0]'s low bits) or pick a shard (k[1] modulo
// the shards).
func tagOf(k fingerprint.Key) uint8 { return uint8(k[1]>>57) | 0x80 }

func (t *keyTable) len() int { return t.n }

func (t *keyTable) clear() {
	clear(t.tags)
	t.n = 0
}

func (t *keyTable) lookup(k fingerprint.Key) bool {
	tag := tagOf(k)
	for i := k[0] & t.mask; ; i = (i + 1) & t.mask {
		switch t.tags[i] {
		case 0:
			return false
		case tag:
			if t.keys[i] == k {
				return true
			}
		}
	}
}

func (t *keyTable) add(k fingerprint.Key) bool {
	tag := tagOf(k)
	for i := k[0] & t.mask; ; i = (i + 1) & t.mask {
		switch t.tags[i] {
		case 0:
			t.tags[i], t.keys[i] = tag, k
			t.n++
			if uint64(t.n)*4 > (t.mask+1)*3 { // 75% full
				t.grow()
			}
			return true
		case tag:
			if t.keys[i] == k {
				return false
			}
		}
	}
}

// grow doubles the table.
func (t *keyTable) grow() {
	tags, keys := t.tags, t.keys
	size := 2 * len(keys)
	t.tags, t.keys, t.mask = make([]uint8, size), make([]fingerprint.Key, size), uint64(size-1)
	for j, tag := range tags {
		if tag == 0 {
			continue
		}
		i := keys[j][0] & t.mask
		for t.tags[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.tags[i], t.keys[i] = tag, keys[j]
	}
}
