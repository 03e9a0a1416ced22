package mutants

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// TestTimeToFindOfAFastVariant: one-ballot fails within a few seeds from
// every start under both schedulers; each search's seeds are those of a
// plain sequential search from its start (the oracle), whatever the
// number of workers.
func TestTimeToFindOfAFastVariant(t *testing.T) {
	const offsets, cap = 4, 200
	for _, workers := range []int{1, 2} {
		rep, err := TimeToFind(context.Background(), FindOptions{
			Protocols: []*harness.Protocol{paxos}, Variant: "one-ballot", Offsets: offsets, Cap: cap, Workers: workers,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 1 || len(rep.Rows[0].Schedulers) != len(engine.Schedulers) {
			t.Fatalf("rows %+v", rep.Rows)
		}
		tg, _ := Catalogue([]*harness.Protocol{paxos}, "one-ballot")
		for k, f := range rep.Rows[0].Schedulers {
			if f.Scheduler != engine.Schedulers[k] || len(f.Seeds) != offsets || f.NotFound != 0 {
				t.Fatalf("%s: %+v", engine.Schedulers[k], f)
			}
			for i, got := range f.Seeds {
				if want := naiveSeedsToFind(t, tg[0], f.Scheduler, uint64(i)*OffsetStride, cap); got != want {
					t.Errorf("%s, start %d: %d seeds, a plain search takes %d", f.Scheduler, i, got, want)
				}
			}
			if f.Median > GoalMedian {
				t.Errorf("%s: median %v seeds", f.Scheduler, f.Median)
			}
		}
	}
}

// naiveSeedsToFind runs seeds from start until one fails: the seeds run,
// the failing one counted, or cap+1.
func naiveSeedsToFind(t *testing.T, tg Target, scheduler string, start, cap uint64) uint64 {
	for k := range cap {
		c := ConfigFor(tg, start+k)
		c.Scheduler = scheduler
		res, err := tg.Protocol.Run(c, start+k, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed() {
			return k + 1
		}
	}
	return cap + 1
}

// TestQuantile checks Quantile against the definition: linear
// interpolation between the closest ranks of the sorted values.
func TestQuantile(t *testing.T) {
	cases := []struct {
		xs   []float64
		q    float64
		want float64
	}{
		{nil, 0.5, 0},
		{[]float64{7}, 0.9, 7},
		{[]float64{3, 1, 2}, 0.5, 2},
		{[]float64{4, 1, 3, 2}, 0.5, 2.5},
		{[]float64{10, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 0.9, 9.1},
		{[]float64{5, 1}, 1, 5},
	}
	for _, c := range cases {
		in := slices.Clone(c.xs)
		if got := Quantile(c.xs, c.q); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Quantile(%v, %v) = %v, want %v", c.xs, c.q, got, c.want)
		}
		if !slices.Equal(in, c.xs) {
			t.Errorf("Quantile sorted its argument %v", in)
		}
	}
}
