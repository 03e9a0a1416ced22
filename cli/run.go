package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/report"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/watchdog"
)

var runCmd = &command{
	name:   "run",
	usage:  "--seed N [config flags] [--trace] [--json] [--check-determinism] [--record FILE] [--html FILE]",
	short:  "run one seed and judge it",
	config: true,
	long: `Run runs one seed of the configured cluster and judges it. The report opens
with a SEED= line that lists every option, then gives the verdict, what the
clients got (the chosen value and the learners, or the operations answered
and the log), events, virtual time, the trace hash, the fault counts and
every violation with its evidence, and ends with the replay command. The
output depends only on the seed and the options: running it again prints
the same bytes.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.Var(value[uint64]{&o.seed}, "seed", "the seed `N` to run (required)")
		fs.BoolVar(&o.trace, "trace", false, "print the readable event trace before the report (with --json: as the trace list)")
		fs.BoolVar(&o.json, "json", false, "print one JSON object instead of the text report")
		fs.BoolVar(&o.checkDeterminism, "check-determinism", false, "run the seed twice here and once in a second paxsim process, and report where the runs part if their trace or verdicts differ")
		fs.StringVar(&o.record, "record", "", "write the run's decision trace to `FILE` (replay and shrink read it)")
		fs.StringVar(&o.html, "html", "", "when the client history is not linearizable, write its annotated timeline to `FILE` (HTML)")
		fs.BoolVar(&o.swarm, "swarm", false, "draw the configuration from the seed, as a campaign's swarm does (config flags given pin their knobs), and print what was drawn")
	},
	outputs: []string{"record", "html"},
	run: func(_ context.Context, x *invocation, o *options, args []string) error {
		if err := noArgs("run", args); err != nil {
			return err
		}
		if err := checkConfig("run", o); err != nil {
			return err
		}
		if !o.set["seed"] {
			return usageErrorf("run", "run needs --seed N (any number: the same seed gives the same run)")
		}
		if o.swarm {
			info := o.p.Info()
			drawn := o.cfg.Swarm(info, o.seed, o.pinned)
			o.swarmDrew = o.cfg.SwarmDiff(info, drawn)
			o.cfg = drawn
		}
		return x.report(o, nil, x.replayLine(o.p.Info(), o.seed, o.cfg), o.runSeed)
	},
}

// runSeed runs o.seed of o.cfg.
func (o *options) runSeed(opts engine.Options) (engine.Result, error) {
	return o.p.Run(o.cfg, o.seed, opts)
}

// report runs what run says (a seed or a decision trace), writes the
// report and returns errFound when the run failed. again is the command
// that replays it.
func (x *invocation) report(o *options, rep *report.Reproduction, again string, run func(engine.Options) (engine.Result, error)) error {
	info := o.p.Info()
	var spool *traceSpool
	opts := engine.Options{Record: o.record != ""}
	switch {
	case o.trace && o.json:
		var err error
		if spool, err = newTraceSpool(); err != nil {
			return err
		}
		defer spool.Close()
		opts.Trace = spool
	case o.trace:
		opts.Trace = x.stdout
	}
	res, hang, err := watchdog.Run(runHangTimeout, o.seed, func(p *watchdog.Pulse) (engine.Result, error) {
		opts.Steps = p.Steps()
		return run(opts)
	})
	if hang != nil {
		return hangError(fmt.Sprintf("seed %d hangs", o.seed), hang)
	}
	if err := runError("run", info, err); err != nil {
		return err
	}
	if o.record != "" {
		if err := x.writeTraceFile(o.record, trace.FromResult(o.cfg, &res), "recorded by: "+again); err != nil {
			return err
		}
	}
	r := report.NewRun(info, o.cfg, &res, x.configLine(info, o.cfg), again)
	if o.html != "" && res.Linearizability == string(linearize.Illegal) {
		explain := func(w io.Writer) error {
			_, err := engine.ExplainHistory(run, w)
			return err
		}
		if err := createFile(o.html, "the history", explain); err != nil {
			return err
		}
		r.History = o.html
	}
	if o.checkDeterminism {
		if r.Determinism, err = x.checkRunDeterminism(o, &res); err != nil {
			return err
		}
	}
	if rep != nil {
		rep.Compare(&res)
		r.Reproducer = rep
	}
	r.Swarm, r.SwarmDrew = o.swarm, o.swarmDrew
	if !o.json {
		r.WriteText(x.stdout)
	} else if err := writeJSONWithTrace(x.stdout, r, spool); err != nil {
		return err
	}
	return runVerdict(r)
}

// runVerdict is a run's exit: 1 when it failed, was not deterministic, or
// did not reproduce what its reproducer recorded.
func runVerdict(r *report.Run) error {
	if r.Failed() || (r.Reproducer != nil && !r.Reproducer.Reproduced) {
		return errFound
	}
	return nil
}

// writeTraceFile writes a decision trace, with comments, to path.
func (x *invocation) writeTraceFile(path string, t *trace.Trace, comments ...string) error {
	t.Comments = append(comments, "replay: "+x.program+" replay "+report.ShellQuote(path), "shrink: "+x.program+" shrink "+report.ShellQuote(path))
	return createFile(path, "the decision trace", t.Write)
}

// createFile writes a file, what (the decision trace, say), to path with
// write.
func createFile(path, what string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return inputErrorf("cannot write %s: %v", what, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return inputErrorf("cannot write %s %s: %v", what, path, err)
	}
	return f.Close()
}

// runHangTimeout is how long a run, a replay or a search may take no step
// before it is reported as hung (tests shorten it).
var runHangTimeout = watchdog.DefaultTimeout

// hangError is the exit of a command whose run hung: a failure (exit 1)
// that says where.
func hangError(what string, h *watchdog.Hang) error {
	return &exitError{code: report.ExitViolation, msg: fmt.Sprintf("%s: it took no step for %s of wall time, after %d steps: protocol code loops or blocks; stuck in:\n%s", what, h.After, h.Steps, h.Stack)}
}
