package mutants

import (
	"context"
	"reflect"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	paxosadapter "github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

var (
	paxos      = builtin.Paxos()
	multiPaxos = builtin.MultiPaxos()
	both       = []*harness.Protocol{paxos, multiPaxos}
)

func TestCatalogue(t *testing.T) {
	all, err := Catalogue(both, "")
	if err != nil {
		t.Fatal(err)
	}
	single, _ := Catalogue([]*harness.Protocol{paxos}, "")
	multi, _ := Catalogue([]*harness.Protocol{multiPaxos}, "")
	if len(single) != len(paxos.Info().Variants) || len(multi) != len(multiPaxos.Info().Variants) || len(all) != len(single)+len(multi) {
		t.Fatalf("catalogue sizes: all %d, paxos %d, multipaxos %d", len(all), len(single), len(multi))
	}
	if !reflect.DeepEqual(all, append(single, multi...)) {
		t.Errorf("all is not paxos then multipaxos")
	}
	for _, tg := range all {
		c := ConfigFor(tg, 0)
		if _, _, err := c.Resolve(tg.Protocol.Info()); err != nil {
			t.Errorf("%s: ConfigFor: %v", tg.Variant, err)
		}
		if tg.Breaks == "" {
			t.Errorf("%s: no expected property", tg.Variant)
		}
	}
	control := ConfigFor(Target{Protocol: multiPaxos, Variant: engine.Correct}, 0)
	if _, _, err := control.Resolve(multiPaxos.Info()); err != nil {
		t.Errorf("the multipaxos control: %v", err)
	}
	one, err := Catalogue(both, "no-view")
	if err != nil || len(one) != 1 || one[0].Protocol != multiPaxos {
		t.Errorf("no-view: %v %v", one, err)
	}
	for _, bad := range []struct {
		ps      []*harness.Protocol
		variant string
	}{{[]*harness.Protocol{paxos}, "no-view"}, {both, "nope"}} {
		if _, err := Catalogue(bad.ps, bad.variant); err == nil {
			t.Errorf("Catalogue(%d protocols, %q): no error", len(bad.ps), bad.variant)
		}
	}
	if _, err := Run(context.Background(), Options{}); err == nil {
		t.Errorf("a run without protocols: no error")
	}
}

// TestFirstFailureAnyWorkers: the reported seed is the lowest failing one,
// and the seeds counted up to it, whatever the number of workers.
func TestFirstFailureAnyWorkers(t *testing.T) {
	for _, tg := range []Target{
		{Protocol: paxos, Variant: "count-duplicates"},
		{Protocol: paxos, Variant: "accept-below-promise"},
		{Protocol: multiPaxos, Variant: "commit-index-only"},
	} {
		cfg := func(seed uint64) engine.Config { return ConfigFor(tg, seed) }
		// The truth, one seed at a time.
		want := uint64(0)
		for seed := uint64(0); ; seed++ {
			res, err := tg.Protocol.Run(cfg(seed), seed, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed() {
				want = seed
				break
			}
		}
		for _, workers := range []int{1, 2, 3, 8} {
			ff, err := firstFailure(context.Background(), tg.Protocol, cfg, 0, 5000, workers)
			if err != nil {
				t.Fatal(err)
			}
			if !ff.found || ff.seed != want || ff.ran != want+1 {
				t.Errorf("%s, %d workers: found %v seed %d after %d seeds; want seed %d", tg.Variant, workers, ff.found, ff.seed, ff.ran, want)
			}
		}
		// From a later start, and with a budget that stops short of it.
		ff, _ := firstFailure(context.Background(), tg.Protocol, cfg, want, 10, 2)
		if !ff.found || ff.seed != want || ff.ran != 1 {
			t.Errorf("%s from seed %d: found %v seed %d after %d seeds", tg.Variant, want, ff.found, ff.seed, ff.ran)
		}
		if want > 0 {
			ff, _ := firstFailure(context.Background(), tg.Protocol, cfg, 0, want, 3)
			if ff.found || ff.ran != want {
				t.Errorf("%s with a budget of %d: found %v after %d seeds", tg.Variant, want, ff.found, ff.ran)
			}
		}
	}
}

// TestRunCatches: one variant end to end, and the report's bookkeeping.
func TestRunCatches(t *testing.T) {
	var rows []Row
	rep, err := Run(context.Background(), Options{Protocols: both, Variant: "no-persist", OnRow: func(r Row) { rows = append(rows, r) }})
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
	if len(rep.ByProtocol) != 1 || rep.ByProtocol[0] != (Score{paxos.Name(), 1, 1}) {
		t.Errorf("by protocol: %+v", rep.ByProtocol)
	}
}

// TestMultiPaxosShrinksAndExplores: a Multi-Paxos variant's first failure
// is shrunk, and the explorer searches it as it does any protocol's.
func TestMultiPaxosShrinksAndExplores(t *testing.T) {
	rep, err := Run(context.Background(), Options{Protocols: both, Variant: "no-restamp"})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Rows[0]
	if !rep.OK() || r.ShrunkSteps == 0 || r.ShrunkSteps > r.TraceSteps {
		t.Errorf("row: %+v", r)
	}
	if e := r.Explorer; e.Verdict != Found || e.Property != r.Breaks {
		t.Errorf("explorer: %+v", e)
	}
}

// TestRunSurvivor: a variant that no seed of the budget catches, with the
// explorer off, survives.
func TestRunSurvivor(t *testing.T) {
	rep, err := Run(context.Background(), Options{Protocols: both, Variant: "count-duplicates", Budget: 5, NoExplore: true})
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
// campaigns; a liveness variant carries the model's note.
func TestExplorerNotJudged(t *testing.T) {
	for _, tg := range []Target{
		{Protocol: paxos, Variant: "fixed-backoff", Breaks: "liveness"},
		{Protocol: paxos, Variant: "reply-own-value", Breaks: "linearizability"},
		{Protocol: multiPaxos, Variant: "no-gap-fill", Breaks: "liveness"},
	} {
		e := explore1(tg, 1, nil)
		if e.Verdict != NotJudged || (tg.Breaks == "liveness") != (e.Note != "") {
			t.Errorf("%s: %+v", tg.Variant, e)
		}
	}
	if e := explore1(Target{Protocol: multiPaxos, Variant: "no-view", Breaks: "agreement"}, 1, nil); e.Verdict == Found {
		t.Errorf("no-view: %+v", e)
	}
}

// halfQuorum is single-decree Paxos with a variant whose quorums are
// (n+1)/2 replicas: a majority of an odd cluster, so that the variant
// campaigns, which run the default 3, never tell it from the correct
// protocol; half of an even one, so that two halves decide apart.
type halfQuorum struct{ paxosadapter.Adapter }

func (h halfQuorum) Info() engine.Info {
	info := h.Adapter.Info()
	info.Name = "halfpaxos"
	info.Variants = []engine.Variant{{Name: "half-quorum", Summary: "a quorum is (n+1)/2 replicas", Breaks: checker.Agreement}}
	return info
}

func (h halfQuorum) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	half := s.Variant == "half-quorum"
	s.Variant = engine.Correct
	c, err := paxosadapter.NodeConfig(s)
	if half {
		c.Phase1Quorum, c.Phase2Quorum = (s.Nodes+1)/2, (s.Nodes+1)/2
	}
	return protocol.NewNodes(s.Nodes, c), err
}

// TestAnEvenClusterCatchesAHalfQuorum: a quorum miscounted as half the
// nodes survives the variant's campaign, on the default cluster of 3, and
// the explorer's even cluster of 4 catches it.
func TestAnEvenClusterCatchesAHalfQuorum(t *testing.T) {
	p := harness.New[protocol.Msg, protocol.Durable](halfQuorum{})
	rep, err := Run(context.Background(), Options{Protocols: []*harness.Protocol{p}, Variant: "half-quorum", Budget: 300})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Rows[0]
	if r.Seed != nil {
		t.Fatalf("vacuous: the campaign of 3 replicas caught it at seed %d", *r.Seed)
	}
	if !r.Caught || r.Explorer.Verdict != Found || r.Explorer.Bounds != "no timers, 4 nodes" {
		t.Fatalf("row: %+v", r)
	}
}

// listedSizes is halfQuorum run at the cluster sizes it lists: 3, then 4.
type listedSizes struct{ halfQuorum }

func (l listedSizes) Info() engine.Info {
	info := l.halfQuorum.Info()
	info.Nodes = []int{3, 4}
	return info
}

// TestListedSizesRunInTurn: a protocol that lists its cluster sizes
// (engine.Info.Nodes) runs its variants' campaigns at each in turn, as a
// swarm campaign draws among them: the half quorum, safe on 3 replicas,
// is caught by the campaign alone at a seed of 4.
func TestListedSizesRunInTurn(t *testing.T) {
	p := harness.New[protocol.Msg, protocol.Durable](listedSizes{})
	for seed, want := range []int{3, 4, 3, 4} {
		if got := ConfigFor(Target{Protocol: p, Variant: "half-quorum"}, uint64(seed)).Nodes; got != want {
			t.Fatalf("seed %d runs %d nodes, want %d", seed, got, want)
		}
	}
	rep, err := Run(context.Background(), Options{Protocols: []*harness.Protocol{p}, Variant: "half-quorum", Budget: 300, NoExplore: true})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Rows[0]
	if r.Seed == nil || *r.Seed%2 != 1 {
		t.Fatalf("the campaign of 3 and 4 replicas in turn did not catch the half quorum at a seed of 4: %+v", r)
	}
	if rep.ControlFailed() {
		t.Fatalf("the correct protocol failed the control campaign: %+v", rep)
	}
}
