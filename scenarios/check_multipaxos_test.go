package scenarios

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/explore"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// mpCheck is the Multi-Paxos search the CLI runs by default (3 replicas,
// 2 commands, a set network, round 1 only, no crashes) with the variant
// given.
func mpCheck(variant string) CheckConfig {
	c := DefaultCheck()
	c.Config.Protocol, c.Config.Variant = MultiPaxos, variant
	return c
}

// withReconfig makes the last command a reconfiguration to members.
func withReconfig(c CheckConfig, members ...sim.NodeID) CheckConfig {
	c.Reconfig = members
	return c
}

// mpDepth is the CLI's default depth bound for Multi-Paxos.
const mpDepth = MPCheckDepth

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

// checkMPCounterexample checks a Multi-Paxos violation's report: a path as
// long as its depth (breadth first), and steps that are the client
// requests, then the path's steps in order with nothing between them but
// duplications and client retries (a set network's second deliveries),
// and that replay, as scenario steps, to the same violation.
func checkMPCounterexample(t *testing.T, c CheckConfig, rep CheckReport) {
	t.Helper()
	if rep.Verdict != explore.VerdictViolation || rep.Property == "" || len(rep.Steps) == 0 {
		t.Fatalf("want a violation with steps, got %+v (%d steps)", countsOfReport(rep), len(rep.Steps))
	}
	if rep.Trace != nil || rep.Path != nil {
		t.Fatal("a Multi-Paxos report has no decision trace and no path of the model's states")
	}
	if len(rep.Labels) != rep.Depth-1 {
		t.Fatalf("%d steps on the path, depth %d", len(rep.Labels), rep.Depth)
	}
	if !strings.HasPrefix(rep.Violation, string(rep.Property)+":") {
		t.Fatalf("violation %q does not name %s", rep.Violation, rep.Property)
	}
	setup, err := c.buildMPCheck()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range setup.requests {
		if rep.Steps[i] != r.step() {
			t.Fatalf("step %d is %q, want the client request %q", i+1, rep.Steps[i], r.step())
		}
	}
	k := 0
	for _, s := range rep.Steps[len(setup.requests):] {
		if k < len(rep.Labels) && s == rep.Labels[k] {
			k++
			continue
		}
		if !strings.HasPrefix(s, "dup ") && !(strings.HasPrefix(s, "client ") && strings.Contains(s, " retry to ")) {
			t.Fatalf("step %q is neither on the path %q nor a duplication or retry", s, rep.Labels)
		}
	}
	if k != len(rep.Labels) {
		t.Fatalf("the steps hold %d of the path's %d steps in order", k, len(rep.Labels))
	}
	v, err := replayMPSteps(c, rep.Steps)
	if err != nil {
		t.Fatalf("the steps do not replay: %v\n  %s", err, strings.Join(rep.Steps, "\n  "))
	}
	if v == nil || v.Property != rep.Property {
		t.Fatalf("the steps replay to %v, the search found %s", v, rep.Property)
	}
}

// replayMPSteps runs scenario steps in a multiset Choice world of c's
// cluster, as a scenario runner would, and returns the first violation
// (of c.Properties, if any are given), with an error if a step cannot be
// taken (the violation then is of the steps before it). Client lines must
// name c's requests, in order.
func replayMPSteps(c CheckConfig, steps []string) (*checker.Violation, error) {
	m, err := NewMPCheckModel(c)
	if err != nil {
		return nil, err
	}
	sc := m.sc
	sc.Choice.Network, sc.Choice.Drops, sc.Choice.MaxDups, sc.Choice.DupSelf = sim.Multiset, true, 1<<30, true
	j := newMPJudge(c.Config.Nodes, m.setup.requests)
	w, err := sim.New(sc, zeroDecider{}, m.factory, func(node sim.NodeID, o checker.Observation) { j.Observe(int(node), o) })
	if err != nil {
		return nil, err
	}
	next := 0
	for _, s := range steps {
		var client int
		var to sim.NodeID
		switch {
		case strings.HasPrefix(s, "client ") && strings.Contains(s, " retry to "):
			if _, err := fmt.Sscanf(s, "client %d retry to %d", &client, &to); err != nil || client < 1 || client > next {
				return firstOf(j, c.Properties), fmt.Errorf("%q: not a retry of a request sent", s)
			}
			w.Request(0, to, m.setup.requests[client-1].msg)
		case strings.HasPrefix(s, "client "):
			if next >= len(m.setup.requests) || s != m.setup.requests[next].step() {
				return firstOf(j, c.Properties), fmt.Errorf("%q: not the next client request of the configuration", s)
			}
			r := m.setup.requests[next]
			w.Request(0, r.to, r.msg)
			next++
		default:
			if err := w.DoLine(s); err != nil {
				return firstOf(j, c.Properties), err
			}
		}
	}
	return firstOf(j, c.Properties), nil
}

// mpVariantCases are the safety variants and the bounds that find them,
// with the counts of the breadth-first search that does.
func mpVariantCases() []mpCase {
	return []mpCase{
		{name: "leader-skips-recovery", c: mpCheck("leader-skips-recovery"),
			want: searchCounts{explore.VerdictViolation, 10970, 52920, 10, true, checker.Agreement}},
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
			want: searchCounts{explore.VerdictViolation, 251421, 1824606, 14, true, checker.Agreement},
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
				`deliver 1->3 Request(c1#1 put("a", "1.1"))`,
				`deliver 3->1 Accept(1.3, i2)`, // 3 chooses the put at i2 with 1, in view {1,2,3}
			}},
	}
}

// TestCheckMPFindsVariants: breadth first, the explorer finds each
// Multi-Paxos variant that breaks a safety property, within the CLI's
// default bounds (no-view with a reconfiguration to {2}), by the shortest
// counterexample to the property the variant is known to break; its
// scenario steps replay to the same violation. The counts are pinned.
func TestCheckMPFindsVariants(t *testing.T) {
	for _, tc := range mpVariantCases() {
		t.Run(tc.name, func(t *testing.T) {
			tc.skip(t)
			v, err := mp.LookupVariant(tc.c.Config.Variant)
			if err != nil {
				t.Fatal(err)
			}
			if v.Breaks != tc.want.Property {
				t.Fatalf("%s breaks %s, the table says %s", v.Name, v.Breaks, tc.want.Property)
			}
			rep := mustCheck(t, tc.c, explore.Options{MaxDepth: mpDepth})
			t.Logf("%+v in %v\n  %s", countsOfReport(rep), rep.Elapsed, strings.Join(rep.Steps, "\n  "))
			if got := countsOfReport(rep); got != tc.want {
				t.Fatalf("%+v\nwant %+v", got, tc.want)
			}
			checkMPCounterexample(t, tc.c, rep)
			if tc.replays != nil && !slices.Equal(rep.Steps, tc.replays) {
				t.Fatalf("another counterexample than the one pinned:\n  %s", strings.Join(rep.Steps, "\n  "))
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
		{name: "depth-10", c: mpCheck(mp.Correct), opts: explore.Options{MaxDepth: 10},
			want: searchCounts{explore.VerdictOK, 19010, 103954, 10, false, ""}},
		{name: "depth-13", c: mpCheck(mp.Correct), opts: explore.Options{MaxDepth: 13}, cost: "short",
			want: searchCounts{explore.VerdictOK, 187501, 1346668, 13, false, ""}},
		{name: "depth-14", c: mpCheck(mp.Correct), opts: explore.Options{MaxDepth: mpDepth}, cost: "long",
			want: searchCounts{explore.VerdictOK, 408449, 3130294, 14, false, ""}},
		{name: "reconfig/depth-10", c: withReconfig(mpCheck(mp.Correct), 2), opts: explore.Options{MaxDepth: 10},
			want: searchCounts{explore.VerdictOK, 19587, 105701, 10, false, ""}},
		{name: "reconfig/depth-14", c: withReconfig(mpCheck(mp.Correct), 2), opts: explore.Options{MaxDepth: mpDepth}, cost: "long",
			want: searchCounts{explore.VerdictOK, 502134, 3741679, 14, false, ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.skip(t)
			rep := mustCheck(t, tc.c, tc.opts)
			t.Logf("%+v in %v", countsOfReport(rep), rep.Elapsed)
			if got := countsOfReport(rep); got != tc.want {
				t.Fatalf("%+v\nwant %+v", got, tc.want)
			}
			if rep.Stop != explore.StopMaxDepth || rep.Steps != nil || rep.Labels != nil {
				t.Fatalf("stop %q, %d steps: want an ok search cut at its depth", rep.Stop, len(rep.Steps))
			}
		})
	}
}

// TestCheckMPPinnedCounterexamples replays the counterexamples the
// searches of TestCheckMPFindsVariants find (the longer searches only run
// without -short, or with PAXSIM_LONG): each breaks its property under its
// variant, as scenario steps in a multiset world, and the correct
// protocol takes the same steps safely, as far as it sends the messages
// they deliver (it answers no-dedup's duplicate from its dedup table, and
// proposes nothing more).
func TestCheckMPPinnedCounterexamples(t *testing.T) {
	for _, tc := range mpVariantCases() {
		if tc.replays == nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			v, err := replayMPSteps(tc.c, tc.replays)
			if err != nil {
				t.Fatal(err)
			}
			if v == nil || v.Property != tc.want.Property {
				t.Fatalf("the steps break %v, want %s", v, tc.want.Property)
			}
			correct := tc.c
			correct.Config.Variant = mp.Correct
			v, err = replayMPSteps(correct, tc.replays)
			if v != nil {
				t.Fatalf("the correct protocol on the same steps: %v", v)
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
	for _, c := range []CheckConfig{mpCheck(mp.Correct), mpCheck("leader-skips-recovery")} {
		var first CheckReport
		for i, workers := range []int{1, 2, 4} {
			rep := mustCheck(t, c, explore.Options{MaxDepth: 10, Workers: workers})
			if i == 0 {
				first = rep
				continue
			}
			if countsOfReport(rep) != countsOfReport(first) || !slices.Equal(rep.Steps, first.Steps) || rep.Violation != first.Violation {
				t.Fatalf("%s, workers=%d: %+v %q\nworkers=1: %+v %q", c.Config.Variant, workers,
					countsOfReport(rep), rep.Steps, countsOfReport(first), first.Steps)
			}
		}
	}
}

// TestCheckMPLivenessVariants: no-overwrite and no-gap-fill break liveness
// only, which a safety search cannot judge: it finds nothing, and its
// report says why.
func TestCheckMPLivenessVariants(t *testing.T) {
	for _, v := range []mp.Variant{mp.NoOverwrite, mp.NoGapFill} {
		rep := mustCheck(t, mpCheck(v.Name), explore.Options{MaxDepth: 10})
		if rep.Verdict != explore.VerdictOK || !strings.Contains(rep.Note, "liveness only") || !strings.Contains(rep.Note, "paxsim campaign") {
			t.Fatalf("%s: %s, note %q", v.Name, rep.Verdict, rep.Note)
		}
	}
	if rep := mustCheck(t, mpCheck(mp.Correct), explore.Options{MaxDepth: 3}); rep.Note != "" {
		t.Fatalf("the correct protocol with a note: %q", rep.Note)
	}
}

// TestCheckMPFaults: a multiset network with drops, a duplication and a
// crash (restarts from durable state included), and the leaders' tick
// timer; counts pinned. The exact search (whole states as keys) finds
// what the fingerprinted one finds.
func TestCheckMPFaults(t *testing.T) {
	faulty := mpCheck(mp.Correct)
	faulty.Network, faulty.Drops, faulty.Dups, faulty.Crashes = sim.Multiset, true, 1, 1
	ticks := mpCheck(mp.Correct)
	ticks.Ticks = true
	for _, tc := range []struct {
		name string
		c    CheckConfig
		opts explore.Options
		want searchCounts
	}{
		{"multiset/drops/dup/crash", faulty, explore.Options{MaxDepth: 7}, searchCounts{explore.VerdictOK, 33621, 114481, 7, false, ""}},
		{"ticks", ticks, explore.Options{MaxDepth: 9}, searchCounts{explore.VerdictOK, 9560, 49282, 9, false, ""}},
		{"exact", mpCheck(mp.Correct), explore.Options{MaxDepth: 8, Exact: true}, searchCounts{explore.VerdictOK, 3774, 15556, 8, false, ""}},
		{"fingerprints", mpCheck(mp.Correct), explore.Options{MaxDepth: 8}, searchCounts{explore.VerdictOK, 3774, 15556, 8, false, ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := mustCheck(t, tc.c, tc.opts)
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

// TestCheckMPPanic: a panic in protocol code is the violation of the state
// it leaves, and its steps replay to the same panic.
func TestCheckMPPanic(t *testing.T) {
	m, err := NewMPCheckModel(mpCheck(mp.Correct))
	if err != nil {
		t.Fatal(err)
	}
	inner := m.factory
	m.factory = func(id sim.NodeID, d mp.Durable) mpNode { return &mpPanicNode{inner(id, d).(*mp.Node)} }
	res, err := explore.Run[*MPCheckState](m, explore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != explore.VerdictViolation || !strings.HasPrefix(res.Violation, string(PanicProperty)+":") || !strings.Contains(res.Violation, "boom") {
		t.Fatalf("%s %q", res.Verdict, res.Violation)
	}
	steps, err := m.stepsOfPath(res.Labels, PanicProperty)
	if err != nil {
		t.Fatal(err)
	}
	if last := steps[len(steps)-1]; !strings.Contains(last, " Accept(") {
		t.Fatalf("the last step %q delivers no Accept", last)
	}
}

// TestCheckMPConfigValidate: bad Multi-Paxos knobs, and Multi-Paxos knobs
// given to single-decree Paxos, are reported by name.
func TestCheckMPConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		field string
		c     CheckConfig
		edit  func(*CheckConfig)
	}{
		{"commands", mpCheck(mp.Correct), func(c *CheckConfig) { c.Commands = maxCheckCommands + 1 }},
		{"commands", mpCheck(mp.Correct), func(c *CheckConfig) { c.Config.Commands = 3 }},
		{"reconfig", mpCheck(mp.Correct), func(c *CheckConfig) { c.Reconfig = []sim.NodeID{1, 4} }},
		{"alpha", mpCheck(mp.Correct), func(c *CheckConfig) { c.Alpha = 65 }},
		{"network-self", mpCheck(mp.Correct), func(c *CheckConfig) { c.NetworkSelf = true }},
		{"variant", mpCheck(mp.Correct), func(c *CheckConfig) { c.Config.Variant = "one-ballot" }},
		{"max-ballot", mpCheck(mp.Correct), func(c *CheckConfig) { c.MaxBallot = 0 }},
		{"network", mpCheck(mp.Correct), func(c *CheckConfig) { c.Dups = 1 }},
		{"commands", DefaultCheck(), func(c *CheckConfig) { c.Commands = 2 }},
		{"reconfig", DefaultCheck(), func(c *CheckConfig) { c.Reconfig = []sim.NodeID{1} }},
		{"alpha", DefaultCheck(), func(c *CheckConfig) { c.Alpha = 2 }},
		{"ticks", DefaultCheck(), func(c *CheckConfig) { c.Ticks = true }},
	} {
		c := tc.c
		tc.edit(&c)
		err := c.Validate()
		ce, ok := err.(*ConfigError)
		if !ok || ce.Field != tc.field {
			t.Errorf("want a %s error, got %v", tc.field, err)
		}
		if _, err := Check(c, explore.Options{}); err == nil {
			t.Errorf("Check ran a config with a bad %s", tc.field)
		}
	}
	if err := mpCheck(mp.Correct).Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewCheckModel(mpCheck(mp.Correct)); err == nil {
		t.Error("NewCheckModel built a Multi-Paxos model")
	}
	if _, err := NewMPCheckModel(DefaultCheck()); err == nil {
		t.Error("NewMPCheckModel built a single-decree model")
	}
	var m any = &MPCheckModel{}
	if _, ok := m.(explore.Model[*MPCheckState]); !ok {
		t.Fatal("MPCheckModel is not an explore.Model")
	}
	if _, ok := m.(explore.Retainer[*MPCheckState]); !ok {
		t.Fatal("MPCheckModel is not an explore.Retainer")
	}
}

// BenchmarkCheckMultiPaxos searches the CLI's Multi-Paxos bounds to depth
// 11 (40,859 distinct states, a second or two a search), with one worker
// and with every core.
func BenchmarkCheckMultiPaxos(b *testing.B) {
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			var distinct int64
			for b.Loop() {
				rep, err := Check(mpCheck(mp.Correct), explore.Options{MaxDepth: 11, Workers: w})
				if err != nil || rep.Verdict != explore.VerdictOK {
					b.Fatalf("%s: %v", rep.Verdict, err)
				}
				distinct += rep.Distinct
			}
			b.ReportMetric(float64(distinct)/b.Elapsed().Seconds(), "states/s")
			b.ReportMetric(float64(distinct)/float64(b.N), "distinct")
		})
	}
}

// mpSuccessor returns s's successor by the step called label, retained,
// and the labels of every successor.
func mpSuccessor(m *MPCheckModel, s *MPCheckState, label string) (*MPCheckState, []string) {
	var out *MPCheckState
	var labels []string
	m.successors(s, func(a sim.Action[mp.Msg], next *MPCheckState) {
		labels = append(labels, a.String())
		if out == nil && a.String() == label {
			out = m.Retain(next)
		}
	})
	return out, labels
}

// TestCheckMPClientRetries: a set network delivers a client's request
// again while the client waits, a retry that its scenario steps write as
// "client C retry to N"; once a replica answered the client, the request
// is not delivered again.
func TestCheckMPClientRetries(t *testing.T) {
	m, err := NewMPCheckModel(mpCheck(mp.Correct))
	if err != nil {
		t.Fatal(err)
	}
	request := `deliver client->1 Request(c1#1 put("a", "1.1"))`
	path := []string{request, request, "timer 1 1", "deliver 1->2 Prepare(1.1, from i1)",
		"deliver 2->1 Promise(1.1, from i1, chosen 0)", "deliver 1->2 Accept(1.1, i1)", "deliver 2->1 Accepted(1.1, i1)"}
	s := m.Init()[0]
	var labels []string
	for _, l := range path {
		if s, labels = mpSuccessor(m, s, l); s == nil {
			t.Fatalf("%q is not enabled; the steps are %q", l, labels)
		}
	}
	safety, _ := m.Checkers(s)
	if ch, ok := safety.Chosen(1); !ok || ch.Value != mp.CommandID(1, 1) {
		t.Fatalf("instance 1: %+v, %v; want c1#1 chosen", ch, ok)
	}
	if _, labels = mpSuccessor(m, s, ""); slices.Contains(labels, request) {
		t.Fatalf("client 1 has its answer, and its request is delivered again: %q", labels)
	}
	steps, _, _, err := m.replayPath(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"client 1 put a 1.1 to 1", "client 2 put b 2.1 to 2", request, "client 1 retry to 1", request}
	if !slices.Equal(steps[:len(want)], want) {
		t.Fatalf("steps %q, want them to start %q", steps, want)
	}
	if v, err := replayMPSteps(m.cfg, steps); v != nil || err != nil {
		t.Fatalf("the steps replay to %v, %v", v, err)
	}
}
