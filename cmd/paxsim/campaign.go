package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/scenarios"
)

// failuresShown is how many failing seeds the text summary details.
const failuresShown = 5

var campaignCmd = &command{
	name:   "campaign",
	usage:  "--seeds N [--start S] [--shard I/M] [--workers K] [--out DIR] [--no-shrink] [--max-shrinks N] [--json] [--check-determinism] [--outcomes FILE] [config flags]",
	short:  "run many seeds in parallel and sum up what they found",
	config: true,
	long: `Campaign runs seeds S..S+N-1 of the configured cluster on K parallel workers
and sums up what they found: violations by property, failures grouped by
signature, events, rates, fault counts, why the runs stopped, the runs that
chose a value (paxos) or the operations answered and the commands and
reconfigurations committed (multipaxos), the linearizability verdicts, and
the campaign hash, an order-independent hash of every run that is the same
for any number of workers.

Every failing seed's decision trace is shrunk (delta debugging: the fewest
steps that still break the same property) and failures are grouped by
signature: the violated property and the shape of the shrunk trace, so that
ten seeds of one bug make one report. Only the lowest --max-shrinks failing
seeds are recorded and shrunk; the rest join a group per property,
PROPERTY-unshrunk. --no-shrink skips shrinking: faster, but groups split.

--out is checked before the first seed: it must be a folder paxsim can
write into (it is created when missing), or the campaign exits 2. Each
failing seed's reproducer, seed-N.json, is written as soon as the seed
fails, into DIR/ungrouped, so that a campaign that is killed keeps what it
found. At the end each moves into its group's folder, DIR/SIGNATURE, with
seed-N.trace (the lowest seed's decision trace), shrunk.trace, config.json,
trace.txt, diagram.html, seeds.txt and summary.json. DIR/paxsim-manifest.txt
lists every file paxsim wrote; the next campaign or merge into DIR removes
those files, and only those, before it starts: what else is in DIR stays.

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
line where the runs part. --outcomes FILE writes every seed's outcome, a
line per seed in seed order, to compare campaigns across machines.

While it runs, a progress line is redrawn on stderr when stderr is a
terminal. Ctrl-C or SIGTERM (what Kubernetes, timeout and kill send) stops
it cleanly: it still prints the summary, marked interrupted, and files what
it found; a second signal kills it. It exits 1 if a seed failed or a seed
was nondeterministic; else 4 if it was interrupted (an incomplete campaign
is not a pass); else 3 for a coverage gap in a campaign of at least 200
seeds: a fault kind on but never fired, a sometimes property possible but
never held, no value chosen in any run, or no run's liveness judged when
faults heal. The summary's last line, and verdict and exit_code in --json,
say which.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.Var(numValue[uint64]{&o.seeds}, "seeds", "run `N` seeds, at least 1 (required)")
		fs.Var(numValue[uint64]{&o.start}, "start", "the first seed `S`")
		fs.Var(&o.shard, "shard", "run only part `I/M` of the seeds: the I-th of M disjoint parts, from 1/M to M/M")
		fs.Var(numValue[int]{&o.workers}, "workers", fmt.Sprintf("`K` seeds run in parallel; 0 means one per CPU (runtime.NumCPU), and at most %d per CPU are used", campaign.MaxWorkersPerCPU))
		fs.StringVar(&o.out, "out", "paxsim-failures", "write a folder per failure group into `DIR`")
		fs.BoolVar(&o.noShrink, "no-shrink", false, "do not shrink failing traces before grouping them")
		o.maxShrinks = campaign.DefaultMaxShrinks
		fs.Var(numValue[int]{&o.maxShrinks}, "max-shrinks", "record the decision traces of the lowest `N` failing seeds (at least 1; -1: all) and, unless --no-shrink, shrink them; they are grouped by their traces' shape, the rest by property")
		fs.BoolVar(&o.json, "json", false, "print the summary as one JSON object")
		fs.BoolVar(&o.checkDeterminism, "check-determinism", false, "run every seed twice, and the campaign once more in a second paxsim process with another number of workers, and report the seeds whose trace or verdicts differ, with the first divergent event")
		fs.StringVar(&o.outcomes, "outcomes", "", "write every seed's outcome to `FILE`, a line per seed in seed order (seed, hash of its trace and verdicts, trace hash, events): campaigns of the same seeds write the same file on any machine")
		fs.BoolVar(&o.swarm, "swarm", true, "swarm testing: each seed draws its cluster size, proposers (clients, commands, reconfigurations), delays and which faults are on at what rates; config flags given pin their knobs (--swarm=false runs every seed with the flags' config)")
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
	opts := campaign.Options{
		Config: o.cfg, Start: o.start, Seeds: o.seeds, Workers: o.workers,
		CheckDeterminism: o.checkDeterminism, OutDir: o.out, NoShrink: o.noShrink, MaxShrinks: o.maxShrinks,
		Swarm: o.swarm, Pinned: o.pinned,
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
		return campaignError(err)
	}
	if err := outcomes.close(); err != nil {
		return err
	}
	elsewhere := checkCampaignElsewhere(ctx, o, outcomes, &sum)
	verdict := shardVerdict(o, &sum)
	if o.json {
		r := campaignReport{Summary: sum, Config: o.cfg.Effective(), Pinned: pinnedKnobs(o)}
		r.setVerdict(verdict)
		if err := writeCampaignJSON(x.stdout, o, r); err != nil {
			return err
		}
	} else {
		writeShardText(x.stdout, o)
		writeCampaignText(x.stdout, campaignConfigs{o.cfg, o.swarm, pinnedKnobs(o)}, &sum, o.checkDeterminism)
		writeVerdictText(x.stdout, verdict)
	}
	if elsewhere != nil {
		return elsewhere
	}
	return withLostFiles(verdict, &sum)
}

// checkCampaignFlags checks campaign's own flags: the seeds, the workers
// (bounded by campaign.Workers, with a note) and --max-shrinks.
func checkCampaignFlags(x *invocation, o *options) error {
	switch {
	case o.seeds < 1:
		return usageErrorf("campaign", "campaign needs --seeds N with N at least 1")
	case o.start+o.seeds < o.start:
		return usageErrorf("campaign", "invalid value for --seeds: seeds %d..%d+%d overflow 64 bits", o.start, o.start, o.seeds)
	case o.maxShrinks == 0:
		return usageErrorf("campaign", "invalid value for --max-shrinks: 0 would record no failing seed; give N >= 1, -1 for all, or --no-shrink to record them unshrunk")
	case o.maxShrinks < -1:
		return usageErrorf("campaign", "invalid value for --max-shrinks: %d: give N >= 1, or -1 for every failing seed", o.maxShrinks)
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
		fmt.Fprintf(x.stderr, "paxsim: --workers %d: using %d (%d per CPU): more add memory, not speed\n", k, most, campaign.MaxWorkersPerCPU)
		return most, nil
	}
	return k, nil
}

// campaignError turns campaign.Run's error into the command's: a bad
// config or --out is a usage error (exit 2), a seed that could not run a
// bug in paxsim.
func campaignError(err error) error {
	var oe *campaign.OutError
	var se *campaign.SeedError
	switch {
	case errors.As(err, &oe):
		return usageErrorf("campaign", "invalid value for --out: %v", err)
	case errors.As(err, &se):
		return &exitError{code: exitInternal, msg: "internal error (a bug in paxsim, please report it): " + err.Error()}
	}
	return configError("campaign", err)
}

// campaignVerdict is a campaign's exit: 1 when a seed failed or was
// nondeterministic; 4 when it was interrupted (an incomplete campaign is
// not a pass); 3 when it did not test what it claims to (a gap that fails
// it, campaign.FailingGaps: runs whose linearizability was not judged, or
// a coverage gap in a campaign of at least campaign.CoverageMinSeeds seeds
// that ran to the end); 0 otherwise.
func campaignVerdict(s *campaign.Summary) error {
	switch gaps := campaign.FailingGaps(s); {
	case s.Violations > 0 || len(s.Nondeterministic) > 0:
		return errFound
	case s.Interrupted:
		return errInterrupted(s)
	case len(gaps) > 0:
		return &exitError{code: exitCoverageGap, msg: "coverage gaps: the campaign did not test what it claims to: " + strings.Join(gaps, "; ")}
	}
	return nil
}

func errInterrupted(s *campaign.Summary) error {
	return &exitError{code: exitIncomplete, msg: fmt.Sprintf("interrupted after %d of %d seeds: an incomplete campaign is not a pass", s.Seeds, s.Requested)}
}

// writeVerdictText ends a text summary with the verdict and the exit code.
func writeVerdictText(w io.Writer, verdict error) {
	code := codeOf(verdict)
	fmt.Fprintf(w, "%-18s %s (exit %d)\n", "verdict:", verdictOf(code), code)
}

// withLostFiles adds to verdict what the campaign could not write into
// --out: the reproducers and failure folders lost, with the first reason.
func withLostFiles(verdict error, s *campaign.Summary) error {
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
		e.msg = verdict.Error() + "\npaxsim: " + e.msg
	}
	return e
}

// campaignConfigs is what a campaign's seeds ran: the config, or with
// swarm the config each seed drew from it, the pinned knobs aside.
type campaignConfigs struct {
	base   scenarios.Config
	swarm  bool
	pinned []string
}

func (c campaignConfigs) forSeed(seed uint64) scenarios.Config {
	if !c.swarm {
		return c.base
	}
	return c.base.Swarm(seed, func(knob string) bool { return slices.Contains(c.pinned, knob) })
}

// pinnedKnobs lists the swarm knobs given on the command line.
func pinnedKnobs(o *options) []string {
	var out []string
	for _, k := range scenarios.SwarmKnobs {
		if o.pinned(k) {
			out = append(out, k)
		}
	}
	return out
}

// campaignReport is the JSON summary: campaign.Summary's keys plus the
// config, with the defaults a run fills in written out.
type campaignReport struct {
	campaign.Summary
	Config scenarios.Config `json:"config"`
	// Pinned lists the knobs a swarm left as Config has them.
	Pinned []string `json:"pinned,omitempty"`
	// Verdict and ExitCode are how the command ends (exitStatuses).
	Verdict  string `json:"verdict"`
	ExitCode int    `json:"exit_code"`
}

// setVerdict records the verdict that err, the command's end, gives.
func (r *campaignReport) setVerdict(err error) {
	r.ExitCode = codeOf(err)
	r.Verdict = verdictOf(r.ExitCode)
}

// writeCampaignText is the text summary. checked says whether every seed
// ran twice.
func writeCampaignText(w io.Writer, cc campaignConfigs, s *campaign.Summary, checked bool) {
	c := cc.base
	field := func(name, format string, args ...any) {
		fmt.Fprintf(w, "%-18s %s\n", name+":", fmt.Sprintf(format, args...))
	}
	workers := "workers"
	if s.Workers == 1 {
		workers = "worker"
	}
	fmt.Fprintf(w, "campaign of seeds %d..%d on %d %s\n", s.Start, s.Start+s.Requested-1, s.Workers, workers)
	fmt.Fprintf(w, "config: %s\n", configLine(c))
	if cc.swarm {
		pinned := "none"
		if len(cc.pinned) > 0 {
			pinned = strings.Join(cc.pinned, ", ")
		}
		fmt.Fprintf(w, "swarm: each seed draws %s from the config above; pinned: %s\n", swarmKnobsOf(c.Protocol), pinned)
	}
	if s.Interrupted {
		fmt.Fprintf(w, "INTERRUPTED after %d of %d seeds: the figures below cover the seeds that ran\n", s.Seeds, s.Requested)
	}
	field("seeds run", "%d", s.Seeds)
	if s.Violations == 0 {
		field("violations", "none")
	} else {
		field("violations", "%d seeds (%s)", s.Violations, formatCounts(s.ByProperty))
	}
	if len(s.Groups) > 0 {
		field("failure groups", "%d", len(s.Groups))
	}
	for i, g := range s.Groups {
		if i == failuresShown {
			fmt.Fprintf(w, "  ... and %d more groups\n", len(s.Groups)-failuresShown)
			break
		}
		writeGroupText(w, cc.forSeed(g.Seeds[0]), &g)
	}
	field("events", "%d", s.Events)
	if s.ShrinkSeconds > 0 {
		field("wall time", "%.2fs (recording and shrinking failures took %.2fs of it)", s.WallSeconds, s.ShrinkSeconds)
	} else {
		field("wall time", "%.2fs", s.WallSeconds)
	}
	field("throughput", "%.0f events/s, %.0f seeds/s", s.EventsPerSecond, s.SeedsPerSecond)
	field("stops", "%s", formatCounts(s.Stops))
	field("liveness judged", "%d of %d runs", s.LivenessChecked, s.Seeds)
	if sv := s.Service; sv != nil {
		field("operations", "%d of %d answered", sv.Answered, sv.Operations)
		field("committed", "%d key-value commands; %d reconfigurations of %d asked", sv.Commands, sv.Reconfigs, sv.ReconfigsInvoked)
		field("log", "%d instances applied; every replica of the core applied the whole log in %d of %d runs", sv.Instances, sv.CaughtUp, s.Seeds)
	} else {
		field("value chosen", "%d of %d runs", s.Decided, s.Seeds)
	}
	field("linearizable", "%s", formatCounts(s.Linearizability))
	field("campaign hash", "%s", s.CampaignHash)
	writeDeterminismText(w, field, s, checked)
	fmt.Fprintf(w, "faults:\n")
	for _, name := range sortedKeys(s.Faults) {
		fmt.Fprintf(w, "  %-18s %d\n", name, s.Faults[name])
	}
	writeCoverageText(w, s)
}

// writeDeterminismText says what --check-determinism found, or that it
// did not run.
func writeDeterminismText(w io.Writer, field func(name, format string, args ...any), s *campaign.Summary, checked bool) {
	switch {
	case len(s.Nondeterministic) > 0:
		field("nondeterministic", "%d seeds", len(s.Nondeterministic))
		for _, d := range s.Nondeterministic {
			fmt.Fprintf(w, "  seed %d: %s\n", d.Seed, strings.ReplaceAll(d.Detail, "\n", "\n  "))
		}
	case checked && s.Interrupted:
		field("nondeterministic", "none in this process; not run in another, as the campaign was interrupted")
	case checked:
		field("nondeterministic", "none: every seed ran twice here and once more in another process, to the same trace and verdicts")
	default:
		field("nondeterministic", "not checked (--check-determinism runs every seed twice)")
	}
}

// swarmKnobsOf names what a swarm draws for protocol.
func swarmKnobsOf(protocol string) string {
	if protocol == scenarios.MultiPaxos {
		return "nodes, clients, commands, reconfigurations, delays and fault rates"
	}
	return "nodes, proposers, delays and fault rates"
}

// writeCoverageText is the coverage table: each fault kind's runs and
// firings, each sometimes property's runs, the ballots of decided
// instances, and the gaps.
func writeCoverageText(w io.Writer, s *campaign.Summary) {
	cov := &s.Coverage
	fmt.Fprintf(w, "coverage:\n")
	fmt.Fprintf(w, "  %-34s %12s %12s\n", "fault kind", "on in runs", "fired")
	kinds := []struct {
		name  string
		fired []string
	}{
		{"drop", []string{"drop"}}, {"dup", []string{"dup"}}, {"redeliver", []string{"redeliver"}}, {"crash", []string{"crash"}},
		{"partition", []string{"partition", "partition-oneway"}}, {"slow", []string{"slow", "pause"}},
	}
	for _, g := range kinds {
		fired := int64(0)
		for _, k := range g.fired {
			fired += s.Faults[k]
		}
		fmt.Fprintf(w, "  %-34s %12d %12d\n", g.name, cov.Enabled[g.name], fired)
	}
	// A bound, not a knob: reported, never a gap (campaign.Gaps).
	fmt.Fprintf(w, "  %-34s %12s %12d\n", "overflow (full link; a bound)", "-", s.Faults["overflow"])
	for _, g := range kinds {
		if n := cov.Inert[g.name]; n > 0 {
			fmt.Fprintf(w, "  %s: also set in %d runs where it cannot fire (%s), so no gap\n", g.name, n, campaign.InertWhy[g.name])
		}
	}
	fmt.Fprintf(w, "  %-34s %12s %12s\n", "sometimes: a value was chosen", "possible in", "held in")
	for _, name := range scenarios.Sometimes {
		fmt.Fprintf(w, "  %-34s %12d %12d\n", strings.ReplaceAll(strings.TrimPrefix(name, "chosen_"), "_", " "), cov.Expected[name], cov.Held[name])
	}
	if b := cov.Ballots; len(b) == 4 {
		fmt.Fprintf(w, "  ballots per decided instance:      1: %d  2: %d  3: %d  4+: %d\n", b[0], b[1], b[2], b[3])
	}
	if len(s.CoverageGaps) == 0 {
		fmt.Fprintf(w, "  gaps: none\n")
	}
	failing := campaign.FailingGaps(s)
	for _, g := range failing {
		fmt.Fprintf(w, "  GAP: %s\n", g)
	}
	if len(failing) < len(s.CoverageGaps) {
		rest := slices.DeleteFunc(slices.Clone(s.CoverageGaps), func(g string) bool { return slices.Contains(failing, g) })
		why := fmt.Sprintf("fewer than %d seeds", campaign.CoverageMinSeeds)
		if s.Interrupted {
			why = "the campaign was interrupted"
		}
		fmt.Fprintf(w, "  gaps (not judged: %s): %s\n", why, strings.Join(rest, "; "))
	}
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

// writeGroupText describes one failure group: its signature, seeds, the
// lowest seed's violation and where to replay it.
func writeGroupText(w io.Writer, c scenarios.Config, g *campaign.Group) {
	seeds := make([]string, 0, 8)
	for i, seed := range g.Seeds {
		if i == 8 {
			seeds = append(seeds, fmt.Sprintf("... (%d in all)", len(g.Seeds)))
			break
		}
		seeds = append(seeds, fmt.Sprint(seed))
	}
	fmt.Fprintf(w, "  %s: %d seeds: %s\n", g.Signature, len(g.Seeds), strings.Join(seeds, " "))
	fmt.Fprintf(w, "    seed %d: %s\n", g.Seeds[0], g.Message)
	if g.StepsAfter > 0 {
		fmt.Fprintf(w, "    shrunk:     %d steps to %d\n", g.StepsBefore, g.StepsAfter)
	}
	switch {
	case g.DirError != "":
		fmt.Fprintf(w, "    folder:     not written: %s\n", g.DirError)
		fmt.Fprintf(w, "    replay:     %s\n", replayLine(g.Seeds[0], c))
	case g.Dir == "":
		fmt.Fprintf(w, "    replay:     %s\n", replayLine(g.Seeds[0], c))
	default:
		fmt.Fprintf(w, "    folder:     %s\n", g.Dir)
		trace := filepath.Join(g.Dir, fmt.Sprintf("seed-%d.json", g.Seeds[0])) // not recorded
		switch {
		case g.StepsAfter > 0:
			trace = filepath.Join(g.Dir, "shrunk.trace")
		case g.StepsBefore > 0:
			trace = filepath.Join(g.Dir, fmt.Sprintf("seed-%d.trace", g.Seeds[0]))
		}
		fmt.Fprintf(w, "    replay:     paxsim replay %s\n", shellQuote(trace))
	}
}
