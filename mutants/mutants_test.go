package mutants

import (
	"context"
	"reflect"
	"testing"

	"github.com/paxsim/paxsim/protocol"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/scenarios"
)

func TestCatalogue(t *testing.T) {
	all, err := Catalogue("", "")
	if err != nil {
		t.Fatal(err)
	}
	paxos, _ := Catalogue(scenarios.Paxos, "")
	multi, _ := Catalogue(scenarios.MultiPaxos, "")
	if len(paxos) != len(protocol.Variants()) || len(multi) != len(mp.Variants()) || len(all) != len(paxos)+len(multi) {
		t.Fatalf("catalogue sizes: all %d, paxos %d, multipaxos %d", len(all), len(paxos), len(multi))
	}
	if !reflect.DeepEqual(all, append(paxos, multi...)) {
		t.Errorf("all is not paxos then multipaxos")
	}
	for _, tg := range all {
		if err := ConfigFor(tg, 0).Validate(); err != nil {
			t.Errorf("%s: ConfigFor: %v", tg.Variant, err)
		}
		if tg.Breaks == "" {
			t.Errorf("%s: no expected property", tg.Variant)
		}
	}
	if err := ConfigFor(Target{Protocol: scenarios.MultiPaxos, Variant: protocol.Correct}, 0).Validate(); err != nil {
		t.Errorf("the multipaxos control: %v", err)
	}
	one, err := Catalogue(All, "no-view")
	if err != nil || len(one) != 1 || one[0].Protocol != scenarios.MultiPaxos {
		t.Errorf("no-view: %v %v", one, err)
	}
	for _, bad := range [][2]string{{"raft", ""}, {scenarios.Paxos, "no-view"}, {All, "nope"}} {
		if _, err := Catalogue(bad[0], bad[1]); err == nil {
			t.Errorf("Catalogue(%q, %q): no error", bad[0], bad[1])
		}
	}
}

// TestFirstFailureAnyWorkers: the reported seed is the lowest failing one,
// and the seeds counted up to it, whatever the number of workers.
func TestFirstFailureAnyWorkers(t *testing.T) {
	for _, tg := range []Target{
		{Protocol: scenarios.Paxos, Variant: "count-duplicates"},
		{Protocol: scenarios.Paxos, Variant: "accept-below-promise"},
		{Protocol: scenarios.MultiPaxos, Variant: "commit-index-only"},
	} {
		cfg := func(seed uint64) scenarios.Config { return ConfigFor(tg, seed) }
		// The truth, one seed at a time.
		want := uint64(0)
		for seed := uint64(0); ; seed++ {
			res, err := scenarios.Run(cfg(seed), seed, scenarios.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed() {
				want = seed
				break
			}
		}
		for _, workers := range []int{1, 2, 3, 8} {
			ff, err := firstFailure(context.Background(), cfg, 0, 5000, workers)
			if err != nil {
				t.Fatal(err)
			}
			if !ff.found || ff.seed != want || ff.ran != want+1 {
				t.Errorf("%s, %d workers: found %v seed %d after %d seeds; want seed %d", tg.Variant, workers, ff.found, ff.seed, ff.ran, want)
			}
		}
		// From a later start, and with a budget that stops short of it.
		ff, _ := firstFailure(context.Background(), cfg, want, 10, 2)
		if !ff.found || ff.seed != want || ff.ran != 1 {
			t.Errorf("%s from seed %d: found %v seed %d after %d seeds", tg.Variant, want, ff.found, ff.seed, ff.ran)
		}
		if want > 0 {
			ff, _ := firstFailure(context.Background(), cfg, 0, want, 3)
			if ff.found || ff.ran != want {
				t.Errorf("%s with a budget of %d: found %v after %d seeds", tg.Variant, want, ff.found, ff.ran)
			}
		}
	}
}

// TestRunCatches: one variant end to end, and the report's bookkeeping.
func TestRunCatches(t *testing.T) {
	var rows []Row
	rep, err := Run(context.Background(), Options{Variant: "no-persist", OnRow: func(r Row) { rows = append(rows, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Caught != 1 || rep.Total != 1 || len(rep.Rows) != 1 || !reflect.DeepEqual(rows, rep.Rows) {
		t.Fatalf("report: %+v", rep)
	}
	r := rep.Rows[0]
	if !r.Caught || r.Seed == nil || r.Seeds != *r.Seed+1 || r.Property == "" || r.ShrunkSteps == 0 || r.ShrunkSteps > r.TraceSteps {
		t.Errorf("row: %+v", r)
	}
	// no-persist needs a restart: the first bounds, with one crash, find it.
	if e := r.Explorer; e.Verdict != Found || e.Depth < 2 || e.Bounds != explorerBounds[0].Name {
		t.Errorf("explorer: %+v", e)
	}
	if len(rep.Controls) != 1 || !rep.Controls[0].Passed || rep.Controls[0].Seeds != r.Seeds {
		t.Errorf("control: %+v", rep.Controls)
	}
	if len(rep.ByProtocol) != 1 || rep.ByProtocol[0] != (Score{scenarios.Paxos, 1, 1}) {
		t.Errorf("by protocol: %+v", rep.ByProtocol)
	}
}

// TestRunSurvivor: a variant that no seed of the budget catches, with the
// explorer off, survives.
func TestRunSurvivor(t *testing.T) {
	rep, err := Run(context.Background(), Options{Variant: "count-duplicates", Budget: 5, NoExplore: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !reflect.DeepEqual(rep.Survivors(), []string{"count-duplicates"}) || rep.Caught != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if r := rep.Rows[0]; r.Caught || r.Seed != nil || r.Seeds != 5 || r.Explorer.Verdict != NotJudged {
		t.Errorf("row: %+v", r)
	}
	if len(rep.Controls) != 0 {
		t.Errorf("a control with nothing to check: %+v", rep.Controls)
	}
}

// TestExplorerNotJudged: liveness and linearizability variants are left to
// campaigns, and the mutation score does not run the Multi-Paxos explorer.
func TestExplorerNotJudged(t *testing.T) {
	for _, tg := range []Target{
		{Protocol: scenarios.Paxos, Variant: "fixed-backoff", Breaks: protocol.FixedBackoff.Breaks},
		{Protocol: scenarios.Paxos, Variant: "reply-own-value", Breaks: protocol.ReplyOwnValue.Breaks},
		{Protocol: scenarios.MultiPaxos, Variant: "no-gap-fill", Breaks: mp.NoGapFill.Breaks},
	} {
		if e := explore1(tg, 1); e.Verdict != NotJudged {
			t.Errorf("%s: %+v", tg.Variant, e)
		}
	}
	if e := explore1(Target{Protocol: scenarios.MultiPaxos, Variant: "no-view", Breaks: mp.NoView.Breaks}, 1); e.Verdict == Found {
		t.Errorf("no-view: %+v", e)
	}
}
