package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/report"
)

// The determinism check, --check-determinism on run and campaign, runs
// each seed twice in this process and once more in a second paxsim
// process, and compares what the runs came to (campaign.OutcomeHash: the
// trace hash, the events and the verdicts). Two runs in one process share
// whatever a package keeps between runs, the process's start-up state and
// the order its workers took the seeds in; a second process, with another
// number of workers, shares none of it. So the second process catches
// state that leaks from one seed into the next, or that depends on the
// process: the differences that make a campaign's shards disagree with
// the campaign run whole.

// paxsimExecutable is the binary a second process runs: this one.
var paxsimExecutable = os.Executable

// detailedDivergences is how many seeds that differ between processes a
// campaign runs again, each in a second process, to find the first trace
// line that differs.
const detailedDivergences = 3

// checkRunDeterminism runs o.seed of o.cfg (drawn, with --swarm) again in
// this process and in another, and compares both with first.
func (x *invocation) checkRunDeterminism(o *options, first *engine.Result) (*report.Determinism, error) {
	again, err := o.p.Run(o.cfg, o.seed, engine.Options{})
	if err != nil || campaign.OutcomeHash(&again) != campaign.OutcomeHash(first) {
		return &report.Determinism{Divergence: "in this process: " + campaign.Diverge(o.p, o.cfg, o.seed)}, nil
	}
	detail, same, err := runInAnotherProcess(x.ctx, lookupCommand("run"), o, o.seed, o.cfg)
	if err != nil || same {
		return &report.Determinism{Deterministic: same}, err
	}
	return &report.Determinism{Divergence: "in another process: " + detail}, nil
}

// secondProcess runs paxsim with args in another process and returns its
// standard output. The process's exit code is no error: a campaign that
// finds a violation exits 1, and the caller judges from the output; ctx
// interrupts it. The error says what ran, with the end of its stderr.
func secondProcess(ctx context.Context, args []string, stdout io.Writer) error {
	exe, err := paxsimExecutable()
	if err != nil {
		return fmt.Errorf("--check-determinism: finding the paxsim binary to run again: %v", err)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("--check-determinism: interrupted before the second process ended: the runs were not compared across processes")
	case err == nil || errors.As(err, &exit):
		return nil
	}
	return fmt.Errorf("--check-determinism: the second process (paxsim %s): %v%s", strings.Join(args, " "), err, stderrTail(stderr.Bytes()))
}

// stderrTail is the end of a second process's stderr, for an error.
func stderrTail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	if len(s) > 2000 {
		s = "..." + s[len(s)-2000:]
	}
	return "; it said: " + s
}

// outcome is the campaign.OutcomeHash of p, the run report of a second
// process's "paxsim run --json --trace", as a Result of this process would
// give it.
func outcome(p *report.Run) (uint64, error) {
	h, err := strconv.ParseUint(p.TraceHash, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("--check-determinism: the second process printed trace hash %q", p.TraceHash)
	}
	return campaign.OutcomeHash(&engine.Result{
		TraceHash: h, Events: p.Events, Stop: p.Stop, Verdict: p.Verdict,
		Linearizability: p.Linearizability, Violations: p.Violations,
	}), nil
}

// runInAnotherProcess runs seed in a second paxsim process, with the
// config flags of the command line of cmd (o.raw, o.swarm), and compares
// it with the run of cfg, the seed's configuration, here: same says
// whether they agree, and detail otherwise says where they part.
func runInAnotherProcess(ctx context.Context, cmd *command, o *options, seed uint64, cfg engine.Config) (detail string, same bool, err error) {
	args := []string{"run", "--seed", strconv.FormatUint(seed, 10), "--trace", "--json", "--swarm=" + strconv.FormatBool(o.swarm)}
	fs := newFlagSet(cmd, newOptions(o.reg, o.p, nil))
	args = append(args, flagArgs(fs, o.raw, func(name string) bool { return isConfigFlag(o.p.Info(), name) })...)
	var out bytes.Buffer
	if err := secondProcess(ctx, args, &out); err != nil {
		return "", false, err
	}
	var there report.Run
	if err := json.Unmarshal(out.Bytes(), &there); err != nil {
		return "", false, fmt.Errorf("--check-determinism: the second process (paxsim %s) printed no run report: %v", strings.Join(args, " "), err)
	}
	theirs, err := outcome(&there)
	if err != nil {
		return "", false, err
	}
	var readable strings.Builder
	here, err := o.p.Run(cfg, seed, engine.Options{Trace: &readable})
	if err != nil {
		return "", false, err
	}
	if campaign.OutcomeHash(&here) == theirs {
		return "", true, nil
	}
	lines := strings.Split(strings.TrimSuffix(readable.String(), "\n"), "\n")
	return partingLine(lines, there.Trace, &here, &there), false, nil
}

// partingLine says where two runs of a seed part: the first trace line
// that differs, or, when the traces agree, the verdicts.
func partingLine(here, there []string, mine *engine.Result, theirs *report.Run) string {
	for i := range max(len(here), len(there)) {
		a, b := "(the trace ended)", "(the trace ended)"
		if i < len(here) {
			a = here[i]
		}
		if i < len(there) {
			b = there[i]
		}
		if a != b {
			return fmt.Sprintf("first divergent trace line %d\n  here:  %s\n  there: %s", i+1, a, b)
		}
	}
	return fmt.Sprintf("the traces agree line by line, the verdicts do not\n  here:  %s, linearizability %q\n  there: %s, linearizability %q",
		mine.Verdict, mine.Linearizability, theirs.Verdict, theirs.Linearizability)
}

// campaignInAnotherProcess runs the campaign's seeds again in a second
// paxsim process with another number of workers, and compares each
// seed's outcome with this process's, in the outcome file mine. dir is a
// folder the second process may write into. The first few seeds that
// differ are run once more in a second process, to find where they part.
func campaignInAnotherProcess(ctx context.Context, o *options, mine, dir string) ([]campaign.Divergence, error) {
	theirs, workers := filepath.Join(dir, "outcomes-of-the-second-process"), max(1, o.workers-1)
	if o.workers == 1 {
		workers = 2
	}
	fs := newFlagSet(lookupCommand("campaign"), newOptions(o.reg, o.p, nil))
	args := append([]string{"campaign"}, flagArgs(fs, o.raw, func(name string) bool { return !secondCampaignSets[name] })...)
	args = append(args, "--check-determinism=false", "--no-shrink", "--workers", strconv.Itoa(workers),
		"--out", filepath.Join(dir, "out"), "--outcomes", theirs)
	if err := secondProcess(ctx, args, io.Discard); err != nil {
		return nil, err
	}
	elsewhere := fmt.Sprintf("in another process (%d workers)", workers)
	divs, err := compareOutcomeFiles(mine, theirs, elsewhere)
	if err != nil {
		return nil, fmt.Errorf("--check-determinism: comparing with the second process (paxsim %s): %v", strings.Join(args, " "), err)
	}
	for i := range min(len(divs), detailedDivergences) {
		d := &divs[i]
		cfg := o.cfg
		if o.swarm { // as campaign.Run drew it
			cfg = o.cfg.Swarm(o.p.Info(), d.Seed, o.pinned)
		}
		detail, same, err := runInAnotherProcess(ctx, lookupCommand("campaign"), o, d.Seed, cfg)
		switch {
		case err != nil:
			return nil, err
		case same:
			d.Detail += "\nrun again in another process, it agreed: the difference did not recur"
		default:
			d.Detail += "\nrun again in another process: " + detail
		}
	}
	return divs, nil
}

// secondCampaignSets are the campaign flags that campaignInAnotherProcess
// sets itself rather than pass on from the command line.
var secondCampaignSets = map[string]bool{
	"check-determinism": true, "no-shrink": true, "max-shrinks": true, "workers": true,
	"out": true, "outcomes": true, "json": true,
}

// compareOutcomeFiles compares the outcome files here and there.
func compareOutcomeFiles(here, there, elsewhere string) ([]campaign.Divergence, error) {
	a, err := os.Open(here)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	b, err := os.Open(there)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return campaign.CompareOutcomes(campaign.OutcomeFile{Reader: a, Name: here}, campaign.OutcomeFile{Reader: b, Name: there}, elsewhere)
}

// outcomeLog is where a campaign writes its seeds' outcomes: the file of
// --outcomes, or with --check-determinism one of its own in a temporary
// folder, beside which the second process writes its own.
type outcomeLog struct {
	path, dir string // dir: the temporary folder, if any
	file      *os.File
	writer    *campaign.OutcomeWriter
}

// openOutcomeLog opens o's outcome log: nil when the campaign needs none.
func openOutcomeLog(o *options) (*outcomeLog, error) {
	if o.outcomes == "" && !o.checkDeterminism {
		return nil, nil
	}
	l := &outcomeLog{path: o.outcomes}
	if o.checkDeterminism {
		dir, err := os.MkdirTemp("", "paxsim-determinism-")
		if err != nil {
			return nil, fmt.Errorf("--check-determinism: a folder for the second process: %v", err)
		}
		l.dir = dir
		if l.path == "" {
			l.path = filepath.Join(dir, "outcomes")
		}
	}
	f, err := os.Create(l.path)
	if err != nil {
		l.remove()
		return nil, usageErrorf("campaign", "invalid value for --outcomes: %v", err)
	}
	l.file, l.writer = f, campaign.NewOutcomeWriter(f, o.start)
	return l, nil
}

// close writes what is pending and closes the file.
func (l *outcomeLog) close() error {
	if l == nil {
		return nil
	}
	err := l.writer.Close()
	if cerr := l.file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the outcomes to %s: %v", l.path, err)
	}
	return nil
}

// remove removes the temporary folder.
func (l *outcomeLog) remove() {
	if l != nil && l.dir != "" {
		os.RemoveAll(l.dir)
	}
}

// checkCampaignElsewhere, with --check-determinism, runs the campaign's
// seeds again in another process and adds the seeds whose outcomes differ
// to s.Nondeterministic. An interrupted campaign is not run again.
func (x *invocation) checkCampaignElsewhere(ctx context.Context, o *options, l *outcomeLog, s *campaign.Summary) error {
	if !o.checkDeterminism || s.Interrupted {
		return nil
	}
	divs, err := campaignInAnotherProcess(ctx, o, l.path, l.dir)
	if err != nil {
		return &exitError{code: report.ExitViolation, msg: err.Error()}
	}
	known := map[uint64]bool{}
	for _, d := range s.Nondeterministic {
		known[d.Seed] = true
	}
	for _, d := range divs {
		if !known[d.Seed] {
			s.Nondeterministic = append(s.Nondeterministic, d)
		}
	}
	slices.SortStableFunc(s.Nondeterministic, func(a, b campaign.Divergence) int { return cmp.Compare(a.Seed, b.Seed) })
	return nil
}
