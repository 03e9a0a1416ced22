package campaign

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/refine"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/watchdog"
)

// Options configure a campaign.
type Options struct {
	// Protocol is the protocol under test, Config its runs' configuration.
	Protocol *harness.Protocol
	Config   engine.Config
	Start    uint64 // first seed
	Seeds    uint64 // how many seeds: Start..Start+Seeds-1
	Workers  int    // parallel runs; 0 means runtime.NumCPU()
	// CheckDeterminism runs every seed twice and reports any difference
	// in their outcomes (OutcomeHash).
	CheckDeterminism bool
	// Outcomes, when set, receives every seed's outcome, to compare the
	// campaign with the same seeds run elsewhere (CompareOutcomes). The
	// caller closes it after Run.
	Outcomes *OutcomeWriter
	// OutDir, when set, receives a folder per failure signature: every
	// failing seed's reproducer, the lowest seed's decision trace and its
	// shrunk form.
	OutDir string
	// NoShrink keeps failing traces as they are: faster, but failures then
	// group only when their whole traces have one shape.
	NoShrink bool
	// ShrinkBudget bounds the steps the replays of one shrink take,
	// trace lines read plus events executed (0: trace.DefaultShrinkBudget).
	ShrinkBudget int64
	// MaxShrinks is how many failure groups, in the order of their lowest
	// seeds, have that seed recorded and shrunk; the rest are reported
	// without traces. 0 means DefaultMaxShrinks; negative, every group.
	MaxShrinks int
	// Progress, when set, is called about every ProgressEvery (default
	// 250ms) and once at the end, from one goroutine.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// Swarm draws each seed's configuration from Config (swarm testing,
	// engine.Config.Swarm), but for the knobs Pinned reports (the flags a
	// user set; nil pins none).
	Swarm  bool
	Pinned func(knob string) bool
	// MaxMemory stops the campaign, incomplete (Summary.MemoryStop), once
	// its heap passes this many bytes; 0 means explore.DefaultMaxMemory
	// (MemoryCap).
	MaxMemory int64
	// HangTimeout is how long a seed's run may take no step before the
	// campaign stops at it as hung in protocol code (Summary.Hang); 0
	// means watchdog.DefaultTimeout, and a negative one watches nothing.
	HangTimeout time.Duration
	// Program is the name of the program whose commands the failure
	// folders' files give for replaying them (PROGRAM replay FILE);
	// empty: paxsim.
	Program string

	inertFaults  uint32           // tests: fault kinds whose effect is off (engine.Options.InertFaults)
	spec         *refine.Coverage // the spec coverage the workers fork, nil for none
	afterFailure func(*Failure)   // tests: called as each failing seed's reproducer is written
	out          *outDir          // OutDir, opened by Run
}

// ConfigFor is seed's configuration: Config, or with Swarm the one drawn
// for seed.
func (o *Options) ConfigFor(seed uint64) engine.Config {
	if !o.Swarm {
		return o.Config
	}
	return o.Config.Swarm(o.Protocol.Info(), seed, o.Pinned)
}

// Progress is a snapshot of a running campaign.
type Progress struct {
	Done, Total uint64
	Violations  int64
	Events      int64
	Elapsed     time.Duration
}

// Unchecked is the Summary.Linearizability key of runs with no client
// operation to check.
const Unchecked = "unchecked"

// shrinkBudget is the steps a shrink of one group's representative may
// replay: trace.DefaultShrinkBudget unless set. A campaign shrinks one
// trace per group, the shortest of its seeds', so that budget shrinks the
// failures of both reference protocols' variants to 1-minimal traces.
func (o *Options) shrinkBudget() int64 {
	if o.ShrinkBudget > 0 {
		return o.ShrinkBudget
	}
	return trace.DefaultShrinkBudget
}

// DefaultMaxShrinks is how many failure groups a campaign shrinks a
// representative of by default: more than a protocol has ways to fail,
// few enough that shrinking stays a small part of a campaign.
const DefaultMaxShrinks = 64

// Failure is one failing seed.
type Failure struct {
	Seed       uint64            `json:"seed"`
	Violation  checker.Violation `json:"violation"`
	Signature  string            `json:"signature"`
	Reproducer string            `json:"reproducer,omitempty"` // its file
	// ReproducerError says why its file could not be written.
	ReproducerError string `json:"reproducer_error,omitempty"`

	reproducer Reproducer
	res        engine.Result // what explain needs of the run
	outcome    uint64        // OutcomeHash of the run: its rerun must agree
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
	WallSeconds      float64          `json:"wall_seconds"`      // the whole campaign, shrinking included
	ShrinkSeconds    float64          `json:"shrink_seconds"`    // wall time spent recording and shrinking failures
	EventsPerSecond  float64          `json:"events_per_second"` // while seeds ran
	SeedsPerSecond   float64          `json:"seeds_per_second"`
	Faults           map[string]int64 `json:"faults"`
	Stops            map[string]int   `json:"stops"`                 // why runs ended
	LivenessChecked  uint64           `json:"liveness_checked"`      // runs whose liveness was judged
	Decided          uint64           `json:"decided"`               // a consensus workload's runs in which a value was chosen
	Linearizability  map[string]int   `json:"linearizability"`       // runs by the verdict on their client history (ok, unknown, illegal, unchecked)
	Service          *ServiceTotals   `json:"service,omitempty"`     // a key-value workload's: what the runs' clients and logs did
	CampaignHash     string           `json:"campaign_hash"`         // order-independent hash of every run
	Failures         []Failure        `json:"failures"`              // sorted by seed
	Groups           []Group          `json:"groups"`                // failures by signature, by first seed
	Nondeterministic []Divergence     `json:"nondeterministic"`      // with CheckDeterminism
	Interrupted      bool             `json:"interrupted"`           // stopped early by the context, or by the memory cap
	MemoryStop       bool             `json:"memory_stop,omitempty"` // the memory cap stopped it (Options.MaxMemory)
	// Hang is the seed whose run hung in protocol code, at which the
	// campaign stopped; nil when none did.
	Hang    *Hang `json:"hang,omitempty"`
	Workers int   `json:"workers"`
	// Swarm says whether each seed drew its own configuration.
	Swarm bool `json:"swarm"`
	// Coverage is what the runs exercised: fault kinds enabled and
	// fired, sometimes properties expected and held, ballots per decided
	// instance.
	Coverage Coverage `json:"coverage"`
	// SpecCoverage is how many distinct states of Paxos.tla the runs
	// reached through the protocol's refinement mapping, out of all of
	// them (refine.Coverage); null for a protocol without a mapping.
	SpecCoverage *refine.Summary `json:"spec_coverage"`
	// CoverageGaps lists what the campaign claims to test but did not:
	// runs whose linearizability was not judged (unknown), a fault kind
	// that was on but never fired, a sometimes property that was
	// possible but never held (Gaps). FailingGaps says which of them
	// fail the campaign: it did not test what it claims to.
	CoverageGaps []string `json:"coverage_gaps"`
	// Triage labels the failure groups against a baseline campaign's
	// (--baseline): new, ongoing, resolved or regressed.
	Triage *Triage `json:"triage,omitempty"`
}

// ServiceTotals sums the engine.ServiceSummary of a campaign's runs of a
// key-value workload.
type ServiceTotals struct {
	Operations       int64 `json:"operations"`        // key-value operations the clients invoked
	Answered         int64 `json:"answered"`          // of them, the ones answered
	Commands         int64 `json:"commands"`          // distinct key-value commands committed
	Reconfigs        int64 `json:"reconfigs"`         // distinct reconfigurations committed
	ReconfigsInvoked int64 `json:"reconfigs_invoked"` // reconfigurations the operators asked for
	Instances        int64 `json:"instances"`         // log instances applied, no-ops and duplicates included
	// CaughtUp counts the runs in which every replica of the liveness
	// core applied the whole log.
	CaughtUp uint64 `json:"caught_up"`
}

func (t *ServiceTotals) add(s *engine.ServiceSummary, core int) {
	t.Operations += int64(s.Operations)
	t.Answered += int64(s.Answered)
	t.Commands += int64(s.Commands)
	t.Reconfigs += int64(s.Reconfigs)
	t.ReconfigsInvoked += int64(s.ReconfigsInvoked)
	t.Instances += s.Instances
	if s.CaughtUp >= core {
		t.CaughtUp++
	}
}

func (t *ServiceTotals) merge(o *ServiceTotals) {
	t.Operations += o.Operations
	t.Answered += o.Answered
	t.Commands += o.Commands
	t.Reconfigs += o.Reconfigs
	t.ReconfigsInvoked += o.ReconfigsInvoked
	t.Instances += o.Instances
	t.CaughtUp += o.CaughtUp
}

// tally is one worker's share of the summary: merged at the end, so that
// workers never contend on the hot path.
type tally struct {
	cover                    coverTally
	seeds, liveness, decided uint64
	events                   int64
	hash                     uint64
	faults                   [sim.NumFaultKinds]int64
	stops                    map[string]int
	linearizability          map[string]int
	service                  *ServiceTotals
	failures                 []Failure
	divergences              []Divergence
	spec                     *refine.Coverage
}

// MaxWorkersPerCPU bounds Options.Workers: a campaign is CPU-bound, so
// more workers than CPUs only hold more runs in memory at once.
const MaxWorkersPerCPU = 8

// Workers is how many workers a campaign of seeds seeds runs on when asked
// for asked: runtime.NumCPU() for 0, at most MaxWorkersPerCPU per CPU, and
// never more than the seeds.
func Workers(asked int, seeds uint64) int {
	if asked <= 0 {
		asked = runtime.NumCPU()
	}
	asked = min(asked, MaxWorkersPerCPU*runtime.NumCPU())
	return int(min(uint64(asked), max(seeds, 1)))
}

// Run runs the campaign. It returns an *engine.ConfigError for a bad
// configuration and an *OutError for an output folder it cannot write
// into, before running any seed; a cancelled ctx stops it early with
// Interrupted set.
func Run(ctx context.Context, o Options) (Summary, error) {
	if p := o.Protocol; p == nil {
		return Summary{}, errors.New("campaign: no protocol")
	}
	if _, _, err := o.Config.Resolve(o.Protocol.Info()); err != nil {
		return Summary{}, err
	}
	if o.OutDir != "" {
		out, err := openOut(o.OutDir, o.Program)
		if err != nil {
			return Summary{}, err
		}
		defer out.close()
		o.out = out
	}
	workers := Workers(o.Workers, o.Seeds)
	o.spec = specCoverage(&o)
	began := time.Now()
	parent := ctx
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	tallies, hang, err := runSeeds(ctx, stop, o, workers, began)
	if err != nil {
		return Summary{}, err
	}
	s := merge(tallies, o, workers, time.Since(began))
	s.SpecCoverage = specSummary(tallies)
	s.Interrupted = ctx.Err() != nil && s.Seeds < o.Seeds
	s.MemoryStop = s.Interrupted && errors.Is(context.Cause(ctx), errMaxMemory)
	if hang != nil {
		s.Hang = newHang(hang)
		ctx = parent // the other failures are explained as if it had ended
	}
	explainFailures(ctx, o, &s, workers)
	s.WallSeconds = time.Since(began).Seconds() // rates above count the runs only
	return s, nil
}

// SeedError is a seed whose drawn configuration could not run: a bug in
// paxsim, since every configuration a seed draws is valid.
type SeedError struct {
	Seed uint64
	Err  error
}

func (e *SeedError) Error() string {
	return fmt.Sprintf("seed %d: its configuration does not run: %v", e.Seed, e.Err)
}

func (e *SeedError) Unwrap() error { return e.Err }

// runSeeds runs the seeds on workers parallel workers, each into its own
// tally, until they are done or ctx is cancelled: by the caller, by stop
// once the heap passes the memory cap, or by the watchdog once a seed's
// run hangs in protocol code (Options.HangTimeout). A worker whose run
// hangs is abandoned: its tally holds the seeds before, and the hang is
// returned.
func runSeeds(ctx context.Context, stop context.CancelCauseFunc, o Options, workers int, began time.Time) ([]tally, *watchdog.Hang, error) {
	r := &seedRunner{ctx: ctx, stop: stop, o: o, limit: o.MemoryCap()}
	tallies := make([]tally, workers)
	pulses := make([]*watchdog.Pulse, workers)
	for i := range tallies {
		r.wg.Add(1)
		pulses[i] = &watchdog.Pulse{}
		go r.work(&tallies[i], pulses[i])
	}
	stopProgress := startProgress(o, began, &r.done, &r.violations, &r.events)
	stopWatch := watchdog.Watch(pulses, o.hangTimeout(), func(h watchdog.Hang) {
		if r.hung.CompareAndSwap(nil, &h) {
			stop(&h)
		}
		r.wg.Done() // for the abandoned worker
	})
	r.wg.Wait()
	stopWatch()
	stopProgress()
	if err := r.failed.Load(); err != nil {
		return nil, nil, err
	}
	return tallies, r.hung.Load(), nil
}

// seedRunner is what runSeeds's workers share: the next seed to take,
// the counts the progress line reads, the first error or hang, and the
// workers still running.
type seedRunner struct {
	ctx                context.Context
	stop               context.CancelCauseFunc
	o                  Options
	limit              int64
	next, done         atomic.Uint64
	violations, events atomic.Int64
	failed             atomic.Pointer[SeedError]
	hung               atomic.Pointer[watchdog.Hang]
	wg                 sync.WaitGroup
}

// work is one worker: it takes seeds one after another, each run on
// pulse, into t, until none is left or the campaign stops. A run the
// watchdog abandoned as hung ends the worker without wg.Done: the
// watchdog did it.
func (r *seedRunner) work(t *tally, pulse *watchdog.Pulse) {
	abandoned := false
	defer func() {
		if !abandoned {
			r.wg.Done()
		}
	}()
	pulse.Bind()
	t.stops, t.linearizability = make(map[string]int), make(map[string]int)
	t.spec = forkSpec(r.o.spec)
	runner := r.o.Protocol.NewRunner() // this worker's, reused seed after seed
	for r.ctx.Err() == nil && r.failed.Load() == nil {
		k := r.next.Add(1) - 1
		if k >= r.o.Seeds {
			return
		}
		n, bad, err := runSeed(r.o, runner, r.o.Start+k, t, pulse)
		if abandoned = err == errAbandoned; abandoned {
			return
		}
		if err != nil {
			r.failed.CompareAndSwap(nil, err)
			return
		}
		r.events.Add(n)
		if bad {
			r.violations.Add(1)
		}
		r.done.Add(1)
		if overMemory(k, r.limit) {
			r.stop(errMaxMemory)
		}
	}
}

// errAbandoned is runSeed's error for a run the watchdog abandoned: it
// hung, and came back after all.
var errAbandoned = &SeedError{Err: errors.New("the run was abandoned as hung")}

// runSeed runs one seed on the worker's runner into t and returns its
// events and whether it failed. A failing seed's reproducer is written at
// once, into the output folder's ungrouped folder, so that a campaign
// killed before its end keeps what it found. --check-determinism runs the
// seed again afresh, which checks the runner's reuse of memory too.
func runSeed(o Options, runner *harness.Runner, seed uint64, t *tally, pulse *watchdog.Pulse) (int64, bool, *SeedError) {
	cfg := o.ConfigFor(seed)
	pulse.Begin(seed)
	res, err := runner.Run(cfg, seed, engine.Options{InertFaults: o.inertFaults, Spec: specFollower(t.spec), Steps: pulse.Steps()})
	var again engine.Result
	if err == nil && o.CheckDeterminism {
		again, _ = o.Protocol.Run(cfg, seed, engine.Options{InertFaults: o.inertFaults, Steps: pulse.Steps()})
	}
	if !pulse.End() {
		return 0, false, errAbandoned
	}
	if err != nil {
		return 0, false, &SeedError{Seed: seed, Err: err}
	}
	if o.CheckDeterminism && OutcomeHash(&again) != OutcomeHash(&res) {
		t.divergences = append(t.divergences, Divergence{Seed: seed, Detail: Diverge(o.Protocol, cfg, seed)})
	}
	if o.Outcomes != nil {
		o.Outcomes.add(NewOutcome(&res))
	}
	t.add(o.Protocol.Info(), cfg, seed, &res)
	if !res.Failed() {
		return res.Events, false, nil
	}
	f := Failure{
		Seed: seed, Violation: res.Violations[0], reproducer: NewReproducer(o.Protocol.Info(), cfg, &res),
		res:     engine.Result{Seed: seed, Violations: res.Violations[:1], Linearizability: res.Linearizability},
		outcome: OutcomeHash(&res),
	}
	if o.out != nil {
		f.Reproducer, err = o.out.writeReproducer(pendingDir, f.reproducer)
		f.setWriteError(err)
	}
	if o.afterFailure != nil {
		o.afterFailure(&f)
	}
	t.failures = append(t.failures, f)
	return res.Events, true, nil
}

// add counts a run of seed with configuration cfg.
func (t *tally) add(info *engine.Info, cfg engine.Config, seed uint64, res *engine.Result) {
	t.cover.add(info, cfg, res)
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
	if v := res.Linearizability; v != "" {
		t.linearizability[v]++
	} else {
		t.linearizability[Unchecked]++
	}
	if res.Service != nil {
		if t.service == nil {
			t.service = &ServiceTotals{}
		}
		t.service.add(res.Service, cfg.Nodes-len(res.LeftFaulty))
	}
}

// groupFailures makes s.Groups from s.Failures (sorted by seed): a group
// per signature, in the order of their lowest seeds, each with its seeds.
// A group's representative is the seed that failed soonest (fewest events,
// then lowest seed): the shortest trace to record and shrink. It returns
// the index in s.Failures of each group's representative.
func groupFailures(s *Summary) (reps []int) {
	s.Groups = []Group{}
	index := map[string]int{}
	for i := range s.Failures {
		f := &s.Failures[i]
		f.Signature = signature(&f.Violation)
		k, ok := index[f.Signature]
		if !ok {
			k = len(s.Groups)
			index[f.Signature] = k
			s.Groups = append(s.Groups, Group{Signature: f.Signature, Property: string(f.Violation.Property), Check: f.Violation.Check})
			reps = append(reps, i)
		}
		s.Groups[k].Seeds = append(s.Groups[k].Seeds, f.Seed)
		if f.Violation.Event < s.Failures[reps[k]].Violation.Event {
			reps[k] = i
		}
	}
	for k, i := range reps {
		s.Groups[k].Representative, s.Groups[k].Message = s.Failures[i].Seed, s.Failures[i].Violation.Message
	}
	return reps
}

// fileGroups moves every failure's reproducer into its group's folder and
// writes the groups' folders.
func fileGroups(o Options, s *Summary) {
	for i := range s.Failures {
		fileReproducer(o.out, &s.Failures[i])
	}
	for i := range s.Groups {
		if err := writeGroup(o.out, o.Protocol, &s.Groups[i]); err != nil {
			s.Groups[i].Dir, s.Groups[i].DirError = "", err.Error()
		}
	}
}

// fileReproducer moves f's reproducer from the ungrouped folder, where it
// was written as f failed, into its group's folder (where it cannot, it
// stays where it is); or writes it there, when writing it then failed.
func fileReproducer(out *outDir, f *Failure) {
	name := f.reproducer.fileName()
	if f.Reproducer != "" && f.ReproducerError == "" {
		if moved, err := out.move(filepath.Join(pendingDir, name), filepath.Join(f.Signature, name)); err == nil {
			f.Reproducer = moved
		}
		return
	}
	path, err := out.writeReproducer(f.Signature, f.reproducer)
	f.Reproducer = path
	f.setWriteError(err)
}

// setWriteError records why f's reproducer could not be written, if it
// could not.
func (f *Failure) setWriteError(err error) {
	f.ReproducerError = ""
	if err != nil {
		f.Reproducer, f.ReproducerError = "", err.Error()
	}
}

func merge(tallies []tally, o Options, workers int, wall time.Duration) Summary {
	s := Summary{
		Start: o.Start, Requested: o.Seeds, Workers: workers,
		ByProperty: map[string]int{}, Faults: map[string]int64{}, Stops: map[string]int{}, Linearizability: map[string]int{},
		Failures: []Failure{}, Nondeterministic: []Divergence{}, Swarm: o.Swarm,
	}
	var cover coverTally
	if o.Protocol.Info().Workload.Kind == engine.KeyValue {
		s.Service = &ServiceTotals{}
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
		for stop, n := range t.stops { // order-free: sums
			s.Stops[stop] += n
		}
		for v, n := range t.linearizability { // order-free: sums
			s.Linearizability[v] += n
		}
		if t.service != nil && s.Service != nil {
			s.Service.merge(t.service)
		}
		s.Failures = append(s.Failures, t.failures...)
		s.Nondeterministic = append(s.Nondeterministic, t.divergences...)
		cover.merge(&t.cover)
	}
	s.Coverage = cover.summary(o.Protocol.Info())
	for k, n := range faults {
		s.Faults[sim.FaultKind(k).String()] = n
	}
	sort.Slice(s.Failures, func(i, j int) bool { return s.Failures[i].Seed < s.Failures[j].Seed })
	sort.Slice(s.Nondeterministic, func(i, j int) bool { return s.Nondeterministic[i].Seed < s.Nondeterministic[j].Seed })
	for _, f := range s.Failures {
		s.ByProperty[string(f.Violation.Property)]++
	}
	s.Groups = []Group{}
	s.Violations = len(s.Failures)
	s.CoverageGaps = Gaps(&s)
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

// Diverge runs seed twice, keeping the rolling hash after every step and
// the readable trace, and describes the first event at which the runs
// differ, or says that they agree.
func Diverge(p *harness.Protocol, c engine.Config, seed uint64) string {
	type step struct {
		event int64
		hash  uint64
	}
	run := func() ([]step, []string) {
		var steps []step
		var readable strings.Builder
		p.Run(c, seed, engine.Options{Trace: &readable, OnEvent: func(event int64, hash uint64) {
			steps = append(steps, step{event, hash})
		}})
		return steps, strings.Split(readable.String(), "\n")
	}
	a, ta := run()
	b, tb := run()
	for i := 0; i < max(len(a), len(b)); i++ {
		if i < len(a) && i < len(b) && a[i] == b[i] {
			continue
		}
		event := int64(0)
		if i < len(a) {
			event = a[i].event
		} else {
			event = b[i].event
		}
		return fmt.Sprintf("first divergent event: #%d (step %d)\n  run 1: %s\n  run 2: %s",
			event, i+1, eventLine(ta, event), eventLine(tb, event))
	}
	return "the runs agree event by event: the difference did not recur"
}

// eventLine finds the readable trace line of event #n.
func eventLine(lines []string, n int64) string {
	tag := fmt.Sprintf(" #%d ", n)
	for _, l := range lines {
		if strings.HasPrefix(l, "t=") && strings.Contains(l, tag) {
			return l
		}
	}
	return "(no such event: the run ended before it)"
}
