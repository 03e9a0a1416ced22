package scenarios

import "github.com/paxsim/paxsim/sim"

// ChoiceOptions bound a choice-mode run (RunChoice).
type ChoiceOptions struct {
	Steps      int  // most scheduling decisions before the heal; 0 means 200
	Drops      bool // the scheduler may drop messages
	MaxDups    int  // copies of sent messages it may inject
	MaxCrashes int  // crashes it may cause (at most a minority down at once)
	// Seed seeds the liveness phase that follows the heal. Liveness is
	// judged only when the config has a heal (HealAt > 0).
	Seed uint64
}

// RunChoice runs c in a Choice world in which d takes every decision:
// which replicas the clients ask, then, step by step, which enabled action
// runs next (deliver, drop or duplicate a message, fire a timer, crash or
// restart a replica). This is how property tests (d draws from rapid) and
// fuzzing (d reads the fuzzer's bytes) explore schedules: every decision is
// a small index that rapid can shrink. After Steps decisions, or when
// nothing is enabled, faults heal and, if c has a heal, the liveness phase
// runs timed with a seeded PRNG and the usual bound.
//
// The rates, delays and scheduled faults of c play no part; Nodes,
// Proposers, Variant, HealAt (as a switch), Liveness and MaxEvents do.
func RunChoice(c Config, d sim.Decider, o ChoiceOptions, opts Options) (Result, error) {
	sc, variant, err := c.build()
	if err != nil {
		return Result{}, err
	}
	steps := o.Steps
	if steps <= 0 {
		steps = 200
	}
	sc.Mode = sim.Choice
	sc.Choice = sim.ChoiceConfig{Drops: o.Drops, MaxDups: o.MaxDups, MaxCrashes: o.MaxCrashes}
	sc.Faults.Schedule = nil
	r, err := newRunner(c, sc, variant, o.Seed, d, opts)
	if err != nil {
		return Result{}, err
	}
	err = r.execute(func() error {
		r.chooseClients(d)
		r.explore(steps)
		return nil
	})
	return r.res, err
}

// chooseClients lets d pick the replica each client asks.
func (r *runner) chooseClients(d sim.Decider) {
	for client := 1; client <= r.cfg.Proposers; client++ {
		node := sim.NodeID(1 + d.Intn(sim.Decision{Kind: sim.DecideWorkload}, r.cfg.Nodes))
		r.propose(client, node, 0)
	}
}

// explore takes up to steps decisions, then runs the liveness phase.
func (r *runner) explore(steps int) {
	w, c := r.world, r.cfg
	for i := 0; i < steps && int64(i) < c.MaxEvents; i++ {
		if !w.Step() {
			break
		}
		if r.afterStep() {
			return
		}
	}
	if c.HealAt == 0 {
		r.res.Stop = StopMaxEvents
		return
	}
	r.livenessPhase()
}
