package campaign

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// asserting is single-decree Paxos that declares one more assertion,
// extra, and whose nodes assert, on every delivery, that they are never
// told of a promise when failPromise is set.
type asserting struct {
	paxos.Adapter
	extra       engine.Assertion
	failPromise bool
}

func (a asserting) Info() engine.Info {
	info := a.Adapter.Info()
	if a.extra.Name != "" {
		info.Assertions = append(info.Assertions, a.extra)
	}
	return info
}

func (a asserting) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	inner, err := a.Adapter.NewNodes(s)
	if err != nil || !a.failPromise {
		return inner, err
	}
	return func(id sim.NodeID, d protocol.Durable) sim.Node[protocol.Msg, protocol.Durable, checker.Observation] {
		return promiseless{inner(id, d)}
	}, nil
}

type promiseless struct {
	sim.Node[protocol.Msg, protocol.Durable, checker.Observation]
}

func (n promiseless) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	env.Always(m.Type != protocol.Promise, "no promise ever arrives")
	n.Node.Deliver(env, from, m)
}

func runAsserting(t *testing.T, a asserting, seeds uint64) Summary {
	t.Helper()
	p := harness.New[protocol.Msg, protocol.Durable](a)
	if p.Err() != nil {
		t.Fatal(p.Err())
	}
	s, err := Run(context.Background(), Options{Protocol: p, Config: defaultConfig(), Seeds: seeds, Workers: 2, Swarm: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSometimesNeverHeldIsAGap: a declared Sometimes that no run holds
// (or a Reachable no run reaches) fails a campaign of CoverageMinSeeds
// seeds as a coverage gap naming it; the reference protocol's own
// assertions all hold.
func TestSometimesNeverHeldIsAGap(t *testing.T) {
	for _, kind := range []sim.AssertKind{sim.AssertSometimes, sim.AssertReachable, sim.AssertAlways} {
		s := runAsserting(t, asserting{extra: engine.Assertion{Name: "never reached", Kind: kind}}, CoverageMinSeeds)
		want := kind.String() + ": never reached was possible in 200 runs but never held"
		if gaps := FailingGaps(&s); !slices.Contains(gaps, want) || len(gaps) != 1 {
			t.Errorf("%s: failing gaps %q, want only %q", kind, gaps, want)
		}
	}
	s := runAsserting(t, asserting{extra: engine.Assertion{Name: "needs a partition", Kind: sim.AssertReachable, Needs: []string{"partition"}}}, CoverageMinSeeds)
	if exp := s.Coverage.Expected["reachable: needs a partition"]; exp == 0 || exp >= CoverageMinSeeds {
		t.Errorf("an assertion that needs partitions was expected in %d of %d swarm runs: want those that drew partitions", exp, CoverageMinSeeds)
	}
}

// TestAlwaysFailedIsAViolation: an Always that does not hold fails its
// seed as property "assertion", checked by the assertion's name.
func TestAlwaysFailedIsAViolation(t *testing.T) {
	s := runAsserting(t, asserting{failPromise: true}, 20)
	if s.Violations != 20 || s.ByProperty[string(engine.AssertionFailed)] != 20 {
		t.Fatalf("violations %d by property %v, want all 20 seeds to fail the assertion", s.Violations, s.ByProperty)
	}
	g := s.Groups[0]
	if len(s.Groups) != 1 || !strings.Contains(g.Signature, "no-promise-ever-arrives") || !strings.Contains(g.Message, `Always("no promise ever arrives") did not hold`) {
		t.Errorf("groups %+v: want one, named by the assertion", s.Groups)
	}
}

// TestFaultNamesAreTheFaultGroups: what an assertion may need is what a
// campaign turns on.
func TestFaultNamesAreTheFaultGroups(t *testing.T) {
	var names []string
	for _, g := range faultGroups {
		names = append(names, g.name)
	}
	if !slices.Equal(names, engine.FaultNames) {
		t.Errorf("engine.FaultNames %q, campaign's fault groups %q", engine.FaultNames, names)
	}
}
