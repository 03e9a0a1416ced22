package mutants

import (
	"context"
	"math"
	"strings"
	"testing"

	paxosAdapter "github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// eagerRetries is single-decree Paxos, correct, whose proposers retry a
// ballot eight times as soon, sooner than a round trip: as safe as the
// original, but two proposers duel, each preempting the other's ballot.
type eagerRetries struct{ paxosAdapter.Adapter }

func (eagerRetries) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	c, err := paxosAdapter.NodeConfig(s)
	if err != nil {
		return nil, err
	}
	c.RetryTicks = max(c.RetryTicks/8, 1)
	return protocol.NewNodes(s.Nodes, c), nil
}

// TestJudgeMeasuresPerformance: a judgement that survives reports its
// figures; the original code is no regression of itself, and a correct
// but slower protocol, run over the same seeds, is one.
func TestJudgeMeasuresPerformance(t *testing.T) {
	judge := func(p *harness.Protocol) Performance {
		t.Helper()
		v, err := Judge(context.Background(), JudgeOptions{Protocols: []*harness.Protocol{p}, Budget: 400, PerformanceSeeds: 600, NoExplore: true})
		if err != nil {
			t.Fatal(err)
		}
		if v.Killed || len(v.Performance) != 1 {
			t.Fatalf("verdict %+v: want one protocol's figures and no kill", v)
		}
		return v.Performance[0]
	}
	orig, slow := judge(paxos), judge(harness.New(eagerRetries{}))
	if orig.Runs == 0 || orig.Operations == 0 || orig.Answered == 0 || orig.Messages.N == 0 || orig.Wait.N == 0 || orig.Recovery.N == 0 {
		t.Fatalf("figures %+v: want runs, operations, answers, messages, waits and recoveries", orig)
	}
	if why := orig.Regression(orig); why != "" {
		t.Errorf("the original is a regression of itself: %s", why)
	}
	why := slow.Regression(orig)
	if !strings.Contains(why, "the original code") {
		t.Errorf("slow %+v against %+v: regression %q, want a figure named", slow, orig, why)
	}
	if slow.Regression(slow) != "" || orig.Regression(slow) != "" {
		t.Errorf("the dueling protocol is a regression of itself, or the original of it")
	}
}

// sample is a sample of n values with the given mean and standard
// deviation.
func sample(mean, sd float64, n int64) Moments {
	f := float64(n)
	return Moments{N: n, Sum: mean * f, SumSq: (f-1)*sd*sd + f*mean*mean}
}

// TestRegressionJudgesEachFigure: each figure worse past its limit, by
// many standard errors, is a regression; one within the limit, or as far
// past it as the noise of its samples, is not; figures of other seeds
// (a campaign stopped early) are not compared.
func TestRegressionJudgesEachFigure(t *testing.T) {
	base := Performance{Protocol: "p", Runs: 1000, Operations: 2000, Answered: 2000,
		Messages: sample(20, 5, 1000), Wait: sample(100, 50, 2000), Recovery: sample(300, 100, 1000)}
	for _, c := range []struct {
		name string
		edit func(*Performance)
		want string
	}{
		{"same", func(*Performance) {}, ""},
		{"fewer messages", func(p *Performance) { p.Messages = sample(10, 5, 1000) }, ""},
		{"messages within", func(p *Performance) { p.Messages = sample(21, 5, 1000) }, ""},
		{"messages past", func(p *Performance) { p.Messages = sample(30, 5, 1000) }, "messages per operation"},
		{"messages past, as noisy", func(p *Performance) { p.Messages = sample(30, 200, 1000) }, ""},
		{"wait within", func(p *Performance) { p.Wait = sample(105, 50, 2000) }, ""},
		{"wait past", func(p *Performance) { p.Wait = sample(150, 50, 2000) }, "mean wait"},
		{"recovery within", func(p *Performance) { p.Recovery = sample(320, 100, 1000) }, ""},
		{"recovery past", func(p *Performance) { p.Recovery = sample(400, 100, 1000) }, "mean recovery"},
		{"answered within", func(p *Performance) { p.Answered -= 10 }, ""},
		{"answered past", func(p *Performance) { p.Answered -= 100 }, "answered"},
		{"other seeds", func(p *Performance) { p.Runs++; p.Messages = sample(60, 5, 1001) }, ""},
	} {
		p := base
		c.edit(&p)
		got := p.Regression(base)
		if (got == "") != (c.want == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: regression %q, want one naming %q", c.name, got, c.want)
		}
	}
}

// TestMomentsMatchTheSample: the mean and its variance from the sums
// equal those computed from the values.
func TestMomentsMatchTheSample(t *testing.T) {
	xs := []float64{3, 7, 7, 19, 24, 1}
	var m Moments
	mean := 0.0
	for _, x := range xs {
		m.add(x)
		mean += x / float64(len(xs))
	}
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean) / float64(len(xs)-1)
	}
	if math.Abs(m.Mean()-mean) > 1e-9 || math.Abs(m.meanVariance()-v/float64(len(xs))) > 1e-9 {
		t.Errorf("mean %v, variance of the mean %v; want %v, %v", m.Mean(), m.meanVariance(), mean, v/float64(len(xs)))
	}
	if (Moments{}).Mean() != 0 || (Moments{N: 1, Sum: 4, SumSq: 16}).meanVariance() != 0 {
		t.Error("an empty sample's mean, or a single value's variance, is not 0")
	}
}
