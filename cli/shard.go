package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/report"
)

// shardSpec is campaign --shard I/M: run the I-th (from 1) of M disjoint
// parts of the seeds (campaign.ShardRange). A zero count means no
// sharding. apply also keeps the whole campaign's seeds, for the report.
type shardSpec struct {
	index, count uint64
	start, seeds uint64 // the whole campaign's, set by apply
}

func (s *shardSpec) String() string {
	if s == nil || s.count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.index, s.count)
}

// Set parses I/M. Its errors complete "invalid value for --shard: ".
func (s *shardSpec) Set(v string) error {
	i, n, ok := strings.Cut(v, "/")
	if !ok {
		return fmt.Errorf("%q is not I/M (the I-th of M parts, from 1/M to M/M)", v)
	}
	index, err1 := strconv.ParseUint(i, 10, 64)
	count, err2 := strconv.ParseUint(n, 10, 64)
	switch {
	case err1 != nil || err2 != nil:
		return fmt.Errorf("%q is not I/M with I and M positive integers", v)
	case count == 0:
		return fmt.Errorf("%q has M=0: a campaign has at least one part", v)
	case index < 1 || index > count:
		return fmt.Errorf("%q has no part %d: the parts of %d go from 1/%d to %d/%d", v, index, count, count, count, count)
	}
	s.index, s.count = index, count
	return nil
}

// apply narrows o's seeds to the shard's part and its --out to a folder of
// its own, OUT/shard-I-of-M, so that shards sharing a volume do not write
// into each other's failure folders.
func (s *shardSpec) apply(o *options) error {
	if s.count == 0 {
		return nil
	}
	if s.count > o.seeds {
		return usageErrorf("campaign", "invalid value for --shard: %d parts of %d seeds would leave parts empty: use at most %d", s.count, o.seeds, o.seeds)
	}
	s.start, s.seeds = o.start, o.seeds
	o.start, o.seeds = campaign.ShardRange(o.start, o.seeds, s.index, s.count)
	if o.out != "" {
		o.out = filepath.Join(o.out, s.folder())
	}
	return nil
}

// folder is the shard's own folder under --out.
func (s *shardSpec) folder() string { return fmt.Sprintf("shard-%d-of-%d", s.index, s.count) }

// writeCampaignJSON prints a campaign's JSON report: indented, or, for a
// shard, as one line with the shard's part, for paxsim merge.
func writeCampaignJSON(w io.Writer, o *options, r report.Campaign) error {
	if o.shard.count == 0 {
		return report.JSON(w, r)
	}
	r.SpecCoverage = r.SpecCoverage.ForShard() // its states, for merge to unite
	return report.JSONLine(w, report.Shard{Campaign: r, Shard: &report.ShardInfo{
		Index: o.shard.index, Count: o.shard.count, Start: o.shard.start, Seeds: o.shard.seeds,
		MaxShrinks: o.maxShrinks, NoShrink: o.noShrink, CheckDeterminism: o.checkDeterminism, Out: o.out,
	}})
}

// shardHead heads a shard's text summary with its part.
func shardHead(o *options) string {
	if s := &o.shard; s.count != 0 {
		return fmt.Sprintf("shard %d/%d of the campaign of seeds %d..%d (paxsim merge combines the shards' --json results)\n",
			s.index, s.count, s.start, s.start+s.seeds-1)
	}
	return ""
}

// shardVerdict is a campaign's exit (campaignVerdict), except that a
// shard leaves coverage gaps to paxsim merge: a fault kind that did not
// fire in one part of the seeds may fire in another, and merge judges the
// whole campaign's coverage. A shard exits 1 when a seed failed or hung, 4 when it
// was interrupted and 0 otherwise, so that a Job's pod fails only when it
// could not run its part.
func shardVerdict(o *options, s *campaign.Summary) error {
	switch {
	case o.shard.count == 0:
		return campaignVerdict(s)
	case s.Violations > 0 || len(s.Nondeterministic) > 0 || s.Hang != nil:
		return errFound
	case s.Interrupted:
		return errInterrupted(s)
	}
	return nil
}
