package explore

import (
	"math/rand/v2"

	"github.com/paxsim/paxsim/fingerprint"
)

// Random walks, TLC's simulation mode and stateright's simulation checker:
// each walk starts at an initial state and takes, at every state, one of
// its successors drawn uniformly at random, until MaxDepth or a state
// without successors, checking every state it reaches. A walk reaches
// depths a breadth-first search never does within memory, at the price of
// coverage: a sample of the states, no shortest counterexample, and no
// verdict on the states it did not reach (Result.Complete false, Stop
// StopWalks).
//
// Walk w draws from a PCG seeded with (Options.Seed, w) and nothing else,
// so the walks, the verdict, the counts and the counterexample are a pure
// function of the model and the options. Distinct counts the distinct
// states the walks reached (the visited set is kept for that alone, and
// to check each state once); Generated every successor listed.

// DefaultWalks is how many walks Random takes when Options.Walks is 0.
const DefaultWalks = 10_000

// DefaultWalkDepth is a walk's length, in states, when Options.MaxDepth
// is 0.
const DefaultWalkDepth = 100

// forgetAt is the share of the memory cap past which the heap makes
// Random call a Forgetter's Forget, between walks; it looks every
// forgetCheck walks.
const (
	forgetAt    = 4 // a quarter
	forgetCheck = 16
)

// walkStep is a state of a walk and the step that reached it: its
// label (a Sampler's), or its index among its parent's successors.
type walkStep[S any] struct {
	s     S
	index int32
	label string
}

// walks is Random: Options.Walks walks from init, the first violation
// ending them.
func (s *search[S, K]) walks(init []S) error {
	walks, depth := s.opts.Walks, s.opts.MaxDepth
	if walks <= 0 {
		walks = DefaultWalks
	}
	if depth <= 0 {
		depth = DefaultWalkDepth
	}
	h := fingerprint.New(s.opts.Exact)
	var path []walkStep[S]
	forget, _ := s.m.(Forgetter)
	for w := range walks {
		if forget != nil && w > 0 && s.forgetNow(w) {
			path = path[:0]
			forget.Forget()
			init = s.m.Init()
		}
		s.res.Walks = w + 1
		rng := rand.New(rand.NewPCG(s.opts.Seed, uint64(w)))
		i := rng.IntN(len(init))
		s.res.Generated++
		path = append(path[:0], walkStep[S]{s: init[i], index: int32(i)})
		s.res.Depth = max(s.res.Depth, 1)
		if bad := s.visit(h, init[i]); bad != "" {
			s.failWalk(path, bad)
			return nil
		}
		if s.walk(rng, h, &path, depth) || s.full() || s.mustStop() {
			return nil
		}
		if w&0xff == 0xff {
			s.progress(0, false)
		}
	}
	s.cut(StopWalks)
	return nil
}

// forgetNow reports whether to forget before walk w: every
// Options.ForgetEvery walks, and when the heap passed forgetAt's share
// of the memory cap (read every forgetCheck walks).
func (s *search[S, K]) forgetNow(w int) bool {
	if e := s.opts.ForgetEvery; e > 0 && w%e == 0 {
		return true
	}
	return w%forgetCheck == 0 && HeapBytes() > s.mem.limit/forgetAt
}

// walk extends the walk in path by random steps up to depth states, and
// reports whether it reached a bad state (then the search failed).
func (s *search[S, K]) walk(rng *rand.Rand, h *fingerprint.Hasher, path *[]walkStep[S], depth int) bool {
	sampler, _ := s.m.(Sampler[S])
	for len(*path) < depth {
		cur := (*path)[len(*path)-1].s
		step, ok := s.step(sampler, rng, cur)
		if !ok {
			return false // no step but stutters: the walk ends here
		}
		next := step.s
		*path = append(*path, step)
		s.res.Depth = max(s.res.Depth, len(*path))
		if bad := s.visit(h, next); bad != "" {
			s.failWalk(*path, bad)
			return true
		}
	}
	return false
}

// step draws a successor of cur: by the model's Sample, or else from
// every successor NextStutters emits (reservoir sampling, each with
// probability 1/n, one copy kept on average). false when cur has no
// successor but stutters.
func (s *search[S, K]) step(sampler Sampler[S], rng *rand.Rand, cur S) (walkStep[S], bool) {
	var st walkStep[S]
	s.beat()
	if sampler != nil {
		ok := sampler.Sample(cur, rng, func(label string, next S) {
			s.res.Generated++
			st.s, st.label = s.retain(next), label
		})
		return st, ok
	}
	var index int32
	n := 0
	s.next(cur, func(succ S) {
		s.res.Generated++
		if n++; rng.IntN(n) == 0 {
			st.s, st.index = s.retain(succ), index
		}
		index++
	}, func() { s.res.Generated++; index++ })
	return st, n > 0
}

// visit counts state st as reached and returns what it breaks, checked
// the first time a walk reaches it ("" after).
func (s *search[S, K]) visit(h *fingerprint.Hasher, st S) string {
	h.Reset()
	s.m.Fingerprint(h, st, s.opts.Symmetry)
	if !s.visited.add(s.key(h)) {
		return ""
	}
	s.res.Distinct++
	return s.m.Check(st)
}

// failWalk records the violation at the end of path, with the path's
// states and labels.
func (s *search[S, K]) failWalk(path []walkStep[S], bad string) {
	s.res.Verdict, s.res.Violation = VerdictViolation, bad
	for k, st := range path {
		s.res.Path = append(s.res.Path, st.s)
		switch {
		case k == 0:
		case st.label != "":
			s.res.Labels = append(s.res.Labels, st.label)
		default:
			s.res.Labels = append(s.res.Labels, s.m.Label(path[k-1].s, int(st.index)))
		}
	}
}
