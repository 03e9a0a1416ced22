package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// fifoCheck is a search of paxos variant over FIFO links, no timers, 3
// replicas and 2 proposers, judging props (nil: all); with drops when it
// judges all (a search of agreement alone reaches more states before it
// finds a violation, and takes long enough without).
func fifoCheck(variant string, props ...checker.Property) CheckConfig {
	c := smallCheck(variant, 3, 2, 1, true)
	c.Network, c.Drops, c.Config.FIFO, c.Properties = sim.Multiset, props == nil, true, props
	return c
}

// TestPORKeepsVerdicts: for every single-decree variant, a search that
// expands states by persistent sets reaches the full search's verdict,
// on the same property; with no violation, in no more states (fewer,
// where only agreement and validity are judged); with one, by a path
// that replays (Check replays it) and is no shorter than the full
// search's, a shortest. The same, whatever the number of workers, and
// the same verdict with symmetry reduction too.
func TestPORKeepsVerdicts(t *testing.T) {
	for _, props := range [][]checker.Property{nil, {checker.Agreement, checker.Validity}} {
		names := []string{engine.Correct}
		for _, v := range paxosInfo.Variants {
			names = append(names, v.Name)
		}
		for _, name := range names {
			if testing.Short() && !slices.Contains(shortVariants, name) {
				continue // the race detector's run: the explorer's workers, on a few searches
			}
			t.Run(fmt.Sprintf("%s/%v", name, props), func(t *testing.T) {
				c := fifoCheck(name, props...)
				full := mustCheck(t, paxos.Adapter{}, c, explore.Options{})
				por := mustCheck(t, paxos.Adapter{}, c, explore.Options{POR: true})
				two := mustCheck(t, paxos.Adapter{}, c, explore.Options{POR: true, Workers: 2})
				if countsOfReport(two) != countsOfReport(por) || two.Reduced != por.Reduced {
					t.Fatalf("two workers: %+v, one: %+v", countsOfReport(two), countsOfReport(por))
				}
				sym := mustCheck(t, paxos.Adapter{}, c, explore.Options{POR: true, Symmetry: true})
				if sym.Verdict != full.Verdict || sym.Property != full.Property || sym.Distinct > por.Distinct {
					t.Fatalf("with symmetry: %+v; without: %+v", countsOfReport(sym), countsOfReport(por))
				}
				if por.Verdict != full.Verdict || por.Property != full.Property || !por.Complete || !full.Complete {
					t.Fatalf("reduced %+v, full %+v", countsOfReport(por), countsOfReport(full))
				}
				switch {
				case full.Verdict == explore.VerdictViolation:
					if por.Depth < full.Depth || len(por.Lines) == 0 {
						t.Fatalf("reduced counterexample of depth %d (%d lines), full %d", por.Depth, len(por.Lines), full.Depth)
					}
					t.Logf("%s: depth %d, full %d; lines %d, full %d", por.Property, por.Depth, full.Depth, len(por.Lines), len(full.Lines))
				case por.Distinct > full.Distinct, props != nil && (por.Distinct == full.Distinct || por.Reduced == 0):
					t.Fatalf("reduced search: %d states (%d reduced), full: %d", por.Distinct, por.Reduced, full.Distinct)
				}
			})
		}
	}
}

// shortVariants are the variants TestPORKeepsVerdicts searches with
// -short (the race detector's run): two counterexamples, found in a few
// hundred states by the explorer's workers.
var shortVariants = []string{"one-ballot", "no-promise"}

// outcomes wraps a Model to record what each state it checks has chosen.
type outcomes struct {
	*Model[protocol.Msg, protocol.Durable]
	seen map[string]bool
}

func (o *outcomes) Check(s *State[protocol.Msg, protocol.Durable]) string {
	c, ok := o.judgeOf(s).safety.Chosen(0)
	o.seen[fmt.Sprint(ok, c.Value)] = true
	return o.Model.Check(s)
}

// TestPORReachesTheSameDecisions: the reduced search of the correct
// protocol reaches the same outcomes (nothing chosen, v1 chosen, v2
// chosen) as the full one, with and without crashes.
func TestPORReachesTheSameDecisions(t *testing.T) {
	for _, crashes := range []int{0, 1} {
		if testing.Short() && crashes > 0 {
			break // the race detector's run
		}
		c := fifoCheck(engine.Correct, checker.Agreement)
		c.Crashes = crashes
		var got [2]map[string]bool
		for i, por := range []bool{false, true} {
			m, err := New(paxos.Adapter{}, &paxosInfo, c)
			if err != nil {
				t.Fatal(err)
			}
			o := &outcomes{m, map[string]bool{}}
			res, err := explore.Run[*State[protocol.Msg, protocol.Durable]](o, explore.Options{POR: por, Workers: 1})
			if err != nil || res.Verdict != explore.VerdictOK || !res.Complete {
				t.Fatalf("crashes %d, POR %v: %v, %+v", crashes, por, err, res.Verdict)
			}
			got[i] = o.seen
		}
		if fmt.Sprint(got[0]) != fmt.Sprint(got[1]) || len(got[0]) != 3 {
			t.Fatalf("crashes %d: full search's outcomes %v, reduced %v", crashes, got[0], got[1])
		}
	}
}

// TestPersistentStepsCommute checks what persistent sets assume, on
// random walks of both reference protocols over FIFO links: two steps
// of different replicas, both enabled, are both enabled after either,
// and taken in either order leave the same world; and the same checkers
// too when neither observes anything that other nodes' observations may
// judge differently before and after it (State.shared).
func TestPersistentStepsCommute(t *testing.T) {
	t.Run("paxos", func(t *testing.T) {
		c := fifoCheck(engine.Correct)
		c.NoTimers = false
		m, err := New(paxos.Adapter{}, &paxosInfo, c)
		if err != nil {
			t.Fatal(err)
		}
		walkCommuting(t, m)
	})
	t.Run("multipaxos", func(t *testing.T) {
		c := mpCheck(engine.Correct)
		c.Network, c.Drops, c.Config.FIFO = sim.Multiset, true, true
		m, err := New(multipaxos.Adapter{}, &mpInfo, c)
		if err != nil {
			t.Fatal(err)
		}
		walkCommuting(t, m)
	})
}

// step is one successor of a state: its action and the state it leads to.
type step[M sim.Message, D any] struct {
	label  string
	node   sim.NodeID
	next   *State[M, D]
	shared bool // it observed what other nodes' observations may judge differently (State.shared)
}

func stepsOf[M sim.Message, D any](m *Model[M, D], s *State[M, D]) []step[M, D] {
	var out []step[M, D]
	m.successors(s, func(a sim.Action[M], next *State[M, D]) {
		out = append(out, step[M, D]{a.String(), a.To, m.Retain(next), next.shared})
	})
	return out
}

func walkCommuting[M sim.Message, D any](t *testing.T, m *Model[M, D]) {
	m.Full = true
	r := rand.New(rand.NewPCG(1, 2))
	pairs := 0
	walks := 8
	if testing.Short() {
		walks = 2 // the race detector's run
	}
	for walk := range walks {
		s := m.Init()[0]
		for depth := 0; depth < 30 && s.fault == ""; depth++ {
			steps := stepsOf(m, s)
			if len(steps) == 0 {
				break
			}
			for i := range steps {
				for j := range steps {
					if a, b := &steps[i], &steps[j]; a.node != b.node && i < j {
						commute(t, m, s, a, b, fmt.Sprintf("walk %d, depth %d", walk, depth))
						pairs++
					}
				}
			}
			s = steps[r.IntN(len(steps))].next
		}
	}
	if pairs < 25*walks {
		t.Fatalf("only %d pairs of steps checked", pairs)
	}
}

// commute checks that steps a and b of state s commute.
func commute[M sim.Message, D any](t *testing.T, m *Model[M, D], s *State[M, D], a, b *step[M, D], where string) {
	t.Helper()
	ab, ba := after(m, a.next, b.label), after(m, b.next, a.label)
	if ab == nil || ba == nil {
		t.Fatalf("%s: %q and %q: one disables the other", where, a.label, b.label)
	}
	if worldKey(ab) != worldKey(ba) {
		t.Fatalf("%s: %q then %q leaves another world than the other way round", where, a.label, b.label)
	}
	quiet := !a.shared && !b.shared && m.violation(ab) == nil && m.violation(ba) == nil
	if quiet && m.judgeFingerprint(ab) != m.judgeFingerprint(ba) {
		t.Fatalf("%s: %q and %q observe only what is their nodes' own, but their order changes the checkers", where, a.label, b.label)
	}
}

// after is the successor of s by the step labeled label, or nil.
func after[M sim.Message, D any](m *Model[M, D], s *State[M, D], label string) *State[M, D] {
	for _, st := range stepsOf(m, s) {
		if st.label == label {
			return st.next
		}
	}
	return nil
}

func worldKey[M sim.Message, D any](s *State[M, D]) fingerprint.Key {
	var h fingerprint.Hasher
	h.Reset()
	s.world.Fingerprint(&h)
	return h.Sum()
}
