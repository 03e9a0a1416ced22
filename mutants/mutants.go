// Package mutants measures the harness's mutation score: it runs every
// buggy variant of the catalogue (each registered protocol's
// engine.Info.Variants) against random campaigns and, where it fits, the
// explorer, and reports for each whether it was caught, by which property,
// after how many seeds and how much wall time, and how short its shrunk
// counterexample is.
//
// A variant's campaign runs seeds Start, Start+1, ... on parallel workers
// and stops at its first failing seed. The seed it reports is the lowest
// failing seed whatever the number of workers: seeds are handed out in
// increasing order and a worker stops only past a failing seed, so every
// lower seed has run. Each seed's configuration comes from one function,
// ConfigFor, the only place to change to draw a configuration per seed.
//
// A control campaign runs the correct protocol over the seeds the variants
// needed: a row means something only if the correct protocol passes the
// same seeds.
package mutants

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/trace"
)

// DefaultBudget is how many seeds a variant's campaign may run. From seed
// 0 every variant fails within 600 seeds (no-view, the slowest, at seed
// 402); from other starts the slowest single-decree variant took up to
// 4,232 (BENCHMARKS.md). A variant that survives every seed costs about
// 0.35 s (paxos) or 3 s (multipaxos) on two cores, so even a catalogue in
// which every variant survived would finish in about 30 s.
const DefaultBudget = 10000

// Options configure a mutation run.
type Options struct {
	// Protocols are the protocols whose variants run, in this order.
	Protocols []*harness.Protocol
	Variant   string // one variant only, or "" for the whole catalogue
	Start     uint64 // the first seed of every campaign
	Budget    uint64 // seeds per variant; 0 means DefaultBudget
	Workers   int    // parallel runs, and explorer workers; 0 means runtime.NumCPU()
	// NoExplore skips the explorer: campaigns alone.
	NoExplore bool
	// OnRow, when set, is called with each row as it completes, in table
	// order, from the caller's goroutine.
	OnRow func(Row)
}

// Row is one variant's outcome.
type Row struct {
	Variant  string `json:"variant"`
	Protocol string `json:"protocol"`
	Breaks   string `json:"breaks"` // the property the catalogue expects
	// Caught: a campaign seed or the explorer found a violation.
	Caught bool `json:"caught"`
	// Property is the first failing seed's first violation ("" when no
	// seed failed), Message what it said.
	Property string `json:"property,omitempty"`
	Message  string `json:"message,omitempty"`
	// Seed is the lowest failing seed; Seeds how many seeds ran up to it,
	// it included (the whole budget when none failed).
	Seed  *uint64 `json:"seed,omitempty"`
	Seeds uint64  `json:"seeds"`
	// WallSeconds is the campaign's wall time to its first failure (to the
	// end of its budget when none failed).
	WallSeconds float64 `json:"wall_seconds"`
	// TraceSteps and ShrunkSteps are the first failure's decision trace
	// and its shrunk form (harness.Protocol.Shrink), in steps; 0 when
	// there is none, and ShrinkNote then says why.
	TraceSteps  int    `json:"trace_steps,omitempty"`
	ShrunkSteps int    `json:"shrunk_steps,omitempty"`
	ShrinkNote  string `json:"shrink_note,omitempty"`
	// Explorer is what an exhaustive search of a small cluster found.
	Explorer Explorer `json:"explorer"`
}

// Explorer verdicts.
const (
	// Found: a violation, at Depth.
	Found = "found"
	// NotFound: no violation within the bounds (the variant's bug needs a
	// larger cluster, more ballots or more steps: it did not fit).
	NotFound = "did-not-fit"
	// NotJudged: the explorer judges safety only, and the variant breaks
	// liveness or linearizability; or it was not asked (NoExplore).
	NotJudged = "not-judged"
)

// Explorer is the explorer's outcome for one variant.
type Explorer struct {
	Verdict string `json:"verdict"`
	// Bounds names the bounds that found it, or the last ones tried.
	Bounds   string `json:"bounds,omitempty"`
	Property string `json:"property,omitempty"`
	// Depth is the bad state's depth, the initial state at 1 (the
	// counterexample has Depth-1 steps of the search); Steps the
	// counterexample's length as a replayable decision trace, counted as
	// the shrunk column counts (a replica's local deliveries are steps of
	// their own there).
	Depth       int     `json:"depth,omitempty"`
	Steps       int     `json:"steps,omitempty"`
	Distinct    int64   `json:"distinct,omitempty"` // states explored, over every bound tried
	WallSeconds float64 `json:"wall_seconds"`
	Error       string  `json:"error,omitempty"`
	// Note is the model's, for a variant it cannot judge: one that
	// breaks liveness only.
	Note string `json:"note,omitempty"`
}

// Control is the correct protocol's campaign over the seeds the variants
// needed.
type Control struct {
	Protocol string  `json:"protocol"`
	Start    uint64  `json:"start"`
	Seeds    uint64  `json:"seeds"`
	Passed   bool    `json:"passed"`
	Seed     *uint64 `json:"seed,omitempty"` // the first failing seed, if any
	Property string  `json:"property,omitempty"`
	Message  string  `json:"message,omitempty"`
}

// Score is one protocol's count.
type Score struct {
	Protocol string `json:"protocol"`
	Caught   int    `json:"caught"`
	Total    int    `json:"total"`
}

// Report is a mutation run's outcome.
type Report struct {
	Start   uint64 `json:"start"`
	Budget  uint64 `json:"budget"`
	Workers int    `json:"workers"`
	// Configs is each protocol's campaign configuration (ConfigFor at
	// Start, with the correct protocol), the defaults a run fills in
	// written out.
	Configs     map[string]engine.Config `json:"configs"`
	Rows        []Row                    `json:"rows"`
	Controls    []Control                `json:"controls"`
	Caught      int                      `json:"caught"`
	Total       int                      `json:"total"`
	ByProtocol  []Score                  `json:"by_protocol"`
	WallSeconds float64                  `json:"wall_seconds"`
	Interrupted bool                     `json:"interrupted"`
}

// Survivors lists the variants no technique caught.
func (r *Report) Survivors() []string {
	var out []string
	for _, row := range r.Rows {
		if !row.Caught {
			out = append(out, row.Variant)
		}
	}
	return out
}

// ControlFailed reports whether the correct protocol failed a seed.
func (r *Report) ControlFailed() bool {
	for _, c := range r.Controls {
		if !c.Passed {
			return true
		}
	}
	return false
}

// OK: every variant was caught and the correct protocol passed.
func (r *Report) OK() bool {
	return !r.Interrupted && r.Caught == r.Total && !r.ControlFailed()
}

// Run runs the catalogue (or the one variant of o) and returns the report.
// An error is a bad option or a harness bug; a cancelled ctx stops it
// early with Interrupted set.
func Run(ctx context.Context, o Options) (Report, error) {
	if len(o.Protocols) == 0 {
		return Report{}, errors.New("mutants: no protocol")
	}
	targets, err := Catalogue(o.Protocols, o.Variant)
	if err != nil {
		return Report{}, err
	}
	if o.Budget == 0 {
		o.Budget = DefaultBudget
	}
	if o.Start+o.Budget < o.Start {
		return Report{}, fmt.Errorf("seeds %d..%d+%d overflow 64 bits", o.Start, o.Start, o.Budget)
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	began := time.Now()
	rep := Report{Start: o.Start, Budget: o.Budget, Workers: o.Workers, Configs: map[string]engine.Config{}}
	needed := map[string]uint64{} // per protocol: the most seeds a variant needed
	var protocols []*harness.Protocol
	for _, t := range targets {
		if _, ok := rep.Configs[t.Protocol.Name()]; !ok {
			protocols = append(protocols, t.Protocol)
			rep.Configs[t.Protocol.Name()] = ConfigFor(Target{Protocol: t.Protocol, Variant: engine.Correct}, o.Start).Effective(t.Protocol.Info())
		}
		if ctx.Err() != nil {
			rep.Interrupted = true
			break
		}
		row, err := runTarget(ctx, t, o)
		if err != nil {
			return rep, err
		}
		if ctx.Err() != nil {
			rep.Interrupted = true
		}
		if row.Seed != nil {
			needed[t.Protocol.Name()] = max(needed[t.Protocol.Name()], row.Seeds)
		}
		rep.Rows = append(rep.Rows, row)
		if o.OnRow != nil {
			o.OnRow(row)
		}
	}
	if err := rep.runControls(ctx, protocols, needed, o); err != nil {
		return rep, err
	}
	rep.score()
	rep.WallSeconds = time.Since(began).Seconds()
	return rep, nil
}

// runControls runs each protocol's control campaign: the correct protocol
// over the seeds the variants of that protocol needed (none when none was
// caught).
func (rep *Report) runControls(ctx context.Context, protocols []*harness.Protocol, needed map[string]uint64, o Options) error {
	for _, p := range protocols {
		if ctx.Err() != nil {
			rep.Interrupted = true
			break
		}
		n := needed[p.Name()]
		if n == 0 {
			continue
		}
		c := Control{Protocol: p.Name(), Start: o.Start, Seeds: n, Passed: true}
		cfg := func(seed uint64) engine.Config {
			return ConfigFor(Target{Protocol: p, Variant: engine.Correct}, seed)
		}
		ff, err := firstFailure(ctx, p, cfg, o.Start, n, o.Workers)
		if err != nil {
			return err
		}
		if ff.found {
			seed := ff.seed
			c.Passed, c.Seed = false, &seed
			c.Property, c.Message = string(ff.res.Violations[0].Property), ff.res.Violations[0].Message
		}
		rep.Controls = append(rep.Controls, c)
	}
	return nil
}

// score counts the rows caught, in all and by protocol (in the rows'
// order of protocols).
func (rep *Report) score() {
	index := map[string]int{}
	for _, row := range rep.Rows {
		k, ok := index[row.Protocol]
		if !ok {
			k = len(rep.ByProtocol)
			index[row.Protocol] = k
			rep.ByProtocol = append(rep.ByProtocol, Score{Protocol: row.Protocol})
		}
		rep.ByProtocol[k].Total++
		rep.Total++
		if row.Caught {
			rep.ByProtocol[k].Caught++
			rep.Caught++
		}
	}
}

// runTarget runs one variant: its campaign, the shrinking of its first
// failure, and the explorer.
func runTarget(ctx context.Context, t Target, o Options) (Row, error) {
	row := Row{Variant: t.Variant, Protocol: t.Protocol.Name(), Breaks: string(t.Breaks)}
	cfg := func(seed uint64) engine.Config { return ConfigFor(t, seed) }
	began := time.Now()
	ff, err := firstFailure(ctx, t.Protocol, cfg, o.Start, o.Budget, o.Workers)
	if err != nil {
		return row, fmt.Errorf("%s: %v", t.Variant, err)
	}
	row.WallSeconds = time.Since(began).Seconds()
	row.Seeds = ff.ran
	if ff.found {
		seed := ff.seed
		row.Caught, row.Seed = true, &seed
		row.Property, row.Message = string(ff.res.Violations[0].Property), ff.res.Violations[0].Message
		row.TraceSteps, row.ShrunkSteps, row.ShrinkNote = shrink(ctx, t.Protocol, cfg(seed), seed, ff.res.Violations[0].Property)
	}
	switch {
	case o.NoExplore || ctx.Err() != nil:
		row.Explorer = Explorer{Verdict: NotJudged, Bounds: "not asked"}
	default:
		row.Explorer = explore1(t, o.Workers, nil)
	}
	if row.Explorer.Verdict == Found {
		row.Caught = true
	}
	return row, nil
}

// shrink records a failing seed's decision trace and shrinks it, as a
// campaign does for its groups: the lengths before and after, or a note
// saying why there is no shrunk trace.
func shrink(ctx context.Context, p *harness.Protocol, c engine.Config, seed uint64, property checker.Property) (before, after int, note string) {
	rec, err := p.Run(c, seed, engine.Options{Record: true})
	if err != nil {
		return 0, 0, fmt.Sprintf("not recorded: %v", err)
	}
	recorded := trace.FromResult(c, &rec)
	sr, err := p.Shrink(ctx, recorded, trace.ShrinkOptions{})
	switch {
	case errors.Is(err, trace.ErrNoFailure):
		// A liveness failure's trace heals and replays the liveness phase
		// timed, from a seed of its own: it need not fail again.
		return recorded.Steps(), 0, "the recorded trace does not fail on replay"
	case err != nil:
		return recorded.Steps(), 0, "not shrunk: " + err.Error()
	case sr.Property != property:
		return recorded.Steps(), 0, fmt.Sprintf("the trace breaks %s on replay, not %s", sr.Property, property)
	case sr.Interrupted:
		return sr.Before, sr.After, "shrinking was interrupted: the trace may not be 1-minimal"
	case sr.Exhausted:
		return sr.Before, sr.After, "the shrink budget ran out: the trace may not be 1-minimal"
	}
	return sr.Before, sr.After, ""
}

// failure is the outcome of firstFailure.
type failure struct {
	found bool
	seed  uint64        // the lowest failing seed
	res   engine.Result // its run
	ran   uint64        // seeds up to it, it included; or every seed
}

// firstFailure runs seeds start..start+budget-1 of p with cfg on workers
// goroutines until it has the lowest failing seed. Seeds are handed out in
// increasing order, and a worker stops only when its next seed is past a
// failing one, so every seed below the lowest failure has run: the answer
// does not depend on workers. onRun[0], when given, is called with each
// passing run's configuration and result, one run at a time.
func firstFailure(ctx context.Context, p *harness.Protocol, cfg func(seed uint64) engine.Config, start, budget uint64, workers int, onRun ...func(engine.Config, *engine.Result)) (failure, error) {
	var next atomic.Uint64
	var lowest atomic.Uint64 // index of the lowest failing seed so far, or budget
	lowest.Store(budget)
	var mu sync.Mutex
	var best failure
	var firstErr error
	var wg sync.WaitGroup
	for range min(uint64(max(workers, 1)), max(budget, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				k := next.Add(1) - 1
				if k >= budget || k > lowest.Load() {
					return
				}
				seed := start + k
				c := cfg(seed)
				res, err := p.Run(c, seed, engine.Options{})
				if err == nil && !res.Failed() {
					if len(onRun) > 0 {
						mu.Lock()
						onRun[0](c, &res)
						mu.Unlock()
					}
					continue
				}
				mu.Lock()
				if k < lowest.Load() {
					lowest.Store(k)
					best = failure{found: err == nil, seed: seed, res: res, ran: k + 1}
					firstErr = nil
					if err != nil {
						firstErr = fmt.Errorf("seed %d: %v", seed, err)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return failure{}, firstErr
	}
	if !best.found {
		best.ran = min(next.Load(), budget)
	}
	return best, nil
}
