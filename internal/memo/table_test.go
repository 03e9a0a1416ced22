package memo

import (
	"sync"
	"testing"

	"pgregory.net/rapid"
)

type key3 [3]uint32

func (k key3) Hash() uint64 { return HashWords(k[:]...) }

// collide hashes every key alike: probing alone tells them apart.
type collide uint64

func (collide) Hash() uint64 { return 7 }

type key12 [12]uint32

func (k key12) Hash() uint64 { return HashWords(k[:]...) }

// TestTableIsAMap: any sequence of stores and loads gives what a Go map,
// written only where the key is new, gives.
func TestTableIsAMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var tab Table[key3, int]
		oracle := map[key3]int{}
		key := rapid.Custom(func(t *rapid.T) key3 {
			return key3{rapid.Uint32Max(3).Draw(t, "a"), rapid.Uint32Max(50).Draw(t, "b"), 7}
		})
		for i := range rapid.IntRange(0, 3000).Draw(t, "ops") {
			k := key.Draw(t, "k")
			if rapid.Bool().Draw(t, "store") {
				got, stored := tab.LoadOrStore(k, i)
				want, had := oracle[k]
				if !had {
					oracle[k], want = i, i
				}
				if got != want || stored == had {
					t.Fatalf("LoadOrStore(%v, %d) = %d, %v; want %d, %v", k, i, got, stored, want, !had)
				}
			}
			got, ok := tab.Load(k)
			want, had := oracle[k]
			if got != want || ok != had {
				t.Fatalf("Load(%v) = %d, %v; want %d, %v", k, got, ok, want, had)
			}
		}
		if tab.Len() != len(oracle) {
			t.Fatalf("Len %d, want %d", tab.Len(), len(oracle))
		}
	})
}

// TestTableConcurrent: readers racing writers through several growths see
// either nothing or the one value stored under a key (run it with -race).
func TestTableConcurrent(t *testing.T) {
	var tab Table[key3, uint64]
	const keys = 20000
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range uint64(keys) {
				n := (i*7919 + uint64(w)*13) % keys
				k := key3{uint32(n)}
				if v, ok := tab.Load(k); ok && v != n*n {
					t.Errorf("Load(%d) = %d", n, v)
					return
				}
				if v, _ := tab.LoadOrStore(k, n*n); v != n*n {
					t.Errorf("LoadOrStore(%d) = %d", n, v)
					return
				}
			}
		}()
	}
	wg.Wait()
	if tab.Len() != keys {
		t.Fatalf("Len %d, want %d", tab.Len(), keys)
	}
}

// TestTableCollisions: keys that all hash alike are each found by probing.
func TestTableCollisions(t *testing.T) {
	var tab Table[collide, int]
	for i := range 3000 {
		tab.LoadOrStore(collide(i), i)
	}
	for i := range 3000 {
		if v, ok := tab.Load(collide(i)); !ok || v != i {
			t.Fatalf("Load(%d) = %d, %v", i, v, ok)
		}
	}
	if _, ok := tab.Load(collide(3000)); ok {
		t.Fatal("found a key never stored")
	}
}

func BenchmarkTableLoad(b *testing.B) {
	var tab Table[key12, *int]
	for i := range uint32(50000) {
		tab.LoadOrStore(key12{i, i * 3}, new(int))
	}
	var m sync.Map
	for i := range uint32(50000) {
		m.Store(key12{i, i * 3}, new(int))
	}
	b.Run("memo", func(b *testing.B) {
		i := uint32(0)
		for b.Loop() {
			i = (i + 7) % 50000
			tab.Load(key12{i, i * 3})
		}
	})
	b.Run("sync.Map", func(b *testing.B) {
		i := uint32(0)
		for b.Loop() {
			i = (i + 7) % 50000
			m.Load(key12{i, i * 3})
		}
	})
}

// TestRowIsAMap: any sequence of stores and loads of a Row gives what a
// Go map gives, from several goroutines at once too.
func TestRowIsAMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var row Row
		oracle := map[uint32]uint32{}
		for range rapid.IntRange(0, 500).Draw(t, "ops") {
			i := rapid.Uint32Max(300).Draw(t, "i")
			if rapid.Bool().Draw(t, "store") {
				if _, had := oracle[i]; !had {
					v := rapid.Uint32Max(1<<20).Draw(t, "v")
					row.Store(i, v)
					oracle[i] = v
				}
			}
			got, ok := row.Load(i)
			want, had := oracle[i]
			if ok != had || got != want {
				t.Fatalf("Load(%d) = %d, %v; want %d, %v", i, got, ok, want, had)
			}
		}
	})
	var row Row
	var wg sync.WaitGroup
	for g := range uint32(4) {
		wg.Go(func() {
			for i := g; i < 2000; i += 4 {
				row.Store(i, 3*i)
			}
		})
	}
	wg.Wait()
	for i := range uint32(2000) {
		if v, ok := row.Load(i); !ok || v != 3*i {
			t.Fatalf("after concurrent stores, Load(%d) = %d, %v", i, v, ok)
		}
	}
}
