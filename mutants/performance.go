package mutants

import (
	"fmt"
	"math"
	"slices"

	"github.com/paxsim/paxsim/engine"
)

// Performance is what a judgement's passing runs of one protocol cost,
// so that a source mutant that stays safe and live but is slower than the
// original code (a send dropped that a retransmission makes up for, a
// timer armed late, a second path to catch up removed) can be told from
// it by Regression. Judge sums it when none of the protocol's runs
// failed. Its fault-free runs (JudgeOptions.PerformanceSeeds) give the
// messages the replicas sent and the writes they made durable (a real
// store's fsyncs) per client operation, and how long each answered
// operation waited, in virtual time: the protocol's own cost.
// Its runs with faults give how long the core took to catch up once the
// faults healed, and a restarted replica to learn what it missed: the
// cost of its recovery paths, which fault-free runs never take.
//
// Each figure is kept per run (PerRun), in the order the seeds ran, so
// that Regression compares the mutant's run of a seed with the original
// code's run of the same seed: a paired comparison, in which the spread
// of the workloads and faults the seeds draw, most of a figure's
// variance, cancels.
type Performance struct {
	Protocol string `json:"protocol"`
	// Runs counts the fault-free runs, and Operations and Answered their
	// clients' operations and the answered ones.
	Runs       int64 `json:"runs"`
	Operations int64 `json:"operations"`
	Answered   int64 `json:"answered"`
	// Messages is per fault-free run with an operation: the messages the
	// replicas sent per operation of its clients.
	Messages Moments `json:"messages_per_operation"`
	// Syncs is per fault-free run with an operation: the writes the
	// replicas made durable (sim.Stats.Syncs) per operation.
	Syncs Moments `json:"syncs_per_operation"`
	// Wait is per fault-free run with an answer: the mean virtual time
	// from an operation's invocation to its answer. (A run, not an
	// operation, is the unit of each sample: the operations of one run
	// wait alike, and the runs are independent.)
	Wait Moments `json:"wait"`
	// Recovery is per run with faults that healed and was judged live:
	// the virtual time from the heal to its end, when the core caught up
	// and every client had its answers.
	Recovery Moments `json:"recovery"`
	// CatchUp is per run with faults in which a restarted replica caught
	// up (engine.Result.CatchUp): the mean virtual time a restarted
	// replica took to learn what the others had learned by its restart.
	CatchUp Moments `json:"catch_up"`
	// PerRun is each figure of each run, for Regression's pairs. A
	// report keeps it only until it is judged (it is large), so it is
	// empty in a saved report.
	PerRun *PerRun `json:"per_run,omitempty"`
}

// PerRun holds each run's figures, one slice a figure, one entry a run
// in seed order: Messages, Syncs and Wait for the fault-free runs,
// Recovery and CatchUp for the runs with faults. A run without the figure
// (no operation, no answer, not healed, no restart that caught up) has
// Absent there.
type PerRun struct {
	Messages []float64 `json:"messages_per_operation"`
	Syncs    []float64 `json:"syncs_per_operation"`
	Wait     []float64 `json:"wait"`
	Recovery []float64 `json:"recovery"`
	CatchUp  []float64 `json:"catch_up"`
}

// Absent marks a run without the figure in PerRun (every figure is at
// least 0).
const Absent = -1

// Moments sums a sample: its size, its values and their squares, from
// which its mean and the variance of that mean follow.
type Moments struct {
	N     int64   `json:"n"`
	Sum   float64 `json:"sum"`
	SumSq float64 `json:"sum_sq"`
}

// add adds x to the sample.
func (m *Moments) add(x float64) {
	m.N++
	m.Sum += x
	m.SumSq += x * x
}

// Mean is the sample's mean, 0 when it is empty.
func (m Moments) Mean() float64 {
	if m.N == 0 {
		return 0
	}
	return m.Sum / float64(m.N)
}

// meanVariance is the variance of the sample's mean (the square of its
// standard error), 0 for a sample of fewer than two.
func (m Moments) meanVariance() float64 {
	if m.N < 2 {
		return 0
	}
	n := float64(m.N)
	v := (m.SumSq - m.Sum*m.Sum/n) / (n - 1)
	return max(v, 0) / n
}

// RegressionLimit is how much worse than the original code a source
// mutant's mean messages or syncs per operation, wait or recovery must
// be, over the runs both have the figure, as a fraction, for Regression
// to call it a regression.
const RegressionLimit = 0.05

// RegressionZ is how many standard errors of the mean paired difference
// (mutant minus original, seed by seed) that mean must also be. The
// original code against itself differs by exactly 0 in every pair (a run
// is a pure function of its seed and code); a mutant that only reorders
// what the original does (one scheduling decision changed shifts the
// draws of every later one) differs by noise of mean 0, which 5 standard
// errors rule out but for one chance in 3.5 million per figure
// (BENCHMARKS.md, "Source mutants: performance, paired").
const RegressionZ = 5

// AnsweredLimit is how many fewer of the invoked operations, as a
// fraction of them, a source mutant may answer in fault-free runs than
// the original code before Regression calls it a regression.
const AnsweredLimit = 0.01

// add tallies one passing fault-free run.
func (p *Performance) add(res *engine.Result) {
	p.Runs++
	var run runOps
	for _, op := range res.Ops {
		run.add(op.Invoke, op.Return)
	}
	for _, op := range res.KVOps {
		run.add(op.Invoke, op.Return)
	}
	p.Operations += run.ops
	p.Answered += run.answered
	msgs, syncs, wait := float64(Absent), float64(Absent), float64(Absent)
	if run.ops > 0 {
		msgs = float64(res.Stats.Sent) / float64(run.ops)
		syncs = float64(res.Stats.Syncs) / float64(run.ops)
		p.Messages.add(msgs)
		p.Syncs.add(syncs)
	}
	if run.answered > 0 {
		wait = float64(run.wait) / float64(run.answered)
		p.Wait.add(wait)
	}
	pr := p.perRun()
	pr.Messages = append(pr.Messages, msgs)
	pr.Syncs = append(pr.Syncs, syncs)
	pr.Wait = append(pr.Wait, wait)
}

// perRun is p.PerRun, made on first use.
func (p *Performance) perRun() *PerRun {
	if p.PerRun == nil {
		p.PerRun = &PerRun{}
	}
	return p.PerRun
}

// runOps counts one run's client operations.
type runOps struct {
	ops, answered, wait int64
}

// add counts an operation invoked at invoke and answered at ret (ret < 0:
// never answered).
func (r *runOps) add(invoke, ret int64) {
	r.ops++
	if ret >= 0 {
		r.answered++
		r.wait += ret - invoke
	}
}

// addRecovery tallies one passing run of cfg, a configuration with
// faults.
func (p *Performance) addRecovery(cfg engine.Config, res *engine.Result) {
	rec := float64(Absent)
	if res.LivenessChecked && cfg.HealAt > 0 && res.Time >= cfg.HealAt {
		rec = float64(res.Time - cfg.HealAt)
		p.Recovery.add(rec)
	}
	up := float64(Absent)
	if c := res.CatchUp; c.Restarts > 0 {
		up = float64(c.Ticks) / float64(c.Restarts)
		p.CatchUp.add(up)
	}
	pr := p.perRun()
	pr.Recovery = append(pr.Recovery, rec)
	pr.CatchUp = append(pr.CatchUp, up)
}

// Regression words how p, a source mutant's figures, is worse than
// control, the original code's over the same seeds: over the runs of a
// seed where both have a figure (messages or syncs per operation, wait or
// recovery), the mutant's mean larger than the original's by more than
// RegressionLimit and by more than RegressionZ standard errors of the
// paired differences; or fewer operations answered by more than
// AnsweredLimit of those invoked. p and control are of one protocol. It is
// "" when p is no worse, or when the two did not run the same seeds (the
// mutant's campaign stopped early: its code was not reached), or either
// lacks its runs' figures.
func (p Performance) Regression(control Performance) string {
	if p.Runs != control.Runs || p.Operations == 0 || control.Operations == 0 || p.PerRun == nil || control.PerRun == nil {
		return ""
	}
	if ans, want := ratio(p.Answered, p.Operations), ratio(control.Answered, control.Operations); want-ans > AnsweredLimit {
		return fmt.Sprintf("%s answered %.1f%% of its operations, the original code %.1f%%", p.Protocol, 100*ans, 100*want)
	}
	for _, f := range p.figures(control) {
		if d := pairOff(f.got, f.want); d.worse() {
			return fmt.Sprintf("%s %s %.1f, the original code %.1f over the same %d runs (+%.0f%%, %.1f standard errors)",
				p.Protocol, f.what, d.got.Mean(), d.want.Mean(), d.diff.N, 100*d.relative(), d.z())
		}
	}
	return ""
}

// Nearest words how near p, a source mutant's figures that are no
// Regression of control's, came to one: the figure worse than the
// original's by the largest fraction among those worse by more than
// RegressionZ standard errors (a real cost, under RegressionLimit); or,
// when every figure of every run equals the original's, that it does (the
// mark of an equivalent mutant, though not its proof: a run that differs
// may be one the judgement did not run); else "".
func (p Performance) Nearest(control Performance) string {
	if p.Runs != control.Runs || p.PerRun == nil || control.PerRun == nil {
		return ""
	}
	same, near, rel := true, "", 0.0
	for _, f := range p.figures(control) {
		d := pairOff(f.got, f.want)
		same = same && slices.Equal(f.got, f.want)
		if r := d.relative(); d.z() > RegressionZ && r > rel {
			near, rel = fmt.Sprintf("%s %s +%.1f%% at %.1f standard errors", p.Protocol, f.what, 100*r, d.z()), r
		}
	}
	if same && p.Answered == control.Answered {
		return p.Protocol + ": every figure of every run equal to the original's"
	}
	return near
}

// figure is one of a mutant's figures beside the original's, run by run.
type figure struct {
	what      string
	got, want []float64
}

// figures pairs p's figures with control's.
func (p Performance) figures(control Performance) []figure {
	return []figure{
		{"messages per operation", p.PerRun.Messages, control.PerRun.Messages},
		{"syncs per operation", p.PerRun.Syncs, control.PerRun.Syncs},
		{"mean wait for an answer (virtual time)", p.PerRun.Wait, control.PerRun.Wait},
		{"mean recovery after the heal (virtual time)", p.PerRun.Recovery, control.PerRun.Recovery},
		{"mean catch-up after a restart (virtual time)", p.PerRun.CatchUp, control.PerRun.CatchUp},
	}
}

// pairs is a figure over the runs where both a mutant and the original
// code have it: each one's sample and the sample of their differences.
type pairs struct {
	got, want, diff Moments
}

// pairOff pairs got's runs with want's, run by run, skipping those where
// either lacks the figure; runs of one without the other (got and want
// of different lengths) pair off to nothing.
func pairOff(got, want []float64) pairs {
	var d pairs
	if len(got) != len(want) {
		return d
	}
	for i, g := range got {
		if w := want[i]; g != Absent && w != Absent {
			d.got.add(g)
			d.want.add(w)
			d.diff.add(g - w)
		}
	}
	return d
}

// relative is the mean difference as a fraction of the original's mean.
func (d pairs) relative() float64 {
	if d.want.Mean() <= 0 {
		return 0
	}
	return d.diff.Mean() / d.want.Mean()
}

// z is the mean difference in standard errors: infinite when every pair
// differs alike.
func (d pairs) z() float64 {
	se := math.Sqrt(d.diff.meanVariance())
	if se == 0 {
		if d.diff.Mean() > 0 {
			return math.Inf(1)
		}
		return 0
	}
	return d.diff.Mean() / se
}

// worse reports whether the mutant's figure exceeds the original's by
// more than RegressionLimit and RegressionZ standard errors.
func (d pairs) worse() bool {
	return d.diff.N > 1 && d.want.Mean() > 0 && d.relative() > RegressionLimit && d.z() > RegressionZ
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
