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
bad or does not fail.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.out, "out", "", "write the shrunk trace to `FILE` (- for standard output)")
		fs.IntVar(&o.workers, "budget", scenarios.DefaultShrinkBudget, "give up after `N` replays")
	},
	run: func(_ context.Context, x *invocation, o *options, args []string) error {
		if len(args) != 1 {
			return usageErrorf("shrink", "shrink takes one FILE, a decision trace or a reproducer")
		}
		if o.workers < 1 {
			return usageErrorf("shrink", "invalid value for --budget: %d is not a positive number of replays", o.workers)
		}
		path := args[0]
		t, err := loadFailure(path)
		if err != nil {
			return err
		}
		res, err := scenarios.Shrink(t, o.workers)
		switch {
		case errors.Is(err, scenarios.ErrNoFailure):
			return inputErrorf("%s: %v", path, err)
		case err != nil:
			return inputErrorf("%s: %v", path, err)
		}
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
		fmt.Fprintf(w, "%s violated: shrunk from %d to %d steps in %d replays\n", res.Property, res.Before, res.After, res.Replays)
		if res.Exhausted {
			fmt.Fprintf(w, "the budget of %d replays ran out: the trace may not be 1-minimal (raise --budget)\n", o.workers)
		}
		if out != "-" {
			fmt.Fprintf(w, "wrote %s\nreplay: paxsim replay %s\n", out, shellQuote(out))
		}
		return errFound
	},
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
