package multipaxos_test

import (
	"testing"

	"github.com/paxsim/paxsim/checker"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// TestSharedMemoryIsWriteOnce: what a replica shares is never written
// afterwards. The messages it sends are held by the network, which
// delivers copies of them late (duplicates, re-deliveries), and the Durable
// it persists is kept by the world to restart it from; both take their
// entries from the replica's arena, never from memory it writes on. The
// test digests every message as it is delivered and every Durable as it is
// persisted, and digests them all again at the end of runs under every
// fault: a replica that reused a buffer it had handed out (its commit
// notifications, its scratch) changes a digest.
func TestSharedMemoryIsWriteOnce(t *testing.T) {
	for seed := range uint64(4) {
		w := &sharedWatch{}
		s := setup{nodes: 3 + 2*int(seed%2), seed: seed, sim: harsh(2000), wrap: w.wrap}
		c := newCluster(t, s)
		w.w = c.w
		for id := 1; id <= 3; id++ {
			c.addClient(id, c.kvOps(id, 40), c.spread(40, 2000))
		}
		c.run(6000, func() bool { return c.w.Now() >= 2000 && c.clientsDone() && c.caughtUp() })
		if p, msg := c.violation(); p != "" {
			t.Fatalf("seed %d: %s: %s", seed, p, msg)
		}
		w.noteDurables()
		if len(w.msgs) < 500 || len(w.durables) < 100 {
			t.Fatalf("seed %d: %d messages and %d durable states watched: too few", seed, len(w.msgs), len(w.durables))
		}
		for i, m := range w.msgs {
			if m.msg.Digest() != m.digest {
				t.Fatalf("seed %d: delivered message %d changed after its delivery: now %s", seed, i, m.msg.Describe())
			}
		}
		for i, d := range w.durables {
			if durableDigest(d.d) != d.digest {
				t.Fatalf("seed %d: persisted state %d of node %d changed after it was persisted", seed, i, d.node)
			}
		}
	}
}

// sharedWatch records what replicas share, with its digest at the time.
type sharedWatch struct {
	w    *world
	msgs []struct {
		msg    mp.Msg
		digest uint64
	}
	durables []struct {
		node   sim.NodeID
		d      mp.Durable
		digest uint64
	}
	last map[sim.NodeID]mp.Durable
}

func (sw *sharedWatch) wrap(f sim.NewNode[mp.Msg, mp.Durable, checker.Observation]) sim.NewNode[mp.Msg, mp.Durable, checker.Observation] {
	return func(id sim.NodeID, d mp.Durable) sim.Node[mp.Msg, mp.Durable, checker.Observation] {
		return &watchedNode{Node: f(id, d), watch: sw}
	}
}

// noteDurables records each replica's persisted state if it is new: a
// handler's persist is in the world once the handler returned.
func (sw *sharedWatch) noteDurables() {
	if sw.w == nil {
		return
	}
	if sw.last == nil {
		sw.last = map[sim.NodeID]mp.Durable{}
	}
	for id := sim.NodeID(1); int(id) <= sw.w.Nodes(); id++ {
		d := sw.w.Durable(id)
		if prev, ok := sw.last[id]; ok && sameDurable(prev, d) {
			continue
		}
		sw.last[id] = d
		sw.durables = append(sw.durables, struct {
			node   sim.NodeID
			d      mp.Durable
			digest uint64
		}{id, d, durableDigest(d)})
	}
}

// sameDurable reports whether a and b are the same persisted value (the
// same promise and the same slices), not merely equal ones.
func sameDurable(a, b mp.Durable) bool {
	same := func(x, y []mp.Entry) bool {
		return len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	return a.Promised == b.Promised && same(a.Prefix, b.Prefix) && same(a.Tail, b.Tail)
}

func durableDigest(d mp.Durable) uint64 {
	return mp.Msg{Ballot: d.Promised, Entries: d.Prefix, Commits: d.Tail}.Digest()
}

// watchedNode is a replica whose deliveries the watch records.
type watchedNode struct {
	sim.Node[mp.Msg, mp.Durable, checker.Observation]
	watch *sharedWatch
}

func (n *watchedNode) Start(env *mp.Env) {
	n.watch.noteDurables()
	n.Node.Start(env)
}

func (n *watchedNode) Deliver(env *mp.Env, from sim.NodeID, m mp.Msg) {
	n.watch.noteDurables()
	n.watch.msgs = append(n.watch.msgs, struct {
		msg    mp.Msg
		digest uint64
	}{m, m.Digest()})
	n.Node.Deliver(env, from, m)
}

func (n *watchedNode) Fire(env *mp.Env, tag sim.TimerTag) {
	n.watch.noteDurables()
	n.Node.Fire(env, tag)
}
