package proptest_test

import (
	"fmt"
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/proptest"
	"github.com/paxsim/paxsim/scenarios"
)

// Cases of the Multi-Paxos property: each is a whole run of the key-value
// service with every decision drawn by rapid, so fewer than a
// single-decree schedule's.
const (
	mpDefaultChecks = 2_000
	mpShortChecks   = 200
	mpLongChecks    = 30_000
)

// drawMultiPaxos draws a Multi-Paxos configuration: cluster size, clients,
// operations, fault rates and reconfigurations (a rate or none).
func drawMultiPaxos(t *rapid.T) scenarios.Config {
	c := scenarios.Default()
	c.Protocol = scenarios.MultiPaxos
	c.Nodes = rapid.IntRange(1, 5).Draw(t, "nodes")
	c.Clients = rapid.IntRange(1, 4).Draw(t, "clients")
	c.Commands = rapid.IntRange(1, 6).Draw(t, "commands")
	c.Drop = float64(rapid.IntRange(0, 20).Draw(t, "drop%")) / 100
	c.Dup = float64(rapid.IntRange(0, 10).Draw(t, "dup%")) / 100
	c.Crash = float64(rapid.IntRange(0, 30).Draw(t, "crash‰")) / 1000
	c.Partition = float64(rapid.IntRange(0, 30).Draw(t, "partition‰")) / 1000
	if rate := rapid.IntRange(0, 50).Draw(t, "reconfig‰"); rate == 0 {
		c.Reconfig = "none"
	} else {
		c.Reconfig = strconv.FormatFloat(float64(rate)/1000, 'g', -1, 64)
	}
	return c
}

// TestMultiPaxosProperties: whatever rapid draws (configuration, every
// delay, loss, duplicate, crash, partition and reconfiguration), a run of
// the correct Multi-Paxos breaks no property: per-instance agreement,
// validity and learner integrity; log and state consistency and
// exactly-once; liveness after the heal (every operation answered, every
// replica caught up); and the clients' history is linearizable.
func TestMultiPaxosProperties(t *testing.T) {
	n := mpDefaultChecks
	switch {
	case long():
		n = mpLongChecks
	case testing.Short():
		n = mpShortChecks
	}
	if !checksChosen() {
		setFlag(t, "rapid.checks", strconv.Itoa(n))
	}
	rapid.Check(t, func(t *rapid.T) {
		c := drawMultiPaxos(t)
		res, err := scenarios.Run(c, 0, scenarios.Options{Decider: proptest.Rapid(t)})
		if err != nil {
			t.Fatalf("config %+v: %v", c, err)
		}
		if res.Failed() {
			t.Fatalf("config %+v:\n%s", c, res.Violations[0].String())
		}
		if res.Linearizability == string(linearize.Illegal) || !res.LivenessChecked {
			t.Fatalf("config %+v: linearizability %s, liveness judged %v (stop %s)", c, res.Linearizability, res.LivenessChecked, res.Stop)
		}
		answered := 0
		for _, op := range res.KVOps {
			if op.Return >= 0 {
				answered++
			}
		}
		if want := c.Clients * c.Commands; answered != want {
			t.Fatalf("config %+v: %d of %d operations answered: %s", c, answered, want, fmt.Sprint(res.Stop))
		}
	})
}
