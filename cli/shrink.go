package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/report"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/watchdog"
)

var shrinkCmd = &command{
	name:  "shrink",
	stops: true,
	usage: "FILE [--out FILE] [--budget N]",
	short: "reduce a failing decision trace to the fewest steps that still fail",
	long: `Shrink reduces a failing run to a 1-minimal decision trace: one that breaks
the same property, and stops breaking it if any one remaining step or client
request is removed. It runs delta debugging over the steps (deliveries,
drops, duplicates, timers, crashes, restarts, client requests), keeping a
candidate when its replay still fails the same way, then, for a consensus
workload, renumbers the clients and their values from 1.

FILE is a decision trace (seed-N.trace, run --record, check --out) or a
reproducer (seed-N.json), whose seed is run and recorded first; either
names its protocol (--protocol, if given, must be the same). A failure
folder, or one of its files that holds no run (summary.json, config.json,
trace.txt, diagram.html, seeds.txt), stands for its shrunk.trace. The shrunk
trace goes to --out (default: FILE with .shrunk.trace in place of its
extension; - for standard output) and replays with 'paxsim replay'. Shrink
prints the sizes before and after, and exits 1 (the shrunk trace fails),
or 2 when FILE is bad or does not fail.

--budget bounds the steps the replays take (trace lines read plus events
executed), so that a long trace gets fewer replays than a short one and a
shrink ends within seconds whatever the trace. When the budget runs out,
or on Ctrl-C, shrink stops and writes the smallest failing trace it found
so far, saying that it may not be 1-minimal. A replay that takes no step
for 10 s of wall time hangs in protocol code (a step removed led it into
a loop): shrink exits 1 with the stack it is stuck in, and writes the
trace it was replaying beside the shrunk trace's path, as .hang.trace.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.out, "out", "", "write the shrunk trace to `FILE` (- for standard output)")
		o.budget = trace.DefaultShrinkBudget
		fs.Var(value[int64]{&o.budget}, "budget", "give up after the replays took `N` steps (trace lines read plus events executed)")
		fs.Var(new(nameValue), "protocol", "the protocol `NAME` FILE must be a run of (default: the one it names)")
	},
	outputs: []string{"out"},
	run:     runShrink,
}

func runShrink(ctx context.Context, x *invocation, o *options, args []string) error {
	if len(args) != 1 {
		return usageErrorf("shrink", "shrink takes one FILE, a decision trace or a reproducer")
	}
	if o.budget < 1 {
		return usageErrorf("shrink", "invalid value for --budget: %d is not a positive number of steps", o.budget)
	}
	path := x.groupInput("shrinking", args[0])
	if !o.set["out"] { // --out given was checked with the flags
		if err := checkOutFile(shrunkPath(o, path)); err != nil {
			return usageErrorf("shrink", "cannot write the shrunk trace beside FILE: %v (give --out FILE, or - for standard output)", err)
		}
	}
	t, p, recorded, err := x.loadFailure(o, path)
	if err != nil {
		return err
	}
	var last atomic.Pointer[trace.Trace]
	res, hang, err := watchdog.Run(runHangTimeout, t.Seed, func(pulse *watchdog.Pulse) (trace.ShrinkResult, error) {
		return p.Shrink(ctx, t, trace.ShrinkOptions{Budget: o.budget, Steps: pulse.Steps(), Replaying: func(t *trace.Trace) { last.Store(t) }})
	})
	if hang != nil {
		return x.shrinkHang(o, path, last.Load(), hang)
	}
	var le *engine.LineError
	switch {
	case errors.As(err, &le) && recorded:
		return inputErrorf("%s: the decision trace recorded from its seed does not replay: step %d: %s (the protocol's runs are not deterministic)", path, le.Line, le.Msg)
	case errors.As(err, &le):
		le.File = path
		return inputErrorf("%v", err)
	case err != nil:
		return inputErrorf("%s: %v", path, err)
	}
	return x.writeShrunk(o, path, &res)
}

// shrinkHang is the exit of a shrink whose replay of candidate, a trace
// it tried (path's, or one it shortened), hung: a failure of the protocol
// (exit 1), with candidate written beside the shrunk trace's path, as
// .hang.trace, to replay.
func (x *invocation) shrinkHang(o *options, path string, candidate *trace.Trace, h *watchdog.Hang) error {
	what := "the replay of a trace shrinking tried hangs"
	if candidate != nil && shrunkPath(o, path) != "-" {
		out := strings.TrimSuffix(shrunkPath(o, path), ".trace") + ".hang.trace"
		comment := fmt.Sprintf("tried by %s shrink %s; its replay hangs", x.program, report.ShellQuote(path))
		c := *candidate // its replay may still read it
		if err := x.writeTraceFile(out, &c, comment); err == nil {
			what += fmt.Sprintf(" (%s replay %s)", x.program, report.ShellQuote(out))
		}
	}
	return hangError(what, h)
}

// shrunkPath is where the shrunk trace of path goes: --out, or path with
// .shrunk.trace for its extension.
func shrunkPath(o *options, path string) string {
	if o.out != "" {
		return o.out
	}
	return strings.TrimSuffix(strings.TrimSuffix(path, ".json"), ".trace") + ".shrunk.trace"
}

// writeShrunk writes a shrink's trace where --out says and reports it.
func (x *invocation) writeShrunk(o *options, path string, res *trace.ShrinkResult) error {
	out := shrunkPath(o, path)
	comment := fmt.Sprintf("shrunk from %d to %d steps by %s shrink %s: %s", res.Before, res.After, x.program, report.ShellQuote(path), res.Property)
	var w io.Writer = x.stdout
	if out == "-" {
		res.Trace.Comments = []string{comment}
		if err := res.Trace.Write(x.stdout); err != nil {
			return err
		}
		w = x.stderr
		x.stdout.Flush()
	} else if err := x.writeTraceFile(out, res.Trace, comment); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s violated: shrunk from %d to %d steps in %d replays (%d steps)\n", res.Property, res.Before, res.After, res.Replays, res.Replayed)
	switch {
	case res.Interrupted:
		fmt.Fprintf(w, "interrupted: this is the smallest failing trace found so far, and it may not be 1-minimal\n")
	case res.Exhausted:
		fmt.Fprintf(w, "the budget of %d steps ran out: the trace may not be 1-minimal (raise --budget)\n", o.budget)
	}
	if out != "-" {
		fmt.Fprintf(w, "wrote %s\nreplay: %s replay %s\n", out, x.program, report.ShellQuote(out))
	}
	return errFound
}

// loadFailure reads a decision trace, or records one from a reproducer
// (recorded), and finds the protocol it names.
func (x *invocation) loadFailure(o *options, path string) (t *trace.Trace, p *harness.Protocol, recorded bool, err error) {
	t, ok, err := readTrace(path)
	if err != nil {
		return nil, nil, false, err
	}
	if ok {
		p, err := x.checkTrace(o, path, t)
		return t, p, false, err
	}
	rep, p, err := campaign.ReadReproducer(path, x.lookupFor(o, path))
	if err != nil {
		return nil, nil, false, inputErrorf("%s is neither a decision trace nor a reproducer: %v", path, err)
	}
	res, err := p.Run(rep.Config, rep.Seed, engine.Options{Record: true})
	if err != nil {
		return nil, nil, false, inputErrorf("%s: %v", path, err)
	}
	return trace.FromResult(rep.Config, &res), p, true, nil
}
