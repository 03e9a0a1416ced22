package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

func TestConfigErrorsNameTheField(t *testing.T) {
	tests := []struct {
		field string
		edit  func(*Config)
	}{
		{"protocol", func(c *Config) { c.Protocol = "raft" }},
		{"variant", func(c *Config) { c.Variant = "no-such-bug" }},
		{"nodes", func(c *Config) { c.Nodes = -3 }},
		{"nodes", func(c *Config) { c.Nodes = 64 }},
		{"proposers", func(c *Config) { c.Proposers = 4 }},
		{"drop", func(c *Config) { c.Drop = 2 }},
		{"drop", func(c *Config) { c.Drop = 1 }},
		{"dup", func(c *Config) { c.Dup = -0.1 }},
		{"crash", func(c *Config) { c.Crash = 1.5 }},
		{"delay", func(c *Config) { c.Delay = "ten" }},
		{"delay", func(c *Config) { c.Delay = "0-3" }},
		{"fault", func(c *Config) { c.Faults = []string{"crash:9@1-2"} }},
		{"fault", func(c *Config) { c.Faults = []string{"explode:1@1"} }},
		{"heal-at", func(c *Config) { c.HealAt = -1 }},
		{"liveness", func(c *Config) { c.Liveness = 0 }},
		{"max-events", func(c *Config) { c.MaxEvents = 0 }},
		{"fault-interval", func(c *Config) { c.FaultInterval = 0 }},
		{"max-crashed", func(c *Config) { c.MaxCrashed = 4 }},
	}
	for _, tt := range tests {
		c := Default()
		tt.edit(&c)
		err := c.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tt.field {
			t.Errorf("%+v: error %v, want a ConfigError for %q", c, err, tt.field)
		}
		if _, err := Run(c, 1, Options{}); err == nil {
			t.Errorf("Run accepted a bad %s", tt.field)
		}
	}
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default() is invalid: %v", err)
	}
}

func TestSameSeedSameRun(t *testing.T) {
	c := Default()
	c.Drop, c.Dup, c.Crash, c.Partition, c.Slow = 0.1, 0.05, 0.01, 0.01, 0.01
	for seed := uint64(0); seed < 20; seed++ {
		var ta strings.Builder
		a, _ := Run(c, seed, Options{Trace: &ta})
		b, _ := Run(c, seed, Options{})
		if a.TraceHash != b.TraceHash || a.Events != b.Events {
			t.Fatalf("seed %d: hash %x/%x events %d/%d: tracing changed the run", seed, a.TraceHash, b.TraceHash, a.Events, b.Events)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("seed %d: results differ:\n%s\n%s", seed, ja, jb)
		}
		var tc strings.Builder
		Run(c, seed, Options{Trace: &tc})
		if ta.String() != tc.String() {
			t.Fatalf("seed %d: traces differ", seed)
		}
	}
}

func TestDifferentSeedsDifferentRuns(t *testing.T) {
	hashes := map[uint64]uint64{}
	for seed := uint64(0); seed < 200; seed++ {
		r, _ := Run(Default(), seed, Options{})
		if prev, ok := hashes[r.TraceHash]; ok {
			t.Fatalf("seeds %d and %d share trace hash %x", prev, seed, r.TraceHash)
		}
		hashes[r.TraceHash] = seed
	}
}

func TestCorrectProtocolHoldsUnderFaults(t *testing.T) {
	c := Default()
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.15, 0.1, 0.05, 0.02, 0.02, 0.02
	c.Nodes, c.Proposers = 5, 3
	for seed := uint64(0); seed < 300; seed++ {
		r, err := Run(c, seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Failed() {
			t.Fatalf("seed %d: %v", seed, &r.Violations[0])
		}
		if !r.LivenessChecked || r.Chosen == nil || r.Learners < c.Nodes-len(r.LeftFaulty) {
			t.Fatalf("seed %d: stop %s, liveness checked %v, chosen %v, learners %d", seed, r.Stop, r.LivenessChecked, r.Chosen, r.Learners)
		}
		for _, op := range r.Ops {
			if op.Return >= 0 && (op.Return < op.Invoke || op.Output != r.Chosen.Value) {
				t.Fatalf("seed %d: op %+v, chosen %s", seed, op, r.Chosen.Value)
			}
		}
	}
}

func TestVariantIsCaught(t *testing.T) {
	c := Default()
	c.Variant = protocol.IgnorePromisedValues.Name
	for seed := uint64(0); seed < 500; seed++ {
		r, _ := Run(c, seed, Options{})
		if !r.Failed() {
			continue
		}
		v := r.Violations[0]
		if v.Property != checker.Agreement || r.Verdict != VerdictViolation || r.Stop != StopViolation {
			t.Fatalf("seed %d: %+v", seed, r)
		}
		if len(v.Evidence) != 2 || v.Event != r.Events {
			t.Fatalf("seed %d: the violation should stop the run at its step with both majorities as evidence: %v", seed, &v)
		}
		return
	}
	t.Fatal("500 seeds did not catch ignore-promised-values")
}

// deaf is a replica that never hears a Commit and never asks for the
// chosen value (its learn timer does nothing): it can only learn by
// accepting, so with 5 replicas some never learn.
type deaf struct {
	sim.Node[protocol.Msg, protocol.Durable, checker.Observation]
}

func (d deaf) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type != protocol.Commit {
		d.Node.Deliver(env, from, m)
	}
}

func (d deaf) Fire(env *protocol.Env, tag sim.TimerTag) {
	if tag != 1 { // the learn timer
		d.Node.Fire(env, tag)
	}
}

func TestLivenessIsJudgedAfterTheHeal(t *testing.T) {
	wrap := func(inner nodeFactory) nodeFactory {
		return func(id sim.NodeID, d protocol.Durable) sim.Node[protocol.Msg, protocol.Durable, checker.Observation] {
			return deaf{inner(id, d)}
		}
	}
	c := Default()
	c.Nodes = 5
	r, err := Run(c, 1, Options{wrap: wrap})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Failed() || r.Violations[0].Property != checker.Liveness || !r.LivenessChecked || r.Stop != StopViolation {
		t.Fatalf("want a liveness violation judged at the deadline, got %+v", r)
	}
	v := r.Violations[0]
	if v.Time != c.HealAt+c.Liveness || !strings.Contains(v.Message, fmt.Sprintf("had not learned it by t=%d", c.HealAt+c.Liveness)) {
		t.Fatalf("violation %v: want it stamped at the deadline t=%d", &v, c.HealAt+c.Liveness)
	}
}

func TestScheduledFaultsHappen(t *testing.T) {
	c := Default()
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0, 0, 0, 0, 0, 0
	c.Faults = []string{"crash:2@5-300", "oneway:1@0-100", "pause:3@0-50"}
	r, err := Run(c, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Faults()
	if f["crash"] != 1 || f["restart"] != 1 || f["partition-oneway"] != 1 || f["pause"] != 1 {
		t.Fatalf("faults %v, want exactly the scheduled ones", f)
	}
	if r.Failed() || r.Chosen == nil {
		t.Fatalf("run: %+v", r)
	}
}

type panicky struct {
	sim.Node[protocol.Msg, protocol.Durable, checker.Observation]
}

func (p panicky) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type == protocol.Accept {
		panic("boom")
	}
	p.Node.Deliver(env, from, m)
}

func TestPanicInProtocolIsAFailure(t *testing.T) {
	wrap := func(inner nodeFactory) nodeFactory {
		return func(id sim.NodeID, d protocol.Durable) sim.Node[protocol.Msg, protocol.Durable, checker.Observation] {
			return panicky{inner(id, d)}
		}
	}
	r, err := Run(Default(), 3, Options{wrap: wrap})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Failed() || r.Violations[0].Property != PanicProperty {
		t.Fatalf("want a panic failure, got %+v", r)
	}
	v := r.Violations[0]
	if !strings.Contains(v.Message, "boom") || !strings.Contains(v.Message, "Accept(") {
		t.Fatalf("message %q should name the panic and the event", v.Message)
	}
	again, _ := Run(Default(), 3, Options{wrap: wrap})
	if strings.Join(again.Violations[0].Evidence, "\n") != strings.Join(v.Evidence, "\n") {
		t.Fatal("panic evidence differs between runs: it must not carry addresses")
	}
}

// BenchmarkRun measures whole runs of single-decree Paxos with every fault
// on, as a campaign does them (setup included), and steady-state traffic: a
// long run that a one-way partition keeps from deciding.
func BenchmarkRun(b *testing.B) {
	for _, nodes := range []int{3, 5} {
		b.Run(fmt.Sprintf("campaign/nodes=%d", nodes), func(b *testing.B) {
			c := Default()
			c.Nodes, c.Proposers = nodes, 2
			c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.1, 0.05, 0.01, 0.01, 0.01, 0.01
			benchmarkRuns(b, c)
		})
	}
	for _, nodes := range []int{3, 5} {
		b.Run(fmt.Sprintf("steady/nodes=%d", nodes), func(b *testing.B) {
			c := Default()
			c.Nodes, c.Proposers = nodes, nodes
			c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.1, 0.05, 0.01, 0.01, 0.01, 0.01
			c.Faults = []string{fmt.Sprintf("oneway:%s@0", sim.FormatNodes(uint64(1)<<uint(nodes+1)-4))}
			c.HealAt, c.MaxTime = 0, 200_000
			benchmarkRuns(b, c)
		})
	}
}

func benchmarkRuns(b *testing.B, c Config) {
	var events int64
	seed := uint64(0)
	b.ReportAllocs()
	for b.Loop() {
		r, _ := Run(c, seed, Options{})
		events += r.Events
		seed++
	}
	b.ReportMetric(float64(seed)/b.Elapsed().Seconds(), "seeds/s")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/float64(seed), "events/run")
}

// TestNoAllocationPerMessage checks the hot path: a run allocates for its
// setup (nodes, checker, queue) and for restarts, never per delivered
// message. Crashes are off so that every allocation is setup; a one-way
// partition keeps the cluster from deciding, so traffic (retries, learn
// requests) goes on as long as the run does.
func TestNoAllocationPerMessage(t *testing.T) {
	c := Default()
	c.Nodes, c.Proposers = 3, 3
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.1, 0.1, 0.05, 0, 0, 0.01
	c.Faults = []string{"oneway:2,3@0"}
	c.HealAt = 0
	var short, long Result
	c.MaxTime = 2_000
	shortAllocs := testing.AllocsPerRun(5, func() { short, _ = Run(c, 1, Options{}) })
	c.MaxTime = 100_000
	longAllocs := testing.AllocsPerRun(5, func() { long, _ = Run(c, 1, Options{}) })
	if long.Stats.Delivered < 10*short.Stats.Delivered {
		t.Fatalf("the long run delivered %d messages, the short %d: not a useful comparison", long.Stats.Delivered, short.Stats.Delivered)
	}
	perMessage := (longAllocs - shortAllocs) / float64(long.Stats.Delivered-short.Stats.Delivered)
	if perMessage > 0.01 {
		t.Fatalf("%.0f allocations for %d deliveries and %.0f for %d: %.3f per delivered message",
			shortAllocs, short.Stats.Delivered, longAllocs, long.Stats.Delivered, perMessage)
	}
	t.Logf("%.0f allocations for %d deliveries, %.0f for %d", shortAllocs, short.Stats.Delivered, longAllocs, long.Stats.Delivered)
}

// A Runner's run after other runs is the run a fresh Run makes: the
// memory it reuses (the checker, the learners' flags, the coverage) starts
// each seed as new, across cluster sizes and with runs that fail.
func TestRunnerReuseIsFresh(t *testing.T) {
	var rr Runner
	failed := 0
	for seed := uint64(0); seed < 300; seed++ {
		c := Default().Swarm(seed, nil)
		if seed%3 == 0 {
			c.Variant = "ignore-promised-values"
		}
		fresh, err := Run(c, seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		reused, err := rr.Run(c, seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fresh, reused) {
			t.Fatalf("seed %d (%d nodes): a reused Runner's result differs from a fresh run's:\nfresh  %+v\nreused %+v", seed, c.Nodes, fresh, reused)
		}
		if fresh.Failed() {
			failed++
		}
	}
	if failed == 0 {
		t.Fatal("vacuous: no run failed")
	}
}
