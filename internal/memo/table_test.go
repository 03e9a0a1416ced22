package memo

import (
	"sync"
	"testing"

	"pgregory.net/rapid"
)

// TestTableIsAMap: any sequence of stores and loads gives what a Go map,
// written only where the key is new, gives.
func TestTableIsAMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var tab Table[[3]uint32, int]
		oracle := map[[3]uint32]int{}
		key := rapid.Custom(func(t *rapid.T) [3]uint32 {
			return [3]uint32{rapid.Uint32Max(3).Draw(t, "a"), rapid.Uint32Max(50).Draw(t, "b"), 7}
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
	var tab Table[uint64, uint64]
	const keys = 20000
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range uint64(keys) {
				k := (i*7919 + uint64(w)*13) % keys
				if v, ok := tab.Load(k); ok && v != k*k {
					t.Errorf("Load(%d) = %d", k, v)
					return
				}
				if v, _ := tab.LoadOrStore(k, k*k); v != k*k {
					t.Errorf("LoadOrStore(%d) = %d", k, v)
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

func BenchmarkTableLoad(b *testing.B) {
	var tab Table[[12]uint32, *int]
	for i := range uint32(50000) {
		tab.LoadOrStore([12]uint32{i, i * 3}, new(int))
	}
	var m sync.Map
	for i := range uint32(50000) {
		m.Store([12]uint32{i, i * 3}, new(int))
	}
	b.Run("memo", func(b *testing.B) {
		i := uint32(0)
		for b.Loop() {
			i = (i + 7) % 50000
			tab.Load([12]uint32{i, i * 3})
		}
	})
	b.Run("sync.Map", func(b *testing.B) {
		i := uint32(0)
		for b.Loop() {
			i = (i + 7) % 50000
			m.Load([12]uint32{i, i * 3})
		}
	})
}
