package mutants

import (
	"fmt"
	"math"

	"github.com/paxsim/paxsim/engine"
)

// Performance is what a judgement's passing runs of one protocol cost,
// so that a source mutant that stays safe and live but is slower than the
// original code (a send dropped that a retransmission makes up for, a
// timer armed late, a second path to catch up removed) can be told from
// it by Regression. Judge sums it when none of the protocol's runs
// failed. Its fault-free runs (JudgeOptions.PerformanceSeeds) give the
// messages the replicas sent per client operation, and how long each
// answered operation waited, in virtual time: the protocol's own cost.
// Its runs with faults give how long the core took to catch up once the
// faults healed: the cost of its recovery paths, which fault-free runs
// never take.
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
	// Wait is per fault-free run with an answer: the mean virtual time
	// from an operation's invocation to its answer. (A run, not an
	// operation, is the unit of each sample: the operations of one run
	// wait alike, and the runs are independent.)
	Wait Moments `json:"wait"`
	// Recovery is per run with faults that healed and was judged live:
	// the virtual time from the heal to its end, when the core caught up
	// and every client had its answers.
	Recovery Moments `json:"recovery"`
}

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
// mutant's mean messages per operation, wait or recovery must be, as a
// fraction, for Regression to call it a regression.
const RegressionLimit = 0.10

// RegressionZ is how many standard errors of the difference the two
// means must also be apart. The mutant and the original run the same
// seeds, but a change that alters one scheduling decision shifts the
// draws of every later one, so two equally fast protocols differ as two
// samples do (BENCHMARKS.md, "Source mutants: performance"); the test is
// Welch's, which takes them as independent samples, and so errs towards
// calling no regression: at 5 standard errors, one chance in 3.5 million
// per figure.
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
	if run.ops > 0 {
		p.Messages.add(float64(res.Stats.Sent) / float64(run.ops))
	}
	if run.answered > 0 {
		p.Wait.add(float64(run.wait) / float64(run.answered))
	}
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
	if res.LivenessChecked && cfg.HealAt > 0 && res.Time >= cfg.HealAt {
		p.Recovery.add(float64(res.Time - cfg.HealAt))
	}
}

// Regression words how p, a source mutant's figures, is worse than
// control, the original code's over the same seeds: a mean messages per
// operation, wait or recovery larger by more than RegressionLimit and by
// more than RegressionZ standard errors, or fewer operations answered by
// more than AnsweredLimit of those invoked. p and control are of one
// protocol. It is "" when p is no worse, or when the two did not run the
// same seeds (the mutant's campaign stopped early: its code was not
// reached).
func (p Performance) Regression(control Performance) string {
	if p.Runs != control.Runs || p.Operations == 0 || control.Operations == 0 {
		return ""
	}
	if ans, want := ratio(p.Answered, p.Operations), ratio(control.Answered, control.Operations); want-ans > AnsweredLimit {
		return fmt.Sprintf("%s answered %.1f%% of its operations, the original code %.1f%%", p.Protocol, 100*ans, 100*want)
	}
	for _, f := range []struct {
		what      string
		got, want Moments
	}{
		{"messages per operation", p.Messages, control.Messages},
		{"mean wait for an answer (virtual time)", p.Wait, control.Wait},
		{"mean recovery after the heal (virtual time)", p.Recovery, control.Recovery},
	} {
		if z, ok := worse(f.got, f.want); ok {
			return fmt.Sprintf("%s %s %.1f, the original code %.1f (+%.0f%%, %.1f standard errors)",
				p.Protocol, f.what, f.got.Mean(), f.want.Mean(), 100*(f.got.Mean()/f.want.Mean()-1), z)
		}
	}
	return ""
}

// worse reports whether got's mean exceeds want's by more than
// RegressionLimit and RegressionZ standard errors, and by how many.
func worse(got, want Moments) (z float64, ok bool) {
	g, w := got.Mean(), want.Mean()
	if got.N == 0 || want.N == 0 || w <= 0 || g <= w*(1+RegressionLimit) {
		return 0, false
	}
	se := math.Sqrt(got.meanVariance() + want.meanVariance())
	if se == 0 {
		return math.Inf(1), true
	}
	z = (g - w) / se
	return z, z > RegressionZ
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
