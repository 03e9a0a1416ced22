package refine

import (
	"sync"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore/spec"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/sim"
)

// State is a state of the refinement search: the implementation's state,
// the Paxos.tla state it maps to (msgs a history of what was sent), and
// why the step to it does not refine ("" when it does).
type State[M sim.Message, D any] struct {
	impl *model.State[M, D]
	abs  spec.State
	fail string
}

// Model is the product of a protocol's model (package model) with the
// mapping onto Paxos.tla, as an explore.Model whose invariant is that
// every step so far refined.
type Model[M sim.Message, D any] struct {
	inner *model.Model[M, D]
	ref   engine.Refiner[M, D]
	spec  *spec.Model
	nodes int
	pool  sync.Pool // *buffers[M, D], for Next
}

// Forget implements explore.Forgetter: the inner model forgets what it
// keeps; this one keeps nothing across states.
func (r *Model[M, D]) Forget() { r.inner.Forget() }

// buffers are what one call of Next maps a step into: its messages and the
// acceptors after it.
type buffers[M sim.Message, D any] struct {
	sent  []spec.Message
	after []Acceptor
	next  State[M, D]
}

// Init implements explore.Model: the implementation's initial states,
// each mapped (every acceptor fresh, no message sent).
func (r *Model[M, D]) Init() []*State[M, D] {
	var out []*State[M, D]
	for _, s := range r.inner.Init() {
		st := &State[M, D]{impl: s, abs: r.spec.Init()[0]}
		b := r.get()
		_, _, st.fail = Step(r.spec, st.abs, nil, r.acceptors(b, s))
		r.put(b)
		out = append(out, st)
	}
	return out
}

// Next implements explore.Model: the implementation's steps, each mapped
// from s's Paxos.tla state. A step that does not refine leads to a bad
// state (Check), which Next does not expand.
func (r *Model[M, D]) Next(s *State[M, D], emit func(*State[M, D])) {
	if s.fail != "" {
		return
	}
	b := r.get()
	defer r.put(b)
	r.inner.Steps(s.impl, func(_ sim.Action[M], next *model.State[M, D], sent []model.Sent[M]) {
		b.sent = b.sent[:0]
		for _, x := range sent {
			if msg, ok := r.ref.SpecMessage(r.nodes, x.From, x.Msg); ok {
				b.sent = append(b.sent, msg)
			}
		}
		abs, _, why := Step(r.spec, s.abs, b.sent, r.acceptors(b, next))
		b.next = State[M, D]{impl: next, abs: abs, fail: why}
		emit(&b.next) // a scratch state: Retain keeps a copy
	})
}

// acceptors maps every replica's durable state in s, in b.after.
func (r *Model[M, D]) acceptors(b *buffers[M, D], s *model.State[M, D]) []Acceptor {
	b.after = b.after[:0]
	for id := 1; id <= r.nodes; id++ {
		mb, mvb, mv := r.ref.SpecAcceptor(r.nodes, r.inner.Durable(s, sim.NodeID(id)))
		b.after = append(b.after, Acceptor{mb, mvb, mv})
	}
	return b.after
}

func (r *Model[M, D]) get() *buffers[M, D] {
	if b, ok := r.pool.Get().(*buffers[M, D]); ok {
		return b
	}
	return &buffers[M, D]{}
}

func (r *Model[M, D]) put(b *buffers[M, D]) { r.pool.Put(b) }

// Retain implements explore.Retainer: the implementation's state kept
// compact, the mapped state as it is.
func (r *Model[M, D]) Retain(s *State[M, D]) *State[M, D] {
	return &State[M, D]{impl: r.inner.Retain(s.impl), abs: s.abs, fail: s.fail}
}

// Check implements explore.Model: why the step to s does not refine. It
// notes whether the implementation's state has a value chosen
// (model.Report.Decided).
func (r *Model[M, D]) Check(s *State[M, D]) string {
	r.inner.NoteDecision(s.impl)
	return s.fail
}

// Fingerprint implements explore.Model: the implementation's state and
// the mapped one (no symmetry: Check refuses it).
func (r *Model[M, D]) Fingerprint(h *fingerprint.Hasher, s *State[M, D], _ bool) {
	r.inner.Fingerprint(h, s.impl, false)
	r.spec.Fingerprint(h, s.abs, false)
}

// Label implements explore.Model: the implementation's step.
func (r *Model[M, D]) Label(s *State[M, D], i int) string { return r.inner.Label(s.impl, i) }
