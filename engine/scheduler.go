package engine

import (
	"strings"

	"github.com/paxsim/paxsim/sim"
)

// The schedulers, Config.Scheduler's values. A scheduler is only a way of
// answering a run's decisions (sim.Decider): the decision trace records
// what happened, so a run's trace replays and shrinks whichever scheduler
// made it.
const (
	// SchedulerRandom draws every decision from the seed's PRNG
	// (sim.Random): the default.
	SchedulerRandom = "random"
	// SchedulerPCT answers message delays by node priorities with
	// Config.PCTDepth-1 change points (sim.PCT), every other decision as
	// SchedulerRandom does.
	SchedulerPCT = "pct"
)

// Schedulers lists the schedulers, the default first.
var Schedulers = []string{SchedulerRandom, SchedulerPCT}

// DefaultPCTDepth is the PCT depth of a run that sets none: two change
// points.
const DefaultPCTDepth = 3

// MaxPCTDepth bounds Config.PCTDepth: deeper searches find nothing a
// depth this large does not, and each level is a change point to draw.
const MaxPCTDepth = 64

// checkScheduler checks Config.Scheduler and PCTDepth.
func (c Config) checkScheduler() error {
	switch c.Scheduler {
	case "", SchedulerRandom, SchedulerPCT:
	default:
		return bad("scheduler", "%q is not a scheduler (known: %s)", c.Scheduler, strings.Join(Schedulers, ", "))
	}
	if c.PCTDepth < 0 || c.PCTDepth > MaxPCTDepth {
		return bad("pct-depth", "%d is not between 1 and %d", c.PCTDepth, MaxPCTDepth)
	}
	return nil
}

// pctDepth is the run's PCT depth, its default filled in.
func (c Config) pctDepth() int {
	if c.PCTDepth > 0 {
		return c.PCTDepth
	}
	return DefaultPCTDepth
}

// deciders are the deciders a run of each scheduler draws from, kept to
// be reseeded seed after seed (Runner).
type deciders struct {
	random sim.Random
	pct    *sim.PCT
}

// seed returns the decider of c's scheduler for seed.
func (d *deciders) seed(c Config, seed uint64) sim.Decider {
	if c.Scheduler != SchedulerPCT {
		d.random.Seed(seed)
		return &d.random
	}
	if d.pct == nil {
		d.pct = new(sim.PCT)
	}
	d.pct.Seed(seed, c.pctDepth(), c.Nodes, sim.DefaultPCTHorizon)
	return d.pct
}
