package paxtest

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/sim"
)

// shape is a case's structure, drawn before its schedule: the run's
// config, the scheduler's bounds, its decisions before the heal and the
// seed of the timed liveness phase after it.
type shape struct {
	Config engine.Config
	Bounds sim.ChoiceConfig
	Steps  int
	Seed   uint64
}

// source draws a shape: rapid in a property, the fuzzer's bytes in a fuzz
// target.
type source interface {
	intRange(lo, hi int, label string) int
	flag(label string) bool
	seed(label string) uint64
}

// draw draws a case of p from src, within o's bounds. Every suite draws
// this way, in this order, so that a rapid fail file replays as the same
// schedule in any of them: the cluster, the clients (a consensus workload
// has at most one a proposer; a key-value one draws their operations too),
// the decisions before the heal, whether the scheduler may drop, how many
// duplicates and crashes it may inject, the liveness phase's seed, and
// last, when a crash may come, the durability faults it may be: how many
// effects into a handler a torn crash may fall (0: none), and whether a
// crash may lose unsynced writes. They come last so that a case with no
// crash draws what it drew before they were added.
func draw(src source, p *harness.Protocol, o *Options) shape {
	info := p.Info()
	c := engine.Default()
	c.Protocol, c.Variant = info.Name, o.variant()
	c.Nodes = src.intRange(1, o.maxNodes(), "nodes")
	if sizes := o.sizes(info); sizes != nil { // the protocol's own cluster sizes
		c.Nodes = sizes[min(c.Nodes, len(sizes))-1]
	}
	if w := info.Workload; w.Kind == engine.Consensus {
		c.Clients = src.intRange(1, info.ProposerCount(c.Nodes), engine.ClientsKnob(w))
	} else {
		c.Clients = src.intRange(1, o.maxClients(), "clients")
		c.Commands = src.intRange(1, o.maxCommands(), "commands")
	}
	if o.SafetyOnly {
		c.HealAt = 0
	}
	sh := shape{Config: c}
	sh.Steps = src.intRange(min(20, o.maxSteps()), o.maxSteps(), "steps")
	sh.Bounds.Drops = src.flag("drops")
	sh.Bounds.MaxDups = src.intRange(0, 3, "max-dups")
	sh.Bounds.MaxCrashes = src.intRange(0, 2, "max-crashes")
	sh.Seed = src.seed("liveness-seed")
	if sh.Bounds.MaxCrashes > 0 {
		sh.Bounds.TornCuts = src.intRange(0, maxTornCuts, "torn-cuts")
		sh.Bounds.LoseUnsynced = src.flag("lose-unsynced")
	}
	return sh
}

// maxTornCuts is how far into a handler a drawn torn crash may fall: after
// its first effect, its second or its third. A cut lists every delivery
// and timer once more, so a deeper one would crowd out the plain steps of
// the schedules that draw it; a reply sent before its vote is persisted is
// one effect before the write.
const maxTornCuts = 3

// run runs the case: d takes every decision of its schedule.
func (sh *shape) run(p *harness.Protocol, d sim.Decider, record bool) (engine.Result, error) {
	return p.RunChoice(sh.Config, d, sh.Bounds, sh.Steps, sh.Seed, engine.Options{Record: record})
}

// String words the bounds that the decision trace does not show.
func (sh *shape) String() string {
	return fmt.Sprintf("choice bounds: steps %d, drops %t, max dups %d, max crashes %d, torn cuts %d, lose unsynced %t; liveness seed %d",
		sh.Steps, sh.Bounds.Drops, sh.Bounds.MaxDups, sh.Bounds.MaxCrashes, sh.Bounds.TornCuts, sh.Bounds.LoseUnsynced, sh.Seed)
}

// rapidSource draws from a rapid property.
type rapidSource struct{ t *rapid.T }

func (s rapidSource) intRange(lo, hi int, label string) int {
	return rapid.IntRange(lo, hi).Draw(s.t, label)
}

func (s rapidSource) flag(label string) bool { return rapid.Bool().Draw(s.t, label) }

// seed draws the liveness phase's seed: the phase runs timed with this
// seed's PRNG, and liveness must hold for the fair schedule it draws.
func (s rapidSource) seed(label string) uint64 { return rapid.Uint64Range(0, 1<<16).Draw(s.t, label) }

// bytesSource reads a shape from a fuzzer's bytes, through the Bytes
// decider that then reads the run's decisions: one byte a number.
type bytesSource struct{ d sim.Decider }

func (s bytesSource) intRange(lo, hi int, _ string) int {
	return lo + s.d.Intn(sim.Decision{Kind: sim.DecideWorkload}, hi-lo+1)
}

func (s bytesSource) flag(label string) bool { return s.intRange(0, 1, label) == 1 }

// seed is fixed: the fuzzer varies the schedule, not the liveness phase.
func (s bytesSource) seed(string) uint64 { return 0 }
