package scenarios

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// longCheck reports whether PAXSIM_LONG asks for the searches that take
// more than a second or two.
func longCheck() bool {
	v, _ := strconv.ParseBool(os.Getenv("PAXSIM_LONG"))
	return v
}

// smallCheck is DefaultCheck (a set network, local self-delivery) with
// the variant, cluster and ballot bound given.
func smallCheck(variant string, nodes, proposers, maxBallot int, noTimers bool) CheckConfig {
	c := DefaultCheck()
	c.Config.Variant = variant
	c.Config.Nodes, c.Config.Proposers = nodes, proposers
	c.MaxBallot = maxBallot
	c.NoTimers = noTimers
	return c
}

// searchCounts is what a search must reproduce exactly.
type searchCounts struct {
	Verdict             string
	Distinct, Generated int64
	Depth               int
	Complete            bool
	Property            checker.Property
}

func countsOfReport(r CheckReport) searchCounts {
	return searchCounts{r.Verdict, r.Distinct, r.Generated, r.Depth, r.Complete, r.Property}
}

func mustCheck(t *testing.T, c CheckConfig, opts explore.Options) CheckReport {
	t.Helper()
	rep, err := Check(c, opts)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep
}

// checkCounterexample checks a violation's report: a path whose length is
// its depth (breadth first), and a decision trace that replays to a
// violation, made of the client requests, the explorer's steps in order
// and nothing but local self-deliveries, duplications and client retries
// between them.
func checkCounterexample(t *testing.T, c CheckConfig, rep CheckReport, bfs bool) {
	t.Helper()
	if rep.Verdict != explore.VerdictViolation || rep.Trace == nil || rep.Property == "" {
		t.Fatalf("want a violation with a trace, got %+v (trace %v)", countsOfReport(rep), rep.Trace != nil)
	}
	if len(rep.Labels) != len(rep.Path)-1 || (bfs && len(rep.Path) != rep.Depth) {
		t.Fatalf("path of %d states, %d labels, depth %d", len(rep.Path), len(rep.Labels), rep.Depth)
	}
	if !strings.HasPrefix(rep.Violation, string(rep.Property)+":") {
		t.Fatalf("violation %q does not name %s", rep.Violation, rep.Property)
	}
	res, err := Replay(rep.Trace, Options{})
	if err != nil {
		t.Fatalf("Replay: %v", err)
	}
	if !res.Failed() || res.Verdict != VerdictViolation {
		t.Fatalf("the trace replays to %s", res.Verdict)
	}
	if len(c.Properties) == 0 && res.Violations[0].Property != rep.Property {
		t.Fatalf("the trace replays to %s, the search found %s", res.Violations[0].Property, rep.Property)
	}
	lines := make([]string, len(rep.Trace.Lines))
	for i, l := range rep.Trace.Lines {
		lines[i] = l.Text
	}
	for cl := 1; cl <= c.Config.Proposers; cl++ {
		if want := clientLine(cl, checker.Value(cl), sim.NodeID(cl)); lines[cl-1] != want {
			t.Fatalf("trace line %d is %q, want %q", cl, lines[cl-1], want)
		}
	}
	k := 0
	for _, l := range lines[c.Config.Proposers:] {
		if k < len(rep.Labels) && l == rep.Labels[k] {
			k++
			continue
		}
		verb, rest, _ := strings.Cut(l, " ")
		link, _, _ := strings.Cut(rest, " ")
		from, to, _ := strings.Cut(link, "->")
		switch {
		case verb == "deliver" && from == to:
		case verb == "dup":
		case verb == "client":
		default:
			t.Fatalf("trace line %q is neither a step of the path %q nor a local delivery", l, rep.Labels)
		}
	}
	if k != len(rep.Labels) {
		t.Fatalf("the trace has %d of the path's %d steps in order", k, len(rep.Labels))
	}
}

// TestCheckDefaultSmall: the correct protocol on the default cluster
// (three replicas, two proposers, a set network) with one ballot each and
// no timers. The counts are pinned: a change means the protocol, the
// simulator's choice mode, the model or the explorer changed what a state
// is or how steps are enumerated.
func TestCheckDefaultSmall(t *testing.T) {
	c := DefaultCheck()
	c.MaxBallot = 1
	c.NoTimers = true
	want := searchCounts{explore.VerdictOK, 16249, 287131, 20, true, ""}
	for _, workers := range []int{1, 2} {
		rep := mustCheck(t, c, explore.Options{Workers: workers})
		if got := countsOfReport(rep); got != want {
			t.Fatalf("workers=%d: %+v\nwant %+v", workers, got, want)
		}
		if rep.Trace != nil || rep.Path != nil {
			t.Fatalf("workers=%d: an ok search came back with a counterexample", workers)
		}
	}
}

// TestCheckFindsVariants: breadth first finds each variant's shortest
// counterexample to the property it is known to break first; depth first
// finds one no shorter. Both traces replay.
func TestCheckFindsVariants(t *testing.T) {
	for _, tc := range []struct {
		variant string
		bfs     searchCounts
	}{
		{"ignore-promised-values", searchCounts{explore.VerdictViolation, 688, 2700, 9, true, checker.Agreement}},
		{"one-ballot", searchCounts{explore.VerdictViolation, 58, 115, 6, true, checker.PromiseIntegrity}},
		{"no-promise", searchCounts{explore.VerdictViolation, 9, 10, 4, true, checker.PromiseMonotonicity}},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			v, err := protocol.LookupVariant(tc.variant)
			if err != nil {
				t.Fatal(err)
			}
			if v.Breaks != tc.bfs.Property {
				t.Fatalf("%s breaks %s first, the table says %s", v.Name, v.Breaks, tc.bfs.Property)
			}
			c := smallCheck(tc.variant, 3, 2, 1, true)
			bfs := mustCheck(t, c, explore.Options{})
			if got := countsOfReport(bfs); got != tc.bfs {
				t.Fatalf("bfs: %+v\nwant %+v", got, tc.bfs)
			}
			checkCounterexample(t, c, bfs, true)
			dfs := mustCheck(t, c, explore.Options{Strategy: explore.DFS})
			checkCounterexample(t, c, dfs, false)
			if dfs.Property != bfs.Property || len(dfs.Path) < len(bfs.Path) || dfs.Depth < bfs.Depth {
				t.Fatalf("dfs: %s with a path of %d (depth %d); bfs: %s with %d", dfs.Property, len(dfs.Path), dfs.Depth, bfs.Property, len(bfs.Path))
			}
		})
	}
}

// TestCheckNetworkSelf: a replica's messages to itself through the
// network, for the scheduler to deliver whenever, are more interleavings
// than local calls: more states, and counterexamples no shorter, whose
// traces replay as they are.
func TestCheckNetworkSelf(t *testing.T) {
	for _, tc := range []struct {
		variant   string
		proposers int
	}{{protocol.Correct, 1}, {"one-ballot", 2}, {"no-promise", 2}} {
		t.Run(tc.variant, func(t *testing.T) {
			c := smallCheck(tc.variant, 3, tc.proposers, 1, true)
			local := mustCheck(t, c, explore.Options{})
			c.NetworkSelf = true
			net := mustCheck(t, c, explore.Options{})
			if net.Verdict != local.Verdict || net.Property != local.Property || net.Depth < local.Depth {
				t.Fatalf("network self-sends: %+v; local: %+v", countsOfReport(net), countsOfReport(local))
			}
			if net.Verdict == explore.VerdictOK {
				if !net.Complete || net.Distinct <= local.Distinct {
					t.Fatalf("network self-sends: %+v; local: %+v", countsOfReport(net), countsOfReport(local))
				}
				return
			}
			checkCounterexample(t, c, net, true)
			// No local delivery is written out: the only lines that are
			// not steps are the clients' and a set network's re-deliveries.
			added := 0
			for _, l := range net.Trace.Lines[c.Config.Proposers:] {
				if strings.HasPrefix(l.Text, "dup ") || strings.HasPrefix(l.Text, "client ") {
					added++
				}
			}
			if len(net.Trace.Lines) != c.Config.Proposers+len(net.Labels)+added {
				t.Fatalf("%d trace lines for %d steps and %d re-deliveries", len(net.Trace.Lines), len(net.Labels), added)
			}
		})
	}
}

func TestSymmetryGroup(t *testing.T) {
	for _, tc := range []struct{ nodes, proposers, size int }{
		{3, 2, 1}, {3, 3, 1}, {4, 2, 2}, {5, 2, 6}, {4, 1, 6}, {5, 1, 24},
	} {
		perms := symmetryGroup(tc.nodes, tc.proposers)
		if len(perms) != tc.size {
			t.Errorf("nodes %d, proposers %d: a group of %d, want %d", tc.nodes, tc.proposers, len(perms), tc.size)
			continue
		}
		seen := map[[64]uint8]bool{}
		for i, p := range perms {
			if i == 0 && p != nil {
				t.Fatalf("nodes %d, proposers %d: the identity comes first, as nil (no renaming)", tc.nodes, tc.proposers)
			}
			if p == nil {
				p = identityPerm()
			}
			if seen[*p] {
				t.Fatalf("nodes %d, proposers %d: renaming %v twice", tc.nodes, tc.proposers, p[:tc.nodes+1])
			}
			seen[*p] = true
			var image uint64
			for id := range 64 {
				fixed := id <= tc.proposers || id > tc.nodes
				if fixed && int(p[id]) != id || !fixed && (int(p[id]) <= tc.proposers || int(p[id]) > tc.nodes) {
					t.Fatalf("nodes %d, proposers %d: renaming %v moves %d to %d", tc.nodes, tc.proposers, p[:tc.nodes+1], id, p[id])
				}
				image |= 1 << p[id]
			}
			if image != ^uint64(0) {
				t.Fatalf("renaming %v is not a permutation", p[:tc.nodes+1])
			}
			if i == 0 && *p != *identityPerm() {
				t.Fatalf("the first renaming is %v, not the identity", p[:tc.nodes+1])
			}
		}
		m, err := NewCheckModel(smallCheck(protocol.Correct, tc.nodes, tc.proposers, 1, true))
		if err != nil {
			t.Fatal(err)
		}
		if m.SymmetryGroupSize() != tc.size {
			t.Errorf("SymmetryGroupSize %d, want %d", m.SymmetryGroupSize(), tc.size)
		}
	}
}

func identityPerm() *[64]uint8 {
	var p [64]uint8
	for i := range p {
		p[i] = uint8(i)
	}
	return &p
}

// successorLabels lists the steps Next takes from s.
func successorLabels(m *CheckModel, s *CheckState) []string {
	var out []string
	m.successors(s, func(a sim.Action[protocol.Msg], _ *CheckState) { out = append(out, a.String()) })
	return out
}

// stepBy returns s's successor by the step called label, retained, or nil.
func stepBy(m *CheckModel, s *CheckState, label string) *CheckState {
	var out *CheckState
	m.successors(s, func(a sim.Action[protocol.Msg], next *CheckState) {
		if out == nil && a.String() == label {
			out = m.Retain(next)
		}
	})
	return out
}

// swap34 is a step with replicas 3 and 4 exchanged. Messages name no
// replica but the proposers 1 and 2 (in ballots), which stay.
func swap34(label string) string {
	swap := func(id string) string {
		switch id {
		case "3":
			return "4"
		case "4":
			return "3"
		}
		return id
	}
	verb, rest, _ := strings.Cut(label, " ")
	first, tail, hasTail := strings.Cut(rest, " ")
	if from, to, ok := strings.Cut(first, "->"); ok {
		first = swap(from) + "->" + swap(to)
	} else {
		first = swap(first)
	}
	if hasTail {
		return verb + " " + first + " " + tail
	}
	return verb + " " + first
}

func modelKey(m *CheckModel, s *CheckState, exact, symmetry bool) (fingerprint.Key, string) {
	h := fingerprint.New(exact)
	m.Fingerprint(h, s, symmetry)
	return h.Sum(), h.Words()
}

// TestCanonicalFingerprintUnderRenaming: replicas 3 and 4 of a 4-replica,
// 2-proposer cluster are interchangeable. Random walks take every step in
// one state and its image with 3 and 4 swapped in the other: the image's
// step must be enabled (the protocol is symmetric), the two states must
// share their canonical fingerprint (plain and exact), and their plain
// fingerprints differ once the walk has told 3 and 4 apart.
func TestCanonicalFingerprintUnderRenaming(t *testing.T) {
	for _, cc := range []struct {
		name string
		c    CheckConfig
	}{
		{"set/timers", smallCheck(protocol.Correct, 4, 2, 2, false)},
		{"multiset/faults", func() CheckConfig {
			c := smallCheck(protocol.Correct, 4, 2, 1, false)
			c.Network, c.Drops, c.Dups, c.Crashes = sim.Multiset, true, 1, 1
			return c
		}()},
	} {
		t.Run(cc.name, func(t *testing.T) {
			apart := 0
			for seed := range uint64(6) {
				m, err := NewCheckModel(cc.c)
				if err != nil {
					t.Fatal(err)
				}
				a, b := m.Init()[0], m.Init()[0]
				rng := sim.NewRandom(seed)
				var path []string
				for step := 0; step < 16; step++ {
					labels := successorLabels(m, a)
					if len(labels) == 0 {
						break
					}
					l := labels[rng.Intn(sim.Decision{}, len(labels))]
					path = append(path, l)
					a, b = stepBy(m, a, l), stepBy(m, b, swap34(l))
					if b == nil {
						t.Fatalf("seed %d: after %q the image step %q is not enabled", seed, path[:len(path)-1], swap34(l))
					}
					ka, _ := modelKey(m, a, false, true)
					kb, _ := modelKey(m, b, false, true)
					if ka != kb {
						t.Fatalf("seed %d: %q and its image have canonical fingerprints %x and %x", seed, path, ka, kb)
					}
					_, xa := modelKey(m, a, true, true)
					_, xb := modelKey(m, b, true, true)
					if xa == "" || xa != xb {
						t.Fatalf("seed %d: %q and its image have different exact canonical keys", seed, path)
					}
					pa, _ := modelKey(m, a, false, false)
					pb, _ := modelKey(m, b, false, false)
					if pa != pb {
						apart++
					}
				}
			}
			if apart == 0 {
				t.Fatal("no walk told replicas 3 and 4 apart: the test is vacuous")
			}
			t.Logf("%d of the states walked differ from their image", apart)
		})
	}
}

// TestSymmetryReduction: with 4 replicas and 2 proposers, replicas 3 and 4
// are interchangeable; searching with and without symmetry reduction
// reaches the same verdict, counterexamples of the same length, and at
// most all and at least half the states (a group of 2). With 1 proposer
// and 4 replicas the group has 6 elements.
func TestSymmetryReduction(t *testing.T) {
	for _, tc := range []struct {
		name     string
		c        CheckConfig
		maxDepth int
		verdict  string
		property checker.Property
		group    int64
	}{
		{"correct/depth-10", smallCheck(protocol.Correct, 4, 2, 1, true), 10, explore.VerdictOK, "", 2},
		{"correct/one-proposer", smallCheck(protocol.Correct, 4, 1, 1, true), 0, explore.VerdictOK, "", 6},
		{"one-ballot", smallCheck("one-ballot", 4, 2, 1, true), 0, explore.VerdictViolation, checker.PromiseIntegrity, 2},
		{"no-promise", smallCheck("no-promise", 4, 2, 1, true), 0, explore.VerdictViolation, checker.PromiseMonotonicity, 2},
		{"accept-below-promise", smallCheck("accept-below-promise", 4, 2, 1, true), 0, explore.VerdictViolation, checker.PromiseMonotonicity, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := mustCheck(t, tc.c, explore.Options{MaxDepth: tc.maxDepth})
			red := mustCheck(t, tc.c, explore.Options{MaxDepth: tc.maxDepth, Symmetry: true})
			for _, r := range []CheckReport{full, red} {
				if r.Verdict != tc.verdict || r.Property != tc.property {
					t.Fatalf("%s (%s), want %s (%s)", r.Verdict, r.Property, tc.verdict, tc.property)
				}
				if r.Verdict == explore.VerdictViolation {
					checkCounterexample(t, tc.c, r, true)
				}
			}
			if red.Depth != full.Depth {
				t.Fatalf("depth %d reduced, %d not", red.Depth, full.Depth)
			}
			if red.Distinct > full.Distinct || red.Distinct >= full.Distinct && tc.group > 1 {
				t.Fatalf("%d distinct states reduced, %d not", red.Distinct, full.Distinct)
			}
			if tc.verdict == explore.VerdictOK && red.Distinct*tc.group < full.Distinct {
				t.Fatalf("%d distinct states reduced, %d not: more than a factor %d", red.Distinct, full.Distinct, tc.group)
			}
		})
	}
}

// TestCheckExact: keying the visited set by each state's whole encoding
// (with whole copies of the states) finds what fingerprints find.
func TestCheckExact(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    CheckConfig
		opts explore.Options
		want searchCounts
		long bool
	}{
		{"one-proposer", smallCheck(protocol.Correct, 3, 1, 1, true), explore.Options{}, searchCounts{explore.VerdictOK, 233, 2396, 12, true, ""}, false},
		{"one-proposer/4/symmetry", smallCheck(protocol.Correct, 4, 1, 1, true), explore.Options{Symmetry: true}, searchCounts{explore.VerdictOK, 416, 6317, 18, true, ""}, false},
		{"one-ballot", smallCheck("one-ballot", 3, 2, 1, true), explore.Options{}, searchCounts{explore.VerdictViolation, 58, 115, 6, true, checker.PromiseIntegrity}, false},
		{"one-proposer/timers", smallCheck(protocol.Correct, 3, 1, 1, false), explore.Options{}, searchCounts{explore.VerdictOK, 4600, 74745, 19, true, ""}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.long && testing.Short() {
				t.Skip("a second with -short")
			}
			fp := mustCheck(t, tc.c, tc.opts)
			opts := tc.opts
			opts.Exact = true
			exact := mustCheck(t, tc.c, opts)
			if got := countsOfReport(fp); got != tc.want {
				t.Fatalf("fingerprints: %+v\nwant %+v", got, tc.want)
			}
			if got := countsOfReport(exact); got != tc.want {
				t.Fatalf("exact: %+v\nwant %+v", got, tc.want)
			}
			if exact.Collision != 0 || fp.Collision <= 0 {
				t.Fatalf("collision estimates %g exact, %g with fingerprints", exact.Collision, fp.Collision)
			}
			if !slices.Equal(fp.Labels, exact.Labels) {
				t.Fatalf("counterexamples differ:\n%q\n%q", fp.Labels, exact.Labels)
			}
		})
	}
}

// TestCheckMultisetFaults: a multiset network with drops, duplications and
// a crash: the correct protocol with one proposer is safe (counts pinned),
// and no-persist, which needs a crash, is found with one, by a trace that
// crashes a replica. Without crashes there is no counterexample as short.
func TestCheckMultisetFaults(t *testing.T) {
	faulty := func(c CheckConfig, crashes int) CheckConfig {
		c.Network, c.Drops, c.Dups, c.Crashes = sim.Multiset, true, 1, crashes
		return c
	}
	c := faulty(smallCheck(protocol.Correct, 3, 1, 1, true), 1)
	rep := mustCheck(t, c, explore.Options{})
	if got, want := countsOfReport(rep), (searchCounts{explore.VerdictOK, 39494, 269344, 15, true, ""}); got != want {
		t.Fatalf("correct: %+v\nwant %+v", got, want)
	}

	c = faulty(smallCheck(protocol.NoPersist.Name, 3, 2, 1, true), 1)
	rep = mustCheck(t, c, explore.Options{})
	checkCounterexample(t, c, rep, true)
	if rep.Property != protocol.NoPersist.Breaks || rep.Depth != 6 {
		t.Fatalf("no-persist: %+v, want %s at depth 6", countsOfReport(rep), protocol.NoPersist.Breaks)
	}
	crashed := false
	for _, l := range rep.Labels {
		crashed = crashed || strings.HasPrefix(l, "crash ")
	}
	if !crashed {
		t.Fatalf("no-persist counterexample without a crash: %q", rep.Labels)
	}

	c = faulty(smallCheck(protocol.NoPersist.Name, 3, 2, 1, true), 0)
	rep = mustCheck(t, c, explore.Options{MaxDepth: 7})
	if rep.Verdict != explore.VerdictOK || rep.Complete || rep.Depth != 7 {
		t.Fatalf("no-persist without crashes, to depth 7: %+v", countsOfReport(rep))
	}
}

// TestCheckProperties: asked about agreement only, the search goes past
// the early check a variant trips first to a state where agreement breaks,
// deeper. One-ballot needs two ballots each, a search of a few seconds.
func TestCheckProperties(t *testing.T) {
	for _, tc := range []struct {
		variant   string
		maxBallot int
		crashes   int
		long      bool
	}{
		{"no-promise", 1, 0, false},
		{"accept-below-promise", 1, 0, false},
		{protocol.NoPersist.Name, 1, 1, false},
		{"one-ballot", 2, 0, true},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			if tc.long && !longCheck() {
				t.Skip("a few seconds: PAXSIM_LONG=1 runs it")
			}
			c := smallCheck(tc.variant, 3, 2, tc.maxBallot, true)
			c.Crashes = tc.crashes
			first := mustCheck(t, c, explore.Options{})
			c.Properties = []checker.Property{checker.Agreement}
			rep := mustCheck(t, c, explore.Options{})
			checkCounterexample(t, c, rep, true)
			if first.Property == checker.Agreement || rep.Property != checker.Agreement || rep.Depth <= first.Depth {
				t.Fatalf("first %s at depth %d; asked for agreement, %s at depth %d", first.Property, first.Depth, rep.Property, rep.Depth)
			}
			// The path's states are the compact states of the model
			// that ran the search: search again to read the last one's
			// checker.
			m, err := NewCheckModel(c)
			if err != nil {
				t.Fatal(err)
			}
			res, err := explore.Run[*CheckState](m, explore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Labels, rep.Labels) {
				t.Fatalf("another search, another path:\n%q\n%q", res.Labels, rep.Labels)
			}
			var props []checker.Property
			for _, v := range m.Safety(res.Path[len(res.Path)-1]).Violations() {
				props = append(props, v.Property)
			}
			if !slices.Contains(props, checker.Agreement) {
				t.Fatalf("the last state breaks %v, not agreement", props)
			}
		})
	}
}

// panicNode is a replica whose handling of Accept panics: a bug in
// protocol code that the explorer must report like a violation.
type panicNode struct{ *protocol.Node }

type paxosNode = sim.Node[protocol.Msg, protocol.Durable, checker.Observation]

func (p *panicNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type == protocol.Accept {
		panic("boom")
	}
	p.Node.Deliver(env, from, m)
}

func (p *panicNode) CloneInto(dst paxosNode) paxosNode {
	var inner paxosNode
	if d, ok := dst.(*panicNode); ok && d != nil {
		inner = d.Node
	}
	return &panicNode{p.Node.CloneInto(inner).(*protocol.Node)}
}

// TestCheckPanic: the model turns a panic in protocol code into a
// violation of the state it leaves, which names the event that panicked
// (an Accept, delivered by the network or, to a proposer's own acceptor,
// locally within the step that sent it) and has no successors. (Check itself cannot show it: its
// replay runs the unwrapped replicas, which do not panic.)
func TestCheckPanic(t *testing.T) {
	for _, s := range []explore.Strategy{explore.BFS, explore.DFS} {
		c := smallCheck(protocol.Correct, 3, 2, 1, true)
		m, err := NewCheckModel(c)
		if err != nil {
			t.Fatal(err)
		}
		inner := m.factory
		m.factory = func(id sim.NodeID, d protocol.Durable) paxosNode {
			return &panicNode{inner(id, d).(*protocol.Node)}
		}
		res, err := explore.Run[*CheckState](m, explore.Options{Strategy: s})
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != explore.VerdictViolation || !strings.HasPrefix(res.Violation, string(PanicProperty)+":") ||
			!strings.Contains(res.Violation, "boom") || !strings.Contains(res.Violation, "Accept(") {
			t.Fatalf("%s: %s %q", s, res.Verdict, res.Violation)
		}
		if s == explore.BFS && res.Depth != len(res.Path) {
			t.Fatalf("depth %d, path of %d", res.Depth, len(res.Path))
		}
		if n := len(successorLabels(m, res.Path[len(res.Path)-1])); n != 0 {
			t.Fatalf("%s: a state that panicked has %d successors", s, n)
		}
	}
}

// TestCheckConfigValidate: bad knobs are reported by name.
func TestCheckConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*CheckConfig)
	}{
		{"max-ballot", func(c *CheckConfig) { c.MaxBallot = 0 }},
		{"crashes", func(c *CheckConfig) { c.Crashes = -1 }},
		{"dups", func(c *CheckConfig) { c.Dups = -1 }},
		{"network", func(c *CheckConfig) { c.Drops = true }},
		{"network", func(c *CheckConfig) { c.Dups = 1 }},
		{"nodes", func(c *CheckConfig) { c.Config.Nodes, c.Config.Proposers = 17, 2 }},
		{"variant", func(c *CheckConfig) { c.Config.Variant = "no-such-variant" }},
	} {
		c := DefaultCheck()
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
	if err := DefaultCheck().Validate(); err != nil {
		t.Fatalf("DefaultCheck: %v", err)
	}
}

// TestCheckModelIsAnExploreModel pins the interfaces the explorer relies
// on.
func TestCheckModelIsAnExploreModel(t *testing.T) {
	var m any = &CheckModel{}
	if _, ok := m.(explore.Model[*CheckState]); !ok {
		t.Fatal("CheckModel is not an explore.Model")
	}
	if _, ok := m.(explore.Retainer[*CheckState]); !ok {
		t.Fatal("CheckModel is not an explore.Retainer: the explorer would keep its scratch states")
	}
}
