package campaign

import (
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// Tally sums runs that its caller ran itself, one at a time, as a
// campaign sums its own, so that their coverage gaps are a campaign's
// (package mutants judges a source mutant's swarm runs by it).
type Tally struct {
	o Options
	t tally
}

// NewTally returns an empty Tally of p's runs; swarm says whether they
// are a swarm's (Summary.Swarm).
func NewTally(p *harness.Protocol, swarm bool) *Tally {
	t := &Tally{o: Options{Protocol: p, Swarm: swarm}}
	t.t.stops, t.t.linearizability = make(map[string]int), make(map[string]int)
	return t
}

// Add counts res, the passing run of seed with configuration cfg.
func (t *Tally) Add(cfg engine.Config, seed uint64, res *engine.Result) {
	t.t.add(t.o.Protocol.Info(), cfg, seed, res)
}

// Gaps lists the coverage gaps that would fail a campaign of the runs
// added (FailingGaps): none before CoverageMinSeeds runs.
func (t *Tally) Gaps() []string {
	t.o.Seeds = t.t.seeds
	s := merge([]tally{t.t}, t.o, 1, 0)
	return FailingGaps(&s)
}
