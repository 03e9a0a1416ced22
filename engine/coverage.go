package engine

import (
	"math/bits"

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
	// Ballots counts the decided instances by the distinct ballots
	// proposed in them by the time they were chosen: 1, 2, 3, 4 or more.
	Ballots [4]int64 `json:"ballots_per_decided_instance"`
}

// Sometimes lists the names of the sometimes properties, in the order
// Coverage.Held reports them.
var Sometimes = []string{"chosen_after_ballot_change", "chosen_after_crash", "chosen_in_duel", "chosen_after_partition_healed"}

// Held reports which sometimes properties held, in Sometimes order.
func (c *Coverage) Held() [4]bool {
	return [4]bool{c.BallotChange, c.AfterCrash, c.Duel, c.AfterPartitionHealed}
}

// coverage follows one run's proposals and choices.
type coverage struct {
	res       Coverage
	instances []instanceCover // by instance (0 for single-decree)
}

type instanceCover struct {
	first     checker.Ballot
	ballots   [3]checker.Ballot // the distinct ballots proposed, the first three
	nBallots  int
	proposers uint64 // bit per node id
	decided   bool
}

func (c *coverage) instance(i int64) *instanceCover {
	if i < 0 || i > 1<<20 {
		return nil
	}
	for int64(len(c.instances)) <= i {
		c.instances = append(c.instances, instanceCover{})
	}
	return &c.instances[i]
}

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
		known := false
		for _, b := range in.ballots[:min(in.nBallots, len(in.ballots))] {
			known = known || b == o.Ballot
		}
		if !known {
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
		st := w.Stats()
		c.res.Ballots[min(max(in.nBallots, 1), 4)-1]++
		c.res.BallotChange = c.res.BallotChange || (in.nBallots > 0 && ch.Ballot != in.first)
		c.res.Duel = c.res.Duel || bits.OnesCount64(in.proposers) >= 2
		c.res.AfterCrash = c.res.AfterCrash || st.Faults[sim.FaultCrash] > 0
		c.res.AfterPartitionHealed = c.res.AfterPartitionHealed || st.PartitionsHealed > 0
	}
}
