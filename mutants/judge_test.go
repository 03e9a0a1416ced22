package mutants

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	paxosAdapter "github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// TestJudgeIsDeterministic: the original code survives its own
// judgement, and the same code judged twice gets the same verdict (the
// verdict of a source mutant is a pure function of its code).
func TestJudgeIsDeterministic(t *testing.T) {
	o := JudgeOptions{Protocols: []*harness.Protocol{paxos, multiPaxos}, Budget: 30, PerformanceSeeds: 40, Start: 7, NoExplore: true}
	calls := 0
	o.Progress = func() { calls++ }
	a, err := Judge(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Judge(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if a.Killed {
		t.Fatalf("the original code is killed: %+v", a)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two judgements differ:\n%+v\n%+v", a, b)
	}
	edges := uint64(len(Edges(paxos.Info()))+len(Edges(multiPaxos.Info()))) * EdgeSeeds
	if a.Seeds != 2*(30+40)+edges || calls < 2*30 {
		t.Errorf("%d seeds, %d progress calls: want every protocol's whole budget", a.Seeds, calls)
	}
}

// TestJudgeStopsWhereTheMutationIsNotReached: a campaign whose probe never
// reached the mutated code runs no further.
func TestJudgeStopsWhereTheMutationIsNotReached(t *testing.T) {
	o := JudgeOptions{Protocols: []*harness.Protocol{paxos}, Budget: 2 * SourceProbe, NoExplore: true,
		Reached: func() bool { return false }, Reset: func() {}}
	v, err := Judge(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if v.Killed || v.Reached || v.Seeds != SourceProbe {
		t.Errorf("verdict %+v: want %d seeds, not reached, not killed", v, SourceProbe)
	}
}

// TestJudgeFollowsTheControlsSites: a protocol whose campaigns, in the
// control's judgement, never ran the mutant's site is skipped (its runs
// would be the control's), with an empty entry among the figures to keep
// their order; one whose campaigns ran it gets its whole budget, however
// late its seeds run the site; and the control records each protocol's
// sites.
func TestJudgeFollowsTheControlsSites(t *testing.T) {
	never := func() bool { return false }
	runBy := func(known, ran bool) func(string) (bool, bool) {
		return func(string) (bool, bool) { return known, ran }
	}
	o := JudgeOptions{Protocols: []*harness.Protocol{paxos}, Budget: 2 * SourceProbe, PerformanceSeeds: 10, NoExplore: true,
		Reached: never, Reset: func() {}, RunBy: runBy(true, false)}
	v, err := Judge(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if v.Killed || v.Seeds != 0 || len(v.Performance) != 1 || v.Performance[0].Protocol != paxos.Name() {
		t.Errorf("site never run: verdict %+v: want no seed, one empty entry of figures", v)
	}
	o.RunBy = runBy(true, true)
	if v, err = Judge(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if want := 2*SourceProbe + uint64(len(Edges(paxos.Info())))*EdgeSeeds + 10; v.Killed || v.Seeds != want {
		t.Errorf("site run late: %d seeds, want the whole budget, %d", v.Seeds, want)
	}
	calls := 0
	o.RunBy, o.Reached, o.Covered = nil, nil, func() []int { calls++; return []int{calls, 7} }
	if v, err = Judge(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := []ProtocolSites{{paxos.Name(), []int{2, 7}, []int{1, 2, 7}}}
	if !reflect.DeepEqual(v.Sites, want) {
		t.Errorf("the control's sites %+v, want %+v (what ran before, and then in the campaigns)", v.Sites, want)
	}
}

// refusesLargest is single-decree Paxos with a bound check off by one: it
// refuses the largest cluster the simulator runs, which a swarm (three to
// five nodes) never draws.
type refusesLargest struct{ paxosAdapter.Adapter }

func (a refusesLargest) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	if s.Nodes >= sim.MaxNodes {
		return nil, fmt.Errorf("%d nodes: want 1..%d", s.Nodes, sim.MaxNodes)
	}
	return a.Adapter.NewNodes(s)
}

// TestJudgeRunsTheEdges: the judge runs every edge of the cluster's and
// the protocol's knobs (Multi-Paxos's alpha and catch-up, 1 and 64, among them), where
// the correct protocols pass (TestJudgeIsDeterministic) and a bound check
// off by one at the largest cluster, or at two nodes, is caught.
func TestJudgeRunsTheEdges(t *testing.T) {
	want := []Edge{{"nodes", "1"}, {"nodes", "2"}, {"nodes", strconv.Itoa(sim.MaxNodes)}, {"alpha", "1"}, {"alpha", "64"}, {"catchup", "1"}, {"catchup", "64"}}
	if got := Edges(multiPaxos.Info()); !reflect.DeepEqual(got, want) {
		t.Errorf("multipaxos edges %v, want %v", got, want)
	}
	for i, buggy := range []*harness.Protocol{harness.New(refusesLargest{}), harness.New(refusesPairs{})} {
		v, err := Judge(context.Background(), JudgeOptions{Protocols: []*harness.Protocol{buggy}, Budget: 20, NoExplore: true})
		if err != nil {
			t.Fatal(err)
		}
		if !v.Killed || v.By != "campaign (edges)" {
			t.Errorf("buggy protocol %d: verdict %+v: want killed by the edge runs", i, v)
		}
	}
}

// refusesPairs is single-decree Paxos that refuses a cluster of two, a
// size a swarm never draws: a quorum check written as "more than one
// peer".
type refusesPairs struct{ paxosAdapter.Adapter }

func (a refusesPairs) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	if s.Nodes == 2 {
		return nil, fmt.Errorf("%d nodes: a quorum needs more than one peer", s.Nodes)
	}
	return a.Adapter.NewNodes(s)
}

// declaresMore is single-decree Paxos declaring one assertion more than
// its code makes: a Sometimes that no run can satisfy.
type declaresMore struct{ paxosAdapter.Adapter }

func (a declaresMore) Info() engine.Info {
	info := a.Adapter.Info()
	info.Assertions = append(info.Assertions, engine.Assertion{Name: "a situation the code never reaches", Kind: sim.AssertSometimes})
	return info
}

// TestJudgeFailsACoverageGap: a swarm campaign with a coverage gap, here
// a declared assertion never satisfied, fails as paxsim campaign fails
// it, once enough runs were tallied (campaign.Tally); the original code,
// judged alike, has none.
func TestJudgeFailsACoverageGap(t *testing.T) {
	o := JudgeOptions{Budget: 2 * campaign.CoverageMinSeeds, PerformanceSeeds: 10, NoExplore: true}
	o.Protocols = []*harness.Protocol{harness.New(declaresMore{})}
	v, err := Judge(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Killed || v.By != "campaign (coverage)" || !strings.Contains(v.Message, "never reaches") {
		t.Errorf("verdict %+v: want killed by the coverage gap, naming the assertion", v)
	}
	o.Protocols = []*harness.Protocol{paxos}
	if v, err := Judge(context.Background(), o); err != nil || v.Killed {
		t.Errorf("the original code: %+v, %v; want no kill", v, err)
	}
}
