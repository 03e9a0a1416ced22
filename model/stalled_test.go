package model

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// deafNode is a replica that hears no Commit and whose timers do
// nothing: once a value is chosen it never learns it, and nothing it does
// could change that.
type deafNode struct{ *protocol.Node }

func (n *deafNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type != protocol.Commit {
		n.Node.Deliver(env, from, m)
	}
}

func (n *deafNode) Fire(*protocol.Env, sim.TimerTag) {}

func (n *deafNode) CloneInto(dst paxosNode) paxosNode {
	var inner paxosNode
	if d, ok := dst.(*deafNode); ok && d != nil {
		inner = d.Node
	}
	return &deafNode{n.Node.CloneInto(inner).(*protocol.Node)}
}

// deafThird is single-decree Paxos whose replica 3 is a deafNode.
type deafThird struct{ paxos.Adapter }

func (a deafThird) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	inner, err := a.Adapter.NewNodes(s)
	return func(id sim.NodeID, d protocol.Durable) paxosNode {
		if id == 3 {
			return &deafNode{inner(id, d).(*protocol.Node)}
		}
		return inner(id, d)
	}, err
}

var deafLearner = deafThird{}

// TestCheckFindsAStalledLearner: a learner that can never learn the
// chosen value is a liveness violation of the search (a state every step
// of which leads back to it), found at its least depth, whose lines
// replay, with the liveness phase after them, to a liveness failure.
// The correct protocol in the same search has none.
func TestCheckFindsAStalledLearner(t *testing.T) {
	c := smallCheck(engine.Correct, 3, 2, 1, false)
	rep := mustCheck(t, deafLearner, c, explore.Options{})
	if rep.Property != checker.Liveness || !strings.Contains(rep.Violation, "node 3 has not learned it") {
		t.Fatalf("%s %s %q; want node 3 stalled unlearned", rep.Verdict, rep.Property, rep.Violation)
	}
	checkCounterexample(t, deafLearner, c, rep, true)
	if last := rep.Lines[len(rep.Lines)-1]; last != engine.LivenessLine {
		t.Fatalf("the lines end %q, want the liveness phase", last)
	}
	if ok := mustCheck(t, paxos.Adapter{}, c, explore.Options{}); ok.Verdict != explore.VerdictOK {
		t.Fatalf("the correct protocol: %s %q", ok.Verdict, ok.Violation)
	}
}

// TestAStallTheLivenessPhaseDoesNotConfirmIsNoVerdict: when the
// liveness phase run from a stalled state decides (a timed run may take
// steps a search does not), the stall is no evidence: the check searches
// again without judging progress, says why, and finds the protocol safe,
// with the counts of a search that never judged it.
func TestAStallTheLivenessPhaseDoesNotConfirmIsNoVerdict(t *testing.T) {
	c := smallCheck(engine.Correct, 3, 2, 1, false)
	m, err := New(deafLearner, &paxosInfo, c)
	if err != nil {
		t.Fatal(err)
	}
	m.replayLines = func([]string) (engine.Result, error) { return engine.Result{}, nil }
	rep, err := m.checkProgress(explore.Options{}, c.Config.Variant)
	if err != nil || rep.Verdict != explore.VerdictOK || !strings.Contains(rep.Note, "progress not judged") || !strings.Contains(rep.Note, "node 3 has not learned it") {
		t.Fatalf("%s %s %q, note %q, %v; want ok, progress not judged", rep.Verdict, rep.Property, rep.Violation, rep.Note, err)
	}
	c.Properties = []checker.Property{checker.Agreement} // no liveness: progress is not judged
	if want := countsOfReport(mustCheck(t, deafLearner, c, explore.Options{})); countsOfReport(rep) != want {
		t.Fatalf("counts %+v, want those of a search that does not judge progress, %+v", countsOfReport(rep), want)
	}
}
