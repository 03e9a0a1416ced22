package mutants

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	paxosAdapter "github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// eagerRetries is single-decree Paxos, correct, whose proposers retry a
// ballot four times as soon, sooner than a round trip: as safe as the
// original, but two proposers duel, each preempting the other's ballot.
// (Eight times as soon is not live in a swarm run whose network is also
// four times slower than its timers were tuned for, --mistune 4.)
type eagerRetries struct{ paxosAdapter.Adapter }

func (eagerRetries) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	c, err := paxosAdapter.NodeConfig(s)
	if err != nil {
		return nil, err
	}
	c.RetryTicks = max(c.RetryTicks/4, 1)
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
	if orig.Runs == 0 || orig.Operations == 0 || orig.Answered == 0 || orig.Messages.N == 0 || orig.Syncs.N == 0 || orig.Syncs.Sum == 0 || orig.Wait.N == 0 || orig.Recovery.N == 0 {
		t.Fatalf("figures %+v: want runs, operations, answers, messages, syncs, waits and recoveries", orig)
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

// reshuffled is single-decree Paxos, correct and as fast, whose replicas
// draw one random number more as they boot: every later decision of a
// run differs from the original's, as under a mutant that only reorders
// what the code does, while what a run costs does not change.
type reshuffled struct{ paxosAdapter.Adapter }

func (a reshuffled) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	newNode, err := a.Adapter.NewNodes(s)
	if err != nil {
		return nil, err
	}
	return func(id sim.NodeID, d protocol.Durable) sim.Node[protocol.Msg, protocol.Durable, checker.Observation] {
		return drawsAtStart{newNode(id, d)}
	}, nil
}

// drawsAtStart is a node that draws a random number before it starts.
type drawsAtStart struct {
	sim.Node[protocol.Msg, protocol.Durable, checker.Observation]
}

func (n drawsAtStart) Start(env *sim.Env[protocol.Msg, protocol.Durable, checker.Observation]) {
	env.Rand(1000)
	n.Node.Start(env)
}

// TestReorderingIsNoRegression: a protocol as fast as the original whose
// runs all differ from the original's (each decision drawn anew) is no
// regression of it: the paired differences are noise of mean 0, which the
// limits keep out.
func TestReorderingIsNoRegression(t *testing.T) {
	o := JudgeOptions{Budget: 2000, PerformanceSeeds: 2000, NoExplore: true}
	var figures []Performance
	for _, p := range []*harness.Protocol{paxos, harness.New(reshuffled{})} {
		o.Protocols = []*harness.Protocol{p}
		v, err := Judge(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if v.Killed || len(v.Performance) != 1 {
			t.Fatalf("verdict %+v: want one protocol's figures and no kill", v)
		}
		figures = append(figures, v.Performance[0])
	}
	orig, other := figures[0], figures[1]
	if slices.Equal(orig.PerRun.Wait, other.PerRun.Wait) || slices.Equal(orig.PerRun.Recovery, other.PerRun.Recovery) {
		t.Fatal("the reshuffled runs are the original's: the test shows nothing")
	}
	if why := other.Regression(orig); why != "" {
		t.Errorf("a reordering is called a regression: %s", why)
	}
	if why := orig.Regression(other); why != "" {
		t.Errorf("the original is called a regression of a reordering: %s", why)
	}
	t.Logf("nearest: %q; the other way: %q", other.Nearest(orig), orig.Nearest(other))
}

// runs is n per-run figures around mean, spread by sd, drawn from a
// fixed seed: the original code's runs in these tests.
func runs(seed uint64, n int, mean, sd float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = max(mean+sd*r.NormFloat64(), 0)
	}
	return xs
}

// shifted is xs, each run's figure scaled by 1+by and then moved by
// noise of mean 0 and spread sd (from a fixed seed; not clamped at 0,
// which would bias it): a mutant's runs of the same seeds.
func shifted(xs []float64, by, sd float64) []float64 {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x*(1+by) + sd*r.NormFloat64()
	}
	return out
}

// TestRegressionJudgesEachFigure: each figure worse past its limit, by
// many standard errors of the paired differences, is a regression; one
// within the limit, or as far past it as the noise of the pairs, is not;
// figures of other seeds (a campaign stopped early), or without their
// runs, are not compared.
func TestRegressionJudgesEachFigure(t *testing.T) {
	const n = 1000
	base := Performance{Protocol: "p", Runs: n, Operations: 2000, Answered: 2000, PerRun: &PerRun{
		Messages: runs(1, n, 20, 5), Syncs: runs(4, n, 6, 2), Wait: runs(2, n, 100, 50), Recovery: runs(3, n, 300, 100),
		CatchUp: runs(5, n, 40, 20)}}
	for _, c := range []struct {
		name string
		edit func(*PerRun)
		want string
	}{
		{"same", func(*PerRun) {}, ""},
		{"fewer messages", func(r *PerRun) { r.Messages = shifted(r.Messages, -0.5, 0) }, ""},
		{"messages within, in every run", func(r *PerRun) { r.Messages = shifted(r.Messages, 0.03, 0) }, ""},
		{"messages past", func(r *PerRun) { r.Messages = shifted(r.Messages, 0.08, 1) }, "messages per operation"},
		{"messages past, as noisy", func(r *PerRun) { r.Messages = shifted(r.Messages, 0.08, 40) }, ""},
		{"syncs within", func(r *PerRun) { r.Syncs = shifted(r.Syncs, 0.01, 0.5) }, ""},
		{"syncs past", func(r *PerRun) { r.Syncs = shifted(r.Syncs, 0.5, 0.5) }, "syncs per operation"},
		{"wait within", func(r *PerRun) { r.Wait = shifted(r.Wait, 0.02, 5) }, ""},
		{"wait past", func(r *PerRun) { r.Wait = shifted(r.Wait, 0.2, 5) }, "mean wait"},
		{"recovery within", func(r *PerRun) { r.Recovery = shifted(r.Recovery, 0.04, 10) }, ""},
		{"recovery past", func(r *PerRun) { r.Recovery = shifted(r.Recovery, 0.3, 10) }, "mean recovery"},
		{"catch-up within", func(r *PerRun) { r.CatchUp = shifted(r.CatchUp, 0.03, 2) }, ""},
		{"catch-up past", func(r *PerRun) { r.CatchUp = shifted(r.CatchUp, 0.8, 2) }, "mean catch-up after a restart"},
		{"recovery past in a few runs", func(r *PerRun) {
			r.Recovery = slices.Clone(r.Recovery)
			for i := 0; i < n; i += 10 {
				r.Recovery[i] *= 2
			}
		}, "mean recovery"},
		{"recovery past where the original has none", func(r *PerRun) {
			r.Recovery = slices.Clone(r.Recovery)
			for i := 0; i < n; i += 2 {
				r.Recovery[i] = 1e6
			}
			base.PerRun.Recovery = slices.Clone(base.PerRun.Recovery)
			for i := 0; i < n; i += 2 {
				base.PerRun.Recovery[i] = Absent
			}
		}, ""},
	} {
		saved := *base.PerRun
		pr := *base.PerRun
		c.edit(&pr)
		p := base
		p.PerRun = &pr
		got := p.Regression(base)
		if (got == "") != (c.want == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: regression %q, want one naming %q", c.name, got, c.want)
		}
		*base.PerRun = saved
	}
	for _, c := range []struct {
		name string
		edit func(*Performance)
		want string
	}{
		{"answered within", func(p *Performance) { p.Answered -= 10 }, ""},
		{"answered past", func(p *Performance) { p.Answered -= 100 }, "answered"},
		{"other seeds", func(p *Performance) { p.Runs++; p.PerRun = &PerRun{Messages: shifted(base.PerRun.Messages, 2, 0)} }, ""},
		{"no runs' figures", func(p *Performance) { p.PerRun = nil }, ""},
	} {
		p := base
		c.edit(&p)
		got := p.Regression(base)
		if (got == "") != (c.want == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: regression %q, want one naming %q", c.name, got, c.want)
		}
	}
}

// TestNearestNamesTheCostliestFigure: a mutant that is no regression is
// described by its figure worse by the most of those past the noise, or
// as equal to the original in every run, or not at all.
func TestNearestNamesTheCostliestFigure(t *testing.T) {
	const n = 1000
	base := Performance{Protocol: "p", Runs: n, Operations: 2000, Answered: 2000, PerRun: &PerRun{
		Messages: runs(1, n, 20, 5), Syncs: runs(4, n, 6, 2), Wait: runs(2, n, 100, 50), Recovery: runs(3, n, 300, 100),
		CatchUp: runs(5, n, 40, 20)}}
	with := func(edit func(r *PerRun)) Performance {
		pr := *base.PerRun
		edit(&pr)
		p := base
		p.PerRun = &pr
		return p
	}
	for _, c := range []struct {
		name string
		p    Performance
		want string
	}{
		{"the same", with(func(*PerRun) {}), "every figure of every run equal"},
		{"cheaper", with(func(r *PerRun) { r.Wait = shifted(r.Wait, -0.2, 1) }), ""},
		{"noisy", with(func(r *PerRun) { r.Wait = shifted(r.Wait, 0, 5) }), ""},
		{"two costs", with(func(r *PerRun) {
			r.Syncs, r.Recovery = shifted(r.Syncs, 0.02, 0.01), shifted(r.Recovery, 0.04, 1)
		}), "mean recovery after the heal (virtual time) +4.0%"},
	} {
		if why := c.p.Regression(base); why != "" {
			t.Fatalf("%s: a regression (%s): the cases must be under the limit", c.name, why)
		}
		got := c.p.Nearest(base)
		if (got == "") != (c.want == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: nearest %q, want one naming %q", c.name, got, c.want)
		}
	}
}

// TestPairOffMatchesTheNaivePairing: pairOff's sums equal those of the
// pairs picked and subtracted one by one, for any two samples with
// absent runs.
func TestPairOffMatchesTheNaivePairing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(t, "runs")
		fig := rapid.OneOf(rapid.Just(float64(Absent)), rapid.Float64Range(0, 1000))
		got := rapid.SliceOfN(fig, n, n).Draw(t, "mutant")
		want := rapid.SliceOfN(fig, n, n).Draw(t, "original")
		var diffs, gs, ws []float64
		for i := range got {
			if got[i] != Absent && want[i] != Absent {
				diffs, gs, ws = append(diffs, got[i]-want[i]), append(gs, got[i]), append(ws, want[i])
			}
		}
		d := pairOff(got, want)
		for _, c := range []struct {
			m  Moments
			xs []float64
		}{{d.diff, diffs}, {d.got, gs}, {d.want, ws}} {
			if c.m.N != int64(len(c.xs)) || math.Abs(c.m.Mean()-mean(c.xs)) > 1e-6 {
				t.Fatalf("pairOff %+v of %v: want the mean %v of %v", c.m, c.xs, mean(c.xs), c.xs)
			}
		}
		if pairOff(got, want[:n/2]).diff.N != 0 && n > 1 {
			t.Fatal("samples of different lengths paired off")
		}
	})
}

// mean is xs's mean, 0 when empty.
func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(max(len(xs), 1))
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
