package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/report"
	"github.com/paxsim/paxsim/watchdog"
)

var campaignCmd = &command{
	name:   "campaign",
	stops:  true,
	usage:  "--seeds N [--start S] [--shard I/M] [--workers K] [--out DIR] [--no-shrink] [--max-shrinks N] [--json] [--check-determinism] [--outcomes FILE] [--baseline FILE] [--max-memory GIB] [--hang-timeout D] [config flags]",
	short:  "run many seeds in parallel and sum up what they found",
	config: true,
	long: `Campaign runs seeds S..S+N-1 of the configured cluster on K parallel workers
and sums up what they found: violations by property, failures grouped by
signature, events, rates, fault counts, why the runs stopped, what the
clients got (the runs that chose a value, for a consensus workload; the
operations answered and the commands and reconfigurations committed, for a
key-value service), the linearizability verdicts, and the campaign hash, an
order-independent hash of every run that is the same for any number of
workers.

Failures are grouped by signature: the violated property and the check that
fired (agreement-two-values-chosen; a panic's, the function it was raised
in), none of the run's values in it, so that a thousand seeds of one bug
make one report. Of each group, the seed that failed soonest has its
decision trace recorded and shrunk (delta debugging: the fewest steps that
still break the same property). Only the first --max-shrinks groups are
recorded; --no-shrink records without shrinking.

--out is checked before the first seed: it must be a folder paxsim can
write into (it is created when missing), or the campaign exits 2. Each
failing seed's reproducer, seed-N.json, is written as soon as the seed
fails, into DIR/ungrouped, so that a campaign that is killed keeps what it
found. At the end each moves into its group's folder, DIR/SIGNATURE, with
seed-N.trace (the lowest seed's decision trace), shrunk.trace, config.json,
trace.txt, diagram.html, seeds.txt and summary.json (and
linearizability.html when the client history is not linearizable).
DIR/paxsim-manifest.txt lists every file paxsim wrote; the next campaign or
merge into DIR removes those files, and only those, before it starts: what
else is in DIR stays.

--shard I/M runs only the I-th of M disjoint parts of the seeds, to spread
a campaign over machines (a Kubernetes Indexed Job: see the README). Its
failure folders go to DIR/shard-I-of-M, and --json prints its result as one
JSON line that "paxsim merge" combines with the other shards' into the
summary and the folders of the campaign run whole. A shard leaves coverage
gaps to merge, which judges the whole campaign's: it exits 0, 1 or 4.

--check-determinism runs every seed twice, then the campaign once more in a
second paxsim process with another number of workers, and compares each
seed's outcome (its trace hash, events and verdicts): a seed that differs is
nondeterministic, and for the first few the report gives the first trace
line where the runs part. Without it, each failure group's seed is still
run again (to record its trace): one that goes otherwise is reported
nondeterministic too. --outcomes FILE writes every seed's outcome, a
line per seed in seed order, to compare campaigns across machines.

--baseline FILE labels each failure group against an earlier campaign of
the same protocol, the summary its --json printed (or merge's): new, a
signature the baseline did not have; ongoing, one it had; regressed, one it
had itself labelled resolved; resolved, one it had (or had resolved) that
this campaign did not find, with how many of its seeds ran again and
passed. The labels are in the summary and in the JSON (triage, and each
group's triage); a triage remembers, as the next campaign's baseline, what
it resolved.

While it runs, a progress line is redrawn on stderr when stderr is a
terminal. Ctrl-C or SIGTERM (what Kubernetes, timeout and kill send) stops
it cleanly: it still prints the summary, marked interrupted, and files what
it found; a second signal kills it. --max-memory stops it the same way once
its heap (mostly the failures it keeps, a few KB each) passes the cap: half
the machine's memory, or its container's, by default. A seed whose run
takes no step for --hang-timeout of wall time (protocol code that loops
forever or blocks; a step takes microseconds) stops the campaign too, as a
failure of that seed: the summary gives the seed, a replay command and the
stack of the goroutine stuck in the protocol's code. A trace that shrinking
replays and that hangs (a step removed led the protocol into a loop) stops
that group's shrinking only: its folder gets hang.trace and the stack. It
exits 1 if a seed
failed, hung or was nondeterministic; else 4 if it was interrupted or
stopped by --max-memory (an incomplete campaign is not a pass); else 3 for
a coverage gap in a campaign of at least 200 seeds: a fault kind on but
never fired, a sometimes property possible but never held, no value chosen
in any run, or no run's liveness judged when faults heal. The summary's
last line, and verdict and exit_code in --json, say which.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.Var(value[uint64]{&o.seeds}, "seeds", "run `N` seeds, at least 1 (required)")
		fs.Var(value[uint64]{&o.start}, "start", "the first seed `S`")
		fs.Var(&o.shard, "shard", "run only part `I/M` of the seeds: the I-th of M disjoint parts, from 1/M to M/M")
		fs.Var(value[int]{&o.workers}, "workers", fmt.Sprintf("`K` seeds run in parallel; 0 means one per CPU (runtime.NumCPU), and at most %d per CPU are used", campaign.MaxWorkersPerCPU))
		fs.StringVar(&o.out, "out", "paxsim-failures", "write a folder per failure group into `DIR`")
		fs.BoolVar(&o.noShrink, "no-shrink", false, "do not shrink failing traces before grouping them")
		o.maxShrinks = campaign.DefaultMaxShrinks
		fs.Var(value[int]{&o.maxShrinks}, "max-shrinks", "record the decision trace of one seed of each of the first `N` failure groups (at least 1; -1: all) and, unless --no-shrink, shrink it")
		fs.BoolVar(&o.json, "json", false, "print the summary as one JSON object")
		fs.StringVar(&o.baseline, "baseline", "", baselineUsage)
		fs.BoolVar(&o.checkDeterminism, "check-determinism", false, "run every seed twice, and the campaign once more in a second paxsim process with another number of workers, and report the seeds whose trace or verdicts differ, with the first divergent event")
		fs.StringVar(&o.outcomes, "outcomes", "", "write every seed's outcome to `FILE`, a line per seed in seed order (seed, hash of its trace and verdicts, trace hash, events): campaigns of the same seeds write the same file on any machine")
		fs.StringVar(&o.maxMemory, "max-memory", "auto", "stop, incomplete, when the campaign's heap (the failures it keeps) passes `GIB` GiB; auto is half the machine's memory (a campaign always has a cap)")
		o.hangTimeout = watchdog.DefaultTimeout
		fs.DurationVar(&o.hangTimeout, "hang-timeout", o.hangTimeout, "stop at a seed whose run takes no step for `D` of wall time, as hung in protocol code (an endless loop, a handler that blocks), and report it with its goroutine's stack; 0 never stops")
		fs.BoolVar(&o.swarm, "swarm", true, "swarm testing: each seed draws its cluster size, its workload's clients (proposers; or clients, commands and reconfigurations), delays, which faults are on at what rates and the protocol's drawn knobs; config flags given pin their knobs (--swarm=false runs every seed with the flags' config)")
	},
	run: runCampaign,
}

func runCampaign(ctx context.Context, x *invocation, o *options, args []string) error {
	if err := noArgs("campaign", args); err != nil {
		return err
	}
	if err := checkConfig("campaign", o); err != nil {
		return err
	}
	if err := checkCampaignFlags(x, o); err != nil {
		return err
	}
	if err := o.shard.apply(o); err != nil {
		return err
	}
	base, err := o.readBaseline("campaign", o.p.Name())
	if err != nil {
		return err
	}
	maxMemory, err := x.memoryCap("campaign", o.maxMemory)
	if err != nil {
		return err
	}
	opts := campaign.Options{
		MaxMemory: maxMemory, HangTimeout: hangTimeout(o.hangTimeout),
		Protocol: o.p, Config: o.cfg, Start: o.start, Seeds: o.seeds, Workers: o.workers,
		CheckDeterminism: o.checkDeterminism, OutDir: o.out, NoShrink: o.noShrink, MaxShrinks: o.maxShrinks,
		Swarm: o.swarm, Pinned: o.pinned, Program: x.program,
	}
	var bar *progressBar
	if isTerminal(x.stderr) {
		bar = &progressBar{w: x.stderr}
		opts.Progress = bar.draw
	}
	outcomes, err := openOutcomeLog(o)
	if err != nil {
		return err
	}
	defer outcomes.remove()
	if outcomes != nil {
		opts.Outcomes = outcomes.writer
	}
	defer campaignGC()()
	sum, err := campaign.Run(ctx, opts)
	if bar != nil {
		bar.clear()
	}
	if err != nil {
		return campaignError(o.p.Info(), err)
	}
	if err := outcomes.close(); err != nil {
		return err
	}
	if base != nil {
		campaign.TriageAgainst(base, &sum)
	}
	elsewhere := x.checkCampaignElsewhere(ctx, o, outcomes, &sum)
	verdict := shardVerdict(o, &sum)
	info := o.p.Info()
	r := report.Campaign{Summary: sum, Config: o.cfg.Effective(info), Pinned: pinnedKnobs(o)}
	if err := x.writeCampaign(o, info, r, o.cfg, o.checkDeterminism, shardHead(o), verdict); err != nil {
		return err
	}
	if elsewhere != nil {
		return elsewhere
	}
	return x.withLostFiles(verdict, &sum)
}

// writeCampaign prints the campaign's summary r, as JSON or as text
// headed by head, ending with verdict; the text's replay lines run seeds
// of c.
func (x *invocation) writeCampaign(o *options, info *engine.Info, r report.Campaign, c engine.Config, checked bool, head string, verdict error) error {
	r.SetExit(codeOf(verdict))
	if o.json {
		return writeCampaignJSON(x.stdout, o, r)
	}
	fmt.Fprint(x.stdout, head)
	x.campaignText(info, c, r.Swarm, r.Pinned, checked).Write(x.stdout, &r.Summary)
	report.WriteVerdict(x.stdout, r.ExitCode)
	return nil
}

// campaignText is what a campaign's text summary needs besides the
// summary: what its seeds ran, the config or with swarm the config each
// seed drew from it, the pinned knobs aside.
func (x *invocation) campaignText(info *engine.Info, c engine.Config, swarm bool, pinned []string, checked bool) *report.CampaignText {
	forSeed := func(seed uint64) engine.Config {
		if !swarm {
			return c
		}
		return c.Swarm(info, seed, func(knob string) bool { return slices.Contains(pinned, knob) })
	}
	return &report.CampaignText{
		Info: info, Config: x.configLine(info, c), Swarm: swarm, Pinned: pinned, Checked: checked,
		Replay:  func(seed uint64) string { return x.replayLine(info, seed, forSeed(seed)) },
		Program: x.program,
	}
}

// checkCampaignFlags checks campaign's own flags: the seeds, the workers
// (bounded by campaign.Workers, with a note), --max-shrinks and
// --hang-timeout.
func checkCampaignFlags(x *invocation, o *options) error {
	switch {
	case o.seeds < 1:
		return usageErrorf("campaign", "campaign needs --seeds N with N at least 1")
	case o.start+o.seeds < o.start:
		return usageErrorf("campaign", "invalid value for --seeds: seeds %d..%d+%d overflow 64 bits", o.start, o.start, o.seeds)
	case o.maxShrinks == 0:
		return usageErrorf("campaign", "invalid value for --max-shrinks: 0 would record no failure group; give N >= 1, -1 for all, or --no-shrink to record them unshrunk")
	case o.maxShrinks < -1:
		return usageErrorf("campaign", "invalid value for --max-shrinks: %d: give N >= 1, or -1 for every failure group", o.maxShrinks)
	case o.hangTimeout < 0:
		return usageErrorf("campaign", "invalid value for --hang-timeout: %s is negative: give a duration such as 30s, or 0 never to stop a seed that hangs", o.hangTimeout)
	}
	var err error
	o.workers, err = boundWorkers(x, "campaign", o.workers)
	return err
}

// boundWorkers checks a --workers value and bounds it as
// campaign.Workers does, saying so on stderr: 0 is one per CPU, and more
// than campaign.MaxWorkersPerCPU per CPU add memory, not speed.
func boundWorkers(x *invocation, cmd string, k int) (int, error) {
	if k < 0 {
		return 0, usageErrorf(cmd, "invalid value for --workers: %d is negative", k)
	}
	if k == 0 {
		return runtime.NumCPU(), nil
	}
	if most := campaign.MaxWorkersPerCPU * runtime.NumCPU(); k > most {
		fmt.Fprintf(x.stderr, "%s: --workers %d: using %d (%d per CPU): more add memory, not speed\n", x.program, k, most, campaign.MaxWorkersPerCPU)
		return most, nil
	}
	return k, nil
}

// campaignError turns campaign.Run's error into the command's: a bad
// config or --out is a usage error (exit 2), a seed that could not run a
// bug in paxsim.
func campaignError(info *engine.Info, err error) error {
	var oe *campaign.OutError
	var se *campaign.SeedError
	switch {
	case errors.As(err, &oe):
		return usageErrorf("campaign", "invalid value for --out: %v", err)
	case errors.As(err, &se):
		return internalErrorf("%v", err)
	}
	return configError("campaign", info, err)
}

// campaignVerdict is a campaign's exit: 1 when a seed failed, hung or was
// nondeterministic; 4 when it was interrupted (an incomplete campaign is
// not a pass); 3 when it did not test what it claims to (a gap that fails
// it, campaign.FailingGaps: runs whose linearizability was not judged, or
// a coverage gap in a campaign of at least campaign.CoverageMinSeeds seeds
// that ran to the end); 0 otherwise.
func campaignVerdict(s *campaign.Summary) error {
	switch gaps := campaign.FailingGaps(s); {
	case s.Violations > 0 || len(s.Nondeterministic) > 0 || s.Hang != nil:
		return errFound
	case s.Interrupted:
		return errInterrupted(s)
	case len(gaps) > 0:
		return &exitError{code: report.ExitCoverageGap, msg: "coverage gaps: the campaign did not test what it claims to: " + strings.Join(gaps, "; ")}
	}
	return nil
}

func errInterrupted(s *campaign.Summary) error {
	why := "interrupted"
	if s.MemoryStop {
		why = "stopped by --max-memory (its heap passed the cap)"
	}
	return &exitError{code: report.ExitIncomplete, msg: fmt.Sprintf("%s after %d of %d seeds: an incomplete campaign is not a pass", why, s.Seeds, s.Requested)}
}

// withLostFiles adds to verdict what the campaign could not write into
// --out: the reproducers and failure folders lost, with the first reason.
func (x *invocation) withLostFiles(verdict error, s *campaign.Summary) error {
	lost, why := 0, ""
	for _, f := range s.Failures {
		if f.ReproducerError != "" {
			lost, why = lost+1, cmp.Or(why, f.ReproducerError)
		}
	}
	for _, g := range s.Groups {
		if g.DirError != "" {
			lost, why = lost+1, cmp.Or(why, g.DirError)
		}
	}
	if lost == 0 {
		return verdict
	}
	e := &exitError{code: codeOf(verdict), msg: fmt.Sprintf("%d of the reproducers and failure folders could not be written (the first: %s)", lost, why)}
	if verdict != nil && verdict.Error() != "" {
		e.msg = verdict.Error() + "\n" + x.program + ": " + e.msg
	}
	return e
}

// pinnedKnobs lists the swarm knobs given on the command line.
func pinnedKnobs(o *options) []string {
	var out []string
	for _, k := range engine.SwarmKnobs(o.p.Info()) {
		if o.pinned(k) {
			out = append(out, k)
		}
	}
	return out
}

// campaignGC sets the collector's target for a campaign,
// campaign.GCPercent, unless GOGC is set in the environment, and returns
// the function that puts the previous one back.
func campaignGC() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(campaign.GCPercent)
	return func() { debug.SetGCPercent(old) }
}

// isTerminal reports whether w is a terminal (a character device), where a
// redrawn progress line makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar redraws one status line with \r.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	drawn bool
}

func (b *progressBar) draw(p campaign.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintf(b.w, "\r%s\x1b[K", progressLine(p))
	b.drawn = true
}

func (b *progressBar) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprintf(b.w, "\r\x1b[K")
	}
}

// progressLine is the live status: done/total, rates, ETA and violations.
func progressLine(p campaign.Progress) string {
	secs := p.Elapsed.Seconds()
	var seedRate, eventRate float64
	if secs > 0 {
		seedRate, eventRate = float64(p.Done)/secs, float64(p.Events)/secs
	}
	eta := "?"
	if seedRate > 0 {
		left := time.Duration(float64(p.Total-p.Done) / seedRate * float64(time.Second))
		eta = left.Round(time.Second).String()
	}
	return fmt.Sprintf("%d/%d seeds  %.0f seeds/s  %s events/s  ETA %s  %d violations",
		p.Done, p.Total, seedRate, humanCount(eventRate), eta, p.Violations)
}

// humanCount renders a rate with a k or M suffix.
func humanCount(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.1fM", x/1e6)
	case x >= 1e4:
		return fmt.Sprintf("%.0fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

// hangTimeout is campaign.Options.HangTimeout for --hang-timeout d: 0
// watches nothing.
func hangTimeout(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
