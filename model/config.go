package model

import (
	"fmt"
	"maps"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// CheckConfig is an exhaustive search of a protocol's real code: every
// interleaving of a small cluster's steps in the simulator's choice mode,
// within bounds. Config gives the protocol, variant, nodes, clients, the
// protocol's knobs and FIFO links (a Multiset network's links then deliver
// in the order sent: each link's oldest message alone may be delivered or
// dropped, its latest alone duplicated); its timing and fault rates do not
// apply.
//
// A Consensus client c proposes checker.Value(c) to replica c, its
// request in flight from the start. A KeyValue client c puts key "a"+(c-1)
// to value "c.1" at replica ((c-1) mod nodes)+1, then, with
// Config.Commands K, "c.2" ... "c.K", each once it has the answer to the
// one before (turns.go); with Reconfig, the last client instead
// reconfigures the cluster to those members, once.
type CheckConfig struct {
	Config engine.Config
	// Network is what delivery does: SentSet (the default for paxsim
	// check) keeps every sent message deliverable forever, which covers
	// loss, reordering and duplication in one state; Multiset consumes
	// messages and makes drops and duplications actions of their own.
	// In a set network a client's request stays deliverable, so
	// delivering it again is the client's retry (to the same replica);
	// a KeyValue client retries only while it waits for its answer.
	Network sim.NetworkSemantics
	// MaxBallot bounds the ballots the world shows: rounds up to
	// MaxBallot, from the protocol's first (1..MaxBallot for paxsim's
	// own, 0..MaxBallot for one whose leaders start at round 0, as Paxos
	// Made Moderately Complex's do).
	// A step that sends a message carrying a higher round (BallotCarrier)
	// or observes one is not taken (bound.go).
	MaxBallot int
	// Crashes is how many crashes a path may contain (restarts are free);
	// at most a minority (or Config.MaxCrashed) is down at once. A crash
	// falls between steps, or inside one: after each of the first
	// TornCuts effects of a delivery's or timer's handler (a torn crash);
	// and a node with unsynced writes may crash losing the last of them.
	Crashes int
	// NoRestarts leaves crashed replicas down.
	NoRestarts bool
	// NoTimers leaves timers unfired: no retries with higher ballots and no
	// catch-up, only what messages and client requests start.
	NoTimers bool
	// Drops and Dups, for a Multiset network: may in-flight messages be
	// lost, and how many extra copies of sent messages a path may inject.
	Drops bool
	Dups  int
	// NetworkSelf sends a replica's messages to itself through the network
	// like any other, for the scheduler to deliver whenever: every
	// interleaving, at many times the states. By default they are local
	// calls, delivered at once (sim.ChoiceConfig.LocalSelf).
	NetworkSelf bool
	// Properties, when not empty, are the only properties whose violation
	// ends the search: agreement alone, say, to see how a variant that an
	// early check catches first goes on to break it. A panic always ends
	// it.
	Properties []checker.Property
	// Reconfig, for a KeyValue protocol that takes reconfigurations: the
	// last client reconfigures the cluster to these members.
	Reconfig []sim.NodeID
	// Ticks lets the timers fire that the protocol leaves out of a search
	// unless asked (engine.Explorer.ExploreTimer): a leader's periodic
	// tick, say, which a set network makes redundant.
	Ticks bool
	// SharedProposer sends every client's request to the first proposer
	// (replica 1, unless Info.Roles says otherwise): one replica gets
	// several values to propose, as a leader does, and a restart may hand
	// it another than its ballot carried before.
	SharedProposer bool
}

// TornCuts is how far into a handler a search's torn crashes fall: after
// its first effect, its second, ... its TornCuts-th. An acceptor's
// handler persists, reports and replies: three effects cover every order
// of them, and four a leader's that also sends a commit.
const TornCuts = 4

// DefaultClients is how many clients a search has when Config.Clients is
// 0: two proposers duel, two commands contend for the log.
const DefaultClients = 2

// maxClients bounds a KeyValue search's clients, each a request in flight
// at a time.
const maxClients = 8

// MaxNodes bounds a search's cluster.
const MaxNodes = 16

// DefaultCheck is what a bare `paxsim check` explores: three replicas,
// two clients, a grow-only network set, one ballot per replica, timers on
// and no crashes (317,716 states for single-decree Paxos).
func DefaultCheck(info *engine.Info) CheckConfig {
	c := engine.Default()
	c.Protocol, c.Nodes = info.Name, info.DefaultNodes()
	c.Clients = DefaultClients
	if info.Workload.Kind == engine.Consensus {
		c.Clients = min(DefaultClients, info.ProposerCount(c.Nodes)) // a client per proposer
	}
	return CheckConfig{Config: c, Network: sim.SentSet, MaxBallot: 1}
}

// Effective is the run configuration the search's replicas and its
// counterexample's replay use: c.Config with the explorer's defaults
// written out: the clients, one command each unless set, no reconfigurations but
// Reconfig's, and each knob's engine.Knob.Explore value where c sets none.
func (c CheckConfig) Effective(info *engine.Info) engine.Config {
	e := c.Config
	if e.Clients == 0 {
		e.Clients = DefaultClients
	}
	if e.Commands == 0 {
		e.Commands = 1
	}
	if info.Workload.Reconfig && spec(e.Reconfig) == "" {
		e.Reconfig = "none" // but for CheckConfig.Reconfig
	}
	e.Params = maps.Clone(e.Params)
	for _, k := range info.Knobs {
		if _, set := e.Params[k.Name]; !set && k.Explore != "" {
			if e.Params == nil {
				e.Params = map[string]string{}
			}
			e.Params[k.Name] = k.Explore
		}
	}
	return e
}

// Validate reports the first bad knob as a *engine.ConfigError naming its
// flag.
func (c CheckConfig) Validate(info *engine.Info) error {
	_, err := c.resolve(info)
	return err
}

// resolved is a CheckConfig checked for a protocol.
type resolved struct {
	cfg   engine.Config // Effective
	sc    sim.Config    // the explorer's Choice world
	setup engine.Setup
}

// resolve checks c and builds the explorer's world config.
func (c CheckConfig) resolve(info *engine.Info) (resolved, error) {
	r := resolved{cfg: c.Effective(info)}
	sc, setup, err := r.cfg.Resolve(info)
	if err != nil {
		return r, err
	}
	if err := c.checkWorkload(info, r.cfg); err != nil {
		return r, err
	}
	if err := c.checkBounds(); err != nil {
		return r, err
	}
	maxCrashed := r.cfg.MaxCrashed
	if maxCrashed == 0 {
		maxCrashed = (r.cfg.Nodes - 1) / 2
	}
	sc.Mode = sim.Choice
	sc.Choice = sim.ChoiceConfig{Drops: c.Drops, MaxDups: c.Dups, MaxCrashes: c.Crashes, Network: c.Network, LocalSelf: !c.NetworkSelf,
		TornCuts: TornCuts, LoseUnsynced: true}
	sc.Faults = sim.FaultConfig{Interval: sc.Faults.Interval, MaxCrashed: maxCrashed}
	sc.HealAt = 0
	setup.Explore = true
	r.sc, r.setup = sc, setup
	return r, nil
}

// checkWorkload checks the clients, the reconfiguration and the ticks.
func (c CheckConfig) checkWorkload(info *engine.Info, e engine.Config) error {
	w := info.Workload
	switch {
	case w.Kind == engine.KeyValue && e.Clients > maxClients:
		return bad(engine.ClientsKnob(w), "%d is more than %d requests in flight to explore", e.Clients, maxClients)
	case w.Kind == engine.KeyValue && (e.Commands < 1 || e.Commands > maxCommands):
		return bad("commands", "%d: a search's clients send 1 to %d requests each, one at a time", e.Commands, maxCommands)
	case w.Kind != engine.KeyValue && e.Commands != 1:
		return bad("commands", "a consensus search's clients propose once each (--%s sets how many)", engine.ClientsKnob(w))
	case spec(e.Reconfig) != "" && spec(e.Reconfig) != "none":
		return bad("reconfig", "a search reconfigures to the members of CheckConfig.Reconfig, not at a rate or schedule")
	case len(c.Reconfig) > 0 && (w.Kind != engine.KeyValue || !w.Reconfig):
		return bad("reconfig", "%s takes no reconfigurations", info.Name)
	}
	for _, id := range c.Reconfig {
		if id < 1 || int(id) > e.Nodes {
			return bad("reconfig", "member %d is not a node (1..%d)", id, e.Nodes)
		}
	}
	return nil
}

func spec(s string) string { return strings.TrimSpace(s) }

// checkBounds checks the search's own bounds.
func (c CheckConfig) checkBounds() error {
	switch {
	case c.MaxBallot < 1:
		return bad("max-ballot", "%d: each proposer needs at least one ballot", c.MaxBallot)
	case c.MaxBallot > 1<<20:
		return bad("max-ballot", "%d is too many to explore", c.MaxBallot)
	case c.Crashes < 0:
		return bad("crashes", "%d is negative", c.Crashes)
	case c.Dups < 0:
		return bad("dups", "%d is negative", c.Dups)
	case c.Network == sim.SentSet && (c.Drops || c.Dups > 0):
		return bad("network", "a set network already loses and duplicates messages; --drops and --dups need --network multiset")
	case c.Network == sim.SentSet && c.Config.FIFO:
		return bad("fifo", "a set network keeps no order; --fifo needs --network multiset")
	case c.Config.Nodes > MaxNodes:
		return bad("nodes", "%d is too many to explore (at most %d)", c.Config.Nodes, MaxNodes)
	}
	return nil
}

// bad is a ConfigError naming field.
func bad(field, format string, args ...any) error {
	return &engine.ConfigError{Field: field, Msg: fmt.Sprintf(format, args...)}
}
