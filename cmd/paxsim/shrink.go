package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/scenarios"
)

var shrinkCmd = &command{
	name:  "shrink",
	usage: "FILE [--out FILE] [--budget N]",
	short: "reduce a failing decision trace to the fewest steps that still fail",
	long: `Shrink reduces a failing run to a 1-minimal decision trace: one that breaks
the same property, and stops breaking it if any one remaining step or client
proposal is removed. It runs delta debugging over the steps (deliveries,
drops, duplicates, timers, crashes, restarts, client proposals), keeping a
candidate when its replay still fails the same way, then renumbers the
clients and their values from 1.

FILE is a decision trace (seed-N.trace, run --record) or a reproducer
(seed-N.json), whose seed is run and recorded first. The shrunk trace goes to
--out (default: FILE with .shrunk.trace in place of its extension; - for
standard output) and replays with 'paxsim replay'. Shrink prints the sizes
before and after, and exits 1 (the shrunk trace fails), or 2 when FILE is
bad or does not fail.

--budget bounds the steps the replays take (trace lines read plus events
executed), so that a long trace gets fewer replays than a short one and a
shrink ends within seconds whatever the trace. When the budget runs out,
or on Ctrl-C, shrink stops and writes the smallest failing trace it found
so far, saying that it may not be 1-minimal.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.out, "out", "", "write the shrunk trace to `FILE` (- for standard output)")
		o.shrinkBudget = scenarios.DefaultShrinkBudget
		fs.Var(numValue[int64]{&o.shrinkBudget}, "budget", "give up after the replays took `N` steps (trace lines read plus events executed)")
	},
	run: func(ctx context.Context, x *invocation, o *options, args []string) error {
		if len(args) != 1 {
			return usageErrorf("shrink", "shrink takes one FILE, a decision trace or a reproducer")
		}
		if o.shrinkBudget < 1 {
			return usageErrorf("shrink", "invalid value for --budget: %d is not a positive number of steps", o.shrinkBudget)
		}
		path := args[0]
		t, err := loadFailure(path)
		if err != nil {
			return err
		}
		res, err := scenarios.Shrink(ctx, t, o.shrinkBudget)
		if err != nil {
			var te *scenarios.TraceError
			if errors.As(err, &te) && te.File == "" {
				te.File = path
				return inputErrorf("%v", err)
			}
			return inputErrorf("%s: %v", path, err)
		}
		return x.writeShrunk(o, path, &res)
	},
}

// writeShrunk writes a shrink's trace where --out says and reports it.
func (x *invocation) writeShrunk(o *options, path string, res *scenarios.ShrinkResult) error {
	out := o.out
	if out == "" {
		out = strings.TrimSuffix(strings.TrimSuffix(path, ".json"), ".trace") + ".shrunk.trace"
	}
	comment := fmt.Sprintf("shrunk from %d to %d steps by paxsim shrink %s: %s", res.Before, res.After, shellQuote(path), res.Property)
	if out == "-" {
		res.Trace.Comments = []string{comment}
		if err := res.Trace.Write(x.stdout); err != nil {
			return err
		}
	} else if err := writeTraceFile(out, res.Trace, comment); err != nil {
		return err
	}
	var w io.Writer = x.stdout
	if out == "-" {
		w = x.stderr
	}
	fmt.Fprintf(w, "%s violated: shrunk from %d to %d steps in %d replays (%d steps)\n", res.Property, res.Before, res.After, res.Replays, res.Replayed)
	switch {
	case res.Interrupted:
		fmt.Fprintf(w, "interrupted: this is the smallest failing trace found so far, and it may not be 1-minimal\n")
	case res.Exhausted:
		fmt.Fprintf(w, "the budget of %d steps ran out: the trace may not be 1-minimal (raise --budget)\n", o.shrinkBudget)
	}
	if out != "-" {
		fmt.Fprintf(w, "wrote %s\nreplay: paxsim replay %s\n", out, shellQuote(out))
	}
	return errFound
}

// loadFailure reads a decision trace, or records one from a reproducer.
func loadFailure(path string) (*scenarios.Trace, error) {
	t, ok, err := readTrace(path)
	if err != nil || ok {
		return t, err
	}
	rep, err := campaign.ReadReproducer(path)
	if err != nil {
		return nil, inputErrorf("%s is neither a decision trace nor a reproducer: %v", path, err)
	}
	res, err := scenarios.Run(rep.Config, rep.Seed, scenarios.Options{Record: true})
	if err != nil {
		return nil, inputErrorf("%s: %v", path, err)
	}
	if res.Trace == nil {
		return nil, inputErrorf("%s: %v", path, scenarios.ErrNoTrace)
	}
	return res.Trace, nil
}
