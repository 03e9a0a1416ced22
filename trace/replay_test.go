package trace_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// TestRecordedTracesReplay: the decision trace a failing run records
// replays to the same first violation, for every protocol, on links that
// reorder and on FIFO links, with clients that hedge and without (two
// clients' requests to one replica, on FIFO links, must be written in the
// order they arrive).
func TestRecordedTracesReplay(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		for _, hedge := range []float64{0, 1} {
			t.Run(fmt.Sprintf("paxos/fifo=%v/hedge=%v", fifo, hedge), func(t *testing.T) {
				a := paxos.Adapter{}
				info := a.Info()
				checkReplays(t, a, &info, "ignore-promised-values", 300, fifo, hedge)
			})
			t.Run(fmt.Sprintf("multipaxos/fifo=%v/hedge=%v", fifo, hedge), func(t *testing.T) {
				a := multipaxos.Adapter{}
				info := a.Info()
				checkReplays(t, a, &info, "no-dedup", 300, fifo, hedge)
			})
		}
	}
}

func checkReplays[M interface {
	Digest() uint64
	String() string
}, D any](t *testing.T, p engine.Protocol[M, D], info *engine.Info, variant string, seeds uint64, fifo bool, hedge float64) {
	c := engine.Default()
	c.Protocol, c.Variant, c.FIFO, c.Hedge = info.Name, variant, fifo, hedge
	failing, shrunk := 0, 0
	for seed := uint64(0); seed < seeds && failing < 10; seed++ {
		res, err := engine.Run(p, info, c, seed, engine.Options{Record: true})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Failed() {
			continue
		}
		failing++
		tr := trace.FromResult(c, &res)
		if fifo { // the file carries FIFO links
			parsed, err := trace.Parse(strings.NewReader(tr.String()), "fifo.trace")
			if err != nil || !parsed.Config.FIFO {
				t.Fatalf("seed %d: the trace file lost FIFO links: %v", seed, err)
			}
			tr = parsed
		}
		again, err := trace.Replay(p, info, tr, engine.Options{})
		if err != nil {
			t.Fatalf("seed %d: replay: %v", seed, err)
		}
		if !again.Failed() || again.Violations[0].Property != res.Violations[0].Property {
			if res.Violations[0].Property == "liveness" || res.Violations[0].Property == "linearizability" {
				continue // judged after a fresh liveness phase
			}
			t.Errorf("seed %d: run broke %s, replay %v", seed, res.Violations[0].Property, again.Violations)
		}
		sr, err := trace.Shrink(context.Background(), p, info, tr, trace.ShrinkOptions{Budget: 200_000})
		if err != nil {
			t.Logf("seed %d: shrink: %v", seed, err)
			continue
		}
		shrunk++
		t.Logf("seed %d: %s, %d steps -> %d", seed, sr.Property, sr.Before, sr.After)
	}
	if failing == 0 || shrunk == 0 {
		t.Fatalf("%d failing seeds, %d shrunk", failing, shrunk)
	}
}

var _ = protocol.Correct
var _ = mp.Correct

// TestReplayReproducesTheLivenessPhase: a run that fails after the heal
// records its liveness phase, and its trace replays to the same verdict
// (property, check, evidence but its times: a replay's virtual clock is a
// Choice world's), with the same nodes left outside the core,
// and to the same event count and trace hash on every replay. The heal
// keeps outside the core the replicas the run cut off for good ("heal
// cut-off N"), which a Choice world has no partition to tell. An old
// trace, which ends with "liveness" at the heal, still replays, running
// that phase again.
func TestReplayReproducesTheLivenessPhase(t *testing.T) {
	t.Run("paxos", func(t *testing.T) {
		a := paxos.Adapter{}
		info := a.Info()
		c := engine.Default()
		c.Protocol, c.Variant = info.Name, "fixed-backoff"
		c.Drop, c.Dup, c.Crash, c.Partition = 0.1, 0.05, 0.01, 0.02
		checkLivenessReplays(t, a, &info, c, 25, true)
	})
	t.Run("multipaxos", func(t *testing.T) {
		a := multipaxos.Adapter{}
		info := a.Info()
		c := engine.Default()
		c.Protocol, c.Variant = info.Name, mp.NoGapFill.Name
		c.Drop, c.Dup, c.Crash, c.Partition, c.Reconfig = 0.1, 0.05, 0.02, 0.03, "none"
		checkLivenessReplays(t, a, &info, c, 300, false)
	})
}

func checkLivenessReplays[M interface {
	Digest() uint64
	String() string
}, D any](t *testing.T, p engine.Protocol[M, D], info *engine.Info, c engine.Config, seeds uint64, wantCutOff bool) {
	late, cutOff := 0, 0
	for seed := range seeds {
		run, err := engine.Run(p, info, c, seed, engine.Options{Record: true})
		if err != nil {
			t.Fatal(err)
		}
		if !run.Failed() || run.Violations[0].Property != checker.Liveness {
			continue
		}
		late++
		tr := trace.FromResult(c, &run)
		if last := tr.Lines[len(tr.Lines)-1].Text; last != engine.DeadlineLine {
			t.Fatalf("seed %d: the trace ends with %q, not the deadline", seed, last)
		}
		for _, l := range tr.Lines {
			if strings.HasPrefix(l.Text, "heal cut-off ") {
				cutOff++
			}
		}
		parsed, err := trace.Parse(strings.NewReader(tr.String()), "late.trace")
		if err != nil {
			t.Fatal(err)
		}
		a, errA := trace.Replay(p, info, parsed, engine.Options{})
		b, errB := trace.Replay(p, info, parsed, engine.Options{})
		if errA != nil || errB != nil {
			t.Fatalf("seed %d: replay: %v / %v", seed, errA, errB)
		}
		want, got := run.Violations[0], a.Violations
		if len(got) == 0 || got[0].Property != want.Property || got[0].Check != want.Check || untimed(got[0].Evidence) != untimed(want.Evidence) {
			t.Fatalf("seed %d: run %v\nreplay %v", seed, &want, got)
		}
		if a.LeftFaulty == nil != (run.LeftFaulty == nil) || fmt.Sprint(a.LeftFaulty) != fmt.Sprint(run.LeftFaulty) {
			t.Fatalf("seed %d: the run left %v outside the core, the replay %v", seed, run.LeftFaulty, a.LeftFaulty)
		}
		if a.Events != b.Events || a.TraceHash != b.TraceHash || !a.LivenessChecked {
			t.Fatalf("seed %d: two replays: %d events %x, %d events %x, stop %s", seed, a.Events, a.TraceHash, b.Events, b.TraceHash, a.Stop)
		}
		old := *parsed
		old.Lines = nil
		for _, l := range parsed.Lines {
			old.Lines = append(old.Lines, l)
			if engine.IsHealLine(l.Text) {
				old.Lines = append(old.Lines, sim.ScriptLine{N: l.N + 1, Text: "liveness"})
				break
			}
		}
		if _, err := trace.Replay(p, info, &old, engine.Options{}); err != nil {
			t.Fatalf("seed %d: the old form of the trace: %v", seed, err)
		}
	}
	if late == 0 || wantCutOff && cutOff == 0 {
		t.Fatalf("%d liveness failures replayed, %d heals with a replica cut off: want some of each", late, cutOff)
	}
	t.Logf("%d liveness failures replayed, %d heals left a replica cut off", late, cutOff)
}

var virtualTime = regexp.MustCompile(`t=\d+`)

// untimed joins evidence lines without their virtual times.
func untimed(evidence []string) string {
	return virtualTime.ReplaceAllString(strings.Join(evidence, "\n"), "t=?")
}
