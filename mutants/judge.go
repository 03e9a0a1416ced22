package mutants

import (
	"context"
	"slices"

	"github.com/paxsim/paxsim/campaign"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// JudgeOptions configure Judge.
type JudgeOptions struct {
	Protocols []*harness.Protocol
	Start     uint64 // each campaign's first seed
	Budget    uint64 // seeds per protocol; 0 means DefaultSourceBudget
	// PerformanceSeeds is the fault-free runs per protocol that measure
	// Performance; 0 means DefaultPerformanceSeeds.
	PerformanceSeeds uint64
	NoExplore        bool
	// Reached reports whether the code under judgement ran the mutation
	// since the last Reset (package reach); nil: it is not known, and
	// every campaign runs its whole budget.
	Reached func() bool
	Reset   func()
	// Progress, when set, is called as each run and each search starts:
	// a watchdog can tell a mutant that hangs inside a run.
	Progress func()
	// Covered, in the original code's judgement (the control), lists and
	// forgets the mutants whose sites the code ran since it was last
	// called (reach.Covered); the verdict keeps the list of each
	// protocol's campaigns (Verdict.Sites). Nil: nothing is recorded.
	Covered func() []int
	// RunBy, in a mutant's judgement, reports whether the control's
	// campaigns of the protocol named ran the mutant's site; known is
	// false when that is not known. Known and not run: the site had not
	// run at all by the end of those campaigns (ProtocolSites.Seen), and
	// the protocol is skipped, each of its runs being the control's,
	// exactly. Run: its campaigns get their whole budget, never stopped
	// by the SourceProbe, however late its seeds first run the site.
	RunBy func(protocol string) (known, ran bool)
}

// ProtocolSites is, in the control's judgement, the mutants whose sites
// one protocol's campaigns ran (Ran), and those whose sites had run by
// the end of them (Seen: Ran, and what ran before, as the process started
// or in earlier protocols' campaigns). A mutant not in Seen cannot change
// any of the protocol's runs: they are the control's, exactly; one in Seen
// but not in Ran may (a value computed once, earlier, that these runs
// use).
type ProtocolSites struct {
	Protocol string `json:"protocol"`
	Ran      []int  `json:"ran"`
	Seen     []int  `json:"seen"`
}

// DefaultSourceBudget is how many swarm seeds Judge runs per protocol.
const DefaultSourceBudget = 5000

// SourceProbe is how many seeds of a protocol's campaign run before Judge
// asks whether they reached the mutation: a campaign whose first
// SourceProbe seeds never ran the mutated code stops there (the code is
// another protocol's, or runs under a variant only).
const SourceProbe = 200

// Verdict is what Judge found of the code this process runs.
type Verdict struct {
	Killed bool `json:"killed"`
	// By is the technique that killed it: "campaign" or "explorer".
	By       string  `json:"by,omitempty"`
	Protocol string  `json:"protocol,omitempty"`
	Seed     *uint64 `json:"seed,omitempty"` // a campaign's lowest failing seed
	Bounds   string  `json:"bounds,omitempty"`
	Property string  `json:"property,omitempty"`
	Message  string  `json:"message,omitempty"`
	// Reached: the mutated code ran in some run or search (false when
	// Reached was nil).
	Reached bool `json:"reached"`
	// Seeds counts the campaign seeds run, over every protocol.
	Seeds uint64 `json:"seeds"`
	// Sites is, in the control's verdict (JudgeOptions.Covered), the
	// mutants whose sites each protocol's campaigns ran.
	Sites []ProtocolSites `json:"sites,omitempty"`
	// Performance is each protocol's figures, in the order judged, over
	// the seeds its campaigns ran (none past the protocol that killed
	// it; a protocol whose campaign stopped early, its code not reached,
	// has no fault-free runs).
	Performance []Performance `json:"performance,omitempty"`
}

// DropPerRun forgets each protocol's per-run figures (Performance.PerRun):
// a verdict keeps them only until Regression has compared them, since a
// report of hundreds of mutants would carry millions of them.
func (v *Verdict) DropPerRun() {
	for i := range v.Performance {
		v.Performance[i].PerRun = nil
	}
}

// Judge judges the code this process was built from, a source mutant's,
// as the mutation score judges a variant: per protocol, in order, its
// campaigns (Verdict.campaign) of seeds Start.., each stopped at its
// first failing seed; then, unless
// NoExplore, the explorer with the bounds of ExplorerBounds. It stops at
// the first kill. It runs on one goroutine: its verdict is a pure
// function of the code and the options. A run that returns an error (not
// a violation: the harness refused the run) kills too, with property
// "error": the original code has none.
func Judge(ctx context.Context, o JudgeOptions) (Verdict, error) {
	if o.Budget == 0 {
		o.Budget = DefaultSourceBudget
	}
	if o.PerformanceSeeds == 0 {
		o.PerformanceSeeds = DefaultPerformanceSeeds
	}
	var v Verdict
	var seen []int // in the control: every site that ran so far
	if o.Covered != nil {
		seen = o.Covered()
	}
	for _, p := range o.Protocols {
		if o.Reset != nil {
			o.Reset()
		}
		killed := v.campaign(ctx, p, o)
		if o.Covered != nil {
			ran := o.Covered()
			seen = union(seen, ran)
			v.Sites = append(v.Sites, ProtocolSites{p.Name(), ran, seen})
		}
		if killed {
			return v, nil
		}
	}
	if o.NoExplore {
		return v, ctx.Err()
	}
	for _, p := range o.Protocols {
		e := explore1(Target{Protocol: p, Variant: engine.Correct}, 1, o.progress)
		v.Reached = v.Reached || (o.Reached != nil && o.Reached())
		if e.Verdict == Found {
			v.Killed, v.By, v.Protocol, v.Bounds, v.Property = true, "explorer", p.Name(), e.Bounds, e.Property
			return v, nil
		}
	}
	return v, ctx.Err()
}

// union is the sorted union of two sorted lists.
func union(a, b []int) []int {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// chunkBy names the technique of each of campaign's chunks in a verdict.
var chunkBy = []string{"campaign", "campaign", "campaign (catalogue config)", "campaign (edges)", "campaign (fault-free)"}

// DefaultPerformanceSeeds is how many fault-free runs per protocol Judge
// adds to its campaigns to measure the code's Performance: swarm draws of the
// cluster, the workload and the knobs, with every fault off
// (engine.Config.FaultFree), so that a run's messages and waits are the
// protocol's own and not the faults'.
const DefaultPerformanceSeeds = 2000

// progress calls Progress, if set.
func (o *JudgeOptions) progress() {
	if o.Progress != nil {
		o.Progress()
	}
}

// campaign runs p's campaigns, half the budget each: a swarm campaign
// (engine.Default drawn per seed, as paxsim campaign runs it), and one
// of the catalogue's configuration (ConfigFor), whose fixed faults find
// the durability bugs a swarm draws rarely; then EdgeSeeds swarm seeds
// at each of the edges of the cluster's and the protocol's knobs (Edges);
// then PerformanceSeeds fault-free swarm draws, which measure the code's
// Performance (the swarm and catalogue runs, with faults, give its
// recovery).
// A swarm campaign with a coverage gap (campaign.Tally: a declared
// assertion or a sometimes property never satisfied, a fault on that
// never fired) fails, as paxsim campaign fails it. The swarm campaign
// runs SourceProbe seeds first and stops there if they never reached the
// mutation (and so does the second), unless JudgeOptions.RunBy says the
// control's campaigns of p ran it; when RunBy says they never did, p's
// campaigns are skipped. It reports whether it killed the mutant.
func (v *Verdict) campaign(ctx context.Context, p *harness.Protocol, o JudgeOptions) bool {
	info := p.Info()
	swarm := func(seed uint64) engine.Config {
		o.progress()
		c := engine.Default()
		c.Protocol = p.Name()
		return c.Swarm(info, seed, nil)
	}
	fixed := func(seed uint64) engine.Config {
		o.progress()
		return ConfigFor(Target{Protocol: p, Variant: engine.Correct}, seed)
	}
	half := max(o.Budget/2, 1)
	chunks := []struct {
		cfg           func(uint64) engine.Config
		start, budget uint64
	}{
		{swarm, o.Start, min(half, SourceProbe)},
		{swarm, o.Start + min(half, SourceProbe), half - min(half, SourceProbe)},
		{fixed, o.Start, o.Budget - half},
		{edgeConfigs(info, o.progress), o.Start, uint64(len(Edges(info))) * EdgeSeeds},
		{func(seed uint64) engine.Config { return swarm(seed).FaultFree() }, o.Start, o.PerformanceSeeds},
	}
	v.Performance = append(v.Performance, Performance{Protocol: p.Name()})
	known, ran := false, false
	if o.RunBy != nil {
		known, ran = o.RunBy(p.Name())
	}
	if known && !ran {
		return false // every run the control's: no figure differs either
	}
	cover := campaign.NewTally(p, true)
	perf := &v.Performance[len(v.Performance)-1]
	for i, c := range chunks {
		onRun := func(cfg engine.Config, res *engine.Result) {
			switch i {
			case 0, 1: // the swarm's
				cover.Add(cfg, res.Seed, res)
				perf.addRecovery(cfg, res)
			case 2:
				perf.addRecovery(cfg, res)
			case 4:
				perf.add(res)
			}
		}
		if c.budget > 0 && v.chunk(ctx, p, o, chunkBy[i], c.cfg, c.start, c.budget, onRun) && (v.Killed || !ran) {
			return v.Killed
		}
		if i == 1 {
			if gaps := cover.Gaps(); len(gaps) > 0 {
				v.Killed, v.By, v.Protocol, v.Property, v.Message = true, "campaign (coverage)", p.Name(), "coverage", gaps[0]
				return true
			}
		}
	}
	return false
}

// chunk runs one chunk of p's campaigns, by the technique named by, and
// reports whether the campaigns stop there: it killed the mutant (an
// error, a failing seed), or it did not reach the mutated code.
func (v *Verdict) chunk(ctx context.Context, p *harness.Protocol, o JudgeOptions, by string, cfg func(uint64) engine.Config,
	start, budget uint64, onRun func(engine.Config, *engine.Result)) bool {
	ff, err := firstFailure(ctx, p, cfg, start, budget, 1, onRun)
	v.Seeds += ff.ran
	reached := o.Reached == nil || o.Reached()
	v.Reached = v.Reached || (reached && o.Reached != nil)
	switch {
	case err != nil:
		v.Killed, v.By, v.Protocol, v.Property, v.Message = true, by, p.Name(), "error", err.Error()
	case ff.found:
		seed := ff.seed
		v.Killed, v.By, v.Protocol, v.Seed = true, by, p.Name(), &seed
		v.Property, v.Message = string(ff.res.Violations[0].Property), ff.res.Violations[0].Message
	}
	return v.Killed || !reached
}
