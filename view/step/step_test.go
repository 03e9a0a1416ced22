package step_test

import (
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/view/step"
)

// TestWalkIsReplay: a walk judges the trace as replay does, keeps a frame
// per step, and records a trace that replays to the same run.
func TestWalkIsReplay(t *testing.T) {
	p := builtin.Paxos()
	for _, name := range []string{"ignore-promised-values", "correct-crash-restart"} {
		tr := paxtest.ReadTrace(t, "../../testdata/traces/"+name+".trace")
		want, err := p.Replay(tr, engineOptions())
		if err != nil {
			t.Fatal(err)
		}
		run, err := p.Step(tr, step.Options{ActionsAt: 3})
		if err != nil {
			t.Fatal(err)
		}
		if run.Result.TraceHash != want.TraceHash || len(run.Result.Violations) != len(want.Violations) {
			t.Errorf("%s: walk hash %x, %d violations; replay %x, %d", name, run.Result.TraceHash, len(run.Result.Violations), want.TraceHash, len(want.Violations))
		}
		t.Logf("%s: %d frames, %d omitted, %d actions at 3, broken %v, rows %d", name, len(run.Frames), run.Omitted, len(run.Actions), run.Broken, len(run.Diagram.Rows))
		fixed, err := step.Settle(p.Step, run.Trace, step.Options{ActionsAt: -1})
		if err != nil {
			t.Fatal(err)
		}
		again, err := p.Step(fixed.Trace, step.Options{ActionsAt: -1})
		if err != nil {
			t.Fatal(err)
		}
		if again.Trace.String() != fixed.Trace.String() || again.Result.TraceHash != fixed.Result.TraceHash {
			t.Errorf("%s: the settled trace does not replay to itself", name)
		}
	}
}
