package script

import (
	"testing"

	"github.com/paxsim/paxsim/sim"
)

// TestDrawsTakeTheRandSteps: a node's draw takes the rand step right after
// the step being taken when it names the node and fits; otherwise the seed
// draws, and the rand step stays for the run to skip.
func TestDrawsTakeTheRandSteps(t *testing.T) {
	steps := []sim.ScriptLine{{N: 1, Text: "timer 1"}, {N: 2, Text: "rand 2 5"}, {N: 3, Text: "rand 2 7"}, {N: 4, Text: "crash 1"}}
	d := &draws{steps: steps, next: 1, seeded: sim.NewRandom(1)}
	if v := d.Intn(sim.Decision{Kind: sim.DecideJitter, Node: 2}, 10); v != 5 || d.next != 2 {
		t.Errorf("node 2's draw: %d, next step %d; want 5, 2", v, d.next)
	}
	seeded := sim.NewRandom(1)
	for _, dec := range []sim.Decision{{Kind: sim.DecideJitter, Node: 3}, {Kind: sim.DecideWorkload}} {
		if v, want := d.Intn(dec, 10), seeded.Intn(dec, 10); v != want || d.next != 2 {
			t.Errorf("a draw the rand step does not name: %d, next step %d; want the seed's %d, 2", v, d.next, want)
		}
	}
	if v, want := d.Intn(sim.Decision{Kind: sim.DecideJitter, Node: 2}, 7), seeded.Intn(sim.Decision{Kind: sim.DecideJitter, Node: 2}, 7); v != want || d.next != 2 {
		t.Errorf("a rand step that does not fit: %d, next step %d; want the seed's %d, 2", v, d.next, want)
	}
}
