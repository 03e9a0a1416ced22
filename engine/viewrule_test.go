package engine_test

import (
	"strconv"
	"testing"

	mpadapter "github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// lateWindow is Multi-Paxos whose replicas put a reconfiguration in force
// one instance later than the window the run was configured with (an
// off-by-one at the window's edge): every replica agrees, so the log, the
// views of each instance and the clients' answers all look right.
type lateWindow struct{ mpadapter.Adapter }

func (a lateWindow) NewNodes(s engine.Setup) (sim.NewNode[mp.Msg, mp.Durable, checker.Observation], error) {
	alpha := mpadapter.DefaultAlpha
	if text, ok := s.Params["alpha"]; ok {
		alpha, _ = strconv.Atoi(text)
	}
	return mp.NewNodes(s.Nodes, mp.Config{Alpha: alpha + 1}), nil
}

// TestWindowRuleCatchesALateView: the late window breaks view-integrity
// (its window rule) in a campaign that reconfigures, and the correct
// protocol does not, in the same seeds.
func TestWindowRuleCatchesALateView(t *testing.T) {
	a := lateWindow{}
	info := a.Info()
	c := mpConfig(engine.Correct)
	c.Reconfig, c.Params = "0.05", map[string]string{"alpha": "2"}
	failing := 0
	for seed := range uint64(60) {
		res, err := engine.Run(a, &info, c, seed, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed() {
			failing++
			if v := res.Violations[0]; v.Property != checker.ViewIntegrity || v.Check != "window-rule" {
				t.Fatalf("seed %d: first %v, want view-integrity's window rule", seed, &v)
			}
		}
		if r := run(t, mpP, c, seed, engine.Options{}); r.Failed() {
			t.Fatalf("seed %d: the correct protocol fails: %v", seed, r.Violations)
		}
	}
	if failing == 0 {
		t.Fatal("no seed failed: no reconfiguration came into force")
	}
	t.Logf("%d of 60 seeds failed", failing)
}
