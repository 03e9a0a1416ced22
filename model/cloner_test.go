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

// tallyNode is a replica that also marks, in place, each peer it had a
// message from (fingerprinted: its state). Its CloneInto is
// wrong in one of the ways real ones are (cloneBug).
type tallyNode struct {
	*protocol.Node
	tally []uint8 // per peer, in place
	bug   cloneBug
}

// cloneBug is how a tallyNode's CloneInto is wrong.
type cloneBug int

const (
	cloneRight   cloneBug = iota
	cloneShares           // the copy shares the tally's array with its original
	cloneReuses           // a copy into reused memory keeps the tally it held
	cloneForgets          // the copy's tally is empty (a field left out)
)

func (t *tallyNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if k := int(from) - 1; k >= 0 && k < len(t.tally) && t.tally[k] == 0 {
		t.tally[k] = 1
	}
	t.Node.Deliver(env, from, m)
}

func (t *tallyNode) Fingerprint(h *fingerprint.Hasher) {
	t.Node.Fingerprint(h)
	for _, c := range t.tally {
		h.Uint64(uint64(c))
	}
}

func (t *tallyNode) CloneInto(dst paxosNode) paxosNode {
	d, _ := dst.(*tallyNode)
	var inner paxosNode
	if d != nil {
		inner = d.Node
	}
	out := &tallyNode{Node: t.Node.CloneInto(inner).(*protocol.Node), bug: t.bug}
	switch {
	case t.bug == cloneShares:
		out.tally = t.tally
	case t.bug == cloneReuses && d != nil:
		out.tally = d.tally
	case t.bug == cloneForgets:
		out.tally = make([]uint8, len(t.tally))
	default:
		out.tally = append([]uint8(nil), t.tally...)
	}
	return out
}

// tallying is single-decree Paxos with tallyNode replicas.
type tallying struct {
	paxos.Adapter
	bug cloneBug
}

func (a tallying) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	inner, err := a.Adapter.NewNodes(s)
	return func(id sim.NodeID, d protocol.Durable) paxosNode {
		return &tallyNode{Node: inner(id, d).(*protocol.Node), tally: make([]uint8, s.Nodes), bug: a.bug}
	}, err
}

// TestBrokenClonersAreReported: a replica whose CloneInto shares memory
// with its original, keeps what the reused memory held, or leaves a field
// out, makes the search judge states the protocol never reaches; the
// search reports it as a violation of the contract (rule cloner or
// replay), not as a verdict on the protocol, for every worker count, in a
// set network (steps remembered) and a multiset one (whole worlds
// copied). The same replica with a right CloneInto passes: the audit
// raises no false alarm.
func TestBrokenClonersAreReported(t *testing.T) {
	set := smallCheck(engine.Correct, 3, 1, 1, false)
	multiset := smallCheck(engine.Correct, 3, 1, 1, true)
	multiset.Network = sim.Multiset
	for _, c := range []CheckConfig{set, multiset} {
		t.Run(c.Network.String(), func(t *testing.T) { checkClonerAudit(t, c) })
	}
}

func checkClonerAudit(t *testing.T, c CheckConfig) {
	right := mustCheck[protocol.Msg, protocol.Durable](t, tallying{bug: cloneRight}, c, explore.Options{Workers: 2})
	if right.Verdict != explore.VerdictOK || !right.Complete {
		t.Fatalf("a right CloneInto: %s (%s), complete %v", right.Verdict, right.Violation, right.Complete)
	}
	for _, bug := range []cloneBug{cloneShares, cloneReuses, cloneForgets} {
		for _, workers := range []int{1, 2} {
			rep := mustCheck[protocol.Msg, protocol.Durable](t, tallying{bug: bug}, c, explore.Options{Workers: workers})
			if rep.Verdict != explore.VerdictViolation || rep.Property != checker.ContractProperty {
				t.Fatalf("bug %d, %d workers: %s, property %q (%s)", bug, workers, rep.Verdict, rep.Property, rep.Violation)
			}
			if !strings.Contains(rep.Violation, "rule cloner") && !strings.Contains(rep.Violation, "rule replay") {
				t.Fatalf("bug %d: the violation names no rule: %s", bug, rep.Violation)
			}
			t.Logf("bug %d, %d workers: %s", bug, workers, rep.Violation)
			if len(rep.Lines) == 0 {
				t.Fatalf("bug %d: no path to the step", bug)
			}
		}
	}
}
