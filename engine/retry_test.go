package engine_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/engine"
)

// TestHealBeforeProposals checks the correct protocols when faults heal
// before every client has made its request (heal-at inside the propose
// window): the retries at the heal are for operations already invoked, so
// no value is chosen, and no operation answered, before its client asked.
func TestHealBeforeProposals(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := rapid.SampledFrom(protocols).Draw(t, "protocol")
		c := config(p.Name())
		c.ProposeWindow = rapid.Int64Range(2, 400).Draw(t, "propose-window")
		c.HealAt = rapid.Int64Range(1, c.ProposeWindow-1).Draw(t, "heal-at")
		seed := rapid.Uint64().Draw(t, "seed")
		res := run(t, p, c, seed, engine.Options{})
		if res.Failed() {
			t.Fatalf("%s seed %d: the correct protocol fails: %s", p.Name(), seed, first(&res))
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
// heal pinned at t=100, inside the default propose window, of every
// protocol.
func TestHealAtSwarmSweep(t *testing.T) {
	pinned := func(knob string) bool { return knob == "heal-at" }
	for _, p := range protocols {
		base := config(p.Name())
		base.HealAt = 100
		for seed := uint64(1); seed <= 100; seed++ {
			c := base.Swarm(p.Info(), seed, pinned)
			if res := run(t, p, c, seed, engine.Options{}); res.Failed() {
				t.Errorf("%s seed %d: the correct protocol fails: %s", p.Name(), seed, first(&res))
			}
		}
	}
}
