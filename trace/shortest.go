package trace

import (
	"strings"

	"github.com/paxsim/paxsim/sim"
)

// A 1-minimal trace is not a shortest one: no single step can go, but two
// together may (a message and the duplicate that stood in for it), and the
// random draws that handlers took (jitter of their timers) are lines of
// their own, most of which a failure does not depend on. The explorer's
// counterexamples have no draws at all. So after delta debugging, Shrink
// tries removing each pair of steps, and then zeroes every draw it can and
// drops the zero draws that end their step: a draw with no line is 0.

// maxPairUnits bounds the steps of a 1-minimal trace that pairs tries:
// some two thousand pairs.
const maxPairUnits = 64

// pairs removes pairs of units, i < j, while the failure stays: what a
// 1-minimal trace may still hold. Quadratic in the units, each a replay of
// a short trace: a few hundred replays of a few dozen steps. It stops
// with the budget, and does not count as having run out of it (Exhausted
// says that ddmin did not reach a 1-minimal trace), nor runs after ddmin
// did.
func (s *shrinker[M, D]) pairs(units []unit) []unit {
	if len(units) > maxPairUnits || s.exhausted || s.interrupted {
		return units
	}
	for i := 0; i < len(units); i++ {
		for j := i + 1; j < len(units); j++ {
			if s.spent >= s.o.Budget || s.ctx.Err() != nil {
				return units
			}
			rest := make([]unit, 0, len(units)-2)
			rest = append(append(append(rest, units[:i]...), units[i+1:j]...), units[j+1:]...)
			if s.fails(rest) {
				units, j = rest, i // start again after i: every later pair is new
			}
		}
	}
	return units
}

// draws returns lines, which fail strictly, with as few draws as it can
// give them: each "rand NODE V" tried as V=0, kept so if the trace still
// fails strictly, and then every zero draw that ends its step dropped.
func (s *shrinker[M, D]) draws(lines []sim.ScriptLine) []sim.ScriptLine {
	out := append([]sim.ScriptLine(nil), lines...)
	for i, l := range out {
		node, v, ok := drawOf(l.Text)
		if !ok || v == "0" || s.spent >= s.o.Budget || s.ctx.Err() != nil {
			continue
		}
		out[i].Text = "rand " + node + " 0"
		if !s.confirms(out) {
			out[i] = l
		}
	}
	trimmed := dropTrailingZeroDraws(out)
	if len(trimmed) == len(out) || !s.confirms(trimmed) {
		return out
	}
	for i := range trimmed {
		trimmed[i].N = i + 1
	}
	return trimmed
}

// dropTrailingZeroDraws drops the draws of value 0 that no draw of
// another value follows before the next step: a replay draws 0 where no
// line is left (sim.Script.Intn), so the trace replays the same.
func dropTrailingZeroDraws(lines []sim.ScriptLine) []sim.ScriptLine {
	var out []sim.ScriptLine
	for i := 0; i < len(lines); i++ {
		if _, v, ok := drawOf(lines[i].Text); ok && v == "0" && zerosToStepEnd(lines[i:]) {
			continue
		}
		out = append(out, lines[i])
	}
	return out
}

// zerosToStepEnd says whether every draw from lines[0] to the next step
// is 0.
func zerosToStepEnd(lines []sim.ScriptLine) bool {
	for _, l := range lines {
		_, v, ok := drawOf(l.Text)
		switch {
		case ok && v != "0":
			return false
		case !ok && isStep(l.Text):
			return true // blank lines and comments are skipped, as a replay does
		}
	}
	return true
}

// drawOf splits a "rand NODE V" line.
func drawOf(line string) (node, v string, ok bool) {
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "rand" {
		return "", "", false
	}
	return f[1], f[2], true
}
