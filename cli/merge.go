package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/report"
)

var mergeCmd = &command{
	name:  "merge",
	usage: "[--json] [--out DIR] [--baseline FILE] FILE...",
	short: "combine the results of a sharded campaign into one summary",
	long: `Merge combines the results of the N shards of a campaign, the JSON lines
that "paxsim campaign --shard I/M --json" prints (one a file, or several in
one file), into the summary of the campaign run whole: the same summary,
and the same JSON with --json, as "paxsim campaign" over all the seeds,
apart from wall time and rates. Wall time is the longest shard's; the rates
are the shards' together, as if they ran at once. Failures are grouped
again as the whole campaign groups them, with the traces of its first
--max-shrinks groups.

Merge writes the failure folders of the whole campaign into --out, from the
shards' folders: where each shard wrote them, or, when they have moved, a
folder shard-I-of-M next to the shard's result file (keep each shard's
--out folder beside its results when you collect them).

Every shard of the campaign must be given, once, with the same protocol,
configuration and flags, and each result's counts must agree with one
another as a campaign makes them. It exits as the campaign run whole
would: 1 if a seed failed or was nondeterministic, else 4 if a shard was
interrupted, else 3 for a coverage gap; and 2 for bad usage or input (a
missing shard, a file that is not a shard's result, counts that cannot be
a campaign's, shards of different campaigns, an unusable --out). With
--baseline FILE it labels the failure groups as paxsim campaign does.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.json, "json", false, "print the summary as one JSON object, as paxsim campaign --json does")
		fs.StringVar(&o.out, "out", "paxsim-failures", "write a folder per failure group into `DIR`; empty: none")
		fs.StringVar(&o.baseline, "baseline", "", baselineUsage)
	},
	run: runMerge,
}

// shardFile is one shard's result and the file it came from.
type shardFile struct {
	file   string
	report report.Shard
}

func runMerge(_ context.Context, x *invocation, o *options, args []string) error {
	if len(args) == 0 {
		return usageErrorf("merge", "merge needs the shards' result files (paxsim campaign --shard I/M --json > FILE)")
	}
	var shards []shardFile
	for _, file := range args {
		got, err := readShardResults(file)
		if err != nil {
			return err
		}
		shards = append(shards, got...)
	}
	if err := x.checkShards(shards); err != nil {
		return err
	}
	p, err := x.reg.Lookup(shards[0].report.Config.Protocol)
	if err != nil {
		return inputErrorf("%s: %v", shards[0].file, err)
	}
	base, err := o.readBaseline("merge", p.Name())
	if err != nil {
		return err
	}
	if err := checkMergeOut(o.out, shards); err != nil {
		return err
	}
	parts := make([]campaign.Summary, len(shards))
	for i := range shards {
		parts[i] = shards[i].report.Summary
	}
	first := shards[0].report
	sum, err := campaign.MergeSummaries(parts, campaign.MergeOptions{
		Protocol:   p,
		MaxShrinks: first.Shard.MaxShrinks,
		OutDir:     o.out,
		Locate:     func(i int, path string) string { return locateShardFile(&shards[i], path) },
		Program:    x.program,
	})
	var oe *campaign.OutError
	if errors.As(err, &oe) {
		return usageErrorf("merge", "invalid value for --out: %v", err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return inputErrorf("cannot merge: %v (keep each shard's folder shard-I-of-M next to its result file, or merge with --out \"\" for the summary alone)", err)
	}
	if err != nil {
		return inputErrorf("cannot merge: %v", err)
	}
	if base != nil {
		campaign.TriageAgainst(base, &sum)
	}
	verdict := campaignVerdict(&sum)
	head := fmt.Sprintf("merged %d shards of the campaign of seeds %d..%d\n", len(shards), first.Shard.Start, first.Shard.Start+first.Shard.Seeds-1)
	r := report.Campaign{Summary: sum, Config: first.Config, Pinned: first.Pinned}
	if err := x.writeCampaign(o, p.Info(), r, first.Config, first.Shard.CheckDeterminism, head, verdict); err != nil {
		return err
	}
	return verdict
}

// checkMergeOut refuses a --out that is a shard's own folder: merge
// clears what paxsim wrote into --out before it writes there, and would
// lose the shard's files it reads.
func checkMergeOut(out string, shards []shardFile) error {
	if out == "" {
		return nil
	}
	for i := range shards {
		s := &shards[i]
		if s.report.Shard.Out != "" && filepath.Clean(s.report.Shard.Out) == filepath.Clean(out) {
			return usageErrorf("merge", "invalid value for --out: %s is where shard %d/%d (%s) wrote its folders; merge into another folder",
				out, s.report.Shard.Index, s.report.Shard.Count, s.file)
		}
	}
	return nil
}

// readShardResults reads the shard results in file: one JSON object or
// more, one a line as campaign --shard --json prints them.
func readShardResults(file string) ([]shardFile, error) {
	data, err := readSummaryFile(file)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, inputErrorf("%s: %v: not a campaign shard's result", file, err)
	case err != nil:
		return nil, inputErrorf("cannot read %s: %v", file, err)
	}
	return parseShardResults(data, file)
}

// parseShardResults reads shard results, the text of file.
func parseShardResults(data []byte, file string) ([]shardFile, error) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte(utf8BOM))))
	dec.DisallowUnknownFields()
	var out []shardFile
	for k := 1; ; k++ {
		var r report.Shard
		err := dec.Decode(&r)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, inputErrorf("%s: result %d is not a campaign shard's result (paxsim campaign --shard I/M --json, by this version of paxsim): %v", file, k, err)
		}
		if r.Shard == nil {
			return nil, inputErrorf("%s: result %d is a campaign's but not a shard's (run the campaign with --shard I/M --json)", file, k)
		}
		if err := r.Summary.Consistent(); err != nil {
			return nil, inputErrorf("%s: result %d (shard %d/%d) is not a campaign's as it ran: %v", file, k, r.Shard.Index, r.Shard.Count, err)
		}
		out = append(out, shardFile{file, r})
	}
	if len(out) == 0 {
		return nil, inputErrorf("%s: no shard result in it", file)
	}
	return out, nil
}

// checkShards says whether the shards are the N parts, each once, of one
// campaign: one range of seeds, one configuration, the same flags.
func (x *invocation) checkShards(shards []shardFile) error {
	first := &shards[0]
	a := first.report.Shard
	seen := make(map[uint64]string)
	for i := range shards {
		s := &shards[i]
		b := s.report.Shard
		differ := func(what string, x, y any) error {
			return inputErrorf("cannot merge shards of different campaigns: %s (shard %d/%d) has %s %v, %s (shard %d/%d) has %v",
				first.file, a.Index, a.Count, what, x, s.file, b.Index, b.Count, y)
		}
		switch {
		case s.report.Config.Protocol != first.report.Config.Protocol:
			return differ("--protocol", first.report.Config.Protocol, s.report.Config.Protocol)
		case b.Count != a.Count:
			return differ("a campaign in parts", a.Count, b.Count)
		case b.Start != a.Start || b.Seeds != a.Seeds:
			return differ("the seeds", fmt.Sprintf("%d..%d", a.Start, a.Start+a.Seeds-1), fmt.Sprintf("%d..%d", b.Start, b.Start+b.Seeds-1))
		case !reflect.DeepEqual(s.report.Config, first.report.Config):
			return differ("the config", x.shardConfig(&first.report), x.shardConfig(&s.report))
		case s.report.Swarm != first.report.Swarm:
			return differ("--swarm", first.report.Swarm, s.report.Swarm)
		case !slices.Equal(s.report.Pinned, first.report.Pinned):
			return differ("the pinned knobs", first.report.Pinned, s.report.Pinned)
		case b.MaxShrinks != a.MaxShrinks:
			return differ("--max-shrinks", a.MaxShrinks, b.MaxShrinks)
		case b.NoShrink != a.NoShrink:
			return differ("--no-shrink", a.NoShrink, b.NoShrink)
		case b.CheckDeterminism != a.CheckDeterminism:
			return differ("--check-determinism", a.CheckDeterminism, b.CheckDeterminism)
		case b.Index < 1 || b.Index > b.Count:
			return inputErrorf("%s: shard %d/%d does not exist", s.file, b.Index, b.Count)
		}
		if other, ok := seen[b.Index]; ok {
			return inputErrorf("shard %d/%d is given twice: in %s and in %s", b.Index, b.Count, other, s.file)
		}
		seen[b.Index] = s.file
		start, seeds := campaign.ShardRange(b.Start, b.Seeds, b.Index, b.Count)
		if r := &s.report.Summary; r.Start != start || r.Requested != seeds {
			return inputErrorf("%s: shard %d/%d ran %d seeds from %d, not its part of seeds %d..%d (%d seeds from %d)",
				s.file, b.Index, b.Count, r.Requested, r.Start, b.Start, b.Start+b.Seeds-1, seeds, start)
		}
	}
	var missing []string
	for i := uint64(1); i <= a.Count && len(missing) < 10; i++ {
		if _, ok := seen[i]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", i, a.Count))
		}
	}
	if len(missing) > 0 {
		return inputErrorf("shards missing: %s (merge needs all %d, each once)", strings.Join(missing, " "), a.Count)
	}
	return nil
}

// shardConfig is a shard's config as its text summary writes it.
func (x *invocation) shardConfig(r *report.Shard) string {
	p, err := x.reg.Lookup(r.Config.Protocol)
	if err != nil {
		return fmt.Sprintf("%+v", r.Config)
	}
	return x.configLine(p.Info(), r.Config)
}

// locateShardFile finds a file or folder that shard s recorded: where it
// was written, or else in the shard's folder next to its result file, as
// collecting a Job's volume leaves them (results/shard-I-of-M.jsonl and
// results/shard-I-of-M/).
func locateShardFile(s *shardFile, path string) string {
	if _, err := os.Stat(path); err == nil || s.report.Shard.Out == "" {
		return path
	}
	rel, err := filepath.Rel(s.report.Shard.Out, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	moved := filepath.Join(filepath.Dir(s.file), filepath.Base(s.report.Shard.Out), rel)
	if _, err := os.Stat(moved); err == nil {
		return moved
	}
	return path
}
