package sim

import (
	"strings"
	"testing"
)

// TestHealKeepsFaultyOutsideCore: at the heal, a node outside the core
// (KeepFaulty) that is down stays down and one that a partition cuts off
// stays cut off from everyone; a node outside the core that is healthy,
// and every node of the core, heal as usual.
func TestHealKeepsFaultyOutsideCore(t *testing.T) {
	// 7 nodes: 1 crashed and 2 partitioned at the heal, both outside the
	// core; 3 outside the core but healthy; 4 crashed inside the core.
	cfg := pingConfig(t, 7, 2, "crash:1@10", "partition:2@20", "crash:4@30")
	cfg.HealAt = 100
	cfg.Faults.KeepFaulty = nodeSet(1, 2, 3)
	log := &toyLog{}
	w := newToyWorld(t, cfg, NewRandom(1), &toyOpts{Kickoff: true, Observe: true, TTL: 50, Inject: 10}, log)
	var heal string
	w.SetTracer(func(e TraceEntry) {
		if e.Kind == "heal" {
			heal = e.Msg
		}
	})
	runUntil(w, 1000)
	if got, want := w.LeftFaulty(), nodeSet(1, 2); got != want {
		t.Fatalf("LeftFaulty = {%s}, want {1,2}", FormatNodes(got))
	}
	if !strings.Contains(heal, "{1} stay down, {2} stay cut off") {
		t.Errorf("heal traced as %q", heal)
	}
	if w.Up(1) || !w.Up(4) || !w.Up(2) || !w.Up(3) {
		t.Errorf("after the heal: up 1 %v (want down), 2 %v, 3 %v, 4 %v (want up)", w.Up(1), w.Up(2), w.Up(3), w.Up(4))
	}
	for _, d := range deliveries(log, 0, 0) {
		if d.At > 100 && (d.From == 2) != (d.To == 2) {
			t.Fatalf("after the heal, node 2 is cut off for good: %+v", d)
		}
	}
	if len(deliveries(log, 3, 5)) == 0 || len(deliveries(log, 4, 5)) == 0 {
		t.Errorf("nodes 3 and 4 should talk to the others after the heal")
	}
}

// TestKeepFaultyMustLeaveAMajority: a config whose core is not a majority
// is refused.
func TestKeepFaultyMustLeaveAMajority(t *testing.T) {
	for _, tc := range []struct {
		nodes int
		keep  uint64
		ok    bool
	}{
		{3, nodeSet(1), true},
		{3, nodeSet(1, 2), false},
		{5, nodeSet(2, 5), true},
		{5, nodeSet(1, 2, 3), false},
		{3, nodeSet(4), false}, // not a node
		{1, 0, true},
	} {
		err := Config{Nodes: tc.nodes, Faults: FaultConfig{KeepFaulty: tc.keep}}.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("nodes %d, keep {%s}: error %v, want ok=%v", tc.nodes, FormatNodes(tc.keep), err, tc.ok)
		}
	}
}

// TestHealShrinksStretchedTimers: a timer set while its node ran slow
// shrinks back at the heal, instead of firing long after it (a slowed
// replica's timer could otherwise outlast the liveness phase).
func TestHealShrinksStretchedTimers(t *testing.T) {
	cfg := pingConfig(t, 3, 2, "slow:2x8@5")
	cfg.HealAt = 100
	log := &toyLog{}
	w := newToyWorld(t, cfg, NewRandom(1), pingOpts(50), log)
	runUntil(w, 400)
	fires := times(log.filter(func(e toyEntry) bool { return e.Node == 2 && e.Kind == obsFire }))
	after := Time(-1)
	for _, f := range fires {
		if f > 100 {
			after = f
			break
		}
	}
	// Armed at 50 for 50 ticks, stretched to 400: due at 450. At the heal
	// (t=100), 350 are left, 43 at normal speed: it fires at 143.
	if after != 143 {
		t.Errorf("node 2's first timer after the heal fired at %d, want 143 (fires %v)", after, fires)
	}
}
