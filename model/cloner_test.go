package model

import (
	"strings"
	"sync/atomic"
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
	cloneRight        cloneBug = iota
	cloneShares                // the copy shares the tally's array with its original
	cloneReuses                // a copy into reused memory keeps the tally it held
	cloneForgets               // the copy's tally is empty (a field left out)
	fingerprintVaries          // Fingerprint writes a count of its calls (a map's order, as it were)
	stepVaries                 // Deliver marks a peer picked by a count of its calls
)

// calls counts the calls of Fingerprint and Deliver of replicas with bug
// fingerprintVaries or stepVaries: what they read besides their state,
// as a map's iteration order or a clock would be, but the same from one
// run of a one-worker search to the next.
var calls atomic.Int64

func (t *tallyNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if t.bug == stepVaries && m.Type == protocol.Prepare {
		t.tally[calls.Add(1)%int64(len(t.tally))] = 1
	}
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
	if t.bug == fingerprintVaries {
		h.Int(calls.Add(1))
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
	for _, bug := range []cloneBug{cloneShares, cloneReuses, cloneForgets, fingerprintVaries, stepVaries} {
		for _, workers := range []int{1, 2} {
			varies := bug == fingerprintVaries || bug == stepVaries
			if varies && workers > 1 {
				continue // the count's order between workers is the scheduler's
			}
			rep := mustCheck[protocol.Msg, protocol.Durable](t, tallying{bug: bug}, c, explore.Options{Workers: workers})
			if rep.Verdict != explore.VerdictViolation || rep.Property != checker.ContractProperty {
				t.Fatalf("bug %d, %d workers: %s, property %q (%s)", bug, workers, rep.Verdict, rep.Property, rep.Violation)
			}
			if !strings.Contains(rep.Violation, "rule cloner") && !strings.Contains(rep.Violation, "rule replay") {
				t.Fatalf("bug %d: the violation names no rule: %s", bug, rep.Violation)
			}
			// Which rule a broken copy trips first may depend on which worker
			// took a step first, when copies share memory: the wording is
			// checked with one worker.
			if workers == 1 && varies != strings.Contains(rep.Violation, "not a function of the node's state") {
				t.Fatalf("bug %d: the violation does not say whether the node's steps are a function of its state: %s", bug, rep.Violation)
			}
			t.Logf("bug %d, %d workers: %s", bug, workers, rep.Violation)
			if len(rep.Lines) == 0 {
				t.Fatalf("bug %d: no path to the step", bug)
			}
		}
	}
}
