package engine

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// Coverage is what a run exercised beyond its fault counts: the
// "sometimes" properties (as Antithesis calls them) that a campaign
// requires to have held in some run, lest it pass without testing what
// it claims to, and the ballots its decided instances took.
type Coverage struct {
	// BallotChange: an instance was chosen at a ballot other than the
	// first one proposed in it (a leader or ballot change).
	BallotChange bool `json:"chosen_after_ballot_change"`
	// AfterCrash: an instance was chosen after an acceptor had crashed.
	AfterCrash bool `json:"chosen_after_crash"`
	// Duel: an instance was chosen after two or more replicas proposed
	// in it (duelling proposers or leaders).
	Duel bool `json:"chosen_in_duel"`
	// AfterPartitionHealed: an instance was chosen after a partition had
	// started and healed mid-run.
	AfterPartitionHealed bool `json:"chosen_after_partition_healed"`
	// The deep states (deepcover.go). Reelected: a replica led again
	// while a message it sent before it was deposed was still in flight.
	Reelected bool `json:"reelected_with_old_messages_in_flight"`
	// WindowFull: a leader proposed the last instance of its window (the
	// protocol's Knob.Window) while the first held an unchosen
	// reconfiguration.
	WindowFull bool `json:"window_full_at_reconfig"`
	// LagCaughtUp: a replica fell more than Info.CatchUp instances behind
	// the furthest one, then caught up with where that one was.
	LagCaughtUp bool `json:"caught_up_past_catchup_window"`
	// LateDuplicate: a replica answered a duplicate of a client's
	// request, or applied one (without effect), after the client had
	// sent its next request.
	LateDuplicate bool `json:"duplicate_after_next_request"`
	// InformedOutside: at the heal, every replica that had got furthest
	// (learned the value, or applied the most) was left faulty, outside
	// the healed core.
	InformedOutside bool `json:"only_informed_outside_core"`
	// Ballots counts the decided instances by the distinct ballots
	// proposed in them by the time they were chosen: 1, 2, 3, 4 or more.
	Ballots [4]int64 `json:"ballots_per_decided_instance"`
	// Unproposed counts the decided instances in which no node had
	// reported Proposed by the time they were chosen (they count in
	// Ballots[0] too): a protocol that never reports its phase 2a leaves
	// ballot changes, duels and the leader invisible.
	Unproposed int64 `json:"decided_without_proposal,omitempty"`
	// Unpromised and Unlearned count the decided instances of the run
	// when no node reported Promised, or Learned, in it at all: a
	// protocol that never reports its promises leaves the promise checks
	// nothing to judge, and one that never reports what its learners
	// learn, learner integrity and chosen integrity.
	Unpromised int64 `json:"decided_without_promise,omitempty"`
	Unlearned  int64 `json:"decided_without_learning,omitempty"`
}

// Sometimes lists the names of the sometimes properties, in the order
// Coverage.Held reports them.
var Sometimes = []string{"chosen_after_ballot_change", "chosen_after_crash", "chosen_in_duel", "chosen_after_partition_healed",
	"reelected_with_old_messages_in_flight", "window_full_at_reconfig", "caught_up_past_catchup_window",
	"duplicate_after_next_request", "only_informed_outside_core"}

// NumSometimes is len(Sometimes).
const NumSometimes = 9

// Held reports which sometimes properties held, in Sometimes order.
func (c *Coverage) Held() [NumSometimes]bool {
	return [NumSometimes]bool{c.BallotChange, c.AfterCrash, c.Duel, c.AfterPartitionHealed,
		c.Reelected, c.WindowFull, c.LagCaughtUp, c.LateDuplicate, c.InformedOutside}
}

// coverage follows one run's proposals and choices. It forgets decided
// instances at the front, so that following a log takes memory for the
// instances in flight, not for every one decided.
type coverage struct {
	res       Coverage
	instances []instanceCover // instances[k] is instance base+k (0 for single-decree)
	base      int64
	low       int64  // the lowest instance ever recorded (when any is)
	front     int    // instances[:front] are decided
	keep      int    // decided instances kept at the front before forgetting (0: 64)
	decided   int64  // instances decided in the run
	reported  uint32 // bit per checker.Kind some node reported in the run
}

type instanceCover struct {
	first     checker.Ballot
	ballots   [3]checker.Ballot // the distinct ballots proposed, the first three
	nBallots  int
	proposers uint64 // bit per node id
	decided   bool
	reconfig  bool // a reconfiguration was proposed in it
}

// instance returns instance i's record, nil for one decided and forgotten
// or out of range.
func (c *coverage) instance(i int64) *instanceCover {
	if i < 0 || i > 1<<20 {
		return nil
	}
	if len(c.instances) == 0 && c.base == c.low {
		c.base, c.low = i, i // the first record: a log starts at 1
	}
	if i < c.low { // below every instance recorded: make room in front
		c.instances = append(make([]instanceCover, c.low-i, int64(len(c.instances))+c.low-i), c.instances...)
		c.base, c.low, c.front = i, i, 0
	}
	k := i - c.base
	if k < 0 {
		return nil // decided and forgotten
	}
	for int64(len(c.instances)) <= k {
		c.instances = append(c.instances, instanceCover{})
	}
	return &c.instances[k]
}

// peek returns instance i's record if there is one, nil otherwise: it
// records nothing.
func (c *coverage) peek(i int64) *instanceCover {
	if k := i - c.base; k >= 0 && k < int64(len(c.instances)) {
		return &c.instances[k]
	}
	return nil
}

// forget drops the decided instances at the front once they are half the
// records: amortised O(1) a decision.
func (c *coverage) forget() {
	for c.front < len(c.instances) && c.instances[c.front].decided {
		c.front++
	}
	keep := cmp.Or(c.keep, 64)
	if c.front < keep || c.front < len(c.instances)/2 {
		return
	}
	n := copy(c.instances, c.instances[c.front:])
	c.instances = c.instances[:n]
	c.base += int64(c.front)
	c.front = 0
}

// result is the run's coverage, once it ended.
func (c *coverage) result() Coverage {
	r := c.res
	if !c.saw(checker.Promised) {
		r.Unpromised = c.decided
	}
	if !c.saw(checker.Learned) {
		r.Unlearned = c.decided
	}
	return r
}

// report notes that a node reported an observation of kind k.
func (c *coverage) report(k checker.Kind) { c.reported |= 1 << (k & 31) }

// saw reports whether some node reported an observation of kind k.
func (c *coverage) saw(k checker.Kind) bool { return c.reported&(1<<(k&31)) != 0 }

// reset empties c for a new run, keeping its memory.
func (c *coverage) reset() { *c = coverage{instances: c.instances[:0], keep: c.keep} }

// statser is a world, for its fault counts (an interface, so that passing
// one allocates nothing on the observation path).
type statser interface{ Stats() sim.Stats }

// observe takes an observation after the safety checker did; w gives the
// world's fault counts at that moment.
func (c *coverage) observe(node sim.NodeID, o checker.Observation, safety *checker.Safety, w statser) {
	switch o.Kind {
	case checker.Proposed:
		in := c.instance(o.Instance)
		if in == nil || in.decided {
			return
		}
		if in.nBallots == 0 {
			in.first = o.Ballot
		}
		if !slices.Contains(in.ballots[:min(in.nBallots, len(in.ballots))], o.Ballot) {
			if in.nBallots < len(in.ballots) {
				in.ballots[in.nBallots] = o.Ballot
			}
			in.nBallots++
		}
		in.proposers |= 1 << uint(node)
	case checker.Accepted:
		in := c.instance(o.Instance)
		if in == nil || in.decided {
			return
		}
		ch, ok := safety.Chosen(o.Instance)
		if !ok {
			return
		}
		in.decided = true
		c.decided++
		st := w.Stats()
		c.res.Ballots[min(max(in.nBallots, 1), 4)-1]++
		if in.nBallots == 0 {
			c.res.Unproposed++
		}
		c.res.BallotChange = c.res.BallotChange || (in.nBallots > 0 && ch.Ballot != in.first)
		c.res.Duel = c.res.Duel || bits.OnesCount64(in.proposers) >= 2
		c.res.AfterCrash = c.res.AfterCrash || st.Faults[sim.FaultCrash]+st.Faults[sim.FaultTornCrash]+st.Faults[sim.FaultLostUnsynced] > 0
		c.res.AfterPartitionHealed = c.res.AfterPartitionHealed || st.PartitionsHealed > 0
		c.forget()
	}
}
