package cli

import (
	"context"
	"errors"
	"flag"
	"os"
	"regexp"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paxsim/paxsim/mutants"
	"github.com/paxsim/paxsim/mutants/reach"
	"github.com/paxsim/paxsim/mutants/srcmut"
	"github.com/paxsim/paxsim/report"
)

// sourceOptions are the flags of mutants --source.
type sourceOptions struct {
	on         bool
	dirs       string
	main       string
	equivalent string
	operators  string
	timeout    time.Duration
	only       string
}

// sourceFlags declares the flags of mutants --source.
func sourceFlags(fs *flag.FlagSet, s *sourceOptions) {
	fs.BoolVar(&s.on, "source", false, "mutate the protocol's source instead of running the variant catalogue: generated mutants, each judged by campaigns, the explorer and its performance against the original code (see Source mutants)")
	fs.StringVar(&s.dirs, "source-dirs", "protocol/...", "with --source: the packages to mutate, `DIRS` relative to the module's root, comma-separated (dir/... for every package below dir)")
	fs.StringVar(&s.main, "source-main", "./cmd/paxsim", "with --source: the main `PACKAGE` to build with the mutants (a program of cli.Main)")
	fs.StringVar(&s.equivalent, "equivalent", srcmut.DefaultEquivalentFile, "with --source: the `FILE` that marks equivalent mutants, one ID and reason a line")
	fs.StringVar(&s.operators, "operators", strings.Join(srcmut.DefaultOperators, ","), "with --source: the mutation `OPERATORS`, comma-separated, or all ("+strings.Join(srcmut.Operators, ", ")+")")
	fs.StringVar(&s.only, "mutants", "", "with --source: judge only the mutants whose ID matches `REGEXP` (the others are skipped; the kill rate is over those judged)")
	fs.DurationVar(&s.timeout, "mutant-timeout", srcmut.DefaultTimeout, "with --source: a mutant whose judgement takes longer than `D` counts as killed (it hangs)")
}

// sourceBudget is the seeds per protocol of a source mutant's campaigns:
// --budget when given, else mutants.DefaultSourceBudget.
func sourceBudget(budget uint64) uint64 {
	if budget == mutants.DefaultBudget {
		return mutants.DefaultSourceBudget
	}
	return budget
}

// runSourceMutants is mutants --source: in a mutant build started by it
// (reach.Env set), the judgement of the one mutant selected; else the
// whole run.
func runSourceMutants(ctx context.Context, x *invocation, o *options) error {
	ps, err := x.protocolsNamed("mutants", o.protocols)
	if err != nil {
		return err
	}
	s, m := o.mutants.source, o.mutants
	if _, judging := os.LookupEnv(reach.Env); judging {
		jo := mutants.JudgeOptions{Protocols: ps, Start: o.start, Budget: m.budget, NoExplore: m.noExplore, Progress: watchJudge()}
		if reach.Selected() != 0 { // the control (0) runs every protocol's whole budget
			jo.Reached, jo.Reset, jo.RunBy = reach.Reached, reach.Reset, reach.RunBy
		} else {
			jo.Covered = reach.Covered
		}
		v, err := mutants.Judge(ctx, jo)
		if err != nil {
			return internalErrorf("mutants --source: %v", err)
		}
		return report.JSON(x.stdout, v)
	}
	if m.budget < 1 {
		return usageErrorf("mutants", "invalid value for --budget: each protocol needs at least 1 seed")
	}
	if s.timeout <= 0 {
		return usageErrorf("mutants", "invalid value for --mutant-timeout: %s is not a positive duration", s.timeout)
	}
	if o.workers, err = boundWorkers(x, "mutants", o.workers); err != nil {
		return err
	}
	eq, err := srcmut.ReadEquivalent(s.equivalent, s.equivalent == srcmut.DefaultEquivalentFile)
	if err != nil {
		return inputErrorf("mutants: invalid --equivalent: %v", err)
	}
	args := []string{"mutants", "--source", "--protocol", o.protocols, "--budget", strconv.FormatUint(sourceBudget(m.budget), 10), "--start", strconv.FormatUint(o.start, 10)}
	if m.noExplore {
		args = append(args, "--no-explore")
	}
	opts := srcmut.Options{Root: ".", Dirs: strings.Split(s.dirs, ","), Main: s.main, ChildArgs: args,
		Equivalent: eq, Workers: o.workers, Timeout: s.timeout}
	if err := s.selection(&opts); err != nil {
		return err
	}
	if !o.json {
		opts.OnResult = func(r srcmut.Result) {
			if r.Status == srcmut.Survived {
				x.stdout.WriteString("survived: " + r.ID + "\n")
				x.stdout.Flush()
			}
		}
	}
	rep, err := srcmut.Run(ctx, opts)
	switch {
	case errors.Is(err, srcmut.ErrSetup):
		return usageErrorf("mutants", "--source: %v", strings.TrimPrefix(err.Error(), "setup: "))
	case err != nil:
		return internalErrorf("mutants --source: %v", err)
	}
	if o.json {
		if err := report.JSON(x.stdout, rep); err != nil {
			return err
		}
	} else {
		rep.WriteText(x.stdout)
	}
	return sourceVerdict(rep)
}

// selection sets the operators applied (--operators) and the mutants
// judged (--mutants), or returns the usage error of a bad value.
func (s *sourceOptions) selection(opts *srcmut.Options) error {
	opts.Operators = strings.Split(s.operators, ",")
	if s.operators == "all" {
		opts.Operators = srcmut.Operators
	}
	for _, op := range opts.Operators {
		if !slices.Contains(srcmut.Operators, op) {
			return usageErrorf("mutants", "invalid value for --operators: unknown operator %q (known: %s, or all)", op, strings.Join(srcmut.Operators, ", "))
		}
	}
	if s.only != "" {
		re, err := regexp.Compile(s.only)
		if err != nil {
			return usageErrorf("mutants", "invalid value for --mutants: %v", err)
		}
		opts.Select = re.MatchString
	}
	return nil
}

// sourceVerdict is the exit of mutants --source: 1 when a mutant
// survived; else 4 when it was interrupted; else 0.
func sourceVerdict(rep *srcmut.Report) error {
	switch {
	case rep.Survived > 0:
		return errFound
	case rep.Interrupted > 0:
		return &exitError{code: report.ExitIncomplete, msg: "interrupted: the mutants not yet judged may survive, so this is not a pass"}
	}
	return nil
}

// judgeMemoryLimit is the heap a mutant's judgement may grow to, and
// judgeStall how long one run or search may take, before the process
// stops it, killed: a mutant that grows without bound must not take the
// machine with it, and one that loops forever inside a run must not hold
// a worker for the whole --mutant-timeout. The original code's runs take
// milliseconds, its searches a fraction of a second.
const (
	judgeMemoryLimit = 2 << 30
	judgeStall       = 10 * time.Second
)

// watchJudge starts the watchdog of a mutant's judgement, which ends the
// process with a verdict of its own when its heap passes
// judgeMemoryLimit or no run or search started for judgeStall; it
// returns the function to call as each one starts.
func watchJudge() func() {
	var last atomic.Int64
	last.Store(time.Now().UnixNano())
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			time.Sleep(100 * time.Millisecond)
			metrics.Read(s)
			switch {
			case s[0].Value.Kind() == metrics.KindUint64 && s[0].Value.Uint64() > judgeMemoryLimit:
				os.Stdout.WriteString(`{"killed":true,"by":"memory","message":"the heap passed 2 GiB"}` + "\n")
				os.Exit(0)
			case time.Since(time.Unix(0, last.Load())) > judgeStall:
				os.Stdout.WriteString(`{"killed":true,"by":"timeout","reached":true,"message":"a run or search took over 10s: the mutant hangs"}` + "\n")
				os.Exit(0)
			}
		}
	}()
	return func() { last.Store(time.Now().UnixNano()) }
}
