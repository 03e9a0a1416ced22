package refine

import (
	"errors"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/trace"
)

// smallCheck is the explorer's default search of single-decree Paxos
// without timers (3 replicas, 2 proposers, one round each: 16,249 states).
func smallCheck(variant string) (engine.Info, model.CheckConfig) {
	info := paxos.Adapter{}.Info()
	c := model.DefaultCheck(&info)
	if variant != "" {
		c.Config.Variant = variant
	}
	c.MaxBallot, c.NoTimers = 1, true
	return info, c
}

// TestCheckCorrectRefines: every step of the correct protocol refines,
// and the product with the mapped states has exactly the protocol's
// states (its mapped state is a function of the protocol's here), values
// chosen among them as in the plain search (model.Report.Decided: without
// it a check would call its ok one that judged no decision).
func TestCheckCorrectRefines(t *testing.T) {
	info, c := smallCheck("")
	plain, err := model.Check(paxos.Adapter{}, &info, c, explore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, sc, err := Check(paxos.Adapter{}, &info, c, explore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != explore.VerdictOK || !rep.Complete || rep.Distinct != plain.Distinct || rep.Depth != plain.Depth ||
		!plain.Decided || rep.Decided != plain.Decided {
		t.Fatalf("%s, %d states, depth %d; the plain search: %d, depth %d: %s",
			rep.Verdict, rep.Distinct, rep.Depth, plain.Distinct, plain.Depth, rep.Violation)
	}
	if sc.Acceptors != 3 || sc.Values != 2 || sc.MaxBallot != 2 {
		t.Fatalf("mapped onto %v, want 3 acceptors, 2 values, ballots 0..2", sc)
	}
}

// TestCheckVariants: variants whose acceptors or proposers leave Paxos.tla
// fail refinement, at a depth no greater than the invariant's, with a
// shortest path that replays, and a report that names the step and the
// action that does not match.
func TestCheckVariants(t *testing.T) {
	for _, tc := range []struct {
		variant string
		depth   int
		want    string
	}{
		{"early-accept", 2, "Phase2a(0, v1) is not enabled"},
		{"no-persist", 2, "persisted"},
		{"ignore-promised-values", 7, "Phase2a"},
		{"accept-below-promise", 6, "Phase2b"},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			info, c := smallCheck(tc.variant)
			rep, _, err := Check(paxos.Adapter{}, &info, c, explore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != explore.VerdictViolation || rep.Property != Refinement || rep.Depth != tc.depth {
				t.Fatalf("%s %s at depth %d, want a refinement failure at %d", rep.Verdict, rep.Property, rep.Depth, tc.depth)
			}
			step := rep.Labels[len(rep.Labels)-1]
			if !strings.HasPrefix(rep.Violation, "refinement: step "+step+" does not refine Paxos.tla") || !strings.Contains(rep.Violation, tc.want) {
				t.Fatalf("violation %q: want the step %q and %q", rep.Violation, step, tc.want)
			}
			plain, err := model.Check(paxos.Adapter{}, &info, c, explore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if plain.Verdict == explore.VerdictViolation && plain.Depth < rep.Depth {
				t.Fatalf("refinement fails at depth %d, after the invariant (%d)", rep.Depth, plain.Depth)
			}
			if _, err := trace.ReplayAll(paxos.Adapter{}, &info, trace.FromResult(rep.Config, &engine.Result{Lines: rep.Lines})); err != nil {
				t.Fatalf("the path does not replay: %v\n%s", err, strings.Join(rep.Lines, "\n"))
			}
		})
	}
}

func TestCheckRefusals(t *testing.T) {
	mp := multipaxos.Adapter{}
	mpInfo := mp.Info()
	if _, _, err := Check(mp, &mpInfo, model.DefaultCheck(&mpInfo), explore.Options{}); !errors.Is(err, ErrNoMapping) {
		t.Errorf("a protocol without a mapping: %v", err)
	}
	info, c := smallCheck("")
	if _, _, err := Check(paxos.Adapter{}, &info, c, explore.Options{Symmetry: true}); !errors.Is(err, ErrSymmetry) {
		t.Errorf("symmetry: %v", err)
	}
}
