package explore_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
	"pgregory.net/rapid"
)

// procs is a toy model of independent processes: process i holds a
// counter that its one step moves up to top[i], or, for a cyclic process,
// round modulo top[i]+1 for ever. No step of one process touches
// another's counter, so the steps of any one process are a persistent
// set; its Reducer gives the first process with a step. A state is bad
// when every counter of an acyclic process has reached its target (a
// property that stays broken once broken: no acyclic counter goes down).
type procs struct {
	top    []int
	cyclic []bool
	target []int // 0 for none; no state is bad when all are 0
}

// procState is a state of procs: each process's counter.
type procState [4]int

func (p *procs) Init() []procState { return []procState{{}} }

func (p *procs) step(s procState, i int) (procState, bool) {
	switch {
	case p.cyclic[i]:
		s[i] = (s[i] + 1) % (p.top[i] + 1)
	case s[i] < p.top[i]:
		s[i]++
	default:
		return s, false
	}
	return s, true
}

func (p *procs) Next(s procState, emit func(procState)) {
	for i := range p.top {
		if n, ok := p.step(s, i); ok {
			emit(n)
		}
	}
}

func (p *procs) Check(s procState) string {
	any := false
	for i, t := range p.target {
		if p.cyclic[i] || t == 0 {
			continue
		}
		if s[i] < t {
			return ""
		}
		any = true
	}
	if !any {
		return ""
	}
	return fmt.Sprintf("targets reached at %v", s)
}

func (p *procs) Fingerprint(h *fingerprint.Hasher, s procState, _ bool) {
	for _, c := range s {
		h.Int(int64(c))
	}
}

func (p *procs) Label(s procState, i int) string {
	k := 0
	for j := range p.top {
		if _, ok := p.step(s, j); ok {
			if k == i {
				return fmt.Sprintf("p%d", j)
			}
			k++
		}
	}
	return "none"
}

// first is the process whose steps NextPersistent takes: the first with one.
func (p *procs) first(s procState) int {
	for i := range p.top {
		if _, ok := p.step(s, i); ok {
			return i
		}
	}
	return -1
}

func (p *procs) NextPersistent(s procState, emit func(procState), _ func()) bool {
	i := p.first(s)
	if i < 0 {
		return false
	}
	n, _ := p.step(s, i)
	emit(n)
	return true
}

func (p *procs) LabelPersistent(s procState, _ int) string {
	return fmt.Sprintf("p%d", p.first(s))
}

// TestPORAvoidsIgnoring: a process that cycles for ever is always the
// first with a step, so a reduced search that took only its steps would
// go round its cycle and never let the other reach its target. The
// proviso expands in full the state whose step closes the cycle, and the
// violation is found.
func TestPORAvoidsIgnoring(t *testing.T) {
	p := &procs{top: []int{1, 3}, cyclic: []bool{true, false}, target: []int{0, 3}}
	full := run[procState](t, p, explore.Options{})
	por := run[procState](t, p, explore.Options{POR: true})
	if full.Verdict != explore.VerdictViolation || por.Verdict != explore.VerdictViolation {
		t.Fatalf("verdicts: full %q, reduced %q; want violations", full.Verdict, por.Verdict)
	}
	checkProcsPath(t, p, por)
	if por.Reduced == 0 {
		t.Fatalf("no state expanded by a persistent set")
	}
}

// TestPORKeepsVerdicts: on random process models, the reduced search
// reaches a violation exactly when the full one does, with a path that
// replays (no shorter than the full search's, which is a shortest), and
// when there is none with no more states; the same result for every
// number of workers.
func TestPORKeepsVerdicts(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		k := rapid.IntRange(1, 4).Draw(rt, "processes")
		p := &procs{}
		for range k {
			p.top = append(p.top, rapid.IntRange(0, 4).Draw(rt, "top"))
			p.cyclic = append(p.cyclic, rapid.IntRange(0, 3).Draw(rt, "cyclic") == 0)
			p.target = append(p.target, rapid.IntRange(0, 5).Draw(rt, "target"))
		}
		full, err := explore.Run[procState](p, explore.Options{Workers: 1})
		if err != nil {
			rt.Fatal(err)
		}
		var first explore.Result[procState]
		for i, w := range []int{1, 2} {
			por, err := explore.Run[procState](p, explore.Options{POR: true, Workers: w})
			if err != nil {
				rt.Fatal(err)
			}
			if i == 0 {
				first = por
			} else if countsOf(por) != countsOf(first) || por.Reduced != first.Reduced {
				rt.Fatalf("workers=2: %+v, workers=1: %+v", countsOf(por), countsOf(first))
			}
		}
		if first.Verdict != full.Verdict || !first.Complete || (full.Verdict == explore.VerdictOK && first.Distinct > full.Distinct) {
			rt.Fatalf("reduced %+v, full %+v", countsOf(first), countsOf(full))
		}
		if full.Verdict == explore.VerdictViolation && len(first.Path) < len(full.Path) {
			rt.Fatalf("reduced path of %d states, shorter than the full search's shortest %d", len(first.Path), len(full.Path))
		}
		if first.Verdict == explore.VerdictViolation {
			checkProcsPath(rt, p, first)
		}
	})
}

// checkProcsPath checks that a counterexample's labels take its states
// from the initial one to a bad one.
func checkProcsPath(t interface{ Fatalf(string, ...any) }, p *procs, r explore.Result[procState]) {
	s := p.Init()[0]
	if len(r.Labels) != len(r.Path)-1 || r.Path[0] != s {
		t.Fatalf("path %v with labels %v", r.Path, r.Labels)
	}
	for i, l := range r.Labels {
		var j int
		if _, err := fmt.Sscanf(l, "p%d", &j); err != nil {
			t.Fatalf("label %q: %v", l, err)
		}
		n, ok := p.step(s, j)
		if !ok || n != r.Path[i+1] {
			t.Fatalf("step %d, %q from %v: to %v, the path says %v", i, l, s, n, r.Path[i+1])
		}
		s = n
	}
	if p.Check(s) == "" {
		t.Fatalf("the path ends at %v, which is not bad", s)
	}
}

// TestPORNeedsAReducerAndBFS: a reduced search of a model without
// persistent sets, or depth first, is an error, not a full search.
func TestPORNeedsAReducerAndBFS(t *testing.T) {
	if _, err := explore.Run[pt](newGrid(3), explore.Options{POR: true}); !errors.Is(err, explore.ErrNoReducer) {
		t.Fatalf("grid with POR: %v, want ErrNoReducer", err)
	}
	p := &procs{top: []int{1}, cyclic: []bool{false}, target: []int{0}}
	if _, err := explore.Run[procState](p, explore.Options{POR: true, Strategy: explore.DFS}); !errors.Is(err, explore.ErrPORNeedsBFS) {
		t.Fatalf("DFS with POR: %v, want ErrPORNeedsBFS", err)
	}
}
