package campaign

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/engine"
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
	// Inert counts, per fault kind, the runs whose configuration set it
	// but in which it can never fire (InertWhy says why); they are not in
	// Enabled, so that they make no gap.
	Inert map[string]int64 `json:"faults_inert"`
	// LivenessExpected counts the runs whose faults heal (--heal-at), in
	// which liveness is to be judged; Summary.LivenessChecked, the runs in
	// which it was.
	LivenessExpected int64 `json:"liveness_expected"`
	// Unproposed counts the decided instances in which no Proposed had
	// been reported (engine.Coverage.Unproposed).
	Unproposed int64 `json:"decided_without_proposal,omitempty"`
	// Unpromised and Unlearned count the decided instances of the runs in
	// which no node reported Promised, or Learned
	// (engine.Coverage.Unpromised, Unlearned).
	Unpromised int64 `json:"decided_without_promise,omitempty"`
	Unlearned  int64 `json:"decided_without_learning,omitempty"`
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
	{"torn-crash", []sim.FaultKind{sim.FaultTornCrash}},
	{"lose-unsynced", []sim.FaultKind{sim.FaultLostUnsynced}},
	{"long-delay", []sim.FaultKind{sim.FaultLongDelay}},
	{"depose", []sim.FaultKind{sim.FaultDepose}},
	{"lag", []sim.FaultKind{sim.FaultLag}},
	{"outlive", []sim.FaultKind{sim.FaultOutlive}},
}

// numFaultGroups is len(faultGroups).
const numFaultGroups = 12

// enabledFaults says which fault groups c turns on and which of them can
// fire (setFaults, less inertFaults).
func enabledFaults(c engine.Config) [numFaultGroups]bool {
	on, inert := setFaults(c), inertFaults(c)
	for i := range on {
		on[i] = on[i] && !inert[i]
	}
	return on
}

// setFaults says which fault groups c sets: a rate above 0, or a
// scheduled fault of the kind.
func setFaults(c engine.Config) [numFaultGroups]bool {
	scheduled := scheduledKinds(c)
	return [numFaultGroups]bool{
		c.Drop > 0, c.Dup > 0, c.Redeliver > 0,
		c.Crash > 0 || scheduled[sim.FaultCrash],
		c.Partition > 0 || scheduled[sim.FaultPartition] || scheduled[sim.FaultOneWay],
		c.Slow > 0 || scheduled[sim.FaultSlow] || scheduled[sim.FaultPause],
		c.TornCrash > 0, c.LoseUnsynced > 0,
		c.LongDelay > 0, c.Depose > 0, c.Lag > 0,
		c.Outlive > 0,
	}
}

// inertFaults says which fault groups can never fire in a run of c,
// however often they are drawn: the network's faults and partitions in a
// cluster of one replica, which sends nothing over the network, and random
// crashes where no replica may be down (--max-crashed, or for 0 a
// minority: none of one or two replicas). A scheduled crash fires anyway.
func inertFaults(c engine.Config) [numFaultGroups]bool {
	alone := c.Nodes < 2
	down := c.MaxCrashed
	if down == 0 {
		down = (c.Nodes - 1) / 2
	}
	scheduledCrash := scheduledKinds(c)[sim.FaultCrash]
	crashes := (down > 0 && (c.Crash > 0 || c.TornCrash > 0 || c.LoseUnsynced > 0)) || scheduledCrash
	return [numFaultGroups]bool{alone, alone, alone, down == 0 && !scheduledCrash, alone, false, down == 0, down == 0,
		alone, alone, alone, alone || c.FIFO || !crashes}
}

// scheduledKinds says which fault kinds c schedules (--fault).
func scheduledKinds(c engine.Config) [sim.NumFaultKinds]bool {
	var scheduled [sim.NumFaultKinds]bool
	for _, f := range c.Faults {
		if sf, err := sim.ParseFault(f); err == nil {
			scheduled[sf.Kind] = true
		}
	}
	return scheduled
}

// InertWhy says why a fault group can be inert (inertFaults), for
// reports.
var InertWhy = map[string]string{
	"drop": "a single replica sends nothing over the network", "dup": "a single replica sends nothing over the network",
	"redeliver": "a single replica sends nothing over the network", "partition": "a single replica cannot be split",
	"crash":         "no replica may be down: --max-crashed, or for 0 a minority, is none of 1 or 2 replicas",
	"torn-crash":    "no replica may be down: --max-crashed, or for 0 a minority, is none of 1 or 2 replicas",
	"lose-unsynced": "no replica may be down: --max-crashed, or for 0 a minority, is none of 1 or 2 replicas",
	"long-delay":    "a single replica sends nothing over the network",
	"depose":        "a single replica cannot be cut off from others", "lag": "a single replica cannot be cut off from others",
	"outlive": "no replica crashes and restarts (no crash rate, or none may be down), a single replica sends nothing, or FIFO links drop a connection with its receiver",
}

// expectedSometimes says which sometimes properties (engine.Sometimes
// order) a run of c can make hold: a ballot change needs duelling
// proposers or a fault that deposes a leader; a choice after a crash,
// crashes; a duel, two proposers (a consensus workload) or a leader
// change mid-instance (a key-value service: crashes, partitions or
// depositions); a choice after a healed partition, partitions. The deep
// states: a leader led again with old messages in flight needs a leader
// change and long delays; a full window at a reconfiguration,
// reconfigurations and a window (engine.Knob.Window) of at most 4; a
// catch-up from past the catch-up window (engine.Info.CatchUpOf), lags and
// more operations than twice that window; a duplicate answered or
// applied after the next request, a key-value service with a dedup table
// and faults that make clients ask again; the only informed replicas
// outside the core, a heal after the clients' operations start (past
// --propose-window: before, no replica can know a value) that may leave
// replicas faulty, and the faults aimed at them (depose, lag).
func expectedSometimes(info *engine.Info, c engine.Config) [engine.NumSometimes]bool {
	on := enabledFaults(c)
	crash, partition := on[3] || on[6] || on[7], on[4]
	depose, lag := on[9], on[10]
	duel := crash || partition || depose
	if info.Workload.Kind == engine.Consensus {
		duel = c.Effective(info).Clients >= 2
	}
	change := duel || crash || partition || depose
	e := c.Effective(info)
	kv := info.Workload.Kind == engine.KeyValue
	reconfigs := info.Workload.Reconfig && e.Reconfig != "none" && e.Reconfig != "0"
	dedup := info.Properties == nil || slices.Contains(info.Properties, checker.ExactlyOnce)
	return [engine.NumSometimes]bool{change, crash, duel, partition,
		change && on[8] && c.Nodes >= 3 && info.ProposerCount(c.Nodes) >= 2, // another proposer deposes the leader
		kv && reconfigs && smallWindow(info, c),
		kv && info.CatchUpOf(c) > 0 && lag && e.Clients*e.Commands > 2*info.CatchUpOf(c),
		kv && dedup && (on[0] || crash || partition || depose || lag),
		c.HealAt > c.ProposeWindow && info.LearnerCount(c.Nodes) >= 3 && (depose || lag)} // a minority of the learners informed
}

// smallWindow reports whether the protocol has a window (a Knob.Window)
// and c sets it to at most 4 instances, few enough to fill.
func smallWindow(info *engine.Info, c engine.Config) bool {
	for _, k := range info.Knobs {
		if n, err := strconv.Atoi(info.Param(c.Params, k.Name)); k.Window && err == nil && n <= 4 {
			return true
		}
	}
	return false
}

// coverTally is one worker's coverage counts.
type coverTally struct {
	enabled, inert [numFaultGroups]int64
	liveness       int64
	expected, held [engine.NumSometimes]int64
	ballots        [4]int64
	unproposed     int64
	unpromised     int64
	unlearned      int64
	asserts        assertTally
}

func (t *coverTally) add(info *engine.Info, c engine.Config, res *engine.Result) {
	set, inert := setFaults(c), inertFaults(c)
	for i := range set {
		switch {
		case set[i] && inert[i]:
			t.inert[i]++
		case set[i]:
			t.enabled[i]++
		}
	}
	if c.HealAt > 0 {
		t.liveness++
	}
	held := res.Coverage.Held()
	for i, can := range expectedSometimes(info, c) {
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
	t.unproposed += res.Coverage.Unproposed
	t.unpromised += res.Coverage.Unpromised
	t.unlearned += res.Coverage.Unlearned
	t.asserts.add(info, c, res)
}

func (t *coverTally) merge(o *coverTally) {
	for i := range t.enabled {
		t.enabled[i] += o.enabled[i]
		t.inert[i] += o.inert[i]
	}
	t.liveness += o.liveness
	for i := range t.expected {
		t.expected[i] += o.expected[i]
		t.held[i] += o.held[i]
	}
	for i := range t.ballots {
		t.ballots[i] += o.ballots[i]
	}
	t.unproposed += o.unproposed
	t.unpromised += o.unpromised
	t.unlearned += o.unlearned
	t.asserts.merge(&o.asserts)
}

func (t *coverTally) summary(info *engine.Info) Coverage {
	c := Coverage{Enabled: map[string]int64{}, Inert: map[string]int64{}, Expected: map[string]int64{}, Held: map[string]int64{},
		Ballots: t.ballots[:], LivenessExpected: t.liveness, Unproposed: t.unproposed,
		Unpromised: t.unpromised, Unlearned: t.unlearned}
	for i, g := range faultGroups {
		c.Enabled[g.name] = t.enabled[i]
		if t.inert[i] > 0 {
			c.Inert[g.name] = t.inert[i]
		}
	}
	for i, name := range engine.Sometimes {
		c.Expected[name] = t.expected[i]
		c.Held[name] = t.held[i]
	}
	t.asserts.into(info, &c)
	return c
}

// Gaps lists what s's runs claim to test but did not: the runs whose
// client history was not judged (linearizability unknown), each fault
// kind turned on in some run that never fired, each sometimes property
// (or assertion of the protocol's code) possible in at least
// CoverageMinSeeds runs that never held (fewer chances are too few to
// judge a rare situation by: the table shows them), and what was never judged at
// all: no value chosen in any run (safety had nothing to check), no run's
// liveness judged although their faults heal.
func Gaps(s *Summary) []string {
	gaps := []string{}
	if g := unjudgedGap(s); g != "" {
		gaps = append(gaps, g)
	}
	gaps = append(gaps, unreportedGaps(s)...)
	for _, g := range faultGroups {
		fired := int64(0)
		for _, k := range g.fired {
			fired += s.Faults[k.String()]
		}
		if n := s.Coverage.Enabled[g.name]; n > 0 && fired == 0 {
			gaps = append(gaps, fmt.Sprintf("fault %s was on in %d runs but never fired", g.name, n))
		}
	}
	for _, name := range SometimesRows(&s.Coverage) {
		if n := s.Coverage.Expected[name]; n >= CoverageMinSeeds && s.Coverage.Held[name] == 0 {
			gaps = append(gaps, fmt.Sprintf("%s was possible in %d runs but never held", name, n))
		}
	}
	if s.Seeds > 0 && s.Coverage.decided() == 0 {
		gaps = append(gaps, fmt.Sprintf("no value was chosen in any of the %d runs: safety had nothing to check", s.Seeds))
	}
	if n := s.Coverage.LivenessExpected; n > 0 && s.LivenessChecked == 0 {
		gaps = append(gaps, fmt.Sprintf("liveness was to be judged in %d runs (their faults heal) but was judged in none: each stopped first (--max-time, --max-events)", n))
	}
	return gaps
}

// unreported lists the observations a campaign that chose values must
// have seen some node report: the gap names the kind, what it is for,
// and how many decided instances were judged without it. A kind is
// missing when none of the decided instances had it (Proposed: by the time
// it was chosen; Promised and Learned: anywhere in its run), so one
// report anywhere makes no gap.
var unreported = []struct {
	without func(*Coverage) int64
	what    string
}{
	{func(c *Coverage) int64 { return c.Unproposed },
		"Proposed: the protocol's proposer must report checker.Proposed (Instance, Ballot, Value) when it sends phase 2a; " +
			"without it ballot changes, duels and the leader (the depose fault's target) cannot be seen, and the early checks " +
			"(one value per ballot, safe proposals) see only what acceptors accepted, not what was proposed"},
	{func(c *Coverage) int64 { return c.Unpromised },
		"Promised: the protocol's acceptors must report checker.Promised (Instance, Ballot; Prior and Value, what they had " +
			"accepted) when they promise (phase 1b); without it promise integrity, promise monotonicity and promise kept have " +
			"nothing to judge, and a proposal that ignores what a promise reported is caught only once a second value is chosen"},
	{func(c *Coverage) int64 { return c.Unlearned },
		"Learned: the protocol's learners must report checker.Learned (Instance, Value; Ballot when known) when they learn " +
			"a value chosen; without it learner integrity and chosen integrity have nothing to judge"},
}

// unreportedGaps are the gaps of a campaign in which values were chosen
// but some kind of unreported was never reported.
func unreportedGaps(s *Summary) []string {
	decided := s.Coverage.decided()
	if decided == 0 {
		return nil
	}
	var gaps []string
	for _, u := range unreported {
		if u.without(&s.Coverage) >= decided {
			gaps = append(gaps, fmt.Sprintf("no node reported %s (%d instances decided)", u.what, decided))
		}
	}
	return gaps
}

// decided is the number of decided instances the campaign counted.
func (c *Coverage) decided() int64 {
	n := int64(0)
	for _, b := range c.Ballots {
		n += b
	}
	return n
}

// unjudgedGap is the gap of the runs whose linearizability is unknown:
// porcupine's search spent its budget (engine.LinearizabilityBudget)
// on their client history. "" when there are none.
func unjudgedGap(s *Summary) string {
	n := s.Linearizability[string(linearize.Unknown)]
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("linearizability was not judged in %d of %d runs: porcupine's search spent its budget of %d steps "+
		"per key on their histories (unknown is never a pass)", n, s.Seeds, engine.LinearizabilityBudget)
}

// FailingGaps lists the gaps of s that fail the campaign. A coverage gap
// counts only in a campaign of at least CoverageMinSeeds seeds that ran
// to the end: a handful of seeds may rightly miss a rare fault. Runs left
// unjudged count in any campaign: each is a run that was not checked.
func FailingGaps(s *Summary) []string {
	if s.Seeds >= CoverageMinSeeds && !s.Interrupted {
		return s.CoverageGaps
	}
	var failing []string
	if g := unjudgedGap(s); g != "" && slices.Contains(s.CoverageGaps, g) {
		failing = append(failing, g)
	}
	return failing
}
