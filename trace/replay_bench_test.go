package trace_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/internal/cputime"
	"github.com/paxsim/paxsim/trace"
)

// bigCluster is the configuration of the defects issue's slow shrink: a
// swarm seed of a 63-replica campaign under ignore-promised-values, whose
// recorded run (seed 3) takes about 19,000 steps before it breaks
// agreement.
func bigCluster() (engine.Config, uint64) {
	c := paxosConfig()
	c.Variant, c.Nodes, c.Clients = "ignore-promised-values", 63, 3
	c.Delay, c.Drop, c.Dup, c.Redeliver = "tail:1-10", 0.307, 0, 0
	c.Crash, c.Partition, c.Slow = 0.00151, 0, 0.0203
	return c, 3
}

// recordBig records bigCluster's run, a long one; when mustFail, one that
// fails.
func recordBig(tb testing.TB, mustFail bool) *trace.Trace {
	tb.Helper()
	c, seed := bigCluster()
	res, err := paxosP.Run(c, seed, engine.Options{Record: true})
	tr := trace.FromResult(c, &res)
	if err != nil || (mustFail && !res.Failed()) || tr.Steps() < 10_000 {
		tb.Fatalf("the recorded run: %v, failed %v, %d steps", err, res.Failed(), tr.Steps())
	}
	return tr
}

// BenchmarkReplay measures replaying a long trace of a large cluster
// against the run that recorded it (both per step: an event of the run, a
// line of the trace), and one shrink of it under the default budget.
// Replay used to list every enabled action at every step; it was hundreds
// of times slower than the run.
func BenchmarkReplay(b *testing.B) {
	c, seed := bigCluster()
	tr := recordBig(b, true)
	b.Run("run", func(b *testing.B) {
		var events int64
		for b.Loop() {
			res, _ := paxosP.Run(c, seed, engine.Options{})
			events += res.Events
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/step")
	})
	b.Run("replay", func(b *testing.B) {
		for b.Loop() {
			if _, err := paxosP.Replay(tr, engine.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(tr.Lines)), "ns/step")
	})
	b.Run("shrink", func(b *testing.B) {
		for b.Loop() {
			res, err := paxosP.Shrink(context.Background(), tr, trace.ShrinkOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(res.After), "steps-after")
			b.ReportMetric(float64(res.Replays), "replays")
		}
	})
}

// TestReplayCostsAboutTheRun checks, by CPU time, that replaying a long
// trace of a 63-replica cluster costs a small multiple of the run that
// recorded it, per step (it was over 500 times the run). CPU time, not
// wall time, so that other processes do not count; still a measurement,
// so it runs only with PAXSIM_PERF=1 (PAXSIM_PERF=N sets the bound on the
// ratio, 10 by default).
func TestReplayCostsAboutTheRun(t *testing.T) {
	bound, _ := strconv.ParseFloat(os.Getenv("PAXSIM_PERF"), 64)
	if bound <= 0 {
		t.Skip("a measurement of CPU time: PAXSIM_PERF=1 runs it")
	}
	if bound == 1 {
		bound = 10
	}
	c, seed := bigCluster()
	tr := recordBig(t, false)
	const rounds = 5
	cpu := cputime.Seconds()
	var events int64
	for range rounds {
		res, _ := paxosP.Run(c, seed, engine.Options{Record: true})
		events += res.Events
	}
	run := (cputime.Seconds() - cpu) / float64(events)
	cpu = cputime.Seconds()
	for range rounds {
		if _, err := paxosP.Replay(tr, engine.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	replay := (cputime.Seconds() - cpu) / float64(rounds*len(tr.Lines))
	t.Logf("per step: run (recording) %.2f us, replay %.2f us: %.1fx", run*1e6, replay*1e6, replay/run)
	if replay > bound*run {
		t.Fatalf("a replay step costs %.1f times a step of the run, more than %.0f", replay/run, bound)
	}
}
