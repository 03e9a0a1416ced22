package engine_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

func TestConfigErrorsNameTheField(t *testing.T) {
	tests := []struct {
		field string
		edit  func(*engine.Config)
	}{
		{"protocol", func(c *engine.Config) { c.Protocol = "raft" }},
		{"variant", func(c *engine.Config) { c.Variant = "no-such-bug" }},
		{"nodes", func(c *engine.Config) { c.Nodes = -3 }},
		{"nodes", func(c *engine.Config) { c.Nodes = 64 }},
		{"proposers", func(c *engine.Config) { c.Clients = 4 }},
		{"drop", func(c *engine.Config) { c.Drop = 2 }},
		{"drop", func(c *engine.Config) { c.Drop = 1 }},
		{"dup", func(c *engine.Config) { c.Dup = -0.1 }},
		{"crash", func(c *engine.Config) { c.Crash = 1.5 }},
		{"delay", func(c *engine.Config) { c.Delay = "ten" }},
		{"delay", func(c *engine.Config) { c.Delay = "0-3" }},
		{"fault", func(c *engine.Config) { c.Faults = []string{"crash:9@1-2"} }},
		{"fault", func(c *engine.Config) { c.Faults = []string{"explode:1@1"} }},
		{"heal-at", func(c *engine.Config) { c.HealAt = -1 }},
		{"liveness", func(c *engine.Config) { c.Liveness = 0 }},
		{"max-events", func(c *engine.Config) { c.MaxEvents = 0 }},
		{"fault-interval", func(c *engine.Config) { c.FaultInterval = 0 }},
		{"max-crashed", func(c *engine.Config) { c.MaxCrashed = 4 }},
	}
	for _, tt := range tests {
		c := config(paxosP.Name())
		tt.edit(&c)
		err := c.Validate(paxosP.Info())
		var ce *engine.ConfigError
		if !errors.As(err, &ce) || ce.Field != tt.field {
			t.Errorf("%+v: error %v, want a ConfigError for %q", c, err, tt.field)
		}
		if _, err := paxosP.Run(c, 1, engine.Options{}); err == nil {
			t.Errorf("Run accepted a bad %s", tt.field)
		}
	}
	for _, p := range protocols {
		if err := config(p.Name()).Validate(p.Info()); err != nil {
			t.Fatalf("%s: Default() is invalid: %v", p.Name(), err)
		}
	}
}

func TestSameSeedSameRun(t *testing.T) {
	for _, p := range protocols {
		c := config(p.Name())
		c.Drop, c.Dup, c.Crash, c.Partition, c.Slow = 0.1, 0.05, 0.01, 0.01, 0.01
		for seed := uint64(0); seed < 20; seed++ {
			var ta strings.Builder
			a := run(t, p, c, seed, engine.Options{Trace: &ta})
			b := run(t, p, c, seed, engine.Options{})
			if a.TraceHash != b.TraceHash || a.Events != b.Events {
				t.Fatalf("%s seed %d: hash %x/%x events %d/%d: tracing changed the run", p.Name(), seed, a.TraceHash, b.TraceHash, a.Events, b.Events)
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if string(ja) != string(jb) {
				t.Fatalf("%s seed %d: results differ:\n%s\n%s", p.Name(), seed, ja, jb)
			}
			var tc strings.Builder
			run(t, p, c, seed, engine.Options{Trace: &tc})
			if ta.String() != tc.String() {
				t.Fatalf("%s seed %d: traces differ", p.Name(), seed)
			}
		}
	}
}

func TestDifferentSeedsDifferentRuns(t *testing.T) {
	for _, p := range protocols {
		hashes := map[uint64]uint64{}
		for seed := uint64(0); seed < 200; seed++ {
			r := run(t, p, config(p.Name()), seed, engine.Options{})
			if prev, ok := hashes[r.TraceHash]; ok {
				t.Fatalf("%s: seeds %d and %d share trace hash %x", p.Name(), prev, seed, r.TraceHash)
			}
			hashes[r.TraceHash] = seed
		}
	}
}

func TestCorrectProtocolHoldsUnderFaults(t *testing.T) {
	c := config(paxosP.Name())
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.15, 0.1, 0.05, 0.02, 0.02, 0.02
	c.Nodes, c.Clients = 5, 3
	for seed := uint64(0); seed < 300; seed++ {
		r := run(t, paxosP, c, seed, engine.Options{})
		if r.Failed() {
			t.Fatalf("seed %d: %s", seed, first(&r))
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
	c := config(paxosP.Name())
	c.Variant = protocol.IgnorePromisedValues.Name
	for seed := uint64(0); seed < 500; seed++ {
		r := run(t, paxosP, c, seed, engine.Options{})
		if !r.Failed() {
			continue
		}
		v := r.Violations[0]
		if v.Property != checker.SafeProposal || r.Verdict != engine.VerdictViolation || r.Stop != engine.StopViolation {
			t.Fatalf("seed %d: %+v", seed, r)
		}
		if len(v.Evidence) != 1 || v.Event != r.Events {
			t.Fatalf("seed %d: the violation should stop the run at its step with the choice it contradicts as evidence: %v", seed, &v)
		}
		return
	}
	t.Fatal("500 seeds did not catch ignore-promised-values")
}

// paxosNode is a replica of single-decree Paxos.
type paxosNode = sim.Node[protocol.Msg, protocol.Durable, checker.Observation]

// wrapped is single-decree Paxos whose replicas wrap wraps.
// runWrapped runs seed of c with every replica wrapped.
func runWrapped(t *testing.T, wrap func(paxosNode) paxosNode, c engine.Config, seed uint64) engine.Result {
	t.Helper()
	p := paxos.Wrapped{Wrap: wrap}
	info := p.Info()
	res, err := engine.Run(p, &info, c, seed, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// deaf is a replica that never hears a Commit and never asks for the
// chosen value (its learn timer does nothing): it can only learn by
// accepting, so with 5 replicas some never learn.
type deaf struct{ paxosNode }

func (d deaf) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type != protocol.Commit {
		d.paxosNode.Deliver(env, from, m)
	}
}

func (d deaf) Fire(env *protocol.Env, tag sim.TimerTag) {
	if tag != 1 { // the learn timer
		d.paxosNode.Fire(env, tag)
	}
}

func TestLivenessIsJudgedAfterTheHeal(t *testing.T) {
	c := config(paxosP.Name())
	c.Nodes = 5
	r := runWrapped(t, func(n paxosNode) paxosNode { return deaf{n} }, c, 1)
	if !r.Failed() || r.Violations[0].Property != checker.Liveness || !r.LivenessChecked || r.Stop != engine.StopViolation {
		t.Fatalf("want a liveness violation judged at the deadline, got %+v", r)
	}
	v := r.Violations[0]
	deadline := c.HealAt + engine.LivenessBound(c.Liveness, 1, c.Nodes, 10) // delays 1-10
	if v.Time != deadline || !strings.Contains(v.Message, fmt.Sprintf("by t=%d", deadline)) ||
		!slices.ContainsFunc(v.Evidence, func(e string) bool { return strings.Contains(e, "had not learned") }) {
		t.Fatalf("violation %v: want it stamped at the deadline t=%d, naming a replica that had not learned", &v, deadline)
	}
}

func TestScheduledFaultsHappen(t *testing.T) {
	c := config(paxosP.Name())
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0, 0, 0, 0, 0, 0
	c.Faults = []string{"crash:2@5-300", "oneway:1@0-100", "pause:3@0-50"}
	r := run(t, paxosP, c, 1, engine.Options{})
	f := r.Faults()
	if f["crash"] != 1 || f["restart"] != 1 || f["partition-oneway"] != 1 || f["pause"] != 1 {
		t.Fatalf("faults %v, want exactly the scheduled ones", f)
	}
	if r.Failed() || r.Chosen == nil {
		t.Fatalf("run: %+v", r)
	}
}

// panicky is a replica that panics on an Accept.
type panicky struct{ paxosNode }

func (p panicky) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type == protocol.Accept {
		panic("boom")
	}
	p.paxosNode.Deliver(env, from, m)
}

func TestPanicInProtocolIsAFailure(t *testing.T) {
	wrap := func(n paxosNode) paxosNode { return panicky{n} }
	r := runWrapped(t, wrap, config(paxosP.Name()), 3)
	if !r.Failed() || r.Violations[0].Property != engine.PanicProperty {
		t.Fatalf("want a panic failure, got %+v", r)
	}
	v := r.Violations[0]
	if !strings.Contains(v.Message, "boom") || !strings.Contains(v.Message, "Accept(") {
		t.Fatalf("message %q should name the panic and the event", v.Message)
	}
	again := runWrapped(t, wrap, config(paxosP.Name()), 3)
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
			c := config(paxosP.Name())
			c.Nodes, c.Clients = nodes, 2
			c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.1, 0.05, 0.01, 0.01, 0.01, 0.01
			benchmarkRuns(b, c)
		})
	}
	for _, nodes := range []int{3, 5} {
		b.Run(fmt.Sprintf("steady/nodes=%d", nodes), func(b *testing.B) {
			c := config(paxosP.Name())
			c.Nodes, c.Clients = nodes, nodes
			c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.1, 0.05, 0.01, 0.01, 0.01, 0.01
			c.Faults = []string{fmt.Sprintf("oneway:%s@0", sim.FormatNodes(uint64(1)<<uint(nodes+1)-4))}
			c.HealAt, c.MaxTime = 0, 200_000
			benchmarkRuns(b, c)
		})
	}
}

// benchmarkRuns runs seeds 0, 1, 2, ... of c as a campaign's worker does,
// on a reused runner.
func benchmarkRuns(b *testing.B, c engine.Config) {
	var events int64
	seed := uint64(0)
	runner := paxosP.NewRunner()
	b.ReportAllocs()
	for b.Loop() {
		r, _ := runner.Run(c, seed, engine.Options{})
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
	c := config(paxosP.Name())
	c.Nodes, c.Clients = 3, 3
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.1, 0.1, 0.05, 0, 0, 0.01
	c.Faults = []string{"oneway:2,3@0"}
	c.HealAt = 0
	var short, long engine.Result
	c.MaxTime = 2_000
	shortAllocs := testing.AllocsPerRun(5, func() { short, _ = paxosP.Run(c, 1, engine.Options{}) })
	c.MaxTime = 100_000
	longAllocs := testing.AllocsPerRun(5, func() { long, _ = paxosP.Run(c, 1, engine.Options{}) })
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
