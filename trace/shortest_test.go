package trace

import (
	"context"
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// TestShrunkIsTwoMinimalWithNeededDraws: for several failing seeds, the
// shrunk trace fails without any one or any two of its steps removed, and
// each draw it keeps is one the failure needs: zeroed, the trace no
// longer fails (or fails otherwise). Checked by brute force, apart from
// the shrinker's own bookkeeping.
func TestShrunkIsTwoMinimalWithNeededDraws(t *testing.T) {
	from := uint64(0)
	for range 3 {
		tr, seed := failingTrace(t, faultyVariant(), from)
		from = seed + 1
		res, err := Shrink(context.Background(), adapter, &info, tr, ShrinkOptions{})
		if err != nil || res.Exhausted {
			t.Fatalf("seed %d: %v (exhausted %v)", seed, err, res.Exhausted)
		}
		s := &shrinker[protocol.Msg, protocol.Durable]{ctx: context.Background(), p: adapter, info: &info, orig: res.Trace, property: res.Property, o: ShrinkOptions{Budget: 1 << 40}}
		units := s.units(res.Trace.Lines)
		for i := range units {
			for j := i; j < len(units); j++ { // j == i: step i alone
				var rest []unit
				for k, u := range units {
					if k != i && k != j {
						rest = append(rest, u)
					}
				}
				if s.fails(rest) {
					t.Errorf("seed %d: the shrunk trace still fails without steps %d and %d", seed, i+1, j+1)
				}
			}
		}
		for i, l := range res.Trace.Lines {
			if _, v, ok := drawOf(l.Text); ok {
				zeroed := append([]sim.ScriptLine(nil), res.Trace.Lines...)
				zeroed[i].Text = l.Text[:len(l.Text)-len(v)] + "0"
				if v == "0" || s.confirms(zeroed) {
					t.Errorf("seed %d: line %q is a draw the failure does not need", seed, l.Text)
				}
			}
		}
	}
}

// TestTrailingZeroDrawsGo: a recorded run, its zero draws that end their
// step dropped, replays to the same trace hash and verdict.
func TestTrailingZeroDrawsGo(t *testing.T) {
	c := faultyVariant()
	dropped := 0
	for seed := uint64(0); seed < 30; seed++ {
		r, err := engine.Run(adapter, &info, c, seed, engine.Options{Record: true})
		if err != nil {
			t.Fatal(err)
		}
		tr := FromResult(c, &r)
		trimmed := *tr
		trimmed.Lines = dropTrailingZeroDraws(tr.Lines)
		dropped += len(tr.Lines) - len(trimmed.Lines)
		a, errA := Replay(adapter, &info, tr, engine.Options{})
		b, errB := Replay(adapter, &info, &trimmed, engine.Options{})
		if errA != nil || errB != nil || a.TraceHash != b.TraceHash || a.Failed() != b.Failed() {
			t.Fatalf("seed %d: replays differ once zero draws are dropped: %v %v, hash %x vs %x", seed, errA, errB, a.TraceHash, b.TraceHash)
		}
	}
	if dropped == 0 {
		t.Error("no zero draw dropped in 30 runs: the test tests nothing")
	}
}
