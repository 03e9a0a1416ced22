package explore_test

import (
	"slices"
	"testing"

	"github.com/paxsim/paxsim/explore"
)

// replayWalk takes a counterexample's labels from the grid's initial
// state and returns where they lead, failing on a label the grid does not
// enable.
func replayWalk(t *testing.T, g *grid, labels []string) pt {
	t.Helper()
	p := g.init[0]
	for _, l := range labels {
		k := slices.IndexFunc(g.moves(p), func(a int) bool { return gridActions[a] == l })
		if k < 0 {
			t.Fatalf("%q is not enabled at %v", l, p)
		}
		p = apply(p, g.moves(p)[k])
	}
	return p
}

// TestRandomWalksFindWhatTheyReach: random walks of the grid reach its
// far corner, where a search of every state to the same depth would hold
// them all; the path they report leads there, label by label, and the
// same options give the same walks, counts and path.
func TestRandomWalksFindWhatTheyReach(t *testing.T) {
	g := newGrid(40, pt{40, 40})
	opts := explore.Options{Strategy: explore.Random, Walks: 200, MaxDepth: 200, Seed: 3}
	res, err := explore.Run[pt](g, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != explore.VerdictViolation || res.Walks == 0 || res.Walks > 200 {
		t.Fatalf("verdict %s, %d walks", res.Verdict, res.Walks)
	}
	if len(res.Labels) != len(res.Path)-1 || replayWalk(t, g, res.Labels) != (pt{40, 40}) || res.Path[len(res.Path)-1] != (pt{40, 40}) {
		t.Fatalf("the path %v does not lead to the corner", res.Labels)
	}
	again, _ := explore.Run[pt](g, opts)
	if again.Walks != res.Walks || again.Distinct != res.Distinct || again.Generated != res.Generated || !slices.Equal(again.Labels, res.Labels) {
		t.Fatalf("the same options walked differently: %d/%d walks, %d/%d distinct", res.Walks, again.Walks, res.Distinct, again.Distinct)
	}
}

// TestRandomWalksAreASample: safe walks report no pass on the states
// they did not reach (Complete false, Stop walks), take every walk, and
// stop at MaxDepth states or where no step is left.
func TestRandomWalksAreASample(t *testing.T) {
	g := newGrid(30)
	res, err := explore.Run[pt](g, explore.Options{Strategy: explore.Random, Walks: 50, MaxDepth: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != explore.VerdictOK || res.Complete || res.Stop != explore.StopWalks || res.Walks != 50 || res.Depth != 10 {
		t.Fatalf("verdict %s, complete %v, stop %q, %d walks, depth %d", res.Verdict, res.Complete, res.Stop, res.Walks, res.Depth)
	}
	if all := int64(31 * 31); res.Distinct >= all {
		t.Fatalf("50 walks of 10 states reached %d states of %d", res.Distinct, all)
	}
	small, _ := explore.Run[pt](deadEnd{newGrid(2)}, explore.Options{Strategy: explore.Random, Walks: 20})
	if small.Depth > 5 || small.Distinct != 9 || small.Verdict != explore.VerdictOK { // every walk ends at (2, 2)
		t.Fatalf("walks of the 3x3 grid: depth %d, %d distinct states", small.Depth, small.Distinct)
	}
	stuck, _ := explore.Run[pt](onlyStutters{newGrid(2)}, explore.Options{Strategy: explore.Random, Walks: 3})
	if stuck.Depth != 1 || stuck.Generated != 3*2 {
		t.Fatalf("walks from a state with stutters alone: depth %d, %d generated", stuck.Depth, stuck.Generated)
	}
}

// deadEnd is grid without its far corner's stay: a walk ends there.
type deadEnd struct{ *grid }

func (d deadEnd) Next(p pt, emit func(pt)) {
	if p != (pt{d.n, d.n}) {
		d.grid.Next(p, emit)
	}
}

// onlyStutters is a grid whose every step stutters.
type onlyStutters struct{ *grid }

func (o onlyStutters) NextStutters(_ pt, _ func(pt), stutter func()) { stutter() }

// TestRandomWalksNeedNoReducer: partial-order reduction is a
// breadth-first search's.
func TestRandomWalksNeedNoReducer(t *testing.T) {
	if _, err := explore.Run[pt](newGrid(2), explore.Options{Strategy: explore.Random, POR: true}); err == nil {
		t.Fatal("random walks ran with partial-order reduction")
	}
}
