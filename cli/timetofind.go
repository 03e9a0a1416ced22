package cli

import (
	"context"
	"fmt"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/mutants"
	"github.com/paxsim/paxsim/report"
)

// findOptions are the mutants command's time-to-find flags.
type findOptions struct {
	on      bool
	offsets int
	cap     uint64
}

// runTimeToFind is `mutants --time-to-find`: the seeds and wall time to
// each variant's first failure, per scheduler, from many starting seeds.
// It exits 0 when every search ran (the figures are measurements, not a
// verdict), 4 when interrupted.
func runTimeToFind(ctx context.Context, x *invocation, o *options, ps []*harness.Protocol) error {
	f := o.mutants.find
	switch {
	case f.offsets < 1 || f.offsets > 1000:
		return usageErrorf("mutants", "invalid value for --offsets: %d is not between 1 and 1000", f.offsets)
	case f.cap < 1 || f.cap >= mutants.OffsetStride:
		return usageErrorf("mutants", "invalid value for --cap: %d is not between 1 and %d", f.cap, mutants.OffsetStride-1)
	}
	opts := mutants.FindOptions{Protocols: ps, Variant: o.variant, Schedulers: engine.Schedulers, Offsets: f.offsets, Cap: f.cap, Workers: o.workers}
	t := report.NewFindTable(x.stdout, opts.Schedulers, f.cap)
	if !o.json {
		fmt.Fprintf(x.stdout, "time-to-find: per variant and scheduler, seeds and wall time to the first failure from %d starts (seed i*%d), at most %d seeds each, %d workers\n",
			f.offsets, mutants.OffsetStride, f.cap, o.workers)
		for _, p := range ps {
			fmt.Fprintf(x.stdout, "  %-11s %s\n", p.Name()+":", x.mutantsCampaigns([]*harness.Protocol{p}, 0)[p.Name()]+" --swarm=false --scheduler S")
		}
		fmt.Fprintln(x.stdout)
		t.Head()
		opts.OnRow = func(r mutants.FindRow) {
			t.Row(r)
			x.stdout.Flush()
		}
		x.stdout.Flush()
	}
	rep, err := mutants.TimeToFind(ctx, opts)
	if err != nil {
		return internalErrorf("mutants: %v", err)
	}
	if o.json {
		if err := report.JSON(x.stdout, rep); err != nil {
			return err
		}
	} else {
		t.Footer(&rep)
	}
	if rep.Interrupted {
		return &exitError{code: report.ExitIncomplete, msg: "interrupted: the variants not yet measured have no figures"}
	}
	return nil
}
