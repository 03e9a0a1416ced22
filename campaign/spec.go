package campaign

import (
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/refine"
)

// specCoverage is the spec coverage of o's campaign (refine.Coverage):
// nil for a protocol without a mapping onto Paxos.tla, or whose cluster
// Paxos.tla's model cannot hold.
func specCoverage(o *Options) *refine.Coverage {
	c, err := o.Protocol.SpecCoverage(o.Config)
	if err != nil {
		return nil
	}
	return c
}

// forkSpec is a worker's share of c, nil for none.
func forkSpec(c *refine.Coverage) *refine.Coverage {
	if c == nil {
		return nil
	}
	return c.Fork()
}

// specFollower is c as the engine's follower: a nil interface for none.
func specFollower(c *refine.Coverage) engine.SpecFollower {
	if c == nil {
		return nil
	}
	return c
}

// specSummary merges the workers' spec coverage into the summary's: nil
// for a protocol without a mapping.
func specSummary(tallies []tally) *refine.Summary {
	var all *refine.Coverage
	for i := range tallies {
		switch t := tallies[i].spec; {
		case t == nil:
		case all == nil:
			all = t
		default:
			all.Merge(t)
		}
	}
	if all == nil {
		return nil
	}
	s := all.Summary()
	return &s
}

// mergeSpec is the spec coverage of a campaign's shards together.
func mergeSpec(parts []Summary) *refine.Summary {
	specs := make([]*refine.Summary, len(parts))
	for i := range parts {
		specs[i] = parts[i].SpecCoverage
	}
	return refine.MergeSummaries(specs)
}
