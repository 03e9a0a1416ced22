package trace

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// adapter is single-decree Paxos, info its description.
var (
	adapter = paxos.Adapter{}
	info    = adapter.Info()
)

// faultyVariant is a campaign of ignore-promised-values under faults.
func faultyVariant() engine.Config {
	c := engine.Default()
	c.Protocol, c.Variant = paxos.Name, protocol.IgnorePromisedValues.Name
	c.Drop, c.Dup, c.Crash, c.Partition = 0.1, 0.05, 0.01, 0.01
	return c
}

// failingTrace is the decision trace of the first seed from on that fails.
func failingTrace(t *testing.T, c engine.Config, from uint64) (*Trace, uint64) {
	t.Helper()
	for seed := from; seed < from+2000; seed++ {
		r, err := engine.Run(adapter, &info, c, seed, engine.Options{Record: true})
		if err != nil {
			t.Fatal(err)
		}
		if r.Failed() {
			return FromResult(c, &r), seed
		}
	}
	t.Fatal("no failing seed")
	return nil, 0
}

func TestShrinkIgnorePromisedValues(t *testing.T) {
	c := faultyVariant()
	var sizes []int
	seed := uint64(0)
	for range 5 {
		tr, s := failingTrace(t, c, seed)
		seed = s + 1
		res, err := Shrink(context.Background(), adapter, &info, tr, ShrinkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Property != checker.SafeProposal || res.Exhausted {
			t.Fatalf("seed %d: shrank to a %s violation (exhausted %v)", s, res.Property, res.Exhausted)
		}
		again, err := Replay(adapter, &info, res.Trace, engine.Options{})
		if err != nil || !again.Failed() || again.Violations[0].Property != checker.SafeProposal {
			t.Fatalf("seed %d: the shrunk trace does not replay the violation: %v %v\n%s", s, err, again.Violations, res.Trace)
		}
		if res.After >= res.Before {
			t.Fatalf("seed %d: %d steps before, %d after", s, res.Before, res.After)
		}
		text := res.Trace.String()
		if !strings.Contains(text, "client 1 proposes v1") || !strings.Contains(text, "client 2 proposes v2") {
			t.Fatalf("seed %d: clients not renumbered:\n%s", s, text)
		}
		// 1-minimal: removing any one step loses the violation.
		sh := &shrinker[protocol.Msg, protocol.Durable]{ctx: context.Background(), p: adapter, info: &info, orig: res.Trace, property: checker.SafeProposal, o: ShrinkOptions{Budget: 1 << 30}}
		units := sh.units(res.Trace.Lines)
		for k := range units {
			rest := append(append([]unit{}, units[:k]...), units[k+1:]...)
			if sh.fails(rest) {
				t.Fatalf("seed %d: still fails without step %q:\n%s", s, units[k][0].Text, text)
			}
		}
		sizes = append(sizes, res.After)
	}
	// The shortest agreement violation of this variant: two clients, two
	// phase-1 majorities, two phase-2 majorities, about 16 steps.
	for _, n := range sizes {
		if n > 24 {
			t.Errorf("shrunk sizes %v: want each at most 24 steps", sizes)
		}
	}
	t.Logf("shrunk sizes %v", sizes)
}

func TestShrinkRefusesAPassingTrace(t *testing.T) {
	c := engine.Default()
	c.Protocol = paxos.Name
	r, err := engine.Run(adapter, &info, c, 1, engine.Options{Record: true})
	if err != nil || r.Failed() {
		t.Fatalf("the correct protocol's run: %v %v", err, r.Violations)
	}
	if _, err := Shrink(context.Background(), adapter, &info, FromResult(c, &r), ShrinkOptions{}); !errors.Is(err, ErrNoFailure) {
		t.Fatalf("Shrink of a passing trace: %v", err)
	}
}

// TestShrinkStopsOnCancelAndBudget: a cancelled context stops shrinking
// at once, and a spent budget soon, each returning the smallest failing
// trace found so far, which replays strictly to the same property, and
// saying why it stopped.
func TestShrinkStopsOnCancelAndBudget(t *testing.T) {
	tr, seed := failingTrace(t, faultyVariant(), 0)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name   string
		ctx    context.Context
		budget int64
	}{
		{"cancelled", cancelled, 0},
		{"budget", context.Background(), int64(3 * len(tr.Lines))},
	} {
		res, err := Shrink(tt.ctx, adapter, &info, tr, ShrinkOptions{Budget: tt.budget})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		switch {
		case tt.name == "cancelled" && (!res.Interrupted || res.Exhausted || res.Replays > 5):
			t.Errorf("seed %d, cancelled: interrupted %v, exhausted %v after %d replays", seed, res.Interrupted, res.Exhausted, res.Replays)
		case tt.name == "budget" && (!res.Exhausted || res.Interrupted || res.Replayed > 2*tt.budget+int64(3*len(tr.Lines))):
			t.Errorf("seed %d, budget %d: exhausted %v, interrupted %v, %d steps replayed", seed, tt.budget, res.Exhausted, res.Interrupted, res.Replayed)
		}
		again, err := Replay(adapter, &info, res.Trace, engine.Options{})
		if err != nil || !again.Failed() || again.Violations[0].Property != res.Property {
			t.Fatalf("%s: the trace returned does not replay to %s: %v %v", tt.name, res.Property, err, again.Violations)
		}
	}
}

// TestShrinkNamesTheLineOfAStepThatCannotBeTaken: shrinking a trace whose
// step cannot be taken says which, instead of "the trace does not fail".
func TestShrinkNamesTheLineOfAStepThatCannotBeTaken(t *testing.T) {
	c := engine.Default()
	c.Protocol, c.Variant = paxos.Name, protocol.IgnorePromisedValues.Name
	tr, _ := failingTrace(t, c, 0)
	bad := *tr
	bad.Lines = append([]sim.ScriptLine{}, tr.Lines...)
	for i, l := range bad.Lines {
		if strings.HasPrefix(l.Text, "deliver 1->") {
			bad.Lines[i].Text = "timer 3 5"
			_, err := Shrink(context.Background(), adapter, &info, &bad, ShrinkOptions{})
			var le *engine.LineError
			if !errors.As(err, &le) || le.Line != l.N || !strings.Contains(err.Error(), "cannot be taken") {
				t.Fatalf("shrink of a trace whose line %d cannot be taken: %v", l.N, err)
			}
			return
		}
	}
	t.Fatal("no delivery from node 1 to break")
}
