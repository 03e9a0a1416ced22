package explore_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/paxsim/paxsim/explore"
)

// stallingGrid is grid judging progress: a point of traps awaits in vain
// whatever its steps (Stalled says so of it), and Stalled records every
// point it is asked of.
type stallingGrid struct {
	*grid
	traps []pt
	mu    sync.Mutex
	asked []pt
}

func (g *stallingGrid) Stalled(p pt) string {
	g.mu.Lock()
	g.asked = append(g.asked, p)
	g.mu.Unlock()
	if slices.Contains(g.traps, p) {
		return fmt.Sprintf("stalled at %v", p)
	}
	return ""
}

// TestAStateThatCannotLeaveIsStalled: the grid's far corner, whose one
// step stays, is the only state the explorer asks Stalled of; when the
// model says it awaits in vain, it is the violation, at its least depth
// with the shortest path to it, and the counts do not depend on the
// workers. A point that moves is never asked, even when Stalled would
// call it a trap.
func TestAStateThatCannotLeaveIsStalled(t *testing.T) {
	const n = 3
	corner := pt{n, n}
	var first counts
	for _, workers := range []int{1, 2} {
		g := &stallingGrid{grid: newGrid(n), traps: []pt{corner, {1, 1}}}
		r := run[pt](t, g, explore.Options{Workers: workers})
		if r.Verdict != explore.VerdictViolation || r.Violation != "stalled at {3 3}" {
			t.Fatalf("workers=%d: verdict %q, violation %q; want the corner stalled", workers, r.Verdict, r.Violation)
		}
		if !slices.Equal(r.Labels, []string{"xy", "xy", "xy"}) || r.Path[len(r.Path)-1] != corner || r.Depth != n+1 {
			t.Fatalf("workers=%d: path %v by %v at depth %d; want the diagonal to the corner", workers, r.Path, r.Labels, r.Depth)
		}
		if !slices.Equal(g.asked, []pt{corner}) {
			t.Fatalf("workers=%d: Stalled asked of %v; want the corner alone", workers, g.asked)
		}
		if workers == 1 {
			first = countsOf(r)
		} else if countsOf(r) != first {
			t.Fatalf("workers=2: %+v, workers=1: %+v", countsOf(r), first)
		}
	}
}

// TestAStateThatAwaitsNothingPasses: with no trap, the search is the one
// without a Staller, state for state; a depth-first search asks nothing.
func TestAStateThatAwaitsNothingPasses(t *testing.T) {
	want := countsOf(run[pt](t, newGrid(4), explore.Options{}))
	g := &stallingGrid{grid: newGrid(4)}
	if got := countsOf(run[pt](t, g, explore.Options{})); got != want || len(g.asked) != 1 {
		t.Fatalf("with a Staller: %+v, asked %v; without: %+v", got, g.asked, want)
	}
	g = &stallingGrid{grid: newGrid(4), traps: []pt{{4, 4}}}
	if r := run[pt](t, g, explore.Options{Strategy: explore.DFS}); r.Verdict != explore.VerdictOK || len(g.asked) != 0 {
		t.Fatalf("DFS: verdict %q, asked %v; want ok, none asked", r.Verdict, g.asked)
	}
}

// TestAStalledStateComesBeforeDeeperViolations: a stalled state is
// judged when its level is expanded, before the states of the next level
// are checked, so a bad state one step deeper does not hide it.
func TestAStalledStateComesBeforeDeeperViolations(t *testing.T) {
	g := &stallingGrid{grid: newGrid(1, pt{1, 1}), traps: []pt{{1, 1}}}
	r := run[pt](t, g, explore.Options{})
	if r.Violation != "reached {1 1}" {
		t.Fatalf("violation %q: a bad state is checked when found, before it is expanded", r.Violation)
	}
	g = &stallingGrid{grid: &grid{n: 2, init: []pt{{2, 2}, {0, 0}}, bad: []pt{{1, 1}}}, traps: []pt{{2, 2}}}
	if r := run[pt](t, g, explore.Options{}); r.Violation != "stalled at {2 2}" || len(r.Labels) != 0 {
		t.Fatalf("violation %q by %v; want the initial corner stalled before (1,1) is reached", r.Violation, r.Labels)
	}
}
