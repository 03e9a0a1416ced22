package paxtest

import (
	"strconv"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/sim"
)

// chanceScale is the resolution of Chance: p is rounded up to a multiple of
// 1/chanceScale, so that any p > 0 stays possible.
const chanceScale = 10000

// Rapid returns a sim.Decider that takes every decision as a draw from t,
// so that rapid sees, records and shrinks the whole schedule.
//
// Intn(d, n) is rapid.IntRange(0, n-1).Draw(t, label), the label naming the
// decision ("action", "workload", "jitter 2"): the labels appear in rapid's
// log of a failing case, beside the values drawn. Intn(d, 1) draws nothing,
// as there is nothing to choose.
//
// Chance(d, p) draws v from rapid.IntRange(0, 9999) and answers true only at
// the top of the range, v >= 10000 - ceil(p*10000). rapid shrinks every draw
// toward 0, so a shrunk Chance is false: the uneventful outcome (no drop, no
// duplicate, no crash), and a shrunk counterexample keeps only the faults it
// needs. Any p > 0 stays possible (v = 9999) and p >= 1 is always true.
//
// The same rule makes choice mode shrink well: index 0 of a choice world's
// enabled actions is the first deliverable message (sim.World.Actions lists
// deliveries first, in sending order, then timers, drops, duplicates,
// crashes and restarts), so rapid's minimal schedule is the fault-free,
// first-in-first-out one, and what is left of a counterexample after
// shrinking are the few reorderings and faults that matter.
//
// The decider must be used only inside the property function that received
// t, and only by one run: its draws are t's.
//
// rapid steers a property with panics of its own: a draw past the end of a
// shrunk or replayed input aborts the case as invalid. A run recovers every
// panic in the code it drives and reports it as a failure of the protocol
// (engine.PanicProperty), which would turn rapid's signal into a bogus
// counterexample: while shrinking, an input that merely ran out of bits
// would "fail" with a panic and win. So the decider catches a panic of
// a draw, answers 0 (false) from then on without drawing, and Rethrow raises
// the panic again once the run has returned. Properties and Find do both.
func Rapid(t *rapid.T) *RapidDecider {
	return &RapidDecider{t: t}
}

// RapidDecider is the sim.Decider of Rapid.
type RapidDecider struct {
	t       *rapid.T
	gens    [64]*rapid.Generator[int] // gens[n] draws from [0, n)
	aborted any                       // the panic of a draw, if one panicked
}

// Rethrow panics again with the panic of a draw, if one panicked; call it
// after the run, before judging it.
func (r *RapidDecider) Rethrow() {
	if r.aborted != nil {
		panic(r.aborted)
	}
}

// draw draws from g, or answers 0 once a draw has panicked.
func (r *RapidDecider) draw(g *rapid.Generator[int], label string) (v int) {
	if r.aborted != nil {
		return 0
	}
	defer func() {
		if p := recover(); p != nil {
			r.aborted, v = p, 0
		}
	}()
	return g.Draw(r.t, label)
}

var chanceGen = rapid.IntRange(0, chanceScale-1)

// Intn implements sim.Decider.
func (r *RapidDecider) Intn(d sim.Decision, n int) int {
	if n <= 1 {
		return 0
	}
	return r.draw(r.gen(n), label(d))
}

// Chance implements sim.Decider.
func (r *RapidDecider) Chance(d sim.Decision, p float64) bool {
	if r.aborted != nil {
		return false
	}
	v := r.draw(chanceGen, label(d))
	return v >= chanceScale-chanceThreshold(p, chanceScale)
}

func (r *RapidDecider) gen(n int) *rapid.Generator[int] {
	if n < len(r.gens) {
		if r.gens[n] == nil {
			r.gens[n] = rapid.IntRange(0, n-1)
		}
		return r.gens[n]
	}
	return rapid.IntRange(0, n-1)
}

// chanceThreshold is how many of scale outcomes answer true for p: p*scale
// rounded up, at least 1 and at most scale.
func chanceThreshold(p float64, scale int) int {
	switch {
	case !(p > 0): // also NaN
		return 0
	case p >= 1:
		return scale
	}
	k := int(p * float64(scale))
	if float64(k) < p*float64(scale) {
		k++
	}
	return min(max(k, 1), scale)
}

// label names a decision in rapid's log: its kind, and its node when it
// has one. It is deterministic, as rapid requires of everything a failing
// case prints.
func label(d sim.Decision) string {
	if d.Node == 0 && d.Peer == 0 {
		return d.Kind.String()
	}
	if d.Peer == 0 {
		return d.Kind.String() + " " + strconv.Itoa(int(d.Node))
	}
	return d.String()
}

// Bytes returns a sim.Decider that reads its decisions from data, for Go's
// native fuzzing (go test -fuzz): the fuzzer mutates the bytes and so the
// schedule.
//
// Intn(d, n) reads one byte when n <= 256 and two (big-endian) otherwise,
// and answers it modulo n; Intn(d, 1) reads nothing. Chance(d, p) reads one
// byte b and answers true when b >= 256 - ceil(p*256), so that 0 is false
// (no fault) and any p > 0 stays possible. Once data is used up every
// answer is 0 (false): the rest of the run delivers in order and injects no
// fault, so a short input still makes a whole, uneventful run and every
// input is valid.
func Bytes(data []byte) sim.Decider {
	return &bytesDecider{data: data}
}

type bytesDecider struct {
	data []byte
}

func (b *bytesDecider) next() int {
	if len(b.data) == 0 {
		return 0
	}
	v := int(b.data[0])
	b.data = b.data[1:]
	return v
}

// Intn implements sim.Decider.
func (b *bytesDecider) Intn(_ sim.Decision, n int) int {
	switch {
	case n <= 1:
		return 0
	case n <= 256:
		return b.next() % n
	default:
		hi := b.next()
		return (hi<<8 | b.next()) % n
	}
}

// Chance implements sim.Decider.
func (b *bytesDecider) Chance(_ sim.Decision, p float64) bool {
	return b.next() >= 256-chanceThreshold(p, 256)
}
