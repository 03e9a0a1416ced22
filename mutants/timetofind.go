package mutants

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// Time to find: how many seeds, and how much wall time, a campaign of
// each scheduler needs to its first failure, measured from many disjoint
// starting seeds so that one lucky start does not make the figure. Each
// search runs its seeds one after another on one worker (the workers take
// different searches), so its wall time is one core's.

// DefaultFindCap is how many seeds one time-to-find search may run before
// it reports the variant not found.
const DefaultFindCap = 2000

// DefaultOffsets is how many disjoint starting seeds time-to-find
// measures each variant and scheduler from.
const DefaultOffsets = 20

// OffsetStride separates two starting seeds: search i starts at seed
// i*OffsetStride, so searches of up to OffsetStride seeds never overlap.
const OffsetStride = 100_000

// FindOptions configure a time-to-find run.
type FindOptions struct {
	Protocols  []*harness.Protocol
	Variant    string   // one variant only, or "" for the whole catalogue
	Schedulers []string // engine.Schedulers when empty
	Offsets    int      // starting seeds per variant and scheduler; 0 means DefaultOffsets
	Cap        uint64   // seeds per search; 0 means DefaultFindCap
	Workers    int      // parallel searches; 0 means runtime.NumCPU()
	// OnRow, when set, is called with each row as it completes, in table
	// order, from the caller's goroutine.
	OnRow func(FindRow)
}

// FindRow is one variant's time to find, per scheduler.
type FindRow struct {
	Variant    string        `json:"variant"`
	Protocol   string        `json:"protocol"`
	Schedulers []FindFigures `json:"schedulers"`
	// Best is the scheduler with the lowest median seeds (then p90, then
	// median wall time).
	Best string `json:"best"`
	// Goal: the best scheduler's median is at most GoalMedian seeds, its
	// p90 at most GoalP90, and its median wall time at most GoalMillis.
	Goal bool `json:"goal"`
}

// The time-to-find goal, per variant, of its best scheduler.
const (
	GoalMedian = 10
	GoalP90    = 100
	GoalMillis = 100
)

// FindFigures are one scheduler's searches of one variant.
type FindFigures struct {
	Scheduler string `json:"scheduler"`
	// Seeds is, per starting seed, the seeds run to the first failure,
	// the failing one counted; Cap+1 when none failed within Cap.
	Seeds    []uint64  `json:"seeds"`
	Millis   []float64 `json:"millis"`    // per starting seed, the wall time of its search
	NotFound int       `json:"not_found"` // searches that found nothing within Cap
	// Median and P90 are of Seeds (a search that found nothing counts
	// as Cap+1, more than any that found); MedianMillis and P90Millis of
	// Millis.
	Median       float64 `json:"median"`
	P90          float64 `json:"p90"`
	MedianMillis float64 `json:"median_ms"`
	P90Millis    float64 `json:"p90_ms"`
}

// FindReport is a time-to-find run's outcome.
type FindReport struct {
	Cap         uint64                   `json:"cap"`
	Offsets     int                      `json:"offsets"`
	Stride      uint64                   `json:"stride"`
	Workers     int                      `json:"workers"`
	Configs     map[string]engine.Config `json:"configs"` // each protocol's (ConfigFor), the scheduler left out
	Rows        []FindRow                `json:"rows"`
	Met         int                      `json:"goal_met"` // rows whose best scheduler meets the goal
	WallSeconds float64                  `json:"wall_seconds"`
	Interrupted bool                     `json:"interrupted"`
}

// TimeToFind measures every variant of the catalogue (or the one of o)
// under each scheduler. A cancelled ctx stops it early with Interrupted
// set.
func TimeToFind(ctx context.Context, o FindOptions) (FindReport, error) {
	if len(o.Protocols) == 0 {
		return FindReport{}, errors.New("mutants: no protocol")
	}
	targets, err := Catalogue(o.Protocols, o.Variant)
	if err != nil {
		return FindReport{}, err
	}
	o.fill()
	if o.Cap >= OffsetStride {
		return FindReport{}, fmt.Errorf("a cap of %d seeds overlaps the next start (%d seeds on)", o.Cap, OffsetStride)
	}
	began := time.Now()
	rep := FindReport{Cap: o.Cap, Offsets: o.Offsets, Stride: OffsetStride, Workers: o.Workers, Configs: map[string]engine.Config{}}
	for _, t := range targets {
		if _, ok := rep.Configs[t.Protocol.Name()]; !ok {
			rep.Configs[t.Protocol.Name()] = ConfigFor(Target{Protocol: t.Protocol, Variant: engine.Correct}, 0).Effective(t.Protocol.Info())
		}
		if ctx.Err() != nil {
			break
		}
		row, err := findRow(ctx, t, o)
		if err != nil {
			return rep, err
		}
		if ctx.Err() != nil {
			break
		}
		rep.Rows = append(rep.Rows, row)
		if row.Goal {
			rep.Met++
		}
		if o.OnRow != nil {
			o.OnRow(row)
		}
	}
	rep.Interrupted = ctx.Err() != nil
	rep.WallSeconds = time.Since(began).Seconds()
	return rep, nil
}

// fill sets o's defaults.
func (o *FindOptions) fill() {
	if len(o.Schedulers) == 0 {
		o.Schedulers = engine.Schedulers
	}
	if o.Offsets <= 0 {
		o.Offsets = DefaultOffsets
	}
	if o.Cap == 0 {
		o.Cap = DefaultFindCap
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
}

// search is one time-to-find search: a scheduler, from a starting seed.
type search struct {
	sched  int // index in FindOptions.Schedulers
	offset int
	seeds  uint64
	millis float64
	err    error
}

// findRow runs every search of one variant on o.Workers goroutines.
func findRow(ctx context.Context, t Target, o FindOptions) (FindRow, error) {
	row := FindRow{Variant: t.Variant, Protocol: t.Protocol.Name()}
	jobs := make(chan *search)
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := t.Protocol.NewRunner()
			for s := range jobs {
				s.run(ctx, r, t, o)
			}
		}()
	}
	var all []*search
	for k := range o.Schedulers {
		for i := range o.Offsets {
			s := &search{sched: k, offset: i}
			all = append(all, s)
			jobs <- s
		}
	}
	close(jobs)
	wg.Wait()
	for _, s := range all {
		if s.err != nil {
			return row, fmt.Errorf("%s: %v", t.Variant, s.err)
		}
	}
	for k, name := range o.Schedulers {
		f := FindFigures{Scheduler: name}
		for _, s := range all {
			if s.sched == k {
				f.Seeds, f.Millis = append(f.Seeds, s.seeds), append(f.Millis, s.millis)
				if s.seeds > o.Cap {
					f.NotFound++
				}
			}
		}
		f.summarize()
		row.Schedulers = append(row.Schedulers, f)
	}
	row.pickBest()
	return row, nil
}

// run searches seeds from the search's start until the first failure or
// the cap, on r.
func (s *search) run(ctx context.Context, r *harness.Runner, t Target, o FindOptions) {
	start := uint64(s.offset) * OffsetStride
	began := time.Now()
	s.seeds = o.Cap + 1
	for k := range o.Cap {
		if ctx.Err() != nil {
			break
		}
		seed := start + k
		c := ConfigFor(t, seed)
		c.Scheduler = o.Schedulers[s.sched]
		res, err := r.Run(c, seed, engine.Options{})
		if err != nil {
			s.err = fmt.Errorf("seed %d: %v", seed, err)
			return
		}
		if res.Failed() {
			s.seeds = k + 1
			break
		}
	}
	s.millis = float64(time.Since(began).Microseconds()) / 1000
}

// summarize computes f's medians and 90th percentiles.
func (f *FindFigures) summarize() {
	seeds := make([]float64, len(f.Seeds))
	for i, n := range f.Seeds {
		seeds[i] = float64(n)
	}
	f.Median, f.P90 = Quantile(seeds, 0.5), Quantile(seeds, 0.9)
	f.MedianMillis, f.P90Millis = Quantile(f.Millis, 0.5), Quantile(f.Millis, 0.9)
}

// Quantile is the q-quantile of xs (0 for none), interpolating linearly
// between the two nearest ranks: the median of an even count is the mean
// of the middle two.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	pos := q * float64(len(s)-1)
	lo := int(pos)
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}

// pickBest sets Best and Goal.
func (row *FindRow) pickBest() {
	best := -1
	for i, f := range row.Schedulers {
		if best < 0 || f.better(&row.Schedulers[best]) {
			best = i
		}
	}
	if best < 0 {
		return
	}
	b := &row.Schedulers[best]
	row.Best = b.Scheduler
	row.Goal = b.Median <= GoalMedian && b.P90 <= GoalP90 && b.MedianMillis <= GoalMillis
}

// better orders figures by median seeds, then p90, then median wall time.
func (f *FindFigures) better(g *FindFigures) bool {
	if f.Median != g.Median {
		return f.Median < g.Median
	}
	if f.P90 != g.P90 {
		return f.P90 < g.P90
	}
	return f.MedianMillis < g.MedianMillis
}
