package trace_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/trace"
)

// TestPCTTracesReplayWithoutTheirScheduler: a PCT run's decision trace
// replays, with the scheduler struck from its config, to the run itself:
// the same steps and the same first violation. A scheduler only answers
// decisions; the trace records what they made happen.
func TestPCTTracesReplayWithoutTheirScheduler(t *testing.T) {
	a := paxos.Adapter{}
	info := a.Info()
	c := engine.Default()
	c.Protocol, c.Variant, c.Scheduler = info.Name, "ignore-promised-values", engine.SchedulerPCT
	failing := 0
	for seed := uint64(0); seed < 200 && failing < 5; seed++ {
		res, err := engine.Run(a, &info, c, seed, engine.Options{Record: true})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Failed() {
			continue
		}
		failing++
		tr := trace.FromResult(c, &res)
		tr.Config.Scheduler, tr.Config.PCTDepth = "", 0
		again, err := trace.Replay(a, &info, tr, engine.Options{Record: true})
		if err != nil {
			t.Fatalf("seed %d: replay: %v", seed, err)
		}
		if !again.Failed() || again.Violations[0].Property != res.Violations[0].Property || again.Violations[0].Message != res.Violations[0].Message {
			t.Fatalf("seed %d: the run broke %v, its replay %v", seed, res.Violations[0], again.Violations)
		}
		if ran, replayed := steps(res.Lines), steps(again.Lines); !sameSteps(ran, replayed) {
			t.Fatalf("seed %d: the replay took other steps than the run:\nrun:    %q\nreplay: %q", seed, ran, replayed)
		}
	}
	if failing == 0 {
		t.Fatal("no PCT seed of 200 failed")
	}
}

// steps are a decision trace's steps: its lines but comments (a timed
// run's partitions, which a replay does not make) and its handlers'
// random draws (a replay logs the draws made at boot otherwise than the
// run, for any scheduler).
func steps(lines []string) []string {
	return slices.DeleteFunc(slices.Clone(lines), func(l string) bool {
		return strings.HasPrefix(l, "rand ") || strings.HasPrefix(l, "#")
	})
}

// sameSteps reports whether a replay took the run's steps: the same, but
// for the network faults the last handler's sends met, which the run logs
// after its step and the replay, stopped at the violation, does not.
func sameSteps(ran, replayed []string) bool {
	if len(replayed) > len(ran) || !slices.Equal(ran[:len(replayed)], replayed) {
		return false
	}
	for _, l := range ran[len(replayed):] {
		if !strings.HasPrefix(l, "drop ") && !strings.HasPrefix(l, "dup ") {
			return false
		}
	}
	return true
}

// TestPCTRunsAreFunctionsOfTheirSeed: the same seed under PCT gives the
// same run twice, and not the run Random gives.
func TestPCTRunsAreFunctionsOfTheirSeed(t *testing.T) {
	a := paxos.Adapter{}
	info := a.Info()
	c := engine.Default()
	c.Protocol, c.Variant = info.Name, engine.Correct
	pct := c
	pct.Scheduler = engine.SchedulerPCT
	same := 0
	for seed := range uint64(20) {
		r1, err1 := engine.Run(a, &info, pct, seed, engine.Options{})
		r2, err2 := engine.Run(a, &info, pct, seed, engine.Options{})
		r3, err3 := engine.Run(a, &info, c, seed, engine.Options{})
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
		if r1.TraceHash != r2.TraceHash || r1.Events != r2.Events {
			t.Fatalf("seed %d: two PCT runs differ: hash %x vs %x", seed, r1.TraceHash, r2.TraceHash)
		}
		if r1.TraceHash == r3.TraceHash {
			same++
		}
	}
	if same > 2 {
		t.Fatalf("%d of 20 PCT runs are the random scheduler's runs", same)
	}
}
