package explore_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
)

// pt is a state of the grid model: a point of {0..n}².
type pt struct{ x, y int }

// grid is a toy model whose counts can be worked out by hand: a point in
// {0..n}² that steps, in this order, right ("x"), up ("y"), diagonally
// ("xy", when both can move) and, at the far corner (n, n) only, stays
// where it is ("stay", a stuttering step). A state's depth is then
// max(x, y)+1 along a shortest path (the diagonal) but up to x+y+1 along
// the path a depth-first search takes (right first).
//
// With symmetry, (x, y) and (y, x) share a fingerprint (the grid and its
// actions are symmetric under swapping the axes). Check reports the points
// of bad, so a violation is at a known least depth.
type grid struct {
	n    int
	init []pt
	bad  []pt
	tick func() // called in every Next: a test's clock steps there
}

var gridActions = []string{"x", "y", "xy", "stay"}

func (g *grid) Init() []pt { return g.init }

// moves lists the enabled actions of p, as indices into gridActions.
func (g *grid) moves(p pt) []int {
	var out []int
	if p.x < g.n {
		out = append(out, 0)
	}
	if p.y < g.n {
		out = append(out, 1)
	}
	if p.x < g.n && p.y < g.n {
		out = append(out, 2)
	}
	if p.x == g.n && p.y == g.n {
		out = append(out, 3)
	}
	return out
}

func apply(p pt, action int) pt {
	switch gridActions[action] {
	case "x":
		p.x++
	case "y":
		p.y++
	case "xy":
		p.x++
		p.y++
	}
	return p
}

func (g *grid) Next(p pt, emit func(pt)) {
	if g.tick != nil {
		g.tick()
	}
	for _, a := range g.moves(p) {
		emit(apply(p, a))
	}
}

func (g *grid) Check(p pt) string {
	if slices.Contains(g.bad, p) {
		return fmt.Sprintf("reached %v", p)
	}
	return ""
}

func (g *grid) Fingerprint(h *fingerprint.Hasher, p pt, symmetry bool) {
	if symmetry && p.y < p.x {
		p.x, p.y = p.y, p.x
	}
	h.Int(int64(p.x))
	h.Int(int64(p.y))
}

func (g *grid) Label(p pt, i int) string { return gridActions[g.moves(p)[i]] }

func newGrid(n int, bad ...pt) *grid { return &grid{n: n, init: []pt{{0, 0}}, bad: bad} }

// pgrid is grid with pointer states emitted from one scratch value per
// call of Next, which it scribbles over after every emit: an explorer that
// keeps an emitted state without Retain keeps garbage. It counts Retains.
type pgrid struct {
	g       *grid
	retains atomic.Int64
}

func (m *pgrid) Init() []*pt {
	var out []*pt
	for _, p := range m.g.init {
		out = append(out, &p)
	}
	return out
}

func (m *pgrid) Next(p *pt, emit func(*pt)) {
	scratch := new(pt)
	for _, a := range m.g.moves(*p) {
		*scratch = apply(*p, a)
		emit(scratch)
		*scratch = pt{-1000, -1000} // valid only until emit returns
	}
}

func (m *pgrid) Check(p *pt) string { return m.g.Check(*p) }
func (m *pgrid) Fingerprint(h *fingerprint.Hasher, p *pt, symmetry bool) {
	m.g.Fingerprint(h, *p, symmetry)
}
func (m *pgrid) Label(p *pt, i int) string { return m.g.Label(*p, i) }
func (m *pgrid) Retain(p *pt) *pt {
	m.retains.Add(1)
	c := *p
	return &c
}

// counts is the part of a Result that must not depend on how it was
// computed.
type counts struct {
	Verdict             string
	Distinct, Generated int64
	Depth               int
	Complete            bool
	Violation           string
}

func countsOf[S any](r explore.Result[S]) counts {
	return counts{r.Verdict, r.Distinct, r.Generated, r.Depth, r.Complete, r.Violation}
}

func run[S any](t *testing.T, m explore.Model[S], opts explore.Options) explore.Result[S] {
	t.Helper()
	r, err := explore.Run(m, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

// checkPath checks that a counterexample starts at an initial state, that
// each label is the step Next takes to the next state, and that it ends at
// a state Check rejects with the reported violation.
func checkPath(t *testing.T, g *grid, r explore.Result[pt]) {
	t.Helper()
	if r.Verdict != explore.VerdictViolation {
		t.Fatalf("verdict %q, want a violation", r.Verdict)
	}
	if len(r.Path) == 0 || len(r.Labels) != len(r.Path)-1 {
		t.Fatalf("path of %d states with %d labels", len(r.Path), len(r.Labels))
	}
	if !slices.Contains(g.init, r.Path[0]) {
		t.Fatalf("path starts at %v, not an initial state", r.Path[0])
	}
	for i, l := range r.Labels {
		a := slices.Index(gridActions, l)
		if a < 0 || !slices.Contains(g.moves(r.Path[i]), a) {
			t.Fatalf("step %d: %q is not enabled at %v", i, l, r.Path[i])
		}
		if got := apply(r.Path[i], a); got != r.Path[i+1] {
			t.Fatalf("step %d: %q from %v leads to %v, the path says %v", i, l, r.Path[i], got, r.Path[i+1])
		}
	}
	last := r.Path[len(r.Path)-1]
	if v := g.Check(last); v == "" || v != r.Violation {
		t.Fatalf("path ends at %v (Check %q), violation %q", last, v, r.Violation)
	}
	for _, p := range r.Path[:len(r.Path)-1] {
		if g.Check(p) != "" {
			t.Fatalf("path goes through the bad state %v before its end", p)
		}
	}
}

// The 5×5 grid (n = 4) by hand: 25 states. Successors: "x" from the 20
// points with x < 4, "y" from 20, "xy" from the 16 with both < 4, "stay"
// from (4, 4): 57 and the initial state, 58 generated. The far corner is
// 4 diagonal steps away: depth 5.
//
// With symmetry the 15 points x <= y stand for their orbits; a search keeps
// whichever member it meets first, which has the same successor count: "x"
// from the 14 with x < 4, "y" and "xy" from the 10 with y < 4, "stay" from
// (4, 4): 35 and the initial state, 36 generated.
func TestGridCounts(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts explore.Options
		want counts
	}{
		{"bfs", explore.Options{}, counts{"ok", 25, 58, 5, true, ""}},
		{"bfs/exact", explore.Options{Exact: true}, counts{"ok", 25, 58, 5, true, ""}},
		{"bfs/symmetry", explore.Options{Symmetry: true}, counts{"ok", 15, 36, 5, true, ""}},
		{"bfs/symmetry/exact", explore.Options{Symmetry: true, Exact: true}, counts{"ok", 15, 36, 5, true, ""}},
		// Depth first, right first: (0,0) (1,0) (2,0) (3,0) (4,1) (4,2)
		// (4,3) (4,4) is the deepest path, (4,1) being a successor of
		// (3,0) pushed before (4,0) was expanded: depth 8.
		{"dfs", explore.Options{Strategy: explore.DFS}, counts{"ok", 25, 58, 8, true, ""}},
		{"dfs/exact", explore.Options{Strategy: explore.DFS, Exact: true}, counts{"ok", 25, 58, 8, true, ""}},
		// A bound past the last level changes nothing.
		{"bfs/max-depth-6", explore.Options{MaxDepth: 6}, counts{"ok", 25, 58, 5, true, ""}},
		{"bfs/max-states-25", explore.Options{MaxStates: 26}, counts{"ok", 25, 58, 5, true, ""}},
		// MaxDepth 3 leaves the 5 states of depth 3 unexpanded: the 1+3+5
		// of depths 1 to 3 and the 1+3+9 generated expanding depths 1
		// and 2.
		{"bfs/max-depth-3", explore.Options{MaxDepth: 3}, counts{"ok", 9, 13, 3, false, ""}},
		// MaxStates 10 stops at the 10th state, (3,0), the first
		// successor of (2,0), the first state of depth 3.
		{"bfs/max-states-10", explore.Options{MaxStates: 10}, counts{"ok", 10, 14, 4, false, ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run[pt](t, newGrid(4), tc.opts)
			if got := countsOf(r); got != tc.want {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
			if r.Path != nil || r.Labels != nil {
				t.Fatalf("an ok search has a path: %v %v", r.Path, r.Labels)
			}
			switch {
			case tc.opts.Exact && r.Collision != 0:
				t.Fatalf("exact search: collision estimate %g, want 0", r.Collision)
			case !tc.opts.Exact && r.Collision != fingerprint.Estimate(r.Distinct, r.Generated):
				t.Fatalf("collision estimate %g, want Estimate(%d, %d)", r.Collision, r.Distinct, r.Generated)
			}
		})
	}
}

// TestGridDFSBounds: depth-first bounds leave states out and say so.
func TestGridDFSBounds(t *testing.T) {
	r := run[pt](t, newGrid(4), explore.Options{Strategy: explore.DFS, MaxDepth: 3})
	if r.Complete || r.Depth != 3 || r.Distinct >= 25 || r.Verdict != explore.VerdictOK {
		t.Fatalf("dfs max-depth 3: %+v", countsOf(r))
	}
	r = run[pt](t, newGrid(4), explore.Options{Strategy: explore.DFS, MaxStates: 10})
	if r.Complete || r.Distinct != 10 || r.Verdict != explore.VerdictOK {
		t.Fatalf("dfs max-states 10: %+v", countsOf(r))
	}
	// Both: the depth bound prunes first (the path to (3,0) reaches depth
	// 4 before the 10th state), then the state bound ends the search with
	// states within depth 4 unseen. The stop is the state bound's: a
	// search stopped by it is no pass within the depth bound (paxsim
	// check reported "every state within depth D is safe" for it).
	r = run[pt](t, newGrid(4), explore.Options{Strategy: explore.DFS, MaxDepth: 4, MaxStates: 10})
	if r.Complete || r.Distinct != 10 || r.Stop != explore.StopMaxStates {
		t.Fatalf("dfs max-depth 4, max-states 10: stop %q, %+v", r.Stop, countsOf(r))
	}
	// Neither bound hides a violation within it.
	r = run[pt](t, newGrid(4, pt{1, 1}), explore.Options{Strategy: explore.DFS, MaxDepth: 3})
	if r.Verdict != explore.VerdictViolation {
		t.Fatalf("dfs max-depth 3 misses (1,1): %+v", countsOf(r))
	}
}

// TestGridViolation: breadth first, the counterexample to (3,1) is a
// shortest path (3 steps: depth 4) and the first one in BFS order:
//
//	depth 2: (1,0) (0,1) (1,1)             3 generated
//	depth 3: (2,0) (2,1) (0,2) (1,2) (2,2) 9 generated
//	depth 4: (3,0), then (3,1) from (2,0)  3 generated
//
// 11 distinct and 1+3+9+3 = 16 generated when it stops. Depth first, right
// first, it stops at the same point, after expanding (0,0) (1,0) (2,0) only:
// 1+3+2+2 = 8 distinct, 1+3+3+3 = 10 generated.
//
// (3,4) is 4 steps away (3 diagonal, one up); depth first reaches it from
// (3,1) by way of (3,2) and (3,3), after the branch (3,0) (4,0) (4,1) ...
// (4,4): a path of 7 states.
func TestGridViolation(t *testing.T) {
	g := newGrid(4, pt{3, 1})
	bfs := run[pt](t, g, explore.Options{})
	checkPath(t, g, bfs)
	if want := (counts{"violation", 11, 16, 4, true, "reached {3 1}"}); countsOf(bfs) != want {
		t.Fatalf("bfs: got %+v\nwant %+v", countsOf(bfs), want)
	}
	if want := []pt{{0, 0}, {1, 0}, {2, 0}, {3, 1}}; !slices.Equal(bfs.Path, want) {
		t.Fatalf("bfs path %v, want %v", bfs.Path, want)
	}
	if want := []string{"x", "x", "xy"}; !slices.Equal(bfs.Labels, want) {
		t.Fatalf("bfs labels %q, want %q", bfs.Labels, want)
	}
	if len(bfs.Path) != bfs.Depth {
		t.Fatalf("bfs: path of %d states at depth %d", len(bfs.Path), bfs.Depth)
	}
	dfs := run[pt](t, g, explore.Options{Strategy: explore.DFS})
	checkPath(t, g, dfs)
	if want := (counts{"violation", 8, 10, 4, true, "reached {3 1}"}); countsOf(dfs) != want || !slices.Equal(dfs.Path, bfs.Path) {
		t.Fatalf("dfs: got %+v, path %v\nwant %+v, path %v", countsOf(dfs), dfs.Path, want, bfs.Path)
	}

	g = newGrid(4, pt{3, 4})
	bfs = run[pt](t, g, explore.Options{})
	dfs = run[pt](t, g, explore.Options{Strategy: explore.DFS})
	checkPath(t, g, bfs)
	checkPath(t, g, dfs)
	if len(bfs.Path) != 5 || bfs.Depth != 5 {
		t.Fatalf("bfs to (3,4): path %v at depth %d, want 5 states", bfs.Path, bfs.Depth)
	}
	if want := []pt{{0, 0}, {1, 0}, {2, 0}, {3, 1}, {3, 2}, {3, 3}, {3, 4}}; !slices.Equal(dfs.Path, want) {
		t.Fatalf("dfs to (3,4): path %v, want %v", dfs.Path, want)
	}
}

// TestInitialViolation: a bad initial state is a counterexample of one
// state and no step.
func TestInitialViolation(t *testing.T) {
	for _, s := range []explore.Strategy{explore.BFS, explore.DFS} {
		g := &grid{n: 4, init: []pt{{0, 0}, {1, 1}}, bad: []pt{{1, 1}}}
		r := run[pt](t, g, explore.Options{Strategy: s})
		checkPath(t, g, r)
		if want := (counts{"violation", 2, 2, 1, true, "reached {1 1}"}); countsOf(r) != want || len(r.Path) != 1 || r.Path[0] != (pt{1, 1}) {
			t.Fatalf("%s: got %+v, path %v", s, countsOf(r), r.Path)
		}
	}
}

// TestDuplicateInitialStates: initial states are generated states, counted
// once each when distinct.
func TestDuplicateInitialStates(t *testing.T) {
	g := &grid{n: 4, init: []pt{{0, 0}, {0, 0}, {4, 4}}}
	for _, s := range []explore.Strategy{explore.BFS, explore.DFS} {
		r := run[pt](t, g, explore.Options{Strategy: s})
		if r.Distinct != 25 || r.Generated != 58+2 {
			t.Fatalf("%s: %+v, want 25 distinct and 60 generated", s, countsOf(r))
		}
	}
}

// TestWorkersDoNotChangeTheResult: BFS levels of up to 2n+1 = 521 states
// are expanded in parallel chunks; counts, counterexample and labels must be
// those of one worker. The bad state is reached first from the middle of a
// level, so the path picks one of many shortest paths.
func TestWorkersDoNotChangeTheResult(t *testing.T) {
	const n = 260
	cases := []struct {
		name string
		bad  []pt
	}{
		{"ok", nil},
		{"violation", []pt{{220, 150}, {150, 220}}},
	}
	for _, tc := range cases {
		for _, sym := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/symmetry=%v", tc.name, sym), func(t *testing.T) {
				var base explore.Result[pt]
				for i, w := range []int{1, 2, 4, 8} {
					g := newGrid(n, tc.bad...)
					r := run[pt](t, g, explore.Options{Workers: w, Symmetry: sym})
					if i == 0 {
						base = r
						if tc.bad == nil && !sym && r.Distinct != (n+1)*(n+1) {
							t.Fatalf("%d distinct, want %d", r.Distinct, (n+1)*(n+1))
						}
						if tc.bad != nil {
							checkPath(t, g, r)
							if r.Depth != 221 || len(r.Path) != 221 {
								t.Fatalf("violation at depth %d with a path of %d, want 221", r.Depth, len(r.Path))
							}
						}
						continue
					}
					if countsOf(r) != countsOf(base) {
						t.Fatalf("workers=%d: %+v\nworkers=1: %+v", w, countsOf(r), countsOf(base))
					}
					if !slices.Equal(r.Path, base.Path) || !slices.Equal(r.Labels, base.Labels) {
						t.Fatalf("workers=%d: another counterexample than one worker's", w)
					}
				}
			})
		}
	}
}

// TestRetainer: a model that emits one scratch value, overwritten after
// each emit, is explored as its value twin is: the explorer retains what
// it keeps (and only new states: never more than it generated).
func TestRetainer(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		bad  []pt
		opts explore.Options
	}{
		{"bfs", 4, nil, explore.Options{}},
		{"bfs/violation", 4, []pt{{3, 1}}, explore.Options{}},
		{"dfs", 4, nil, explore.Options{Strategy: explore.DFS}},
		{"dfs/violation", 4, []pt{{3, 4}}, explore.Options{Strategy: explore.DFS}},
		{"bfs/workers", 300, []pt{{250, 180}}, explore.Options{Workers: 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGrid(tc.n, tc.bad...)
			want := run[pt](t, g, tc.opts)
			m := &pgrid{g: g}
			got := run[*pt](t, m, tc.opts)
			if countsOf(got) != countsOf(want) {
				t.Fatalf("pointer model: %+v\nvalue model: %+v", countsOf(got), countsOf(want))
			}
			if len(got.Path) != len(want.Path) {
				t.Fatalf("path of %d states, want %d", len(got.Path), len(want.Path))
			}
			for i, p := range got.Path {
				if *p != want.Path[i] {
					t.Fatalf("path[%d] = %v, want %v (an unretained scratch state?)", i, *p, want.Path[i])
				}
				for _, q := range got.Path[:i] {
					if p == q {
						t.Fatalf("path[%d] aliases an earlier state", i)
					}
				}
			}
			if !slices.Equal(got.Labels, want.Labels) {
				t.Fatalf("labels %q, want %q", got.Labels, want.Labels)
			}
			// Every state kept but the initial ones is retained; a
			// complete search retains no more than it generated (a
			// violation found by BFS ends a level that its workers
			// expanded whole, and the path is retained again).
			n := m.retains.Load()
			if n < got.Distinct-1 || (got.Verdict == explore.VerdictOK && n > got.Generated) {
				t.Fatalf("%d retains for %d distinct and %d generated states", n, got.Distinct, got.Generated)
			}
		})
	}
}

// noInit has no initial state.
type noInit struct{ grid }

func (*noInit) Init() []pt { return nil }

func TestNoInit(t *testing.T) {
	for _, s := range []explore.Strategy{explore.BFS, explore.DFS} {
		_, err := explore.Run[pt](&noInit{}, explore.Options{Strategy: s})
		if !errors.Is(err, explore.ErrNoInit) {
			t.Fatalf("%s: err %v, want ErrNoInit", s, err)
		}
	}
}

func TestParseStrategy(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want explore.Strategy
		ok   bool
	}{
		{"bfs", explore.BFS, true},
		{"dfs", explore.DFS, true},
		{"random", explore.Random, true},
		{"BFS", 0, false},
		{"", 0, false},
		{"dfs ", 0, false},
		{"breadth", 0, false},
	} {
		got, err := explore.ParseStrategy(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseStrategy(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tc.in)
		}
	}
}

// TestProgress: BFS reports at the end of a level (at most ten times a
// second), with counts that grow to the result's. On the 2×2 grid, whose
// every expansion takes 110ms, that is after the first level (3 states to
// expand next) and after the second (none).
// TestProgress steps the explorer's clock by hand: each Next of the grid
// takes step. A BFS level's end reports when 100 ms have passed since the
// last report, so the reports and their Elapsed follow from step alone.
// newGrid(1) expands one state in level 1 and three in level 2.
func TestProgress(t *testing.T) {
	for _, tc := range []struct {
		step time.Duration
		want []explore.Progress
	}{
		{step: 0}, // no time passes: no report
		{step: 30 * time.Millisecond, want: []explore.Progress{ // 30 ms after level 1, 120 after level 2
			{Distinct: 4, Generated: 7, Depth: 2, Queue: 0, Elapsed: 120 * time.Millisecond},
		}},
		{step: 110 * time.Millisecond, want: []explore.Progress{
			{Distinct: 4, Generated: 4, Depth: 2, Queue: 3, Elapsed: 110 * time.Millisecond},
			{Distinct: 4, Generated: 7, Depth: 2, Queue: 0, Elapsed: 440 * time.Millisecond},
		}},
	} {
		var elapsed atomic.Int64
		var mu sync.Mutex
		var got []explore.Progress
		opts := explore.Options{Progress: func(p explore.Progress) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, p)
		}}
		start := time.Unix(1e9, 0)
		opts = explore.WithClock(opts, func() time.Time { return start.Add(time.Duration(elapsed.Load())) })
		g := newGrid(1)
		g.tick = func() { elapsed.Add(int64(tc.step)) }
		r := run[pt](t, g, opts)
		if want := (counts{"ok", 4, 7, 2, true, ""}); countsOf(r) != want {
			t.Fatalf("step %v: got %+v, want %+v", tc.step, countsOf(r), want)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("step %v: reports %+v, want %+v", tc.step, got, tc.want)
		}
		if want := 4 * tc.step; r.Elapsed != want {
			t.Errorf("step %v: elapsed %v, want %v", tc.step, r.Elapsed, want)
		}
	}
}

func TestStatesPerSecond(t *testing.T) {
	r := run[pt](t, newGrid(50), explore.Options{})
	if r.Elapsed <= 0 || r.StatesPerSecond() <= 0 || math.IsInf(r.StatesPerSecond(), 0) {
		t.Fatalf("elapsed %v, %g states/s", r.Elapsed, r.StatesPerSecond())
	}
	var zero explore.Result[pt]
	if zero.StatesPerSecond() != 0 {
		t.Fatalf("no time, %g states/s", zero.StatesPerSecond())
	}
}

// BenchmarkGrid measures the explorer itself on a model whose steps cost
// next to nothing.
func BenchmarkGrid(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			var distinct int64
			for b.Loop() {
				r, err := explore.Run[pt](newGrid(300), explore.Options{Workers: w})
				if err != nil {
					b.Fatal(err)
				}
				distinct += r.Distinct
			}
			b.ReportMetric(float64(distinct)/b.Elapsed().Seconds(), "states/s")
		})
	}
}

// loopGrid is grid with a step that stays put ("loop") at every point,
// first: as many stutters as other steps.
type loopGrid struct{ *grid }

func (l loopGrid) Next(p pt, emit func(pt)) {
	emit(p)
	l.grid.Next(p, emit)
}

func (l loopGrid) Label(p pt, i int) string {
	if i == 0 {
		return "loop"
	}
	return l.grid.Label(p, i-1)
}

// stutteringGrid is loopGrid telling the explorer which steps stutter:
// every loop (not grid's own "stay", which it emits: Stutterer allows it).
type stutteringGrid struct{ loopGrid }

func (s stutteringGrid) NextStutters(p pt, emit func(pt), stutter func()) {
	stutter()
	s.grid.Next(p, emit)
}

// TestStuttererChangesNothing: a search told which steps stutter skips
// them, and finds what it finds without being told: the same counts
// (stutters generated), verdicts, bounds and counterexamples, in both
// strategies, with any number of workers.
func TestStuttererChangesNothing(t *testing.T) {
	for _, strategy := range []explore.Strategy{explore.BFS, explore.DFS} {
		for _, bad := range [][]pt{nil, {{7, 3}}} {
			for _, opts := range []explore.Options{{Workers: 1}, {Workers: 2, Symmetry: true}, {Workers: 3, MaxStates: 40}, {Workers: 2, MaxDepth: 6}} {
				opts.Strategy = strategy
				name := fmt.Sprintf("%s/bad=%v/%+v", strategy, bad, opts)
				want := run[pt](t, loopGrid{newGrid(9, bad...)}, opts)
				got := run[pt](t, stutteringGrid{loopGrid{newGrid(9, bad...)}}, opts)
				if countsOf(got) != countsOf(want) {
					t.Fatalf("%s: told %+v, not told %+v", name, countsOf(got), countsOf(want))
				}
				if !slices.Equal(got.Path, want.Path) || !slices.Equal(got.Labels, want.Labels) {
					t.Fatalf("%s: told %v %v, not told %v %v", name, got.Path, got.Labels, want.Path, want.Labels)
				}
				if want.Generated < 2*want.Distinct-1 {
					t.Fatalf("%s: %d generated of %d distinct: the loops are not counted", name, want.Generated, want.Distinct)
				}
			}
		}
	}
}

// TestContextStopsTheSearch: a search whose context is done stops,
// incomplete and interrupted, with the figures so far, in both
// strategies; an unfinished context changes nothing.
func TestContextStopsTheSearch(t *testing.T) {
	for _, strategy := range []explore.Strategy{explore.BFS, explore.DFS} {
		done, cancel := context.WithCancel(context.Background())
		cancel()
		r := run[pt](t, newGrid(300), explore.Options{Strategy: strategy, Workers: 2, Context: done})
		if r.Complete || r.Stop != explore.StopInterrupted || r.Distinct >= 301*301 {
			t.Fatalf("%s, cancelled: complete %v, stop %q, %d distinct", strategy, r.Complete, r.Stop, r.Distinct)
		}
		r = run[pt](t, newGrid(30), explore.Options{Strategy: strategy, Workers: 2, Context: context.Background()})
		if !r.Complete || r.Stop != "" || r.Distinct != 31*31 {
			t.Fatalf("%s, live context: complete %v, stop %q, %d distinct", strategy, r.Complete, r.Stop, r.Distinct)
		}
	}
}

// forgetfulGrid is grid whose points forget their diagonal step once it
// has been listed: Next is not a function of the state, as a model with a
// hidden input (a node's broken copy, say) is not.
type forgetfulGrid struct {
	*grid
	listed map[pt]bool
}

func (f forgetfulGrid) Next(p pt, emit func(pt)) {
	for _, a := range f.moves(p) {
		if gridActions[a] == "xy" && f.listed[p] {
			continue
		}
		emit(apply(p, a))
	}
	f.listed[p] = true
}

// TestDivergedPath: a violation whose path cannot be rebuilt, because the
// model lists fewer successors the second time, is reported as diverged,
// with the path as far as it was rebuilt, never a path that holds the
// zero state.
func TestDivergedPath(t *testing.T) {
	m := forgetfulGrid{newGrid(3, pt{1, 1}), map[pt]bool{}}
	res, err := explore.Run[pt](m, explore.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != explore.VerdictViolation || !res.Diverged {
		t.Fatalf("verdict %s, diverged %v; want a violation whose path diverged", res.Verdict, res.Diverged)
	}
	if len(res.Path) != len(res.Labels)+1 || res.Path[len(res.Path)-1] != (pt{0, 0}) {
		t.Fatalf("path %v, labels %v: want the path rebuilt as far as it goes, (0,0)", res.Path, res.Labels)
	}
}

// TestDeepenTo: a BFS with DeepenTo is the search with the depth bound a
// naive prediction from the level sizes gives (each level of the grid,
// max(x, y) = k, holds 2k+1 points): the same counts and verdict, for
// every budget; a budget past the whole space searches it whole; and
// DeepenTo never stops a search short of MaxDepth.
func TestDeepenTo(t *testing.T) {
	const n, least = 6, 3
	levels := make([]int64, n+1) // levels[d-1] is the size of depth d
	for k := range levels {
		levels[k] = int64(2*k + 1)
	}
	for budget := int64(0); budget <= 120; budget++ {
		depth := least // the oracle: deepen while the prediction fits
		for depth <= n+1 && budget > 0 && nextFits(levels, depth, budget) {
			depth++
		}
		bound := explore.Options{MaxDepth: depth}
		if depth > n+1 {
			bound = explore.Options{} // past the last level: the whole space
		}
		want := countsOf(run[pt](t, newGrid(n), bound))
		got := countsOf(run[pt](t, newGrid(n), explore.Options{MaxDepth: least, DeepenTo: budget}))
		if got != want {
			t.Fatalf("DeepenTo %d: got %+v, want the search to depth %d: %+v", budget, got, depth, want)
		}
	}
	whole := countsOf(run[pt](t, newGrid(n), explore.Options{}))
	if got := countsOf(run[pt](t, newGrid(n), explore.Options{MaxDepth: least, DeepenTo: 1000})); got != whole {
		t.Fatalf("a budget past the space: got %+v, want the whole search %+v", got, whole)
	}
	bad := newGrid(n, pt{5, 6})
	if r := run[pt](t, bad, explore.Options{MaxDepth: least, DeepenTo: 1000}); r.Verdict != explore.VerdictViolation || r.Depth != 7 {
		t.Fatalf("a violation past MaxDepth within the budget: got %+v", countsOf(r))
	}
	for limit := least; limit <= n+2; limit++ { // DeepenLimit caps the deepening as MaxDepth would
		bound := explore.Options{MaxDepth: limit}
		if limit > n+1 {
			bound = explore.Options{}
		}
		want := countsOf(run[pt](t, newGrid(n), bound))
		if got := countsOf(run[pt](t, newGrid(n), explore.Options{MaxDepth: least, DeepenTo: 1000, DeepenLimit: limit})); got != want {
			t.Fatalf("DeepenLimit %d: got %+v, want %+v", limit, got, want)
		}
	}
}

// nextFits is the oracle of a search's prediction (DeepenTo, ShallowTo)
// over levels (levels[d-1] the size of depth d): whether the states
// within depth, plus the next level predicted from the last two, fit in
// budget.
func nextFits(levels []int64, depth int, budget int64) bool {
	var seen int64
	for _, l := range levels[:depth] {
		seen += l
	}
	size, prev := float64(levels[depth-1]), float64(levels[depth-2])
	return float64(seen)+size*size/prev <= float64(budget)
}

// TestShallowTo: a depth bound too deep for the states stops where the
// next level is predicted not to fit, as a search to that depth does,
// with StopMaxDepth; a bound the states reach is kept. Without ShallowTo
// a depth bound its levels cannot reach in memory ran into the memory cap
// with no verdict (a third party's Multi-Paxos, MaxDepth 16: 8.4 million
// states at depth 12 in 2 minutes, then "incomplete", exit 4).
func TestShallowTo(t *testing.T) {
	const n = 6
	levels := make([]int64, n+1) // levels[d-1] is the size of depth d
	for k := range levels {
		levels[k] = int64(2*k + 1)
	}
	for budget := int64(1); budget <= 60; budget++ {
		depth := 2 // the oracle: stop at the first level whose next would not fit
		for depth < n+1 && nextFits(levels, depth, budget) {
			depth++
		}
		want := countsOf(run[pt](t, newGrid(n), explore.Options{MaxDepth: depth}))
		r := run[pt](t, newGrid(n), explore.Options{MaxDepth: n + 1, ShallowTo: budget})
		if got := countsOf(r); got != want || r.Stop != explore.StopMaxDepth {
			t.Fatalf("ShallowTo %d: got %+v (stop %q), want the search to depth %d: %+v", budget, got, r.Stop, depth, want)
		}
	}
	full := countsOf(run[pt](t, newGrid(n), explore.Options{MaxDepth: 4}))
	if got := countsOf(run[pt](t, newGrid(n), explore.Options{MaxDepth: 4, ShallowTo: 1000})); got != full {
		t.Fatalf("a bound within the budget: got %+v, want %+v", got, full)
	}
}
