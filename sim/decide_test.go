package sim

import "testing"

// TestRandomIsPinned pins the first decisions of seed 1: if they change,
// every recorded seed in the world replays differently. Change them only on
// purpose, and say so in the release notes.
func TestRandomIsPinned(t *testing.T) {
	r := NewRandom(1)
	var got []int
	for i := 0; i < 8; i++ {
		got = append(got, r.Intn(Decision{}, 1000))
	}
	coins := 0
	for i := 0; i < 1000; i++ {
		if r.Chance(Decision{}, 0.25) {
			coins++
		}
	}
	want := []int{527, 30, 683, 151, 913, 167, 644, 656}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("seed 1 draws %v, pinned %v", got, want)
		}
	}
	if coins != 246 {
		t.Fatalf("seed 1: %d of 1000 chances at 0.25 came true, pinned 246", coins)
	}
}

func TestRandomIntnIsUniformAndInRange(t *testing.T) {
	r := NewRandom(7)
	for _, n := range []int{1, 2, 3, 10, 1000, 1<<62 + 3} {
		for i := 0; i < 2000; i++ {
			if v := r.Intn(Decision{}, n); v < 0 || v >= n {
				t.Fatalf("Intn(%d) = %d", n, v)
			}
		}
	}
	counts := make([]int, 6)
	const draws = 60000
	for i := 0; i < draws; i++ {
		counts[r.Intn(Decision{}, 6)]++
	}
	for v, c := range counts {
		if c < draws/6*9/10 || c > draws/6*11/10 {
			t.Errorf("value %d drawn %d times of %d: not uniform", v, c, draws)
		}
	}
}

// TestFaultRatesHold checks the fault tick's two-stage draw (is there any
// fault, then which) against the rates it must reproduce: each trial fires
// as often as an independent draw with its own rate would.
func TestFaultRatesHold(t *testing.T) {
	const ticks = 20000
	cfg := Config{Nodes: 5, Faults: FaultConfig{
		Interval: 10, MaxCrashed: 5,
		CrashRate: 0.02, Downtime: Range{1, 1},
		SlowRate: 0.03, SlowLength: Range{1, 1},
		PartitionRate: 0.05, PartitionLength: Range{1, 1},
	}}
	w := newToyWorld(t, cfg, NewRandom(3), &toyOpts{}, nil)
	for w.Now() < 10*ticks && w.Step() {
	}
	st := w.Stats()
	for _, c := range []struct {
		what string
		got  int64
		want float64
	}{
		{"crashes", st.Faults[FaultCrash], ticks * 5 * 0.02},
		{"slowdowns and pauses", st.Faults[FaultSlow] + st.Faults[FaultPause], ticks * 5 * 0.03},
		{"partitions", st.Faults[FaultPartition] + st.Faults[FaultOneWay], ticks * 0.05},
	} {
		if float64(c.got) < 0.9*c.want || float64(c.got) > 1.1*c.want {
			t.Errorf("%d %s in %d ticks, want about %.0f", c.got, c.what, ticks, c.want)
		}
	}
}

// TestSeedRestartsARandom: a Random that has drawn, seeded again, draws
// what a new Random of that seed draws.
func TestSeedRestartsARandom(t *testing.T) {
	used := NewRandom(7)
	for seed := range uint64(20) {
		for range seed {
			used.Intn(Decision{}, 1000)
		}
		used.Seed(seed)
		fresh := NewRandom(seed)
		for i := range 100 {
			if a, b := used.Intn(Decision{}, 1<<30), fresh.Intn(Decision{}, 1<<30); a != b {
				t.Fatalf("seed %d, draw %d: the re-seeded Random drew %d, a new one %d", seed, i, a, b)
			}
		}
	}
}
