package campaign

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/scenarios"
	"github.com/paxsim/paxsim/sim"
)

// Options configure a campaign.
type Options struct {
	Config  scenarios.Config
	Start   uint64 // first seed
	Seeds   uint64 // how many seeds: Start..Start+Seeds-1
	Workers int    // parallel runs; 0 means runtime.NumCPU()
	// CheckDeterminism runs every seed twice and reports any difference.
	CheckDeterminism bool
	// OutDir, when set, receives a reproducer file per failing seed.
	OutDir string
	// Progress, when set, is called about every ProgressEvery (default
	// 250ms) and once at the end, from one goroutine.
	Progress      func(Progress)
	ProgressEvery time.Duration
}

// Progress is a snapshot of a running campaign.
type Progress struct {
	Done, Total uint64
	Violations  int64
	Events      int64
	Elapsed     time.Duration
}

// Failure is one failing seed.
type Failure struct {
	Seed       uint64            `json:"seed"`
	Violation  checker.Violation `json:"violation"`
	Reproducer string            `json:"reproducer,omitempty"`
}

// Divergence is a seed whose two runs differed: a determinism bug.
type Divergence struct {
	Seed   uint64 `json:"seed"`
	Detail string `json:"detail"`
}

// Summary is what a campaign found.
type Summary struct {
	Start            uint64           `json:"start"`
	Requested        uint64           `json:"requested"`
	Seeds            uint64           `json:"seeds"`      // seeds that ran to the end
	Violations       int              `json:"violations"` // failing seeds
	ByProperty       map[string]int   `json:"by_property"`
	Events           int64            `json:"events"`
	WallSeconds      float64          `json:"wall_seconds"`
	EventsPerSecond  float64          `json:"events_per_second"`
	SeedsPerSecond   float64          `json:"seeds_per_second"`
	Faults           map[string]int64 `json:"faults"`
	Stops            map[string]int   `json:"stops"`            // why runs ended
	LivenessChecked  uint64           `json:"liveness_checked"` // runs whose liveness was judged
	Decided          uint64           `json:"decided"`          // runs in which a value was chosen
	CampaignHash     string           `json:"campaign_hash"`    // order-independent hash of every run
	Failures         []Failure        `json:"failures"`         // sorted by seed
	Nondeterministic []Divergence     `json:"nondeterministic"` // with CheckDeterminism
	Interrupted      bool             `json:"interrupted"`      // stopped early by the context
	Workers          int              `json:"workers"`
}

// tally is one worker's share of the summary: merged at the end, so that
// workers never contend on the hot path.
type tally struct {
	seeds, liveness, decided uint64
	events                   int64
	hash                     uint64
	faults                   [sim.NumFaultKinds]int64
	stops                    map[string]int
	failures                 []Failure
	divergences              []Divergence
}

// Run runs the campaign. It returns a *scenarios.ConfigError for a bad
// configuration; a cancelled ctx stops it early with Interrupted set.
func Run(ctx context.Context, o Options) (Summary, error) {
	if err := o.Config.Validate(); err != nil {
		return Summary{}, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = int(min(uint64(workers), max(o.Seeds, 1)))
	began := time.Now()
	var next, done atomic.Uint64
	var violations, events atomic.Int64
	tallies := make([]tally, workers)
	var wg sync.WaitGroup
	for i := range tallies {
		wg.Add(1)
		go func(t *tally) {
			defer wg.Done()
			t.stops = make(map[string]int)
			for ctx.Err() == nil {
				k := next.Add(1) - 1
				if k >= o.Seeds {
					return
				}
				seed := o.Start + k
				n, failed := runSeed(o, seed, t)
				events.Add(n)
				if failed {
					violations.Add(1)
				}
				done.Add(1)
			}
		}(&tallies[i])
	}
	stopProgress := startProgress(o, began, &done, &violations, &events)
	wg.Wait()
	stopProgress()
	s := merge(tallies, o, workers, time.Since(began))
	s.Interrupted = ctx.Err() != nil && s.Seeds < o.Seeds
	return s, nil
}

// runSeed runs one seed into t and returns its events and whether it failed.
func runSeed(o Options, seed uint64, t *tally) (int64, bool) {
	res, err := scenarios.Run(o.Config, seed, scenarios.Options{})
	if err != nil { // the config was validated; this is a harness bug
		panic(fmt.Sprintf("campaign: seed %d: %v", seed, err))
	}
	if o.CheckDeterminism {
		again, _ := scenarios.Run(o.Config, seed, scenarios.Options{})
		if again.TraceHash != res.TraceHash || again.Events != res.Events {
			t.divergences = append(t.divergences, Divergence{Seed: seed, Detail: Diverge(o.Config, seed)})
		}
	}
	t.seeds++
	t.events += res.Events
	t.hash += mixSeed(seed, res.TraceHash)
	for k, n := range res.Stats.Faults {
		t.faults[k] += n
	}
	t.stops[res.Stop]++
	if res.LivenessChecked {
		t.liveness++
	}
	if res.Chosen != nil {
		t.decided++
	}
	if !res.Failed() {
		return res.Events, false
	}
	f := Failure{Seed: seed, Violation: res.Violations[0]}
	if o.OutDir != "" {
		path, err := NewReproducer(o.Config, &res).Write(o.OutDir)
		if err != nil {
			f.Reproducer = "error: " + err.Error()
		} else {
			f.Reproducer = path
		}
	}
	t.failures = append(t.failures, f)
	return res.Events, true
}

func merge(tallies []tally, o Options, workers int, wall time.Duration) Summary {
	s := Summary{
		Start: o.Start, Requested: o.Seeds, Workers: workers,
		ByProperty: map[string]int{}, Faults: map[string]int64{}, Stops: map[string]int{},
		Failures: []Failure{}, Nondeterministic: []Divergence{},
	}
	var hash uint64
	var faults [sim.NumFaultKinds]int64
	for _, t := range tallies {
		s.Seeds += t.seeds
		s.Events += t.events
		s.LivenessChecked += t.liveness
		s.Decided += t.decided
		hash += t.hash
		for k, n := range t.faults {
			faults[k] += n
		}
		for stop, n := range t.stops {
			s.Stops[stop] += n
		}
		s.Failures = append(s.Failures, t.failures...)
		s.Nondeterministic = append(s.Nondeterministic, t.divergences...)
	}
	for k, n := range faults {
		s.Faults[sim.FaultKind(k).String()] = n
	}
	sort.Slice(s.Failures, func(i, j int) bool { return s.Failures[i].Seed < s.Failures[j].Seed })
	sort.Slice(s.Nondeterministic, func(i, j int) bool { return s.Nondeterministic[i].Seed < s.Nondeterministic[j].Seed })
	for _, f := range s.Failures {
		s.ByProperty[string(f.Violation.Property)]++
	}
	s.Violations = len(s.Failures)
	s.CampaignHash = FormatHash(hash)
	s.WallSeconds = wall.Seconds()
	if secs := wall.Seconds(); secs > 0 {
		s.EventsPerSecond = float64(s.Events) / secs
		s.SeedsPerSecond = float64(s.Seeds) / secs
	}
	return s
}

// mixSeed combines a seed and its trace hash; summing the results over
// seeds gives a campaign hash that ignores the order in which seeds finish.
func mixSeed(seed, hash uint64) uint64 {
	x := seed*0x9e3779b97f4a7c15 ^ hash
	x ^= x >> 31
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 29
	return x
}

func startProgress(o Options, began time.Time, done *atomic.Uint64, violations, events *atomic.Int64) (stop func()) {
	if o.Progress == nil {
		return func() {}
	}
	every := o.ProgressEvery
	if every <= 0 {
		every = 250 * time.Millisecond
	}
	snapshot := func() Progress {
		return Progress{Done: done.Load(), Total: o.Seeds, Violations: violations.Load(), Events: events.Load(), Elapsed: time.Since(began)}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				o.Progress(snapshot())
			case <-quit:
				o.Progress(snapshot())
				return
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// Diverge runs seed twice with full traces and describes the first line
// where they differ, or says that they agree.
func Diverge(c scenarios.Config, seed uint64) string {
	var a, b strings.Builder
	scenarios.Run(c, seed, scenarios.Options{Trace: &a})
	scenarios.Run(c, seed, scenarios.Options{Trace: &b})
	la, lb := strings.Split(a.String(), "\n"), strings.Split(b.String(), "\n")
	for i := 0; i < max(len(la), len(lb)); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("first divergence at trace line %d:\n  run 1: %s\n  run 2: %s", i+1, x, y)
		}
	}
	return "the traces agree line by line, but the hashes or event counts differed"
}
