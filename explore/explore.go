package explore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/internal/cputime"
)

// Strategy is the order in which states are explored.
type Strategy uint8

const (
	// BFS explores level by level, so the first violation found is at the
	// least depth: its trace is a shortest counterexample. Levels are
	// expanded in parallel.
	BFS Strategy = iota
	// DFS follows one path as deep as it goes before backtracking: less
	// memory than BFS's frontier, longer counterexamples. One goroutine.
	DFS
	// Random takes Options.Walks random walks (walk.go): a sample of the
	// states, as deep as MaxDepth, not all of them. One goroutine.
	Random
)

func (s Strategy) String() string {
	switch s {
	case DFS:
		return "dfs"
	case Random:
		return "random"
	}
	return "bfs"
}

// ParseStrategy reads "bfs", "dfs" or "random".
func ParseStrategy(s string) (Strategy, error) {
	switch s {
	case "bfs":
		return BFS, nil
	case "dfs":
		return DFS, nil
	case "random":
		return Random, nil
	}
	return 0, fmt.Errorf("unknown strategy %q (want bfs, dfs or random)", s)
}

// Options bound and tune a search.
type Options struct {
	Strategy Strategy
	// Symmetry dedups states by their canonical form under the model's
	// symmetry group: fewer states, the same verdicts.
	Symmetry bool
	// Exact keys the visited set by each state's full encoding instead of
	// its 128-bit fingerprint: no collision is possible, at several times
	// the memory. For small models and for checking the fingerprint.
	Exact bool
	// MaxStates stops the search after this many distinct states; 0 means
	// no bound. A search cut short reports Complete false.
	MaxStates int64
	// MaxDepth leaves states at this depth unexpanded (the initial state
	// is at depth 1); 0 means no bound.
	MaxDepth int
	// DeepenTo, with MaxDepth, makes MaxDepth the least depth bound: a BFS
	// goes on past it, level by level, while the next level is predicted
	// to keep the distinct states within DeepenTo (the last level's size
	// times its growth over the level before). A small state space is
	// then searched whole, and a large one to the depth that fits. The
	// prediction reads only level sizes, so the depth reached is a pure
	// function of the model. 0: MaxDepth alone bounds the depth.
	DeepenTo int64
	// ShallowTo, with MaxDepth, lets a BFS stop short of MaxDepth: at a
	// level whose next is predicted (as DeepenTo predicts) to take the
	// distinct states past ShallowTo, it stops as at MaxDepth (StopMaxDepth,
	// Result.Depth the level reached). A depth bound guessed too deep for
	// the model's states then ends in a search to the depth that fits, not
	// at the memory cap with no verdict. 0: none.
	ShallowTo int64
	// DeepenLimit, with DeepenTo, is the deepest level a search deepens
	// to, whatever the prediction: levels that stay small forever (a
	// counter in the state that grows without bound) would otherwise
	// deepen it for ever. 0: no limit.
	DeepenLimit int
	// POR expands each state by a persistent set of its steps, when the
	// model is a Reducer and has one, instead of by all of them: fewer
	// states, the same verdicts when the search is complete (por.go). A
	// state with a step of its set into a state of its own level or an
	// earlier one is expanded in full, so that no cycle is closed by
	// reduced expansions alone. BFS only.
	POR bool
	// Workers is how many goroutines expand a BFS level; 0 means
	// GOMAXPROCS. The result does not depend on it.
	Workers int
	// Walks and Seed, for Random: how many walks, and the seed walk w's
	// choices are drawn from (with w). Walks 0 means DefaultWalks; the
	// length of a walk is MaxDepth, 0 meaning DefaultWalkDepth.
	Walks int
	Seed  uint64
	// ForgetEvery makes Random call a Forgetter's Forget every so many
	// walks, besides when the heap passes a quarter of MaxMemory: the
	// verdict does not depend on it (tests check that). 0: the heap
	// alone decides.
	ForgetEvery int
	// MaxMemory stops the search, incomplete, once the heap passes this
	// many bytes (workers check it every thousand successors, the
	// admitting goroutine every few thousand states); 0 means
	// DefaultMaxMemory, and a cap past UsableMemory is UsableMemory. A
	// search always has a cap: better a partial answer than the
	// machine's OOM killer.
	MaxMemory int64
	// Context, when set, stops the search, incomplete (StopInterrupted),
	// once it is done: workers poll it as they poll the memory cap.
	Context context.Context
	// Progress, when set, is called with the counts so far about once a
	// second, and at the end of a BFS level at most ten times a second.
	Progress func(Progress)
	// Steps, when set, counts the states the search expands as it expands
	// them (every worker adds to it), and the chunks of a level it admits,
	// for a watchdog on another goroutine (package watchdog): a search
	// whose count stands still hangs in the model's code, a protocol's
	// handler that loops or blocks.
	Steps *atomic.Int64
	// now is the clock read for Elapsed and to pace Progress; nil means
	// the wall clock. Tests set it (export_test.go) to step time by hand.
	now func() time.Time
}

// Progress is a snapshot of a running search.
type Progress struct {
	Distinct, Generated int64
	Depth               int
	Queue               int // states waiting to be expanded
	Elapsed             time.Duration
}

// Verdicts of a search.
const (
	VerdictOK        = "ok"
	VerdictViolation = "violation"
)

// Result is the outcome of a search. Its counts follow TLC's: Distinct is
// the number of distinct states found, initial ones included; Generated
// counts the initial states and every successor the model emitted,
// duplicates and stuttering steps included; Depth is the length of the
// longest shortest path (BFS) or of the deepest path (DFS), the initial
// state at depth 1.
type Result[S any] struct {
	Verdict   string
	Distinct  int64
	Generated int64
	Depth     int
	// Reduced counts the states that POR expanded by a persistent set
	// smaller than all of their steps.
	Reduced int64
	// Walks is how many walks Random took, the one that failed included.
	Walks int
	// Complete is false when a bound (MaxStates, MaxDepth, MaxMemory) may
	// have left reachable states unexplored: an ok verdict then covers only
	// what was explored. It errs on the safe side: a search that hit a
	// bound just as it ran out of states reports false too.
	Complete bool
	// Stop names the bound that cut the search short: StopMaxStates,
	// StopMaxDepth or StopMaxMemory; "" when Complete.
	Stop string
	// Violation is what the model's Check reported for the bad state.
	Violation string
	// Path is the counterexample, from an initial state to the bad one,
	// and Labels[i] the step from Path[i] to Path[i+1].
	Path   []S
	Labels []string
	// Diverged reports that the path could not be rebuilt to the bad
	// state: taking its steps again from the initial state, the model
	// listed fewer successors of a state than the search had seen (a
	// model whose steps are not a function of its states). Path and
	// Labels then end at the last state rebuilt.
	Diverged bool
	// Collision estimates the probability that two distinct states shared
	// a fingerprint and one of them went unexplored; 0 with Exact.
	Collision float64
	Elapsed   time.Duration
	// CPUSeconds is the CPU time, user and system, the process used
	// during the search: on a shared machine, the figure to trust.
	CPUSeconds float64
	// BytesPerState is the memory the search keeps per distinct state
	// beyond its frontier: the growth of the live heap from its start to
	// its end (the frontier then empty) over Distinct. PeakHeap is the
	// largest heap (live and garbage) read while it ran, MaxMemory the cap.
	BytesPerState float64
	PeakHeap      int64
	MaxMemory     int64
}

// StatesPerSecond is the rate of distinct states found.
func (r *Result[S]) StatesPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Distinct) / r.Elapsed.Seconds()
}

// Why a search stopped before it ran out of states.
const (
	StopMaxStates = "max-states"
	StopMaxDepth  = "max-depth"
	StopMaxMemory = "max-memory"
	// StopInterrupted: Options.Context was done (the user pressed ^C).
	StopInterrupted = "interrupted"
	// StopWalks: Random took its walks, a sample of the states.
	StopWalks = "walks"
)

// Errors of Run.
var (
	// ErrNoInit is returned for a model without initial states.
	ErrNoInit = errors.New("explore: the model has no initial state")
	// ErrNoReducer is returned for Options.POR and a model that is not a
	// Reducer.
	ErrNoReducer = errors.New("explore: the model has no persistent sets: it cannot be searched with partial-order reduction")
	// ErrPORNeedsBFS is returned for Options.POR with another strategy.
	ErrPORNeedsBFS = errors.New("explore: partial-order reduction needs a breadth-first search")
)

// origin is how a distinct state was first reached: the id of its parent
// and the index of the successor it was among the parent's, or for an
// initial state parent -1 and its index in Init.
type origin struct {
	parent int32
	index  int32
}

// Run explores m within opts and returns the verdict and counts.
func Run[S any](m Model[S], opts Options) (Result[S], error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Exact {
		return run[S, string](m, opts, exactSet(), func(h *fingerprint.Hasher) string { return h.Words() })
	}
	return run[S, fingerprint.Key](m, opts, keySet(opts.Workers), func(h *fingerprint.Hasher) fingerprint.Key { return h.Sum() })
}

// search is one run of the explorer, generic over the visited set's key.
type search[S any, K comparable] struct {
	m      Model[S]
	retain func(S) S
	// probe: workers look a successor up in the visited set before
	// keeping it as a candidate. For a Retainer, whose candidates cost a
	// copy each; a value model's successors are rarely there (most
	// repeats are of states the same level found), and markFresh's add
	// looks anyway.
	probe bool
	// next is the model's NextStutters, or its Next.
	next func(s S, emit func(S), stutter func())
	// reducer is the model, with POR; nil without.
	reducer Reducer[S]
	// staller is the model, for a breadth-first search of a Staller; nil
	// otherwise (stalled.go).
	staller Staller[S]
	opts    Options
	key     func(*fingerprint.Hasher) K
	visited *visited[K]
	origins []origin
	res     Result[S]
	now     func() time.Time
	start   time.Time
	lastLog time.Time
	mem     *memoryCap
	// memCheck is the distinct count at which to read the heap next.
	memCheck int64
	// spare are candidate buffers of the last level, for the next.
	spare [][]candidate[S, K]
}

func run[S any, K comparable](m Model[S], opts Options, set *visited[K], key func(*fingerprint.Hasher) K) (Result[S], error) {
	s := &search[S, K]{m: m, opts: opts, key: key, visited: set, now: clock(opts), mem: newMemoryCap(opts.MaxMemory, opts.Context)}
	defer s.mem.release()
	live0, cpu0 := liveHeap(), cputime.Seconds()
	s.start = s.now()
	s.retain = func(st S) S { return st }
	if r, ok := m.(Retainer[S]); ok {
		s.retain, s.probe = r.Retain, true
	}
	s.next = func(st S, emit func(S), _ func()) { m.Next(st, emit) }
	if st, ok := m.(Stutterer[S]); ok {
		s.next = st.NextStutters
	}
	s.lastLog = s.start
	s.res.Verdict, s.res.Complete = VerdictOK, true
	if opts.POR {
		r, ok := m.(Reducer[S])
		switch {
		case !ok:
			return s.res, ErrNoReducer
		case opts.Strategy != BFS:
			return s.res, ErrPORNeedsBFS
		}
		s.reducer = r
	}
	if st, ok := m.(Staller[S]); ok && opts.Strategy == BFS {
		s.staller = st
	}
	init := m.Init()
	if len(init) == 0 {
		return s.res, ErrNoInit
	}
	if len(init) > 1<<30 {
		return s.res, fmt.Errorf("explore: %d initial states is too many", len(init))
	}
	var err error
	switch opts.Strategy {
	case DFS:
		err = s.dfs(init)
	case Random:
		err = s.walks(init)
	default:
		err = s.bfs(init)
	}
	s.spare = nil
	s.res.Elapsed = s.now().Sub(s.start)
	s.res.CPUSeconds = cputime.Seconds() - cpu0
	s.res.BytesPerState = float64(max(0, liveHeap()-live0)) / float64(max(1, s.res.Distinct))
	s.res.PeakHeap, s.res.MaxMemory = s.mem.peak.Load(), s.mem.limit
	runtime.KeepAlive(s)
	if !opts.Exact {
		s.res.Collision = fingerprint.Estimate(s.res.Distinct, s.res.Generated)
	}
	return s.res, err
}

// clock is what a search reads the time from: the wall clock unless the
// options carry another. Only Elapsed and the pacing of Progress read it:
// no count, path or verdict depends on it.
func clock(o Options) func() time.Time {
	if o.now != nil {
		return o.now
	}
	return time.Now
}

// item is a state waiting to be expanded.
type item[S any, K comparable] struct {
	s     S
	key   K // s's fingerprint: a step that leads back to s has it too
	id    int32
	depth int
}

// candidate is a successor that was not in the visited set when a worker
// found it.
// It holds no pointer but its state's (the collector need not scan a
// value model's candidates).
type candidate[S any, K comparable] struct {
	key    K
	s      S
	gen    int64 // the chunk's successors generated up to and including this one
	parent int32
	index  int32
	shard  int32 // the visited set's shard of key
	fresh  bool  // the first of the level with its key (markFresh)
	bad    bool  // Check found it bad (fresh ones only; admitLevel asks again why)
}

// admit adds a new state to the visited set, or reports it was there.
func (s *search[S, K]) admit(k K, parent, index int32) (int32, bool) {
	if !s.visited.add(k) {
		return 0, false
	}
	return s.record(parent, index), true
}

// record numbers a state just added to the visited set.
func (s *search[S, K]) record(parent, index int32) int32 {
	if len(s.origins) >= 1<<31-1 {
		panic("explore: more than 2^31 distinct states")
	}
	id := int32(len(s.origins))
	s.origins = append(s.origins, origin{parent, index})
	s.res.Distinct++
	return id
}

// full reports, and records, that MaxStates is reached.
func (s *search[S, K]) full() bool {
	if s.opts.MaxStates > 0 && s.res.Distinct >= s.opts.MaxStates {
		s.cut(StopMaxStates)
		return true
	}
	return false
}

// mustStop reports, and records, that the heap passed the memory cap or
// the caller's context is done; it reads them only every 4096 distinct
// states, but learns at once of a worker that saw one.
func (s *search[S, K]) mustStop() bool {
	if !s.mem.over.Load() && !s.mem.interrupted.Load() && s.res.Distinct < s.memCheck {
		return false
	}
	s.memCheck = s.res.Distinct + 4096
	if s.mem.halted() {
		s.cut(s.mem.why())
		return true
	}
	return false
}

// cut records that a bound left the search incomplete. The depth bound
// prunes paths and lets the search go on; the others end it, so one of
// them that comes later is what Stop names: a search that the state cap
// ended is no pass within the depth bound.
func (s *search[S, K]) cut(why string) {
	s.res.Complete = false
	if s.res.Stop == "" || s.res.Stop == StopMaxDepth {
		s.res.Stop = why
	}
}

// seed admits the initial states; it returns those to expand, or false
// when one of them is bad.
func (s *search[S, K]) seed(init []S) ([]item[S, K], bool) {
	h := fingerprint.New(s.opts.Exact)
	var out []item[S, K]
	s.res.Depth = 1
	for i, st := range init {
		s.res.Generated++
		h.Reset()
		s.m.Fingerprint(h, st, s.opts.Symmetry)
		k := s.key(h)
		id, fresh := s.admit(k, -1, int32(i))
		if !fresh {
			continue
		}
		if bad := s.m.Check(st); bad != "" {
			s.fail(id, bad)
			return nil, false
		}
		out = append(out, item[S, K]{st, k, id, 1})
	}
	return out, true
}

// bfs expands the frontier a level at a time: workers expand chunks of it
// in parallel against the visited set as it was at the level's start, then
// one goroutine admits their candidates in frontier order, so that ids,
// counts and the counterexample do not depend on the number of workers.
func (s *search[S, K]) bfs(init []S) error {
	level, ok := s.seed(init)
	if !ok {
		return nil
	}
	workers := make([]worker[K], s.opts.Workers)
	for i := range workers {
		workers[i] = worker[K]{fingerprint.New(s.opts.Exact), s.visited.newSet()}
	}
	prev := 0
	for depth := 1; len(level) > 0; depth++ {
		if s.depthBound(depth, len(level), prev) {
			s.cut(StopMaxDepth)
			return nil
		}
		prev = len(level)
		for _, w := range workers {
			w.seen.clear()
		}
		chunks := s.expandLevel(level, workers)
		if s.mustStop() { // a worker stopped: the level is not whole
			for _, c := range chunks {
				s.res.Generated += c.generated
			}
			return nil
		}
		if s.failStalled(chunks) {
			return nil
		}
		next, done := s.admitLevel(chunks, depth)
		s.recycle(chunks)
		if done {
			return nil
		}
		level = next
		s.progress(len(level), true)
	}
	return nil
}

// depthBound reports whether the level at depth, of size states (after
// one of prev), stays unexpanded: MaxDepth reached, and, with DeepenTo,
// the next level predicted not to fit; or, with ShallowTo, MaxDepth not
// reached but the next level predicted not to fit.
func (s *search[S, K]) depthBound(depth, size, prev int) bool {
	if s.opts.MaxDepth > 0 && depth < s.opts.MaxDepth && s.opts.ShallowTo > 0 && prev > 0 {
		growth := float64(size) / float64(prev)
		return float64(s.res.Distinct)+float64(size)*growth > float64(s.opts.ShallowTo)
	}
	if s.opts.MaxDepth == 0 || depth < s.opts.MaxDepth {
		return false
	}
	if s.opts.DeepenTo == 0 || (s.opts.DeepenLimit > 0 && depth >= s.opts.DeepenLimit) {
		return true
	}
	growth := float64(size) / float64(max(prev, 1))
	return float64(s.res.Distinct)+float64(size)*growth > float64(s.opts.DeepenTo)
}

// admitLevel admits the states a level's chunks found, in frontier order,
// and returns the next level; done when the search ends there (a
// violation, or a bound).
func (s *search[S, K]) admitLevel(chunks []chunk[S, K], depth int) (next []item[S, K], done bool) {
	next = make([]item[S, K], 0, s.markFresh(chunks))
	for _, c := range chunks {
		for i := range c.out {
			cand := &c.out[i]
			if !cand.fresh {
				continue
			}
			id := s.record(cand.parent, cand.index)
			s.res.Depth = depth + 1
			if cand.bad {
				// Count as a one-worker BFS that stops here would,
				// as TLC does: the successors generated so far.
				s.res.Generated += cand.gen
				s.fail(id, s.m.Check(cand.s))
				return nil, true
			}
			next = append(next, item[S, K]{cand.s, cand.key, id, depth + 1})
			if s.full() || s.mustStop() {
				s.res.Generated += cand.gen
				return nil, true
			}
		}
		s.res.Generated += c.generated
		s.res.Reduced += c.reduced
	}
	return next, false
}

// recycle keeps the candidate buffers of chunks for the next level's.
func (s *search[S, K]) recycle(chunks []chunk[S, K]) {
	for _, c := range chunks {
		clear(c.out) // let go of the states the level did not keep
		s.spare = append(s.spare, c.out[:0])
	}
}

// markFresh adds the level's candidates to the visited set, one goroutine
// per shard, each in frontier order, and marks the first of each key:
// the states the level found, which it checks. It returns how many there
// are.
func (s *search[S, K]) markFresh(chunks []chunk[S, K]) int {
	shards := s.visited.shards
	found := make([]int, len(shards))
	mark := func(shard int) {
		set := shards[shard]
		for ci := range chunks {
			out := chunks[ci].out
			for i := range out {
				if c := &out[i]; int(c.shard) == shard && set.add(c.key) {
					c.fresh, c.bad = true, s.m.Check(c.s) != ""
					found[shard]++
				}
			}
			s.beat() // admitting a level's chunk is progress too (Options.Steps)
		}
	}
	if len(shards) == 1 {
		mark(0)
		return found[0]
	}
	var wg sync.WaitGroup
	for shard := range shards {
		wg.Go(func() { mark(shard) })
	}
	wg.Wait()
	total := 0
	for _, n := range found {
		total += n
	}
	return total
}

// chunk is a slice of a level expanded by one worker.
type chunk[S any, K comparable] struct {
	items     []item[S, K]
	out       []candidate[S, K]
	generated int64
	reduced   int64           // states expanded by a persistent set (POR)
	held      []pending[S, K] // expandReduced's successors, kept back
	stuck     stuck           // the first of its items that Staller judged stalled
}

const chunkSize = 256

// worker is what one goroutine expanding a level works with: its hasher,
// and the keys its chunks of the level found (a state it reaches twice is
// a candidate once). A worker takes its chunks in frontier order, so the
// first of a level's successors with a key, the one markFresh keeps, is
// always a candidate. For a Retainer, whose candidates cost a copy each,
// the keys are those of all its chunks of the level; for a value model,
// those of the chunk at hand: a set that stays in the cache, where one of
// a whole level of millions of states would not, and markFresh drops the
// other repeats anyway.
type worker[K comparable] struct {
	h    *fingerprint.Hasher
	seen set[K]
}

func (s *search[S, K]) expandLevel(level []item[S, K], workers []worker[K]) []chunk[S, K] {
	chunks := make([]chunk[S, K], (len(level)+chunkSize-1)/chunkSize)
	for i := range chunks {
		chunks[i].items = level[i*chunkSize : min((i+1)*chunkSize, len(level))]
		if n := len(s.spare); n > 0 {
			chunks[i].out, s.spare = s.spare[n-1], s.spare[:n-1]
		}
	}
	var next atomic.Int64
	work := func(w worker[K]) {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(chunks) {
				return
			}
			s.expandChunk(&chunks[i], w)
		}
	}
	if len(workers) == 1 || len(chunks) == 1 {
		work(workers[0])
		return chunks
	}
	var wg sync.WaitGroup
	for _, w := range workers[:min(len(workers), len(chunks))] {
		wg.Go(func() { work(w) })
	}
	wg.Wait()
	return chunks
}

// expandChunk runs in a worker: the visited set is only read while
// workers run.
func (s *search[S, K]) expandChunk(c *chunk[S, K], w worker[K]) {
	h, seen := w.h, w.seen
	var it item[S, K]
	var index int32
	var moved bool // some step of it leads elsewhere
	emit := func(next S) {
		c.generated++
		h.Reset()
		s.m.Fingerprint(h, next, s.opts.Symmetry)
		k := s.key(h)
		moved = moved || k != it.key
		if !seen.lookup(k) {
			if shard, old := s.visited.find(k, s.probe); !old {
				seen.add(k)
				c.out = append(c.out, candidate[S, K]{key: k, s: s.retain(next), parent: it.id, index: index, gen: c.generated, shard: shard})
			}
		}
		index++
	}
	stutter := func() { // the parent, visited
		c.generated++
		index++
	}
	if !s.probe {
		seen.clear()
	}
	for i := range c.items {
		if i%64 == 0 && s.mem.halted() {
			return
		}
		it, index, moved = c.items[i], 0, false
		s.beat()
		if s.reducer != nil && s.expandReduced(c, w, it) {
			continue
		}
		s.next(it.s, emit, stutter)
		if !moved && s.staller != nil && c.stuck.why == "" {
			c.stuck = s.stalled(it, c.generated)
		}
	}
}

// dfs explores depth first from a stack; a state is admitted when pushed.
func (s *search[S, K]) dfs(init []S) error {
	stack, ok := s.seed(init)
	if !ok {
		return nil
	}
	for i, j := 0, len(stack)-1; i < j; i, j = i+1, j-1 {
		stack[i], stack[j] = stack[j], stack[i]
	}
	h := fingerprint.New(s.opts.Exact)
	var kids []item[S, K]
	expanded := 0
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.opts.MaxDepth > 0 && it.depth >= s.opts.MaxDepth {
			s.cut(StopMaxDepth)
			continue
		}
		kids = kids[:0]
		s.beat()
		var index int32
		failed := false
		stutter := func() { s.res.Generated++; index++ }
		s.next(it.s, func(next S) {
			s.res.Generated++
			i := index
			index++
			if failed || s.full() {
				return
			}
			h.Reset()
			s.m.Fingerprint(h, next, s.opts.Symmetry)
			k := s.key(h)
			id, fresh := s.admit(k, it.id, i)
			if !fresh {
				return
			}
			s.res.Depth = max(s.res.Depth, it.depth+1)
			if bad := s.m.Check(next); bad != "" {
				s.fail(id, bad)
				failed = true
				return
			}
			kids = append(kids, item[S, K]{s.retain(next), k, id, it.depth + 1})
		}, stutter)
		if failed {
			return nil
		}
		for i := len(kids) - 1; i >= 0; i-- { // the first successor goes first
			stack = append(stack, kids[i])
		}
		if s.full() || s.mustStop() {
			return nil
		}
		if expanded++; expanded&0x3ff == 0 {
			s.progress(len(stack), false)
		}
	}
	return nil
}

// beat counts a state expanded in Options.Steps, if set.
func (s *search[S, K]) beat() {
	if s.opts.Steps != nil {
		s.opts.Steps.Add(1)
	}
}

func (s *search[S, K]) progress(queue int, force bool) {
	if s.opts.Progress == nil {
		return
	}
	now := s.now()
	if since := now.Sub(s.lastLog); since < 100*time.Millisecond || (!force && since < time.Second) {
		return
	}
	s.lastLog = now
	s.opts.Progress(Progress{Distinct: s.res.Distinct, Generated: s.res.Generated, Depth: s.res.Depth, Queue: queue, Elapsed: now.Sub(s.start)})
}

// fail records the violation of state id and rebuilds the path to it by
// running the model forward from the initial state along the recorded
// successor indices.
func (s *search[S, K]) fail(id int32, bad string) {
	s.res.Verdict, s.res.Violation = VerdictViolation, bad
	var steps []int32
	for {
		o := s.origins[id]
		if o.parent < 0 {
			steps = append(steps, o.index)
			break
		}
		steps = append(steps, o.index)
		id = o.parent
	}
	init := s.m.Init()
	cur := init[steps[len(steps)-1]]
	s.res.Path = append(s.res.Path, cur)
	for i := len(steps) - 2; i >= 0; i-- {
		want, reduced := steps[i]&^reducedIndex, steps[i]&reducedIndex != 0
		var index int32
		var next S
		take := func(n S) {
			if index == want {
				next = s.retain(n)
			}
			index++
		}
		stutter := func() {
			if index == want {
				next = cur
			}
			index++
		}
		s.beat()
		if reduced {
			s.reducer.NextPersistent(cur, take, stutter)
		} else {
			s.next(cur, take, stutter)
		}
		if index <= want {
			s.res.Diverged = true
			return
		}
		if reduced {
			s.res.Labels = append(s.res.Labels, s.reducer.LabelPersistent(cur, int(want)))
		} else {
			s.res.Labels = append(s.res.Labels, s.m.Label(cur, int(want)))
		}
		cur = next
		s.res.Path = append(s.res.Path, cur)
	}
}
