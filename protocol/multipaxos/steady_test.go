package multipaxos_test

import (
	"testing"

	"github.com/paxsim/paxsim/checker"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

func TestFaultFreeClusterServesEveryClient(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5} {
		c, live := campaign(t, setup{nodes: n, seed: uint64(n)}, 3, 20, 0, 5000)
		if p, msg := outcome(c, live); p != "" {
			t.Fatalf("n=%d: %s: %s", n, p, msg)
		}
		if len(c.log) < 60 {
			t.Fatalf("n=%d: %d instances applied for 60 commands", n, len(c.log))
		}
	}
}

// TestSteadyStateCostsOneRoundTrip measures, once a leader is stable, the
// messages a committed command costs in a fault-free run: exactly one
// accept to each other acceptor and one accepted back. Commit
// notifications ride on the next accept (or on a heartbeat, which is
// periodic and not counted); nothing else is sent.
func TestSteadyStateCostsOneRoundTrip(t *testing.T) {
	for _, n := range []int{1, 3, 5} {
		const commands = 30
		c := newCluster(t, setup{nodes: n, seed: 7, tracing: true})
		cl := c.addClient(1, c.kvOps(1, 1+commands), nil)
		if !c.run(5000, func() bool { return cl.done == 1 }) {
			t.Fatalf("n=%d: no first command by t=%d", n, c.w.Now())
		}
		var leader sim.NodeID
		for id, k := range c.proposed {
			if k > 0 {
				if leader != 0 {
					t.Fatalf("n=%d: nodes %d and %d both proposed in a fault-free run", n, leader, id)
				}
				leader = id
			}
		}
		cl.target = func() sim.NodeID { return leader }
		c.counting = true
		before := len(c.log)
		if !c.run(20000, func() bool { return cl.done == 1+commands }) {
			t.Fatalf("n=%d: not done by t=%d", n, c.w.Now())
		}
		c.run(c.w.Now()+50, nil) // the last replies land
		c.counting = false
		if p, msg := c.violation(); p != "" {
			t.Fatalf("n=%d: %s: %s", n, p, msg)
		}
		if got := len(c.log) - before; got != commands {
			t.Errorf("n=%d: %d instances for %d commands", n, got, commands)
		}
		peers := n - 1
		for _, mt := range []mp.MsgType{mp.Accept, mp.Accepted} {
			if got := c.delivered[mt]; got != commands*peers {
				t.Errorf("n=%d: %d %s messages for %d commands, want %d (one per peer per command)", n, got, mt, commands, commands*peers)
			}
		}
		for _, mt := range []mp.MsgType{mp.RequestMsg, mp.Prepare, mp.Promise, mp.Nack, mp.LearnReq, mp.Learn} {
			if got := c.delivered[mt]; got != 0 {
				t.Errorf("n=%d: %d %s messages in the steady state", n, got, mt)
			}
		}
		t.Logf("n=%d: %d commands: %d accepts, %d accepted, %d heartbeats", n, commands, c.delivered[mp.Accept], c.delivered[mp.Accepted], c.delivered[mp.Heartbeat])
	}
}

// TestRetriedCommandExecutesOnce sends every request twice, to two
// replicas, and once more after its answer: each takes effect once and
// every copy gets the first execution's output.
func TestRetriedCommandExecutesOnce(t *testing.T) {
	c := newCluster(t, setup{nodes: 3, seed: 3})
	ops := c.kvOps(1, 20)
	cl := c.addClient(1, ops, nil)
	// Duplicates: every request also goes, 3 ticks later, to the next
	// replica; answered ones go again.
	c.run(8000, func() bool {
		if cl.waiting && c.w.Now() == cl.sentAt {
			c.w.Request(c.w.Now()+3, sim.NodeID(1+int(c.w.Now())%3), cl.current)
			if cl.done > 0 {
				c.w.Request(c.w.Now()+4, 2, ops[cl.done-1])
			}
		}
		return cl.done == len(ops)
	})
	c.run(c.w.Now()+2000, c.caughtUp)
	c.verify()
	if p, msg := outcome(c, cl.done == len(ops) && c.caughtUp()); p != "" {
		t.Fatalf("%s: %s", p, msg)
	}
	for id, outs := range c.replies {
		for _, o := range outs[1:] {
			if o != outs[0] {
				t.Errorf("%s answered %q and %q", mp.FormatID(id), outs[0], o)
			}
		}
	}
	var dups int
	for node := 1; node <= 3; node++ {
		seen := map[checker.Value]int{}
		for _, a := range c.applied[node] {
			seen[a.value]++
		}
		for id, k := range seen {
			if id != mp.NoOp && k > 1 {
				dups++
			}
		}
	}
	t.Logf("%d commands appear more than once in a replica's log, executed once", dups)
}

// TestLeaderFailover crashes one replica after another, each for a while,
// under a steady load: whenever the leader is the one that crashes, the
// others notice its silence within their randomized election timeouts and
// elect another, so the log never stalls for long.
func TestLeaderFailover(t *testing.T) {
	var sched []sim.ScheduledFault
	for k := 0; k < 5; k++ {
		start := sim.Time(800 + 700*k)
		sched = append(sched, sim.ScheduledFault{Kind: sim.FaultCrash, Nodes: 1 << uint(1+k), Start: start, End: start + 400})
	}
	for seed := uint64(1); seed <= 10; seed++ {
		c := newCluster(t, setup{nodes: 5, seed: seed, sim: sim.Config{Faults: sim.FaultConfig{Schedule: sched}}})
		for id := 1; id <= 3; id++ {
			c.addClient(id, c.kvOps(id, 60), c.spread(60, 4500))
		}
		if !c.run(20000, func() bool { return c.clientsDone() && c.caughtUp() }) {
			p, msg := outcome(c, false)
			t.Fatalf("seed %d: %s: %s", seed, p, msg)
		}
		c.verify()
		if p, msg := c.violation(); p != "" {
			t.Fatalf("seed %d: %s: %s", seed, p, msg)
		}
		var worst sim.Time
		for k := 1; k < len(c.logAt); k++ {
			worst = max(worst, c.logAt[k]-c.logAt[k-1])
		}
		// Election timeouts are 100-200 ticks: a failover costs one, a
		// campaign round trip, and the clients' pace.
		if worst > 600 {
			t.Errorf("seed %d: the log stalled for %d ticks", seed, worst)
		}
		leaders := map[sim.NodeID]bool{}
		for id, k := range c.proposed {
			if k > 0 {
				leaders[id] = true
			}
		}
		if len(leaders) < 2 {
			t.Errorf("seed %d: only %d replica(s) ever led", seed, len(leaders))
		}
		t.Logf("seed %d: %d leaders, longest stall %d ticks", seed, len(leaders), worst)
	}
}

// TestDuellingCandidatesSettle sets election timeouts close to the round
// trip, so that followers often time out at once and candidates pre-empt
// each other's ballots: randomized, growing backoff lets one win, and the
// clients are served.
func TestDuellingCandidatesSettle(t *testing.T) {
	var prepares, nacks int
	defer func() { t.Logf("20 seeds: %d prepares and %d nacks delivered", prepares, nacks) }()
	for seed := uint64(1); seed <= 20; seed++ {
		cfg := mp.Config{ElectionTicks: 12, HeartbeatTicks: 6}
		c := newCluster(t, setup{nodes: 5, seed: seed, cfg: cfg, tracing: true})
		c.counting = true
		for id := 1; id <= 3; id++ {
			c.addClient(id, c.kvOps(id, 20), nil)
		}
		if !c.run(30000, func() bool { return c.clientsDone() && c.caughtUp() }) {
			p, msg := outcome(c, false)
			t.Fatalf("seed %d: %s: %s", seed, p, msg)
		}
		if p, msg := c.violation(); p != "" {
			t.Fatalf("seed %d: %s: %s", seed, p, msg)
		}
		prepares += c.delivered[mp.Prepare]
		nacks += c.delivered[mp.Nack]
	}
}

// TestDeterministic: the same seed gives the same run, event for event.
func TestDeterministic(t *testing.T) {
	hash := func() (uint64, int64) {
		c, _ := campaign(t, setup{nodes: 5, seed: 42, sim: faulty(2000)}, 3, 10, 2000, 6000)
		return c.w.Hash(), c.w.Events()
	}
	h1, e1 := hash()
	h2, e2 := hash()
	if h1 != h2 || e1 != e2 {
		t.Fatalf("two runs of one seed differ: %x (%d events) and %x (%d events)", h1, e1, h2, e2)
	}
}
