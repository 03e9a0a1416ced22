package scenarios

import (
	"testing"

	"pgregory.net/rapid"
)

// TestHealBeforeProposals checks the correct protocols when faults heal
// before every client has made its request (heal-at inside the propose
// window): the retries at the heal are for operations already invoked, so
// no value is chosen, and no operation answered, before its client asked.
func TestHealBeforeProposals(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := Default()
		if rapid.Bool().Draw(t, "multipaxos") {
			c.Protocol = MultiPaxos
		}
		c.ProposeWindow = rapid.Int64Range(2, 400).Draw(t, "propose-window")
		c.HealAt = rapid.Int64Range(1, c.ProposeWindow-1).Draw(t, "heal-at")
		seed := rapid.Uint64().Draw(t, "seed")
		res, err := Run(c, seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed() {
			t.Fatalf("seed %d: the correct protocol fails: %s", seed, &res.Violations[0])
		}
		for _, op := range res.Ops {
			if op.Return >= 0 && op.Return < op.Invoke {
				t.Fatalf("seed %d: client %d answered at t=%d, before it asked at t=%d", seed, op.Client, op.Return, op.Invoke)
			}
		}
		for _, op := range res.KVOps {
			if op.Return >= 0 && op.Return < op.Invoke {
				t.Fatalf("seed %d: client %d answered at t=%d, before it asked at t=%d", seed, op.Client, op.Return, op.Invoke)
			}
		}
	})
}

// TestHealAtSwarmSweep is the campaign that showed the bug (campaign
// --seeds 300 --heal-at 100), in miniature: swarm configurations with the
// heal pinned at t=100, inside the default propose window.
func TestHealAtSwarmSweep(t *testing.T) {
	pinned := func(knob string) bool { return knob == "heal-at" }
	base := Default()
	base.HealAt = 100
	for seed := uint64(1); seed <= 100; seed++ {
		c := base.Swarm(seed, pinned)
		res, err := Run(c, seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed() {
			t.Errorf("seed %d: the correct protocol fails: %s", seed, &res.Violations[0])
		}
	}
}
