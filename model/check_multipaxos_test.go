package model

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

var mpInfo = multipaxos.Adapter{}.Info()

// mpCheck is the Multi-Paxos search the CLI runs by default (3 replicas,
// 2 commands, a set network, round 1 only, no crashes) with the variant
// given.
func mpCheck(variant string) CheckConfig {
	c := DefaultCheck(&mpInfo)
	c.Config.Variant = variant
	return c
}

// withReconfig makes the last command a reconfiguration to members.
func withReconfig(c CheckConfig, members ...sim.NodeID) CheckConfig {
	c.Reconfig = members
	return c
}

// mpDepth is the default depth bound for Multi-Paxos.
var mpDepth = DefaultDepth[mp.Msg, mp.Durable](multipaxos.Adapter{})

type (
	mpModel = Model[mp.Msg, mp.Durable]
	mpState = State[mp.Msg, mp.Durable]
)

func newMPModel(t testing.TB, c CheckConfig) *mpModel {
	t.Helper()
	m, err := New(multipaxos.Adapter{}, &mpInfo, c)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mpCase is a search with its pinned outcome: for a variant, the
// shortest counterexample's depth and the states explored to find it;
// for the correct protocol, the states within the depth bound.
type mpCase struct {
	name    string
	c       CheckConfig
	opts    explore.Options
	want    searchCounts
	cost    string // "" runs always, "short" not with -short, "long" with PAXSIM_LONG only
	replays []string
}

func (tc mpCase) skip(t *testing.T) {
	t.Helper()
	switch {
	case tc.cost == "long" && !longCheck():
		t.Skip("a search of several seconds: PAXSIM_LONG=1 runs it")
	case tc.cost == "short" && testing.Short():
		t.Skip("a few seconds: not with -short")
	}
}

// replayMP replays lines in a multiset Choice world of c's cluster and
// returns the first violation (of c.Properties, if any are given), with
// an error if a line cannot be taken (the violation then is of the lines
// before it).
func replayMP(c CheckConfig, lines []string) (*checker.Violation, error) {
	res, err := replay(multipaxos.Adapter{}, &mpInfo, c.Effective(&mpInfo), lines)
	return firstOf(res.Violations, c.Properties), err
}

// mpVariantCases are the safety variants and the bounds that find them,
// with the counts of the breadth-first search that does.
func mpVariantCases() []mpCase {
	return []mpCase{
		{name: "leader-skips-recovery", c: mpCheck("leader-skips-recovery"),
			want: searchCounts{explore.VerdictViolation, 4674, 19386, 9, true, checker.SafeProposal}},
		{name: "no-restamp", c: mpCheck("no-restamp"),
			want: searchCounts{explore.VerdictViolation, 1909, 6618, 8, true, checker.PromiseKept}},
		{name: "no-dedup", c: mpCheck("no-dedup"), cost: "short",
			want: searchCounts{explore.VerdictViolation, 66112, 405601, 12, true, checker.ExactlyOnce},
			replays: []string{
				`client 1 put a 1.1 to 1`,
				`client 2 put b 2.1 to 2`,
				`deliver client->1 Request(c1#1 put("a", "1.1"))`,
				`timer 2 1`,
				`deliver 2->1 Prepare(1.2, from i1)`,
				`deliver 1->2 Promise(1.2, from i1, chosen 0)`,
				`deliver 2->1 Heartbeat(1.2, chosen 0)`,
				`deliver 1->2 Request(c1#1 put("a", "1.1"))`, // 1 forwards client 1's request to its leader
				`deliver 2->1 Accept(1.2, i1)`,
				`deliver 1->2 Accepted(1.2, i1)`, // chosen and applied at 2; client 1 waits at 1
				`dup 1->2 Request(c1#1 put("a", "1.1"))`,
				`deliver 1->2 Request(c1#1 put("a", "1.1"))`, // the copy: 2 proposes it again
				`deliver 2->1 Accept(1.2, i2, commit i1)`,
				`deliver 1->2 Accepted(1.2, i2)`,
			}},
		{name: "commit-index-only", c: mpCheck("commit-index-only"), cost: "short",
			want: searchCounts{explore.VerdictViolation, 98097, 649951, 13, true, checker.LearnerIntegrity},
			replays: []string{
				`client 1 put a 1.1 to 1`,
				`client 2 put b 2.1 to 2`,
				`deliver client->1 Request(c1#1 put("a", "1.1"))`,
				`deliver client->2 Request(c2#1 put("b", "2.1"))`,
				`timer 1 1`,
				`deliver 1->3 Prepare(1.1, from i1)`,
				`deliver 3->1 Promise(1.1, from i1, chosen 0)`,
				`timer 2 1`,
				`deliver 2->3 Prepare(1.2, from i1)`,
				`deliver 3->2 Promise(1.2, from i1, chosen 0)`,
				`deliver 2->3 Accept(1.2, i1)`,
				`deliver 3->2 Accepted(1.2, i1)`,
				`timer 2 3`,
				`deliver 2->1 Heartbeat(1.2, chosen 1, commit i1)`,
			}},
		{name: "no-view", c: withReconfig(mpCheck("no-view"), 2), cost: "long",
			want: searchCounts{explore.VerdictViolation, 113859, 759754, 13, true, checker.ViewIntegrity},
			replays: []string{
				`client 1 put a 1.1 to 1`,
				`client 2 reconfig 2 to 2`,
				`deliver client->1 Request(c1#1 put("a", "1.1"))`,
				`deliver client->2 Request(reconfig c2#1 reconfig{2})`,
				`timer 2 1`,
				`deliver 2->1 Prepare(1.2, from i1)`,
				`deliver 1->2 Promise(1.2, from i1, chosen 0)`,
				`deliver 2->1 Accept(1.2, i1)`,
				`deliver 1->2 Accepted(1.2, i1)`, // 2 applies {2}, and chooses a no-op at i2 alone
				`timer 3 1`,
				`deliver 3->1 Prepare(1.3, from i1)`,
				`deliver 1->3 Promise(1.3, from i1, chosen 0, i1)`,
				`deliver 3->1 Heartbeat(1.3, chosen 0)`,
				`deliver 1->3 Request(c1#1 put("a", "1.1"))`, // 3 proposes the put in a view that another entry of its instance does not carry
			}},
	}
}

// TestCheckMPFindsVariants: breadth first, the explorer finds each
// Multi-Paxos variant that breaks a safety property, within the default
// bounds (no-view with a reconfiguration to {2}), by the shortest
// counterexample to the property the variant is known to break; its lines
// replay to the same violation. The counts are pinned.
func TestCheckMPFindsVariants(t *testing.T) {
	for _, tc := range mpVariantCases() {
		t.Run(tc.name, func(t *testing.T) {
			tc.skip(t)
			v, err := mpInfo.LookupVariant(tc.c.Config.Variant)
			if err != nil {
				t.Fatal(err)
			}
			if v.Breaks != tc.want.Property {
				t.Fatalf("%s breaks %s, the table says %s", v.Name, v.Breaks, tc.want.Property)
			}
			rep := mustCheck(t, multipaxos.Adapter{}, tc.c, explore.Options{MaxDepth: mpDepth})
			t.Logf("%+v in %v\n  %s", countsOfReport(rep), rep.Elapsed, strings.Join(rep.Lines, "\n  "))
			if got := countsOfReport(rep); got != tc.want {
				t.Fatalf("%+v\nwant %+v", got, tc.want)
			}
			checkCounterexample(t, multipaxos.Adapter{}, tc.c, rep, true)
			if tc.replays != nil && !slices.Equal(rep.Lines, tc.replays) {
				t.Fatalf("another counterexample than the one pinned:\n  %s", strings.Join(rep.Lines, "\n  "))
			}
			if rep.Note != "" {
				t.Fatalf("a safety variant with a note: %q", rep.Note)
			}
		})
	}
}

// TestCheckMPCorrect: the correct protocol passes the bounds that find
// each variant (the same cluster, workload and rounds, to the depth of the
// variant's counterexample). The distinct states are pinned, so that a
// change in the protocol, the model or the explorer shows.
func TestCheckMPCorrect(t *testing.T) {
	for _, tc := range []mpCase{
		{name: "depth-10", c: mpCheck(engine.Correct), opts: explore.Options{MaxDepth: 10},
			want: searchCounts{explore.VerdictOK, 19010, 103954, 10, false, ""}},
		{name: "depth-13", c: mpCheck(engine.Correct), opts: explore.Options{MaxDepth: 13}, cost: "short",
			want: searchCounts{explore.VerdictOK, 187501, 1346668, 13, false, ""}},
		{name: "depth-14", c: mpCheck(engine.Correct), opts: explore.Options{MaxDepth: mpDepth}, cost: "long",
			want: searchCounts{explore.VerdictOK, 408449, 3130294, 14, false, ""}},
		{name: "reconfig/depth-10", c: withReconfig(mpCheck(engine.Correct), 2), opts: explore.Options{MaxDepth: 10},
			want: searchCounts{explore.VerdictOK, 19587, 105701, 10, false, ""}},
		{name: "reconfig/depth-14", c: withReconfig(mpCheck(engine.Correct), 2), opts: explore.Options{MaxDepth: mpDepth}, cost: "long",
			want: searchCounts{explore.VerdictOK, 502134, 3741679, 14, false, ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.skip(t)
			rep := mustCheck(t, multipaxos.Adapter{}, tc.c, tc.opts)
			t.Logf("%+v in %v", countsOfReport(rep), rep.Elapsed)
			if got := countsOfReport(rep); got != tc.want {
				t.Fatalf("%+v\nwant %+v", got, tc.want)
			}
			if rep.Stop != explore.StopMaxDepth || rep.Lines != nil || rep.Labels != nil {
				t.Fatalf("stop %q, %d lines: want an ok search cut at its depth", rep.Stop, len(rep.Lines))
			}
		})
	}
}

// TestCheckMPPinnedCounterexamples replays the counterexamples the
// searches of TestCheckMPFindsVariants find (the longer searches only run
// without -short, or with PAXSIM_LONG): each breaks its property under its
// variant in a multiset world, and the correct protocol takes the same
// steps safely, as far as it sends the messages they deliver (it answers
// no-dedup's duplicate from its dedup table, and proposes nothing more).
func TestCheckMPPinnedCounterexamples(t *testing.T) {
	for _, tc := range mpVariantCases() {
		if tc.replays == nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			v, err := replayMP(tc.c, tc.replays)
			if err != nil {
				t.Fatal(err)
			}
			if v == nil || v.Property != tc.want.Property {
				t.Fatalf("the lines break %v, want %s", v, tc.want.Property)
			}
			correct := tc.c
			correct.Config.Variant = engine.Correct
			v, err = replayMP(correct, tc.replays)
			if v != nil {
				t.Fatalf("the correct protocol on the same lines: %v", v)
			}
			if err != nil {
				t.Logf("the correct protocol parts ways: %v", err)
			}
		})
	}
}

// TestCheckMPWorkers: a search's counts and counterexample do not depend
// on how many workers expand each level, nor on the run.
func TestCheckMPWorkers(t *testing.T) {
	for _, c := range []CheckConfig{mpCheck(engine.Correct), mpCheck("leader-skips-recovery")} {
		var first Report
		for i, workers := range []int{1, 2, 4} {
			rep := mustCheck(t, multipaxos.Adapter{}, c, explore.Options{MaxDepth: 10, Workers: workers})
			if i == 0 {
				first = rep
				continue
			}
			if countsOfReport(rep) != countsOfReport(first) || !slices.Equal(rep.Lines, first.Lines) || rep.Violation != first.Violation {
				t.Fatalf("%s, workers=%d: %+v %q\nworkers=1: %+v %q", c.Config.Variant, workers,
					countsOfReport(rep), rep.Lines, countsOfReport(first), first.Lines)
			}
		}
	}
}

// TestCheckMPLivenessVariants: no-overwrite and no-gap-fill break liveness
// only, which a safety search cannot judge: it finds nothing, and its
// report says why.
func TestCheckMPLivenessVariants(t *testing.T) {
	for _, v := range []mp.Variant{mp.NoOverwrite, mp.NoGapFill} {
		rep := mustCheck(t, multipaxos.Adapter{}, mpCheck(v.Name), explore.Options{MaxDepth: 10})
		if rep.Verdict != explore.VerdictOK || !strings.Contains(rep.Note, "liveness only") || !strings.Contains(rep.Note, "the campaign verb: campaign --protocol multipaxos") {
			t.Fatalf("%s: %s, note %q", v.Name, rep.Verdict, rep.Note)
		}
	}
	if rep := mustCheck(t, multipaxos.Adapter{}, mpCheck(engine.Correct), explore.Options{MaxDepth: 3}); rep.Note != "" {
		t.Fatalf("the correct protocol with a note: %q", rep.Note)
	}
}

// TestCheckMPFaults: a multiset network with drops, a duplication and a
// crash (restarts from durable state included), and the leaders' tick
// timer; counts pinned. The exact search (whole states as keys) finds
// what the fingerprinted one finds.
func TestCheckMPFaults(t *testing.T) {
	faulty := mpCheck(engine.Correct)
	faulty.Network, faulty.Drops, faulty.Dups, faulty.Crashes = sim.Multiset, true, 1, 1
	ticks := mpCheck(engine.Correct)
	ticks.Ticks = true
	for _, tc := range []struct {
		name string
		c    CheckConfig
		opts explore.Options
		want searchCounts
	}{
		{"multiset/drops/dup/crash", faulty, explore.Options{MaxDepth: 7}, searchCounts{explore.VerdictOK, 111675, 399805, 7, false, ""}}, // with torn crashes and lost unsynced writes (33621 before); torn crashes that cut nothing are not generated; a restarted replica that has not applied since is a state of its own (checker.Restarted: 109499 before)
		{"ticks", ticks, explore.Options{MaxDepth: 9}, searchCounts{explore.VerdictOK, 9560, 49282, 9, false, ""}},
		{"exact", mpCheck(engine.Correct), explore.Options{MaxDepth: 8, Exact: true}, searchCounts{explore.VerdictOK, 3774, 15556, 8, false, ""}},
		{"fingerprints", mpCheck(engine.Correct), explore.Options{MaxDepth: 8}, searchCounts{explore.VerdictOK, 3774, 15556, 8, false, ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := mustCheck(t, multipaxos.Adapter{}, tc.c, tc.opts)
			t.Logf("%+v in %v", countsOfReport(rep), rep.Elapsed)
			if got := countsOfReport(rep); got != tc.want {
				t.Fatalf("%+v\nwant %+v", got, tc.want)
			}
			if tc.opts.Exact && rep.Collision != 0 {
				t.Fatalf("an exact search estimates collisions: %g", rep.Collision)
			}
		})
	}
}

// mpPanicNode is a replica whose handling of Accept panics.
type mpPanicNode struct{ *mp.Node }

type mpNode = sim.Node[mp.Msg, mp.Durable, checker.Observation]

func (p *mpPanicNode) Deliver(env *mp.Env, from sim.NodeID, m mp.Msg) {
	if m.Type == mp.Accept {
		panic("boom")
	}
	p.Node.Deliver(env, from, m)
}

func (p *mpPanicNode) CloneInto(dst mpNode) mpNode {
	var inner mpNode
	if d, ok := dst.(*mpPanicNode); ok && d != nil {
		inner = d.Node
	}
	return &mpPanicNode{p.Node.CloneInto(inner).(*mp.Node)}
}

// mpPanicking is Multi-Paxos whose replicas panic on an Accept.
var mpPanicking = multipaxos.Wrapped{Wrap: func(n multipaxos.Node) multipaxos.Node { return &mpPanicNode{n.(*mp.Node)} }}

// TestCheckMPPanic: a panic in protocol code is the violation of the state
// it leaves, and its lines replay to the same panic.
func TestCheckMPPanic(t *testing.T) {
	rep := mustCheck(t, mpPanicking, mpCheck(engine.Correct), explore.Options{})
	if rep.Verdict != explore.VerdictViolation || rep.Property != engine.PanicProperty || !strings.Contains(rep.Violation, "boom") {
		t.Fatalf("%s %s %q", rep.Verdict, rep.Property, rep.Violation)
	}
	checkCounterexample(t, mpPanicking, mpCheck(engine.Correct), rep, true)
	if last := rep.Lines[len(rep.Lines)-1]; !strings.Contains(last, " Accept(") {
		t.Fatalf("the last line %q delivers no Accept", last)
	}
}

// TestCheckMPConfigValidate: bad Multi-Paxos knobs are reported by name.
func TestCheckMPConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*CheckConfig)
	}{
		{"clients", func(c *CheckConfig) { c.Config.Clients = maxClients + 1 }},
		{"commands", func(c *CheckConfig) { c.Config.Commands = maxCommands + 1 }},
		{"reconfig", func(c *CheckConfig) { c.Reconfig = []sim.NodeID{1, 4} }},
		{"reconfig", func(c *CheckConfig) { c.Config.Reconfig = "0.1" }},
		{"alpha", func(c *CheckConfig) { c.Config.Params = map[string]string{"alpha": "65"} }},
		{"variant", func(c *CheckConfig) { c.Config.Variant = "one-ballot" }},
		{"max-ballot", func(c *CheckConfig) { c.MaxBallot = 0 }},
		{"network", func(c *CheckConfig) { c.Dups = 1 }},
	} {
		c := mpCheck(engine.Correct)
		tc.edit(&c)
		if err := c.Validate(&mpInfo); !isConfigError(err, tc.field) {
			t.Errorf("want a %s error, got %v", tc.field, err)
		}
		if _, err := Check(multipaxos.Adapter{}, &mpInfo, c, explore.Options{}); err == nil {
			t.Errorf("Check ran a config with a bad %s", tc.field)
		}
	}
	if err := mpCheck(engine.Correct).Validate(&mpInfo); err != nil {
		t.Fatal(err)
	}
	if got := mpCheck(engine.Correct).Effective(&mpInfo).Params["alpha"]; got != "2" {
		t.Fatalf("the explorer's alpha is %q, want 2", got)
	}
	var m any = &mpModel{}
	if _, ok := m.(explore.Model[*mpState]); !ok {
		t.Fatal("the Multi-Paxos Model is not an explore.Model")
	}
}

// BenchmarkCheckMultiPaxos searches the default Multi-Paxos bounds to
// depth 11 (40,859 distinct states, a second or two a search), with one
// worker and with every core.
func BenchmarkCheckMultiPaxos(b *testing.B) {
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			var distinct int64
			for b.Loop() {
				rep := mustCheck(b, multipaxos.Adapter{}, mpCheck(engine.Correct), explore.Options{MaxDepth: 11, Workers: w})
				if rep.Verdict != explore.VerdictOK {
					b.Fatalf("%s", rep.Verdict)
				}
				distinct += rep.Distinct
			}
			b.ReportMetric(float64(distinct)/b.Elapsed().Seconds(), "states/s")
			b.ReportMetric(float64(distinct)/float64(b.N), "distinct")
		})
	}
}

// TestCheckMPClientRetries: a set network delivers a client's request
// again while the client waits, a retry that its lines write as "client C
// retry to N"; once a replica answered the client, the request is not
// delivered again.
func TestCheckMPClientRetries(t *testing.T) {
	m := newMPModel(t, mpCheck(engine.Correct))
	request := `deliver client->1 Request(c1#1 put("a", "1.1"))`
	path := []string{request, request, "timer 1 1", "deliver 1->2 Prepare(1.1, from i1)",
		"deliver 2->1 Promise(1.1, from i1, chosen 0)", "deliver 1->2 Accept(1.1, i1)", "deliver 2->1 Accepted(1.1, i1)"}
	s := m.Init()[0]
	var labels []string
	for _, l := range path {
		if s, labels = successor(m, s, l); s == nil {
			t.Fatalf("%q is not enabled; the steps are %q", l, labels)
		}
	}
	safety, _ := m.Checkers(s)
	if ch, ok := safety.Chosen(1); !ok || ch.Value != mp.CommandID(1, 1) {
		t.Fatalf("instance 1: %+v, %v; want c1#1 chosen", ch, ok)
	}
	if _, labels = successor(m, s, ""); slices.Contains(labels, request) {
		t.Fatalf("client 1 has its answer, and its request is delivered again: %q", labels)
	}
	lines, err := m.lines(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"client 1 put a 1.1 to 1", "client 2 put b 2.1 to 2", request, "client 1 retry to 1", request}
	if !slices.Equal(lines[:len(want)], want) {
		t.Fatalf("lines %q, want them to start %q", lines, want)
	}
	if v, err := replayMP(mpCheck(engine.Correct), lines); v != nil || err != nil {
		t.Fatalf("the lines replay to %v, %v", v, err)
	}
}
