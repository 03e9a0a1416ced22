package script

import (
	"fmt"
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
	// zero, for a decision trace being imported, answers a node's draw
	// (sim.Env.Rand) without a rand step with 0, as the trace's replay does (sim.Script:
	// a shrunk trace may have lost it), instead of from the seed, and
	// keeps where each such draw was made in made.
	zero bool
	made []madeDraw
}

// madeDraw is a node's draw that no rand step answered: it drew 0 before
// step before (an index of the steps).
type madeDraw struct {
	before int
	node   sim.NodeID
}

func (d *draws) Intn(dec sim.Decision, n int) int {
	if d.next < len(d.steps) && strings.HasPrefix(d.steps[d.next].Text, "rand ") {
		id, v, err := trace.ParseRand(strings.Fields(d.steps[d.next].Text)[1:], sim.MaxNodes)
		if err == nil && id == dec.Node && v < n {
			d.next++
			return v
		}
	}
	if d.zero && dec.Kind == sim.DecideJitter && dec.Node >= 1 {
		d.made = append(d.made, madeDraw{before: d.next, node: dec.Node})
		return 0
	}
	return d.seeded.Intn(dec, n)
}

// explicit is the steps with a "rand NODE 0" step for each draw made
// without one: the schedule that takes the same steps with the seed's
// draws in between.
func (d *draws) explicit() string {
	var b strings.Builder
	made := d.made
	for i, l := range d.steps {
		for ; len(made) > 0 && made[0].before == i; made = made[1:] {
			fmt.Fprintf(&b, "rand %s 0\n", made[0].node)
		}
		b.WriteString(l.Text + "\n")
	}
	for _, m := range made {
		fmt.Fprintf(&b, "rand %s 0\n", m.node)
	}
	return b.String()
}

func (d *draws) Chance(dec sim.Decision, p float64) bool { return d.seeded.Chance(dec, p) }
