package engine_test

import (
	"fmt"
	"github.com/paxsim/paxsim/checker/linearize"
	"slices"
	"strings"
	"testing"

	mpadapter "github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// TestLivenessAsksTheCoreOnly: under heavy faults, runs in which the heal
// leaves nodes down or cut off still decide, and every node of the core
// learns; the others need not.
func TestLivenessAsksTheCoreOnly(t *testing.T) {
	c := config(paxosP.Name())
	c.Crash, c.Partition = 0.05, 0.05
	left := 0
	for seed := uint64(0); seed < 200; seed++ {
		r := run(t, paxosP, c, seed, engine.Options{})
		if r.Failed() || !r.LivenessChecked {
			t.Fatalf("seed %d: %s, liveness checked %v: %v", seed, r.Stop, r.LivenessChecked, r.Violations)
		}
		if len(r.LeftFaulty) > 0 {
			left++
			if r.Learners < c.Nodes-len(r.LeftFaulty) {
				t.Fatalf("seed %d: %d learners, core of %d", seed, r.Learners, c.Nodes-len(r.LeftFaulty))
			}
		}
	}
	if left == 0 {
		t.Fatal("vacuous: no run left a node faulty")
	}
	t.Logf("%d of 200 runs left a node faulty", left)
}

// TestSwarmLivenessRegressions runs two swarm seeds whose correct runs
// once failed liveness: 1090875, where the heal left cut off the only
// replica that learned the value (the core now learns it by a learner's
// own ballot), and 39180, where a replica restarted while slowed 8x set
// its learn timer past the liveness bound (stretched timers now shrink
// back when the slowness ends). Each runs as the swarm drew it then
// (--fifo=false: FIFO links, the swarm's last draw, came later) and as it
// draws it now.
func TestSwarmLivenessRegressions(t *testing.T) {
	info := paxosP.Info()
	for _, seed := range []uint64{1090875, 39180} {
		for _, pinned := range []func(string) bool{noFIFO, nil} {
			c := config(paxosP.Name()).Swarm(info, seed, pinned)
			r := run(t, paxosP, c, seed, engine.Options{})
			if r.Failed() || !r.LivenessChecked || r.Learners < c.Nodes-len(r.LeftFaulty) {
				t.Errorf("seed %d (fifo %v): %s, %d learners, left faulty %v: %v", seed, c.FIFO, r.Stop, r.Learners, r.LeftFaulty, r.Violations)
			}
		}
	}
}

// mute is single-decree Paxos with a replica that, once a commit told it
// the value, drops clients' requests instead of answering them: it takes
// a late request for a stale one. The value is chosen and learned by
// every replica all the same.
type mute struct{ paxos.Adapter }

func (a mute) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	f, err := a.Adapter.NewNodes(s)
	if err != nil {
		return nil, err
	}
	return func(id sim.NodeID, d protocol.Durable) sim.Node[protocol.Msg, protocol.Durable, checker.Observation] {
		return &muteNode{Node: f(id, d), learned: d.Learned != checker.None}
	}, nil
}

type muteNode struct {
	sim.Node[protocol.Msg, protocol.Durable, checker.Observation]
	learned bool
}

func (n *muteNode) Deliver(env *sim.Env[protocol.Msg, protocol.Durable, checker.Observation], from sim.NodeID, m protocol.Msg) {
	switch {
	case m.Type == protocol.Commit:
		n.learned = true
	case m.Type == protocol.Request && n.learned:
		return // the bug: a late client is never answered
	}
	n.Node.Deliver(env, from, m)
}

// TestLivenessAsksForEveryClientsAnswer: a consensus object's client
// that proposed must hear the decision by the liveness deadline, not only
// the replicas. The mute replica's clients wait forever while every
// replica learns; the correct protocol answers every client in the same
// seeds.
func TestLivenessAsksForEveryClientsAnswer(t *testing.T) {
	a := mute{}
	info := a.Info()
	c := config(paxosP.Name())
	c.Clients, c.ProposeWindow = 3, 400
	failing := 0
	for seed := range uint64(100) {
		res, err := engine.Run(a, &info, c, seed, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed() {
			failing++
			if v := res.Violations[0]; v.Property != checker.Liveness || !strings.Contains(strings.Join(v.Evidence, ";"), "unanswered") {
				t.Fatalf("seed %d: %v, want a liveness failure naming the unanswered client", seed, &v)
			}
		}
		if r := run(t, paxosP, c, seed, engine.Options{}); r.Failed() {
			t.Fatalf("seed %d: the correct protocol fails: %v", seed, r.Violations)
		}
	}
	if failing == 0 {
		t.Fatal("no seed failed: no late client met a mute replica")
	}
	t.Logf("%d of 100 seeds failed", failing)
}

// TestUnansweredSinceInvocation: a liveness violation's evidence dates an
// unanswered operation from when its client invoked it (the history's
// Invoke), not from its last retry, and says when it was asked last.
// Seed 64 runs as the swarm drew it before hedged requests came (its
// last draw), which this seed's failure does not need.
func TestUnansweredSinceInvocation(t *testing.T) {
	c := mpConfig("no-overwrite").Swarm(mpP.Info(), 64, func(knob string) bool { return knob == "hedge" })
	r := run(t, mpP, c, 64, engine.Options{})
	if !r.Failed() || r.Violations[0].Property != checker.Liveness {
		t.Fatalf("want a liveness violation: %s", first(&r))
	}
	seen := 0
	for _, e := range r.Violations[0].Evidence {
		var client, seq int
		var op string
		var since, last int64
		if _, err := fmt.Sscanf(e, "client %d's %s", &client, &op); err != nil || !strings.Contains(e, "unanswered since") {
			continue
		}
		rest := e[strings.Index(e, "(#"):]
		if _, err := fmt.Sscanf(rest, "(#%d) unanswered since t=%d (asked last at t=%d)", &seq, &since, &last); err != nil {
			t.Fatalf("%q: %v", e, err)
		}
		i := slices.IndexFunc(r.KVOps, func(o linearize.KVOp) bool { return o.Client == client && o.Return < 0 })
		if i < 0 || r.KVOps[i].Invoke != since || last < since {
			t.Errorf("%q: the client's unanswered operation was invoked at %v", e, r.KVOps[i:i+1])
		}
		seen++
	}
	if seen == 0 {
		t.Fatalf("no unanswered operation in %v", r.Violations[0].Evidence)
	}
}

// TestNoRequestOwesNoDecision: a run in which no client asks for anything
// owes no decision, so its liveness phase passes whatever the timers do;
// a shrunk trace that dropped every client request is then no longer
// "the same failure" as one that starved a client. It once failed with
// "nothing decided and learned", for the correct protocol too. A client
// that asks gets its decision judged as before.
func TestNoRequestOwesNoDecision(t *testing.T) {
	for _, p := range protocols {
		c := config(p.Name())
		c.HealAt = 1
		tr := &trace.Trace{Config: c, Seed: 7, Lines: []sim.ScriptLine{{N: 1, Text: "timer 3 1"}, {N: 2, Text: "heal"}, {N: 3, Text: "liveness"}}}
		r, err := p.Replay(tr, engine.Options{})
		if err != nil || r.Failed() || !r.LivenessChecked {
			t.Errorf("%s, no client: err %v, liveness checked %v, violations %v", p.Name(), err, r.LivenessChecked, r.Violations)
		}
		tr.Lines = slices.Insert(tr.Lines, 0, sim.ScriptLine{N: 1, Text: "client 1 " + firstOp(p) + " to 1"})
		if r, err := p.Replay(tr, engine.Options{}); err != nil || r.Failed() || !r.LivenessChecked || r.Learners == 0 {
			t.Errorf("%s, a client: err %v, learners %d, violations %v", p.Name(), err, r.Learners, r.Violations)
		}
	}
}

// firstOp is a first request of p's client 1, as a trace writes it.
func firstOp(p *harness.Protocol) string {
	if p.Info().Workload.Kind == engine.KeyValue {
		return "put a 1.1"
	}
	return "proposes v1"
}

// TestFIFOBacklogDelaysTheDeadline: on FIFO links a message sent to a
// slowed replica before the heal, with a long-tailed delay stretched 8x,
// can arrive thousands of ticks after it and holds its link's later
// messages until then. The liveness bound counts from its arrival
// (sim.World.FIFOBacklog): these seeds of the correct protocol failed
// liveness at the nominal deadline, with a link to the core silent
// throughout, and decide past it now.
func TestFIFOBacklogDelaysTheDeadline(t *testing.T) {
	c := config(paxosP.Name())
	c.FIFO, c.Delay, c.HealAt = true, "tail:1-50", 300
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0, 0, 0, 0, 0, 0
	c.Faults = []string{"slow:3x8@0-200", "crash:3@150-250", "partition:1@260-5000"}
	nominal := int64(c.HealAt) + engine.LivenessBound(c.Liveness, 1, c.Nodes, 50) // one proposal a client, delays up to 50
	late := 0
	for _, seed := range []uint64{158, 244, 619, 1652, 2741} {
		r := run(t, paxosP, c, seed, engine.Options{})
		if r.Failed() || r.Stop != engine.StopDecided {
			t.Errorf("seed %d: %s: %v", seed, r.Stop, r.Violations)
		}
		if r.Time > nominal {
			late++
		}
	}
	if late == 0 {
		t.Fatalf("vacuous: every run decided by the nominal deadline t=%d", nominal)
	}
}

// leaseReads is Multi-Paxos whose replicas answer every get from their
// own state, as a leader with a read lease does, without a log entry: a
// fresh cluster's gets read "" and are correct.
var leaseReads = mpadapter.Wrapped{Wrap: func(n mpadapter.Node) mpadapter.Node { return leaseNode{n} }}

type leaseNode struct{ mpadapter.Node }

func (n leaseNode) Deliver(env *sim.Env[multipaxos.Msg, multipaxos.Durable, checker.Observation], from sim.NodeID, m multipaxos.Msg) {
	if m.Type == multipaxos.RequestMsg && len(m.Entries) == 1 && m.Entries[0].Cmd.Op == multipaxos.OpGet {
		c := m.Entries[0].Cmd
		client, _, _ := multipaxos.DecodeID(c.ID)
		env.Observe(checker.Observation{Kind: checker.Returned, Client: client, Value: c.ID})
		return
	}
	n.Node.Deliver(env, from, m)
}

// TestAnsweredReadsOweNoLogEntry: a replicated log whose clients all have
// their answers, reads served without a log entry, owes no entry applied:
// it once failed liveness, "nothing decided", with every client answered
// and the history linearizable. A put still owes its entry.
func TestAnsweredReadsOweNoLogEntry(t *testing.T) {
	p := harness.New[multipaxos.Msg, multipaxos.Durable](leaseReads)
	c := config(mpP.Name())
	c.Nodes, c.Clients, c.Commands, c.HealAt = 1, 1, 1, 1
	tr := &trace.Trace{Config: c, Seed: 3, Lines: []sim.ScriptLine{{N: 1, Text: "client 1 get a to 1"}, {N: 2, Text: "heal"}, {N: 3, Text: "liveness"}}}
	r, err := p.Replay(tr, engine.Options{})
	if err != nil || r.Failed() || r.Stop != engine.StopDecided {
		t.Fatalf("a read answered from the replica's state: err %v, stop %s, violations %v", err, r.Stop, r.Violations)
	}
	tr.Lines[0].Text = "client 1 put a 1.1 to 1"
	if r, err := p.Replay(tr, engine.Options{}); err != nil || r.Failed() || r.Learners == 0 {
		t.Fatalf("a put: err %v, learners %d, violations %v", err, r.Learners, r.Violations)
	}
}

// TestUnansweredProposalSaysAskedAgain: a consensus client left without an
// answer asked again after the heal, and the liveness evidence says when
// and of which replica, not only the replica it first asked (which the
// heal may have left cut off).
func TestUnansweredProposalSaysAskedAgain(t *testing.T) {
	a := mute{}
	info := a.Info()
	c := config(paxosP.Name())
	c.Clients, c.ProposeWindow = 3, 400
	for seed := range uint64(100) {
		res, err := engine.Run(a, &info, c, seed, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Failed() {
			continue
		}
		for _, e := range res.Violations[0].Evidence {
			var client, node, since, at, again int
			var value string
			if _, err := fmt.Sscanf(e, "client %d's proposal of %s to node %d unanswered since t=%d (asked again at t=%d, of node %d)", &client, &value, &node, &since, &at, &again); err == nil {
				if at < since || again < 1 || again > c.Nodes {
					t.Fatalf("seed %d: %q", seed, e)
				}
				return
			}
		}
		t.Fatalf("seed %d: no unanswered proposal says it was asked again: %v", seed, res.Violations[0].Evidence)
	}
	t.Fatal("no seed failed")
}

// headless is Multi-Paxos whose replicas never hear an accept of instance
// 1 (a leader's own acceptor votes by a local call, so no majority ever
// does): a hole at the head of the log, behind instances that are chosen.
var headless = mpadapter.Wrapped{Wrap: func(n mpadapter.Node) mpadapter.Node { return headlessNode{n} }}

type headlessNode struct{ mpadapter.Node }

func (n headlessNode) Deliver(env *sim.Env[multipaxos.Msg, multipaxos.Durable, checker.Observation], from sim.NodeID, m multipaxos.Msg) {
	if m.Type == multipaxos.Accept {
		m.Entries = slices.DeleteFunc(slices.Clone(m.Entries), func(e multipaxos.Entry) bool { return e.Instance == 1 })
	}
	n.Node.Deliver(env, from, m)
}

// TestLivenessNamesAHoleAtTheHeadOfTheLog: a log whose instance 1 is never
// chosen, while later ones are, applies nothing; its liveness failure is
// the core's being behind, not "nothing decided", and says where the hole
// is.
func TestLivenessNamesAHoleAtTheHeadOfTheLog(t *testing.T) {
	p := harness.New[multipaxos.Msg, multipaxos.Durable](headless)
	c := config(p.Name())
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0, 0, 0, 0, 0, 0
	for seed := range uint64(5) {
		r := run(t, p, c, seed, engine.Options{})
		if len(r.Violations) != 1 || r.Violations[0].Property != checker.Liveness {
			t.Fatalf("seed %d: %v, want one liveness failure", seed, r.Violations)
		}
		v := r.Violations[0]
		ev := strings.Join(v.Evidence, "; ")
		if v.Check != "core-behind" || !strings.Contains(ev, "applied no instance: instance 1 has no chosen value, while") {
			t.Fatalf("seed %d: %s: %s (%s)", seed, v.Check, v.Message, ev)
		}
	}
}
