package engine_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
)

func TestCorrectHistoriesAreLinearizable(t *testing.T) {
	c := config(paxosP.Name())
	c.Nodes, c.Clients = 5, 5
	c.Drop, c.Crash, c.Partition = 0.1, 0.02, 0.02
	for seed := uint64(0); seed < 200; seed++ {
		r := run(t, paxosP, c, seed, engine.Options{})
		if r.Linearizability != string(linearize.Ok) {
			t.Fatalf("seed %d: linearizability %q: %v", seed, r.Linearizability, r.Violations)
		}
	}
}

func TestReplyOwnValueIsNotLinearizable(t *testing.T) {
	c := config(paxosP.Name())
	c.Variant = protocol.ReplyOwnValue.Name
	c.Faults = []string{"crash:3@150-400"}
	for seed := uint64(0); seed < 500; seed++ {
		r := run(t, paxosP, c, seed, engine.Options{})
		if r.Linearizability != string(linearize.Illegal) {
			continue
		}
		v := r.Violations[len(r.Violations)-1]
		if v.Property != checker.Linearizability || len(v.Evidence) < 2 {
			t.Fatalf("seed %d: %v", seed, &v)
		}
		var html strings.Builder
		verdict, err := engine.ExplainHistory(func(o engine.Options) (engine.Result, error) { return paxosP.Run(c, seed, o) }, &html)
		if err != nil || verdict != linearize.Illegal {
			t.Fatalf("seed %d: ExplainHistory: %v, %v", seed, verdict, err)
		}
		page := html.String()
		for _, want := range []string{"<html", "propose(v1)", "propose(v2)", "node 3 crashed", "every fault heals"} {
			if !strings.Contains(page, want) {
				t.Errorf("seed %d: the page lacks %q", seed, want)
			}
		}
		return
	}
	t.Fatal("500 seeds of reply-own-value gave no non-linearizable history")
}

// TestLinearizabilityBudgetMargin: the default swarm campaigns of every
// protocol judge every run's history with a thousandfold margin on
// engine.LinearizabilityBudget, so none of their verdicts is unknown.
// PAXSIM_BUDGET_SEEDS=N measures N seeds of each protocol instead of 300
// and logs the most steps a key took (with -v): how
// linearize.DefaultBudget was chosen.
func TestLinearizabilityBudgetMargin(t *testing.T) {
	seeds := uint64(300)
	if v := os.Getenv("PAXSIM_BUDGET_SEEDS"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("PAXSIM_BUDGET_SEEDS=%q: %v", v, err)
		}
		seeds = n
	}
	for _, p := range protocols {
		c := config(p.Name())
		most, at := linearize.Budget(0), uint64(0)
		for seed := range seeds {
			res := run(t, p, c.Swarm(p.Info(), seed, nil), seed, engine.Options{})
			if steps := leastBudget(&res); steps > most {
				most, at = steps, seed
			}
		}
		t.Logf("%s: %d seeds, the most steps per key %d (seed %d)", p.Name(), seeds, most, at)
		if most > engine.LinearizabilityBudget/1000 {
			t.Errorf("%s seed %d takes %d steps: less than a thousandfold margin on the budget of %d",
				p.Name(), at, most, engine.LinearizabilityBudget)
		}
	}
}

// leastBudget is the least budget that judges a run's client history: the
// most steps porcupine's search takes on a key (on the history of a
// single-decree run, which linearize.Decide spares most runs).
func leastBudget(res *engine.Result) linearize.Budget {
	judged := func(b linearize.Budget) bool {
		if res.KVOps != nil {
			return linearize.CheckKV(res.KVOps, b) != linearize.Unknown
		}
		return linearize.Check(res.Ops, b) != linearize.Unknown
	}
	lo, hi := linearize.Budget(-1), linearize.Budget(0) // judged(lo) is false
	for !judged(hi) {
		lo, hi = hi, max(1, 2*hi)
	}
	for hi-lo > 1 {
		if mid := lo + (hi-lo)/2; judged(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
