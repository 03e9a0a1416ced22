package script

import (
	"strings"

	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// draws is the Decider of a script's world. A node's random draw takes the
// "rand NODE V" step right after the step that made it, as a decision
// trace's replay does (sim.Script); a draw without one, and every other
// decision, comes from the run's seed.
type draws struct {
	steps  []sim.ScriptLine
	next   int // the step after the one being taken
	seeded sim.Decider
}

func (d *draws) Intn(dec sim.Decision, n int) int {
	if d.next < len(d.steps) && strings.HasPrefix(d.steps[d.next].Text, "rand ") {
		id, v, err := trace.ParseRand(strings.Fields(d.steps[d.next].Text)[1:], sim.MaxNodes)
		if err == nil && id == dec.Node && v < n {
			d.next++
			return v
		}
	}
	return d.seeded.Intn(dec, n)
}

func (d *draws) Chance(dec sim.Decision, p float64) bool { return d.seeded.Chance(dec, p) }
