package step_test

import (
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/view/step"
)

// BenchmarkWalk walks the decision trace of a whole timed Multi-Paxos run
// (seed 5, the defaults), keeping every frame: what paxsim view does when
// it opens a run, and again at each fork.
func BenchmarkWalk(b *testing.B) {
	p := builtin.MultiPaxos()
	c := engine.Default()
	c.Protocol, c.Clients, c.Commands = "multipaxos", p.Info().Workload.Clients, p.Info().Workload.Commands
	res, err := p.Run(c, 5, engine.Options{Record: true})
	if err != nil {
		b.Fatal(err)
	}
	t := trace.FromResult(c, &res)
	var frames int
	for b.Loop() {
		run, err := p.Step(t, step.Options{ActionsAt: -1})
		if err != nil {
			b.Fatal(err)
		}
		frames = len(run.Frames)
	}
	b.ReportMetric(float64(frames), "frames")
}
