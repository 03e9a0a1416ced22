package multipaxos_test

import (
	"fmt"
	"testing"

	"github.com/paxsim/paxsim/checker"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// admin is the client id that sends reconfigurations.
const admin = 100

// Two schedules of configurations for five nodes. In large, every view has
// four or five members, so a majority of a view is a majority of the
// cluster. In small, views have three members and quorums of successive
// views can be disjoint: checker.Safety counts each entry's quorum in the
// view its observations carry, and checks that an instance has one view.
var (
	largeViews = [][]sim.NodeID{{1, 2, 3, 4}, {1, 2, 3, 4, 5}, {2, 3, 4, 5}, {1, 2, 4, 5}, {1, 2, 3, 5}, {1, 2, 3, 4, 5}}
	smallViews = [][]sim.NodeID{{1, 2, 3}, {3, 4, 5}, {1, 2, 5}, {2, 3, 4}, {1, 4, 5}, {1, 2, 3}}
)

// reconfigCampaign runs kv clients and an admin client that moves the
// cluster through views (the first is the initial configuration), one
// reconfiguration at a time, while faults run until healAt.
func reconfigCampaign(t testing.TB, s setup, views [][]sim.NodeID, clients, ops int, healAt, grace sim.Time) (*cluster, bool) {
	s.cfg.Members = views[0]
	c := newCluster(t, s)
	for id := 1; id <= clients; id++ {
		c.addClient(id, c.kvOps(id, ops), c.spread(ops, healAt))
	}
	var changes []mp.Msg
	for k, v := range views[1:] {
		changes = append(changes, mp.Reconfig(admin, k+1, v...))
	}
	c.addClient(admin, changes, c.spread(len(changes), healAt))
	live := c.run(healAt+grace, func() bool { return c.w.Now() >= healAt && c.clientsDone() && c.caughtUp() })
	if p, _ := c.violation(); p == "" {
		c.verify()
	}
	return c, live
}

// TestReconfigurationUnderFaults adds and removes replicas while drops,
// duplicates, crashes and partitions go on: safety holds, every
// reconfiguration takes effect, and every replica, members added late
// included, catches up on the whole log.
func TestReconfigurationUnderFaults(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 15
	}
	for _, tt := range []struct {
		name  string
		views [][]sim.NodeID
	}{
		{"large views", largeViews},
		{"small views", smallViews},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for seed := 1; seed <= seeds; seed++ {
				s := setup{nodes: 5, seed: uint64(seed), sim: faulty(3000), cfg: mp.Config{Alpha: 1 + seed%8}}
				c, live := reconfigCampaign(t, s, tt.views, 3, 10, 3000, 8000)
				if p, msg := outcome(c, live); p != "" {
					t.Fatalf("seed %d (alpha %d): %s: %s", seed, s.cfg.Alpha, p, msg)
				}
				if got := c.replies[mp.ReconfigID(admin, len(tt.views)-1)]; len(got) == 0 || got[0][:2] != "OK" {
					t.Fatalf("seed %d: the last reconfiguration answered %q", seed, got)
				}
			}
		})
	}
}

// TestNewMemberCatchesUp starts with three members of five, lets the
// cluster run a while, adds nodes 4 and 5 and removes 1 and 2: the new
// members learn the log they missed, vote in the new view, and the
// removed ones keep learning.
func TestNewMemberCatchesUp(t *testing.T) {
	c := newCluster(t, setup{nodes: 5, seed: 11, cfg: mp.Config{Members: []sim.NodeID{1, 2, 3}, Alpha: 4}})
	c.addClient(1, c.kvOps(1, 40), c.spread(40, 2000))
	c.addClient(admin, []mp.Msg{mp.Reconfig(admin, 1, 3, 4, 5)}, []sim.Time{1000})
	if !c.run(10000, func() bool { return c.clientsDone() && c.caughtUp() }) {
		p, msg := outcome(c, false)
		t.Fatalf("%s: %s", p, msg)
	}
	c.verify()
	if p, msg := c.violation(); p != "" {
		t.Fatalf("%s: %s", p, msg)
	}
	// The change is chosen at some instance j and governs from j+4 on:
	// entries before are stamped {1,2,3}, after {3,4,5}, and 4 and 5 accept
	// only the latter.
	var j int64
	for i, a := range c.log {
		if a.value == mp.ReconfigID(admin, 1) {
			j = int64(i + 1)
		}
	}
	if j == 0 {
		t.Fatal("the reconfiguration is not in the log")
	}
	for k, voters := range c.accepts {
		want := mp.MemberSet(1, 2, 3)
		if k.instance >= j+4 {
			want = mp.MemberSet(3, 4, 5)
		}
		if k.view != want || voters&^want != 0 {
			t.Errorf("instance %d (reconfig at %d): accepted by {%s} in view {%s}, want view {%s}", k.instance, j,
				sim.FormatNodes(voters), sim.FormatNodes(k.view), sim.FormatNodes(want))
		}
	}
	if len(c.log) < int(j)+8 {
		t.Fatalf("only %d instances after the change at %d", len(c.log)-int(j), j)
	}
	for id := 1; id <= 5; id++ {
		if len(c.applied[id]) != len(c.log) {
			t.Errorf("node %d applied %d of %d", id, len(c.applied[id]), len(c.log))
		}
	}
	t.Logf("reconfiguration chosen at instance %d of %d; answer %q", j, len(c.log), c.replies[mp.ReconfigID(admin, 1)])
}

// TestInvalidReconfigurationChangesNothing: a reconfiguration naming a
// node outside the cluster fails when applied, on every replica alike.
func TestInvalidReconfigurationChangesNothing(t *testing.T) {
	c := newCluster(t, setup{nodes: 3, seed: 5})
	c.addClient(admin, []mp.Msg{mp.Reconfig(admin, 1, 1, 2, 9), mp.Put(admin, 2, "k", "v")}, nil)
	if !c.run(5000, func() bool { return c.clientsDone() && c.caughtUp() }) {
		p, msg := outcome(c, false)
		t.Fatalf("%s: %s", p, msg)
	}
	got := c.replies[mp.ReconfigID(admin, 1)]
	if len(got) == 0 || got[0][:6] != "error:" {
		t.Fatalf("an invalid reconfiguration answered %q", got)
	}
	for k := range c.accepts {
		if k.view != mp.MemberSet(1, 2, 3) {
			t.Fatalf("instance %d stamped with view {%s}", k.instance, sim.FormatNodes(k.view))
		}
	}
	if p, msg := c.violation(); p != "" {
		t.Fatalf("%s: %s", p, msg)
	}
	_ = fmt.Sprint(checker.None)
}
