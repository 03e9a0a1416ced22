package engine_test

import (
	"errors"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// TestSwarmDrawsDeepWorkloads: over many seeds a swarm draws the deep
// knobs each way: the long-delay, depose and lag faults on in about half
// the runs, Multi-Paxos's window from 1 up, five replicas in a third,
// and now and then a deep workload (up to 30 clients, up to 50 operations
// each, at most 400 in all); clients hedge in about half the runs.
func TestSwarmDrawsDeepWorkloads(t *testing.T) {
	info := mpP.Info()
	base := config(mpP.Name())
	const seeds = 4000
	on := map[string]int{}
	alphas := map[string]int{}
	five, deep, most, mostClients, mostCommands := 0, 0, 0, 0, 0
	for seed := uint64(0); seed < seeds; seed++ {
		c := base.Swarm(info, seed, nil)
		for knob, rate := range map[string]float64{"long-delay": c.LongDelay, "depose": c.Depose, "lag": c.Lag, "hedge": c.Hedge} {
			if rate > 0 {
				on[knob]++
			}
		}
		alphas[c.Params["alpha"]]++
		if c.Nodes == 5 {
			five++
		}
		if c.Clients > 5 || c.Commands > 9 {
			deep++
		}
		most, mostClients, mostCommands = max(most, c.Clients*c.Commands), max(mostClients, c.Clients), max(mostCommands, c.Commands)
	}
	for _, knob := range []string{"long-delay", "depose", "lag", "hedge"} {
		if n := on[knob]; n < seeds*4/10 || n > seeds*6/10 {
			t.Errorf("%s on in %d of %d seeds, want about half", knob, n, seeds)
		}
	}
	if alphas["1"] == 0 || alphas["2"] == 0 || alphas["8"] == 0 || five < seeds/4 {
		t.Errorf("alpha drawn %v; five replicas in %d of %d", alphas, five, seeds)
	}
	if deep < seeds/32 || deep > seeds/8 || most > 400 || mostClients < 20 || mostCommands < 30 || mostClients > 30 || mostCommands > 50 {
		t.Errorf("%d deep workloads of %d, the most operations %d, clients %d, commands %d", deep, seeds, most, mostClients, mostCommands)
	}
}

// TestDeepKnobsOutOfRange: a deep knob out of [0, 1] is a *ConfigError
// naming its flag.
func TestDeepKnobsOutOfRange(t *testing.T) {
	info := mpP.Info()
	for name, set := range map[string]func(c *engine.Config){
		"long-delay": func(c *engine.Config) { c.LongDelay = 1.5 },
		"depose":     func(c *engine.Config) { c.Depose = -0.1 },
		"lag":        func(c *engine.Config) { c.Lag = 2 },
		"hedge":      func(c *engine.Config) { c.Hedge = 1.01 },
		"alpha":      func(c *engine.Config) { c.Params = map[string]string{"alpha": "0"} },
	} {
		c := config(mpP.Name())
		set(&c)
		var ce *engine.ConfigError
		if err := c.Validate(info); !errors.As(err, &ce) || ce.Field != name {
			t.Errorf("%s: %v, want a *ConfigError on %s", name, err, name)
		}
	}
}

// TestHedgedRequestsReachTwoReplicas: with Config.Hedge 1, every request
// a key-value client sends, new or retried, goes to a second replica at
// once, recorded as the client's retry there so that a replay takes it as
// it is; the correct protocol stays safe and live.
func TestHedgedRequestsReachTwoReplicas(t *testing.T) {
	c := mpConfig(engine.Correct)
	c.Hedge = 1
	hedged := 0
	for seed := uint64(1); seed <= 10; seed++ {
		res := run(t, mpP, c, seed, engine.Options{Record: true})
		if res.Failed() {
			t.Fatalf("seed %d: %s", seed, first(&res))
		}
		var last engine.ClientStep
		for _, line := range res.Lines {
			st, err := engine.ParseClientStep(line, c.Nodes, mpP.Info().Workload)
			if err != nil {
				continue // not a client step
			}
			switch {
			case last.Client != 0 && (st.Client != last.Client || !st.Retry() || st.To == last.To):
				t.Fatalf("seed %d: %q follows %q: want the same client's retry at another replica", seed, line, last)
			case last.Client != 0:
				hedged++
				last = engine.ClientStep{}
			default:
				last = st
			}
		}
		if last.Client != 0 {
			t.Fatalf("seed %d: the last request, %q, was not hedged", seed, last)
		}
	}
	if hedged == 0 {
		t.Fatal("vacuous: no request was sent")
	}
}

// TestHedgedProposalsShareProposers: with Config.Hedge 1, every client of
// a consensus object proposes to its own replica and, at the same time,
// to another proposer, written as its retry there; so a proposer holds
// several clients' values, and the correct protocol stays safe and live.
// A swarm draws hedging for a consensus object too, in about half its
// runs.
func TestHedgedProposalsShareProposers(t *testing.T) {
	c := config(paxosP.Name())
	c.Hedge, c.Clients = 1, 3
	for seed := uint64(1); seed <= 20; seed++ {
		res := run(t, paxosP, c, seed, engine.Options{Record: true})
		if res.Failed() {
			t.Fatalf("seed %d: %s", seed, first(&res))
		}
		asked := map[sim.NodeID]int{} // values each proposer was asked for
		var own []engine.ClientStep
		for _, line := range res.Lines {
			st, err := engine.ParseClientStep(line, c.Nodes, paxosP.Info().Workload)
			if err != nil {
				continue // not a client step
			}
			asked[st.To]++
			if !st.Retry() {
				own = append(own, st)
				continue
			}
			if last := own[len(own)-1]; st.Client != last.Client || st.To == last.To {
				t.Fatalf("seed %d: %q follows %q: want the same client's hedge at another proposer", seed, line, last)
			}
		}
		if len(own) != c.Clients || len(asked) != c.Clients {
			t.Fatalf("seed %d: %d proposals to %d proposers, want %d clients each at its own and hedged", seed, len(own), len(asked), c.Clients)
		}
		shared := false
		for _, n := range asked {
			shared = shared || n > 1
		}
		if !shared {
			t.Fatalf("seed %d: no proposer was asked for two values", seed)
		}
	}
	hedging := 0
	for seed := uint64(0); seed < 200; seed++ {
		if config(paxosP.Name()).Swarm(paxosP.Info(), seed, nil).Hedge > 0 {
			hedging++
		}
	}
	if hedging < 60 || hedging > 140 {
		t.Fatalf("a consensus object's swarm hedged in %d of 200 runs, want about half", hedging)
	}
}

// TestDeposeTakesTheLeader: every depose fault pauses or cuts off the
// replica of the highest ballot proposed so far, as the observations
// show it, and deposing leaders changes them.
func TestDeposeTakesTheLeader(t *testing.T) {
	for _, p := range protocols {
		c := config(p.Name())
		c.Depose, c.Nodes = 0.2, 5
		deposed, changes := 0, 0
		for seed := uint64(1); seed <= 20; seed++ {
			var top checker.Ballot
			opts := engine.Options{
				OnObserve: func(node sim.NodeID, o checker.Observation) {
					if o.Kind == checker.Proposed && top.Less(o.Ballot) {
						if top.Node != o.Ballot.Node {
							changes++
						}
						top = o.Ballot
					}
				},
				TraceEntries: func(e sim.TraceEntry) {
					if e.Kind != "depose" {
						return
					}
					deposed++
					if int32(e.From) != top.Node {
						t.Errorf("%s seed %d: deposed node %d at t=%d, but the leader is %d (ballot %s)", p.Name(), seed, e.From, e.Time, top.Node, top)
					}
				},
			}
			if res := run(t, p, c, seed, opts); res.Failed() {
				t.Fatalf("%s seed %d: %s", p.Name(), seed, first(&res))
			}
		}
		if deposed == 0 || changes <= 20 {
			t.Errorf("%s: %d depositions, %d leader changes in 20 runs", p.Name(), deposed, changes)
		}
	}
}

// TestDeepSometimesPropertiesHold: each deep sometimes property holds in
// some run of a configuration that aims at it, and the correct protocol
// passes those runs.
func TestDeepSometimesPropertiesHold(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     string
		set   func(c *engine.Config)
		held  func(cv *engine.Coverage) bool
		seeds uint64
	}{
		{"reelected", "paxos", func(c *engine.Config) { c.LongDelay, c.Depose, c.Nodes, c.Clients = 0.2, 0.1, 5, 3 },
			func(cv *engine.Coverage) bool { return cv.Reelected }, 200},
		{"window full", "multipaxos", func(c *engine.Config) { c.Params, c.Reconfig = map[string]string{"alpha": "2"}, "0.05" },
			func(cv *engine.Coverage) bool { return cv.WindowFull }, 40},
		{"lag caught up", "multipaxos", func(c *engine.Config) {
			c.Clients, c.Commands, c.Lag, c.Nodes, c.Reconfig = 20, 20, 0.1, 5, "none"
			c.Drop, c.Dup, c.Crash, c.Partition = 0, 0, 0, 0
		}, func(cv *engine.Coverage) bool { return cv.LagCaughtUp }, 60},
		{"late duplicate", "multipaxos", func(c *engine.Config) { c.Depose = 0.05 },
			func(cv *engine.Coverage) bool { return cv.LateDuplicate }, 60},
		{"informed outside", "multipaxos", func(c *engine.Config) { c.Depose, c.Nodes = 0.05, 5 },
			func(cv *engine.Coverage) bool { return cv.InformedOutside }, 200},
	} {
		p := paxosP
		if tc.p == "multipaxos" {
			p = mpP
		}
		c := config(p.Name())
		if p == mpP {
			c = mpConfig(engine.Correct)
		}
		tc.set(&c)
		held := false
		for seed := uint64(0); seed < tc.seeds && !held; seed++ {
			res := run(t, p, c, seed, engine.Options{})
			if res.Failed() {
				t.Fatalf("%s seed %d: %s", tc.name, seed, first(&res))
			}
			held = tc.held(&res.Coverage)
		}
		if !held {
			t.Errorf("%s: held in none of %d seeds", tc.name, tc.seeds)
		}
	}
}

// TestLivenessBoundCountsTheWindow: a correct Multi-Paxos whose window
// (alpha, a Knob.Window) runs one or two instances at a time serves forty
// clients one command after another; without a single fault, that is
// slow but live, and it must not fail liveness (it did while the bound
// gave each client's operations a round trip each, as though every
// client's ran at once). A window as wide as the clients needs no more.
func TestLivenessBoundCountsTheWindow(t *testing.T) {
	c := config(mpP.Name())
	c.Clients, c.Commands, c.Delay, c.Liveness, c.Reconfig = 40, 3, "20-30", 900, "none"
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0, 0, 0, 0, 0, 0
	for _, alpha := range []string{"1", "2", "64"} {
		c.Params = map[string]string{"alpha": alpha}
		r := run(t, mpP, c, 1, engine.Options{})
		if r.Failed() || !r.LivenessChecked || r.Stop != "decided" {
			t.Errorf("alpha %s: stop %s: %s", alpha, r.Stop, first(&r))
		}
	}
}

// TestLivenessBoundGrows: the liveness bound is --liveness plus a round
// trip's delays per client operation and two per replica, so it grows
// with the workload and the cluster, and never falls below --liveness.
func TestLivenessBoundGrows(t *testing.T) {
	if got := engine.LivenessBound(3000, 40, 5, 10); got != 3000+(6*40+2*5)*10 {
		t.Errorf("LivenessBound(3000, 40, 5, 10) = %d", got)
	}
	if engine.LivenessBound(3000, 4, 3, 10) >= engine.LivenessBound(3000, 40, 3, 10) ||
		engine.LivenessBound(3000, 4, 3, 10) >= engine.LivenessBound(3000, 4, 5, 10) ||
		engine.LivenessBound(3000, 0, 1, 1) < 3000 {
		t.Error("the bound does not grow with commands and nodes")
	}
}
