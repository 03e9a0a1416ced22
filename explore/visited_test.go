package explore

import (
	"testing"

	"github.com/paxsim/paxsim/fingerprint"
	"pgregory.net/rapid"
)

// TestKeyTableIsASet: any sequence of adds, lookups and clears of a
// keyTable gives what a Go map gives, with keys that share their low bits
// and tags (long probes, growth), the zero key among them.
func TestKeyTableIsASet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tab := newKeyTable()
		oracle := map[fingerprint.Key]bool{}
		key := rapid.Custom(func(t *rapid.T) fingerprint.Key {
			lo := rapid.Uint64Range(0, 40).Draw(t, "lo")
			hi := rapid.Uint64Range(0, 3).Draw(t, "hi")
			return fingerprint.Key{lo << 12 * rapid.Uint64Range(0, 1).Draw(t, "far"), hi<<57 | lo}
		})
		for range rapid.IntRange(0, 20000).Draw(t, "ops") {
			k := key.Draw(t, "k")
			switch rapid.IntRange(0, 20).Draw(t, "op") {
			case 0:
				tab.clear()
				clear(oracle)
			case 1, 2, 3, 4, 5, 6, 7, 8, 9, 10:
				if added := tab.add(k); added == oracle[k] {
					t.Fatalf("add(%x) = %v with the key there: %v", k, added, oracle[k])
				}
				oracle[k] = true
			default:
				if got := tab.lookup(k); got != oracle[k] {
					t.Fatalf("lookup(%x) = %v, want %v", k, got, oracle[k])
				}
			}
			if tab.len() != len(oracle) {
				t.Fatalf("len %d, want %d", tab.len(), len(oracle))
			}
		}
	})
}

// TestKeyTableGrows: a table grown from its first size many times over
// still holds every key added, and no other, once cleared none.
func TestKeyTableGrows(t *testing.T) {
	tab := newKeyTable()
	key := func(i uint64) fingerprint.Key { return fingerprint.Key{i * 0x9e3779b97f4a7c15, i << 57} }
	const n = 50000
	for i := range uint64(n) {
		if !tab.add(key(i)) {
			t.Fatalf("key %d added twice", i)
		}
	}
	for i := range uint64(2 * n) {
		if got := tab.lookup(key(i)); got != (i < n) {
			t.Fatalf("lookup of key %d: %v", i, got)
		}
	}
	if tab.len() != n || len(tab.keys) < n {
		t.Fatalf("len %d, %d slots", tab.len(), len(tab.keys))
	}
	tab.clear()
	if tab.lookup(key(1)) || tab.len() != 0 {
		t.Fatal("a cleared table holds a key")
	}
}
