package campaign

import (
	"fmt"

	"github.com/paxsim/paxsim/scenarios"
	"github.com/paxsim/paxsim/sim"
)

// No false greens: a campaign that passes must have tested what it
// claims to. Every fault kind its configurations turned on must have
// fired in some run, and every "sometimes" property that its
// configurations make possible (a value chosen after a ballot change,
// after a crash, in a duel, after a partition healed) must have held in
// some run. Summary.CoverageGaps lists the ones that did not.

// CoverageMinSeeds is the fewest seeds whose coverage gaps fail a
// campaign: a handful of seeds may rightly miss a rare fault.
const CoverageMinSeeds = 200

// Coverage is a campaign's coverage table, beside Summary.Faults (how
// often each fault kind fired).
type Coverage struct {
	// Enabled counts, per fault kind, the runs whose configuration
	// turned it on.
	Enabled map[string]int64 `json:"faults_enabled"`
	// Expected counts, per sometimes property, the runs whose
	// configuration made it possible; Held, the runs in which it held.
	Expected map[string]int64 `json:"sometimes_expected"`
	Held     map[string]int64 `json:"sometimes_held"`
	// Ballots counts the decided instances that took 1, 2, 3, and 4 or
	// more distinct ballots.
	Ballots []int64 `json:"ballots_per_decided_instance"`
}

// faultGroups are the fault kinds a configuration turns on, each with
// the counters (Summary.Faults keys) that show it fired. Overflow
// (sim.FaultOverflow) is not one: a link's capacity is a bound that
// ordinary runs never reach, not a fault to turn on, so it is reported
// (Summary.Faults, the coverage table) but never required.
var faultGroups = []struct {
	name  string
	fired []sim.FaultKind
}{
	{"drop", []sim.FaultKind{sim.FaultDrop}},
	{"dup", []sim.FaultKind{sim.FaultDup}},
	{"redeliver", []sim.FaultKind{sim.FaultRedeliver}},
	{"crash", []sim.FaultKind{sim.FaultCrash}},
	{"partition", []sim.FaultKind{sim.FaultPartition, sim.FaultOneWay}},
	{"slow", []sim.FaultKind{sim.FaultSlow, sim.FaultPause}},
}

// enabledFaults says which fault groups c turns on.
func enabledFaults(c scenarios.Config) [6]bool {
	var scheduled [sim.NumFaultKinds]bool
	for _, f := range c.Faults {
		if sf, err := sim.ParseFault(f); err == nil {
			scheduled[sf.Kind] = true
		}
	}
	return [6]bool{
		c.Drop > 0, c.Dup > 0, c.Redeliver > 0,
		c.Crash > 0 || scheduled[sim.FaultCrash],
		c.Partition > 0 || scheduled[sim.FaultPartition] || scheduled[sim.FaultOneWay],
		c.Slow > 0 || scheduled[sim.FaultSlow] || scheduled[sim.FaultPause],
	}
}

// expectedSometimes says which sometimes properties (scenarios.Sometimes
// order) a run of c can make hold: a ballot change needs duelling
// proposers or a fault that deposes a leader; a choice after a crash,
// crashes; a duel, two proposers (single-decree) or a leader change
// mid-instance (Multi-Paxos: crashes or partitions); a choice after a
// healed partition, partitions.
func expectedSometimes(c scenarios.Config) [4]bool {
	on := enabledFaults(c)
	crash, partition := on[3], on[4]
	duel := crash || partition
	if c.Protocol != scenarios.MultiPaxos {
		duel = c.Proposers >= 2
	}
	return [4]bool{duel || crash || partition, crash, duel, partition}
}

// coverTally is one worker's coverage counts.
type coverTally struct {
	enabled        [6]int64
	expected, held [4]int64
	ballots        [4]int64
}

func (t *coverTally) add(c scenarios.Config, res *scenarios.Result) {
	for i, on := range enabledFaults(c) {
		if on {
			t.enabled[i]++
		}
	}
	held := res.Coverage.Held()
	for i, can := range expectedSometimes(c) {
		if can {
			t.expected[i]++
		}
		if held[i] {
			t.held[i]++
		}
	}
	for i, n := range res.Coverage.Ballots {
		t.ballots[i] += n
	}
}

func (t *coverTally) merge(o *coverTally) {
	for i := range t.enabled {
		t.enabled[i] += o.enabled[i]
	}
	for i := range t.expected {
		t.expected[i] += o.expected[i]
		t.held[i] += o.held[i]
		t.ballots[i] += o.ballots[i]
	}
}

func (t *coverTally) summary() Coverage {
	c := Coverage{Enabled: map[string]int64{}, Expected: map[string]int64{}, Held: map[string]int64{}, Ballots: t.ballots[:]}
	for i, g := range faultGroups {
		c.Enabled[g.name] = t.enabled[i]
	}
	for i, name := range scenarios.Sometimes {
		c.Expected[name] = t.expected[i]
		c.Held[name] = t.held[i]
	}
	return c
}

// Gaps lists what s's runs enabled but never exercised: each fault kind
// turned on in some run that never fired, and each sometimes property
// possible in some run that never held.
func Gaps(s *Summary) []string {
	gaps := []string{}
	for _, g := range faultGroups {
		fired := int64(0)
		for _, k := range g.fired {
			fired += s.Faults[k.String()]
		}
		if n := s.Coverage.Enabled[g.name]; n > 0 && fired == 0 {
			gaps = append(gaps, fmt.Sprintf("fault %s was on in %d runs but never fired", g.name, n))
		}
	}
	for _, name := range scenarios.Sometimes {
		if n := s.Coverage.Expected[name]; n > 0 && s.Coverage.Held[name] == 0 {
			gaps = append(gaps, fmt.Sprintf("%s was possible in %d runs but never held", name, n))
		}
	}
	return gaps
}
