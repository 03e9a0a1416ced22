package model

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// moodyNode is a replica with a mood its steps read: every prepare it is
// delivered (again, in a set network) flips it, and a moody replica
// ignores accepts, as if they were lost. That keeps it safe; but a
// Fingerprint that leaves the mood out (omit) stands for two states
// that take different steps, and a search that merges them never takes
// the steps of the one it dropped.
type moodyNode struct {
	*protocol.Node
	moody bool
	omit  bool
}

func (n *moodyNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	switch {
	case m.Type == protocol.Prepare:
		n.moody = !n.moody
	case m.Type == protocol.Accept && n.moody:
		return
	}
	n.Node.Deliver(env, from, m)
}

func (n *moodyNode) Fingerprint(h *fingerprint.Hasher) {
	n.Node.Fingerprint(h)
	if !n.omit {
		h.Bool(n.moody)
	}
}

func (n *moodyNode) CloneInto(dst paxosNode) paxosNode {
	var inner paxosNode
	if d, ok := dst.(*moodyNode); ok && d != nil {
		inner = d.Node
	}
	return &moodyNode{Node: n.Node.CloneInto(inner).(*protocol.Node), moody: n.moody, omit: n.omit}
}

// moody is single-decree Paxos with moodyNode replicas.
type moody struct {
	paxos.Adapter
	omit bool
}

func (a moody) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	inner, err := a.Adapter.NewNodes(s)
	return func(id sim.NodeID, d protocol.Durable) paxosNode {
		return &moodyNode{Node: inner(id, d).(*protocol.Node), omit: a.omit}
	}, err
}

// TestFingerprintsThatLeaveOutStateAreReported: a replica whose
// Fingerprint leaves out a field its steps read makes a search merge
// states that differ, and so miss what the dropped one does. The search
// reports it as a violation of the contract (rule identity), naming the
// field, with a path to a state that shows it, in a set network (steps
// remembered) and a multiset one (whole worlds copied); with two workers
// it reports that or nothing (which state they meet first under a
// fingerprint is the scheduler's). With the field fingerprinted, the same
// replicas are safe: the audit raises no false alarm.
func TestFingerprintsThatLeaveOutStateAreReported(t *testing.T) {
	set := smallCheck(engine.Correct, 3, 2, 1, true)
	multiset := smallCheck(engine.Correct, 3, 2, 1, true)
	multiset.Network, multiset.Crashes = sim.Multiset, 1 // the audit samples: a search of some thousands of states
	for _, c := range []CheckConfig{set, multiset} {
		t.Run(c.Network.String(), func(t *testing.T) {
			right := mustCheck[protocol.Msg, protocol.Durable](t, moody{}, c, explore.Options{Workers: 2})
			if right.Verdict != explore.VerdictOK || !right.Complete {
				t.Fatalf("the mood fingerprinted: %s (%s), complete %v", right.Verdict, right.Violation, right.Complete)
			}
			for _, workers := range []int{1, 2} {
				rep := mustCheck[protocol.Msg, protocol.Durable](t, moody{omit: true}, c, explore.Options{Workers: workers})
				if workers > 1 && rep.Verdict == explore.VerdictOK {
					continue // which state two workers meet first under a fingerprint is the scheduler's: found or not, never another verdict
				}
				if rep.Verdict != explore.VerdictViolation || rep.Property != checker.ContractProperty {
					t.Fatalf("%d workers: %s, property %q (%s)", workers, rep.Verdict, rep.Property, rep.Violation)
				}
				if !strings.Contains(rep.Violation, "rule identity") || !strings.Contains(rep.Violation, ".moody") {
					t.Fatalf("%d workers: the violation names neither the rule nor the field: %s", workers, rep.Violation)
				}
				if len(rep.Lines) == 0 {
					t.Fatalf("%d workers: no path to the state", workers)
				}
				t.Logf("%d workers: %s", workers, rep.Violation)
			}
		})
	}
}
