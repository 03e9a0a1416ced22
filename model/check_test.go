package model

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// longCheck reports whether PAXSIM_LONG asks for the searches that take
// more than a second or two.
func longCheck() bool {
	v, _ := strconv.ParseBool(os.Getenv("PAXSIM_LONG"))
	return v
}

var paxosInfo = paxos.Adapter{}.Info()

// smallCheck is DefaultCheck of single-decree Paxos (a set network, local
// self-delivery) with the variant, cluster and ballot bound given.
func smallCheck(variant string, nodes, proposers, maxBallot int, noTimers bool) CheckConfig {
	c := DefaultCheck(&paxosInfo)
	c.Config.Variant = variant
	c.Config.Nodes, c.Config.Clients = nodes, proposers
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

func countsOfReport(r Report) searchCounts {
	return searchCounts{r.Verdict, r.Distinct, r.Generated, r.Depth, r.Complete, r.Property}
}

func mustCheck[M sim.Message, D any](t testing.TB, p engine.Protocol[M, D], c CheckConfig, opts explore.Options) Report {
	t.Helper()
	info := p.Info()
	rep, err := Check(p, &info, c, opts)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep
}

// clientLines are the client lines a counterexample of c must start with,
// written out as the workload says: a consensus client c proposes vc to
// replica c; a key-value client c puts a+(c-1) to c.1 at replica
// ((c-1) mod nodes)+1, or, last with Reconfig, reconfigures.
func clientLines(info *engine.Info, c CheckConfig) []string {
	cfg := c.Effective(info)
	var out []string
	for cl := 1; cl <= cfg.Clients; cl++ {
		to := (cl-1)%cfg.Nodes + 1
		switch {
		case info.Workload.Kind == engine.Consensus:
			out = append(out, fmt.Sprintf("client %d proposes v%d to %d", cl, cl, cl))
		case cl == cfg.Clients && len(c.Reconfig) > 0:
			var ids []string
			for _, id := range c.Reconfig {
				ids = append(ids, id.String())
			}
			out = append(out, fmt.Sprintf("client %d reconfig %s to %d", cl, strings.Join(ids, "+"), to))
		default:
			out = append(out, fmt.Sprintf("client %d put %c %d.1 to %d", cl, 'a'+cl-1, cl, to))
		}
	}
	return out
}

// replay replays a counterexample's lines as a decision trace of c, past
// the first violation.
func replay[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, c engine.Config, lines []string) (engine.Result, error) {
	return trace.ReplayAll(p, info, trace.FromResult(c, &engine.Result{Lines: lines}))
}

// checkCounterexample checks a violation's report: a path as long as its
// depth (breadth first), and lines made of the client requests, then the
// path's steps in order with nothing between them but local
// self-deliveries, duplications and client retries, that replay to the
// violation the search found.
func checkCounterexample[M sim.Message, D any](t *testing.T, p engine.Protocol[M, D], c CheckConfig, rep Report, bfs bool) {
	t.Helper()
	if rep.Verdict != explore.VerdictViolation || len(rep.Lines) == 0 || rep.Property == "" {
		t.Fatalf("want a violation with lines, got %+v (%d lines)", countsOfReport(rep), len(rep.Lines))
	}
	if bfs && len(rep.Labels) != rep.Depth-1 {
		t.Fatalf("%d steps on the path, depth %d", len(rep.Labels), rep.Depth)
	}
	if !strings.HasPrefix(rep.Violation, string(rep.Property)+":") {
		t.Fatalf("violation %q does not name %s", rep.Violation, rep.Property)
	}
	info := p.Info()
	res, err := replay(p, &info, rep.Config, rep.Lines)
	if err != nil {
		t.Fatalf("Replay: %v\n  %s", err, strings.Join(rep.Lines, "\n  "))
	}
	if v := firstOf(res.Violations, c.Properties); !res.Failed() || v == nil || v.Property != rep.Property {
		t.Fatalf("the lines replay to %v, the search found %s", res.Violations, rep.Property)
	}
	clients := clientLines(&info, c)
	if !slices.Equal(rep.Lines[:len(clients)], clients) {
		t.Fatalf("the lines start %q, want the client requests %q", rep.Lines[:len(clients)], clients)
	}
	k := 0
	steps := rep.Lines[len(clients):]
	if rep.Property == checker.Liveness && steps[len(steps)-1] == engine.LivenessLine {
		steps = steps[:len(steps)-1] // a stalled state: the liveness phase runs from it
	}
	for _, l := range steps {
		if k < len(rep.Labels) && l == rep.Labels[k] {
			k++
			continue
		}
		verb, rest, _ := strings.Cut(l, " ")
		link, _, _ := strings.Cut(rest, " ")
		from, to, _ := strings.Cut(link, "->")
		switch {
		case verb == "deliver" && from == to && !c.NetworkSelf:
		case verb == "dup":
		case verb == "client" && strings.Contains(l, " retry to "):
		default:
			t.Fatalf("line %q is neither a step of the path %q nor a local delivery, duplication or retry", l, rep.Labels)
		}
	}
	if k != len(rep.Labels) {
		t.Fatalf("the lines hold %d of the path's %d steps in order", k, len(rep.Labels))
	}
}

// TestCheckDefaultSmall: the correct protocol on the default cluster
// (three replicas, two proposers, a set network) with one ballot each and
// no timers. The counts are pinned: a change means the protocol, the
// simulator's choice mode, the model or the explorer changed what a state
// is or how steps are enumerated.
func TestCheckDefaultSmall(t *testing.T) {
	c := DefaultCheck(&paxosInfo)
	c.MaxBallot = 1
	c.NoTimers = true
	want := searchCounts{explore.VerdictOK, 16249, 287131, 20, true, ""}
	for _, workers := range []int{1, 2} {
		rep := mustCheck(t, paxos.Adapter{}, c, explore.Options{Workers: workers})
		if got := countsOfReport(rep); got != want {
			t.Fatalf("workers=%d: %+v\nwant %+v", workers, got, want)
		}
		if rep.Lines != nil || rep.Labels != nil {
			t.Fatalf("workers=%d: an ok search came back with a counterexample", workers)
		}
	}
}

// TestCheckFindsVariants: breadth first finds each variant's shortest
// counterexample to the property it is known to break first; depth first
// finds one no shorter. Both replay.
func TestCheckFindsVariants(t *testing.T) {
	for _, tc := range []struct {
		variant string
		bfs     searchCounts
	}{
		{"ignore-promised-values", searchCounts{explore.VerdictViolation, 313, 971, 8, true, checker.SafeProposal}},
		{"one-ballot", searchCounts{explore.VerdictViolation, 58, 115, 6, true, checker.PromiseIntegrity}},
		{"no-promise", searchCounts{explore.VerdictViolation, 9, 10, 4, true, checker.PromiseMonotonicity}},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			v, err := paxosInfo.LookupVariant(tc.variant)
			if err != nil {
				t.Fatal(err)
			}
			if v.Breaks != tc.bfs.Property {
				t.Fatalf("%s breaks %s first, the table says %s", v.Name, v.Breaks, tc.bfs.Property)
			}
			c := smallCheck(tc.variant, 3, 2, 1, true)
			bfs := mustCheck(t, paxos.Adapter{}, c, explore.Options{})
			if got := countsOfReport(bfs); got != tc.bfs {
				t.Fatalf("bfs: %+v\nwant %+v", got, tc.bfs)
			}
			checkCounterexample(t, paxos.Adapter{}, c, bfs, true)
			dfs := mustCheck(t, paxos.Adapter{}, c, explore.Options{Strategy: explore.DFS})
			checkCounterexample(t, paxos.Adapter{}, c, dfs, false)
			if dfs.Property != bfs.Property || len(dfs.Labels) < len(bfs.Labels) || dfs.Depth < bfs.Depth {
				t.Fatalf("dfs: %s with a path of %d (depth %d); bfs: %s with %d", dfs.Property, len(dfs.Labels), dfs.Depth, bfs.Property, len(bfs.Labels))
			}
		})
	}
}

// TestCheckNetworkSelf: a replica's messages to itself through the
// network, for the scheduler to deliver whenever, are more interleavings
// than local calls: more states, and counterexamples no shorter, whose
// lines replay as they are.
func TestCheckNetworkSelf(t *testing.T) {
	for _, tc := range []struct {
		variant   string
		proposers int
	}{{engine.Correct, 1}, {"one-ballot", 2}, {"no-promise", 2}} {
		t.Run(tc.variant, func(t *testing.T) {
			c := smallCheck(tc.variant, 3, tc.proposers, 1, true)
			local := mustCheck(t, paxos.Adapter{}, c, explore.Options{})
			c.NetworkSelf = true
			net := mustCheck(t, paxos.Adapter{}, c, explore.Options{})
			if net.Verdict != local.Verdict || net.Property != local.Property || net.Depth < local.Depth {
				t.Fatalf("network self-sends: %+v; local: %+v", countsOfReport(net), countsOfReport(local))
			}
			if net.Verdict == explore.VerdictOK {
				if !net.Complete || net.Distinct <= local.Distinct {
					t.Fatalf("network self-sends: %+v; local: %+v", countsOfReport(net), countsOfReport(local))
				}
				return
			}
			checkCounterexample(t, paxos.Adapter{}, c, net, true)
			// No local delivery is written out: the only lines that are
			// not steps are the clients' and a set network's re-deliveries.
			added := 0
			for _, l := range net.Lines[tc.proposers:] {
				if strings.HasPrefix(l, "dup ") || strings.HasPrefix(l, "client ") {
					added++
				}
			}
			if len(net.Lines) != tc.proposers+len(net.Labels)+added {
				t.Fatalf("%d lines for %d steps and %d re-deliveries", len(net.Lines), len(net.Labels), added)
			}
		})
	}
}

func TestSymmetryGroup(t *testing.T) {
	for _, tc := range []struct{ nodes, proposers, size int }{
		{3, 2, 1}, {3, 3, 1}, {4, 2, 2}, {5, 2, 6}, {4, 1, 6}, {5, 1, 24},
	} {
		perms := symmetryGroup(tc.nodes, tc.proposers, engine.EveryRole(tc.nodes))
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
		}
		m := newPaxosModel(t, smallCheck(engine.Correct, tc.nodes, tc.proposers, 1, true))
		if m.SymmetryGroupSize() != tc.size {
			t.Errorf("SymmetryGroupSize %d, want %d", m.SymmetryGroupSize(), tc.size)
		}
	}
	if m := newMPModel(t, mpCheck(engine.Correct)); m.SymmetryGroupSize() != 1 {
		t.Errorf("Multi-Paxos, whose every replica may lead, has a symmetry group of %d", m.SymmetryGroupSize())
	}
}

// TestSymmetryGroupKeepsRoles: with roles on separate nodes, a renaming
// maps each node to one that plays the same parts, and the asked
// proposers to themselves: of 2 proposers (1 asked), 3 acceptors and 2
// learners, 3! * 2! renamings.
func TestSymmetryGroupKeepsRoles(t *testing.T) {
	roles := engine.Roles{Proposers: 1<<1 | 1<<2, Acceptors: 1<<3 | 1<<4 | 1<<5, Learners: 1<<6 | 1<<7}
	perms := symmetryGroup(7, 1, roles)
	if len(perms) != 12 {
		t.Fatalf("a group of %d, want 12", len(perms))
	}
	for _, p := range perms[1:] {
		for id := uint8(1); id <= 7; id++ {
			if partsOf(roles, id) != partsOf(roles, p[id]) {
				t.Fatalf("renaming %v maps node %d to %d, which plays other parts", p[:8], id, p[id])
			}
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

type (
	paxosModel = Model[protocol.Msg, protocol.Durable]
	paxosState = State[protocol.Msg, protocol.Durable]
)

func newPaxosModel(t testing.TB, c CheckConfig) *paxosModel {
	t.Helper()
	m, err := New(paxos.Adapter{}, &paxosInfo, c)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// successor returns s's successor by the step called label, retained (nil
// when no step is called so), and the labels of every successor.
func successor[M sim.Message, D any](m *Model[M, D], s *State[M, D], label string) (*State[M, D], []string) {
	var out *State[M, D]
	var labels []string
	m.successors(s, func(a sim.Action[M], next *State[M, D]) {
		labels = append(labels, a.String())
		if out == nil && a.String() == label {
			out = m.Retain(next)
		}
	})
	return out, labels
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
	if crash, inner, ok := strings.Cut(label, " of "); ok && strings.HasPrefix(crash, "crash ") {
		return swap34(crash) + " of " + swap34(inner) // a torn crash and its step
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

func modelKey(m *paxosModel, s *paxosState, exact, symmetry bool) (fingerprint.Key, string) {
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
		{"set/timers", smallCheck(engine.Correct, 4, 2, 2, false)},
		{"multiset/faults", func() CheckConfig {
			c := smallCheck(engine.Correct, 4, 2, 1, false)
			c.Network, c.Drops, c.Dups, c.Crashes = sim.Multiset, true, 1, 1
			return c
		}()},
	} {
		t.Run(cc.name, func(t *testing.T) {
			apart := 0
			for seed := range uint64(6) {
				m := newPaxosModel(t, cc.c)
				a, b := m.Init()[0], m.Init()[0]
				rng := sim.NewRandom(seed)
				var path []string
				for step := 0; step < 16; step++ {
					_, labels := successor(m, a, "")
					if len(labels) == 0 {
						break
					}
					l := labels[rng.Intn(sim.Decision{}, len(labels))]
					path = append(path, l)
					a, _ = successor(m, a, l)
					if b, _ = successor(m, b, swap34(l)); b == nil {
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
		{"correct/depth-10", smallCheck(engine.Correct, 4, 2, 1, true), 10, explore.VerdictOK, "", 2},
		{"correct/one-proposer", smallCheck(engine.Correct, 4, 1, 1, true), 0, explore.VerdictOK, "", 6},
		{"one-ballot", smallCheck("one-ballot", 4, 2, 1, true), 0, explore.VerdictViolation, checker.PromiseIntegrity, 2},
		{"no-promise", smallCheck("no-promise", 4, 2, 1, true), 0, explore.VerdictViolation, checker.PromiseMonotonicity, 2},
		{"accept-below-promise", smallCheck("accept-below-promise", 4, 2, 1, true), 0, explore.VerdictViolation, checker.PromiseMonotonicity, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := mustCheck(t, paxos.Adapter{}, tc.c, explore.Options{MaxDepth: tc.maxDepth})
			red := mustCheck(t, paxos.Adapter{}, tc.c, explore.Options{MaxDepth: tc.maxDepth, Symmetry: true})
			for _, r := range []Report{full, red} {
				if r.Verdict != tc.verdict || r.Property != tc.property {
					t.Fatalf("%s (%s), want %s (%s)", r.Verdict, r.Property, tc.verdict, tc.property)
				}
				if r.Verdict == explore.VerdictViolation {
					checkCounterexample(t, paxos.Adapter{}, tc.c, r, true)
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
		{"one-proposer", smallCheck(engine.Correct, 3, 1, 1, true), explore.Options{}, searchCounts{explore.VerdictOK, 233, 2396, 12, true, ""}, false},
		{"one-proposer/4/symmetry", smallCheck(engine.Correct, 4, 1, 1, true), explore.Options{Symmetry: true}, searchCounts{explore.VerdictOK, 416, 6317, 18, true, ""}, false},
		{"one-ballot", smallCheck("one-ballot", 3, 2, 1, true), explore.Options{}, searchCounts{explore.VerdictViolation, 58, 115, 6, true, checker.PromiseIntegrity}, false},
		{"one-proposer/timers", smallCheck(engine.Correct, 3, 1, 1, false), explore.Options{}, searchCounts{explore.VerdictOK, 4600, 74745, 19, true, ""}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.long && testing.Short() {
				t.Skip("a second with -short")
			}
			fp := mustCheck(t, paxos.Adapter{}, tc.c, tc.opts)
			opts := tc.opts
			opts.Exact = true
			exact := mustCheck(t, paxos.Adapter{}, tc.c, opts)
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
// and no-persist, which needs a crash, is found with one, by lines that
// crash a replica. Without crashes there is no counterexample as short.
func TestCheckMultisetFaults(t *testing.T) {
	faulty := func(c CheckConfig, crashes int) CheckConfig {
		c.Network, c.Drops, c.Dups, c.Crashes = sim.Multiset, true, 1, crashes
		return c
	}
	c := faulty(smallCheck(engine.Correct, 3, 1, 1, true), 1)
	rep := mustCheck(t, paxos.Adapter{}, c, explore.Options{})
	if got, want := countsOfReport(rep), (searchCounts{explore.VerdictOK, 42070, 301920, 14, true, ""}); got != want { // with torn crashes (39494 states before); torn crashes that cut nothing are not generated
		t.Fatalf("correct: %+v\nwant %+v", got, want)
	}

	c = faulty(smallCheck(protocol.NoPersist.Name, 3, 2, 1, true), 1)
	rep = mustCheck(t, paxos.Adapter{}, c, explore.Options{})
	checkCounterexample(t, paxos.Adapter{}, c, rep, true)
	if rep.Property != protocol.NoPersist.Breaks || rep.Depth != 5 { // 6 before torn crashes, which fold a delivery and the crash in one step
		t.Fatalf("no-persist: %+v, want %s at depth 5", countsOfReport(rep), protocol.NoPersist.Breaks)
	}
	if !slices.ContainsFunc(rep.Lines, func(l string) bool { return strings.HasPrefix(l, "crash ") }) {
		t.Fatalf("no-persist counterexample without a crash: %q", rep.Lines)
	}

	c = faulty(smallCheck(protocol.NoPersist.Name, 3, 2, 1, true), 0)
	rep = mustCheck(t, paxos.Adapter{}, c, explore.Options{MaxDepth: 7})
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
			first := mustCheck(t, paxos.Adapter{}, c, explore.Options{})
			c.Properties = []checker.Property{checker.Agreement}
			rep := mustCheck(t, paxos.Adapter{}, c, explore.Options{})
			checkCounterexample(t, paxos.Adapter{}, c, rep, true)
			if first.Property == checker.Agreement || rep.Property != checker.Agreement || rep.Depth <= first.Depth {
				t.Fatalf("first %s at depth %d; asked for agreement, %s at depth %d", first.Property, first.Depth, rep.Property, rep.Depth)
			}
			if !slices.ContainsFunc(rep.Violations, func(v checker.Violation) bool { return v.Property == checker.Agreement }) {
				t.Fatalf("the last state breaks %v, not agreement", rep.Violations)
			}
			// The path's states are the compact states of the model
			// that ran the search: search again to read the last one's
			// checker.
			m := newPaxosModel(t, c)
			res, err := explore.Run[*paxosState](m, explore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Labels, rep.Labels) {
				t.Fatalf("another search, another path:\n%q\n%q", res.Labels, rep.Labels)
			}
			safety, _ := m.Checkers(res.Path[len(res.Path)-1])
			if !slices.ContainsFunc(safety.Violations(), func(v checker.Violation) bool { return v.Property == checker.Agreement }) {
				t.Fatalf("the last state's checker has %v, not agreement", safety.Violations())
			}
		})
	}
}

// acceptHookNode is a replica that calls onAccept on each Accept it is
// delivered, before handling it: a bug in protocol code wired into the
// correct protocol (a panic, a call the contract rules out).
type acceptHookNode struct {
	*protocol.Node
	onAccept func(env *protocol.Env, m protocol.Msg)
}

type paxosNode = sim.Node[protocol.Msg, protocol.Durable, checker.Observation]

func (n *acceptHookNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type == protocol.Accept {
		n.onAccept(env, m)
	}
	n.Node.Deliver(env, from, m)
}

func (n *acceptHookNode) CloneInto(dst paxosNode) paxosNode {
	var inner paxosNode
	if d, ok := dst.(*acceptHookNode); ok && d != nil {
		inner = d.Node
	}
	return &acceptHookNode{n.Node.CloneInto(inner).(*protocol.Node), n.onAccept}
}

// acceptHooked is single-decree Paxos with acceptHookNode replicas.
type acceptHooked struct {
	paxos.Adapter
	onAccept func(env *protocol.Env, m protocol.Msg)
}

func (a acceptHooked) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	inner, err := a.Adapter.NewNodes(s)
	return func(id sim.NodeID, d protocol.Durable) paxosNode {
		return &acceptHookNode{inner(id, d).(*protocol.Node), a.onAccept}
	}, err
}

// panicking is single-decree Paxos whose replicas panic on an Accept.
var panicking = acceptHooked{onAccept: func(*protocol.Env, protocol.Msg) { panic("boom") }}

// straying is single-decree Paxos whose replicas answer an Accept with a
// message to a node that does not exist (sim.MisuseError).
var straying = acceptHooked{onAccept: func(env *protocol.Env, m protocol.Msg) { env.Send(9, m) }}

// TestCheckPanic: the model turns a panic in protocol code into a
// violation of the state it leaves, which names the event that panicked
// (an Accept, delivered by the network or, to a proposer's own acceptor,
// locally within the step that sent it) and has no successors; Check's
// lines replay to the same panic, the Accept's delivery last.
func TestCheckPanic(t *testing.T) {
	for _, s := range []explore.Strategy{explore.BFS, explore.DFS} {
		c := smallCheck(engine.Correct, 3, 2, 1, true)
		m, err := New[protocol.Msg, protocol.Durable](panicking, &paxosInfo, c)
		if err != nil {
			t.Fatal(err)
		}
		res, err := explore.Run[*paxosState](m, explore.Options{Strategy: s})
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != explore.VerdictViolation || !strings.HasPrefix(res.Violation, string(engine.PanicProperty)+":") ||
			!strings.Contains(res.Violation, "boom") || !strings.Contains(res.Violation, "Accept(") {
			t.Fatalf("%s: %s %q", s, res.Verdict, res.Violation)
		}
		if s == explore.BFS && res.Depth != len(res.Path) {
			t.Fatalf("depth %d, path of %d", res.Depth, len(res.Path))
		}
		if _, labels := successor(m, res.Path[len(res.Path)-1], ""); len(labels) != 0 {
			t.Fatalf("%s: a state that panicked has %d successors", s, len(labels))
		}
		rep := mustCheck(t, panicking, c, explore.Options{Strategy: s})
		checkCounterexample(t, panicking, c, rep, s == explore.BFS)
		if rep.Property != engine.PanicProperty || !strings.Contains(rep.Lines[len(rep.Lines)-1], " Accept(") {
			t.Fatalf("%s: %s, last line %q", s, rep.Property, rep.Lines[len(rep.Lines)-1])
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
		{"fifo", func(c *CheckConfig) { c.Config.FIFO = true }},
		{"nodes", func(c *CheckConfig) { c.Config.Nodes, c.Config.Clients = 17, 2 }},
		{"variant", func(c *CheckConfig) { c.Config.Variant = "no-such-variant" }},
		{"proposers", func(c *CheckConfig) { c.Config.Clients = 4 }},
		{"commands", func(c *CheckConfig) { c.Config.Commands = 2 }},
		{"reconfig", func(c *CheckConfig) { c.Reconfig = []sim.NodeID{1} }},
		{"alpha", func(c *CheckConfig) { c.Config.Params = map[string]string{"alpha": "2"} }},
	} {
		c := DefaultCheck(&paxosInfo)
		tc.edit(&c)
		err := c.Validate(&paxosInfo)
		if ce, ok := err.(*engine.ConfigError); !ok || ce.Field != tc.field {
			t.Errorf("want a %s error, got %v", tc.field, err)
		}
		if _, err := Check(paxos.Adapter{}, &paxosInfo, c, explore.Options{}); err == nil {
			t.Errorf("Check ran a config with a bad %s", tc.field)
		}
	}
	if err := DefaultCheck(&paxosInfo).Validate(&paxosInfo); err != nil {
		t.Fatalf("DefaultCheck: %v", err)
	}
	c := DefaultCheck(&paxosInfo)
	c.Ticks = true // every timer of single-decree Paxos fires anyway
	if _, err := New(paxos.Adapter{}, &paxosInfo, c); !isConfigError(err, "ticks") {
		t.Errorf("want a ticks error, got %v", err)
	}
}

func isConfigError(err error, field string) bool {
	ce, ok := err.(*engine.ConfigError)
	return ok && ce.Field == field
}

// TestModelIsAnExploreModel pins the interfaces the explorer relies on.
func TestModelIsAnExploreModel(t *testing.T) {
	var m any = &paxosModel{}
	if _, ok := m.(explore.Model[*paxosState]); !ok {
		t.Fatal("Model is not an explore.Model")
	}
	if _, ok := m.(explore.Retainer[*paxosState]); !ok {
		t.Fatal("Model is not an explore.Retainer: the explorer would keep its scratch states")
	}
}

// TestCheckMisuseIsAContractViolation: a call the contract rules out (a
// send to a node that does not exist) is a violation of the contract,
// naming the rule, as campaigns report it, not a panic; its counterexample
// replays to the same property.
func TestCheckMisuseIsAContractViolation(t *testing.T) {
	c := smallCheck(engine.Correct, 3, 2, 1, true)
	rep := mustCheck(t, straying, c, explore.Options{})
	if rep.Property != checker.ContractProperty || !strings.Contains(rep.Violation, "send-to-node") {
		t.Fatalf("%s, property %q: %s", rep.Verdict, rep.Property, rep.Violation)
	}
	checkCounterexample(t, straying, c, rep, true)
}

// TestCheckJudgesTheObservationContract: the search judges the form of
// the observations as campaigns do, first: a replica that reports, on
// each Accept, a promise of a ballot owned by no node breaks the
// contract's ballot-owner rule, which the search reports (not a safety
// property that follows from the malformed report), and its
// counterexample replays to the same.
func TestCheckJudgesTheObservationContract(t *testing.T) {
	malformed := acceptHooked{onAccept: func(env *protocol.Env, m protocol.Msg) {
		env.Observe(checker.Observation{Kind: checker.Promised, Ballot: checker.Ballot{Round: m.Ballot.Round, Node: 9}})
	}}
	c := smallCheck(engine.Correct, 3, 2, 1, true)
	rep := mustCheck(t, malformed, c, explore.Options{})
	if rep.Property != checker.ContractProperty || !strings.Contains(rep.Violation, "ballot-owner") {
		t.Fatalf("%s, property %q: %s", rep.Verdict, rep.Property, rep.Violation)
	}
	checkCounterexample(t, malformed, c, rep, true)
}
