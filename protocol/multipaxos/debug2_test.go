package multipaxos_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

func TestDebugStall(t *testing.T) {
	seed, _ := strconv.Atoi(os.Getenv("SEED"))
	if seed == 0 {
		t.Skip()
	}
	from, _ := strconv.Atoi(os.Getenv("FROM"))
	to, _ := strconv.Atoi(os.Getenv("TO"))
	alpha := 1 + seed%8
	s := setup{nodes: 5, seed: uint64(seed), sim: harsh(4000), safety: false, cfg: mp.Config{Alpha: alpha}}
	s.cfg.Members = smallViews[0]
	c := newCluster(t, s)
	for id := 1; id <= 4; id++ {
		c.addClient(id, c.kvOps(id, 15), c.spread(15, 4000))
	}
	var changes []mp.Msg
	for k, v := range smallViews[1:] {
		changes = append(changes, mp.Reconfig(admin, k+1, v...))
	}
	c.addClient(admin, changes, c.spread(len(changes), 4000))
	c.w.SetTracer(func(e sim.TraceEntry) {
		if e.Time > sim.Time(from) && e.Time < sim.Time(to) {
			fmt.Printf("%d %s %s->%s %s\n", e.Time, e.Kind, e.From, e.To, e.Msg)
		}
	})
	c.run(sim.Time(to), nil)
	for id := 1; id <= 5; id++ {
		fmt.Println("node", id, "applied", len(c.applied[id]))
	}
	for i, a := range c.log {
		fmt.Println(i+1, mp.FormatID(a.value))
	}
}
