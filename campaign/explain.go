package campaign

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/watchdog"
)

// explainFailures groups the failures (sorted by seed) by signature, the
// property and the check that fired, and explains the groups: the
// representatives (lowest seeds) of the first MaxShrinks groups are
// recorded and shrunk on parallel workers, watched as the seeds' runs are
// (Options.HangTimeout): a shortened trace may lead the protocol where no
// seed's run went, into a loop. Then it moves every seed's reproducer into
// its group's folder and writes the folders. The result is the same for
// any number of workers.
func explainFailures(ctx context.Context, o Options, s *Summary, workers int) {
	reps := groupFailures(s)
	e := &explainer{ctx: ctx, o: o, s: s, reps: reps, limit: shrinkLimit(o.MaxShrinks, len(s.Groups))}
	began := time.Now()
	e.run(min(workers, max(e.limit, 1)))
	if e.limit > 0 {
		s.ShrinkSeconds = time.Since(began).Seconds()
	}
	for i := range s.Groups {
		if i < e.limit {
			e.each[i].settle(&s.Groups[i])
		}
		noteUnexplained(&s.Groups[i], i, e.limit)
		if d := s.Groups[i].diverged; d != nil {
			s.Nondeterministic = append(s.Nondeterministic, *d)
		}
	}
	sort.Slice(s.Nondeterministic, func(i, j int) bool { return s.Nondeterministic[i].Seed < s.Nondeterministic[j].Seed })
	if o.out != nil {
		fileGroups(o, s)
	}
}

// explainer explains the first limit groups of s on parallel workers.
type explainer struct {
	ctx   context.Context
	o     Options
	s     *Summary
	reps  []int // each group's representative, an index in s.Failures
	limit int
	each  []explanation // a group's, for the first limit groups
	next  atomic.Int64  // the next group to take
	wg    sync.WaitGroup
}

// explanation is one group's explaining, which a watchdog follows on a
// pulse of its own: a pulse is never reused, so that a worker it
// abandoned, were it to come back, finds its run abandoned still.
type explanation struct {
	pulse watchdog.Pulse
	// group is the group as its worker left it: once its trace was
	// recorded, once it was shrunk, then once it was explained.
	group atomic.Pointer[Group]
	// replaying is the trace the group's shrink replays (nil before and
	// after the shrink).
	replaying atomic.Pointer[trace.Trace]
	hang      *watchdog.Hang // set by the watchdog, read once the workers are done
}

// run explains the groups on workers workers and waits for them. A worker
// whose explaining hangs is abandoned, and another takes its place.
func (e *explainer) run(workers int) {
	e.each = make([]explanation, e.limit)
	pulses := make([]*watchdog.Pulse, e.limit)
	index := make(map[uint64]int, e.limit) // by representative seed: a seed is in one group
	for i := range e.each {
		pulses[i] = &e.each[i].pulse
		index[e.s.Groups[i].Representative] = i
	}
	for range workers {
		e.wg.Add(1)
		go e.work()
	}
	stop := watchdog.Watch(pulses, e.o.hangTimeout(), func(h watchdog.Hang) {
		e.each[index[h.Seed]].hang = &h
		go e.work() // in the abandoned worker's stead, and its wg.Done's
	})
	e.wg.Wait()
	stop()
}

// work explains groups, one after another, until none is left, the
// campaign is interrupted, or the watchdog abandons it.
func (e *explainer) work() {
	for e.ctx.Err() == nil {
		i := int(e.next.Add(1) - 1)
		if i >= e.limit {
			break
		}
		x := &e.each[i]
		x.pulse.Bind()
		x.pulse.Begin(e.s.Groups[i].Representative)
		g := e.s.Groups[i] // a copy: an abandoned worker must leave the group alone
		explain(e.ctx, e.o, &g, &e.s.Failures[e.reps[i]], x)
		if !x.pulse.End() {
			return // the watchdog's callback started another worker
		}
		x.group.Store(&g)
	}
	e.wg.Done()
}

// settle puts into g what its explaining came to: the group its worker
// left, and, when the watchdog abandoned it, why.
func (x *explanation) settle(g *Group) {
	if done := x.group.Load(); done != nil {
		*g = *done
	}
	if x.hang == nil {
		return
	}
	g.Hang = newHang(x.hang)
	switch t := x.replaying.Load(); {
	case t != nil:
		c := *t // its replay may still read it
		g.hangTrace = &c
		g.Message += fmt.Sprintf(" (shrinking stopped: the replay of a trace it tried took no step for %s of wall time, after %d steps: protocol code loops or blocks on that schedule; the trace is %s)", x.hang.After, x.hang.Steps, hangFile)
	default:
		g.Message += fmt.Sprintf(" (its run, again, took no step for %s of wall time, after %d steps, where the campaign's run of the seed ended: the protocol is not deterministic)", x.hang.After, x.hang.Steps)
	}
}

// noteUnexplained says in the message of the i-th group, when it was not
// recorded, why: beyond the limit of groups explained, or, within it,
// because the campaign was interrupted first.
func noteUnexplained(g *Group, i, limit int) {
	switch {
	case g.trace != nil, g.Hang != nil:
	case i >= limit:
		g.Message += fmt.Sprintf(" (not recorded or shrunk: only the first %d groups are; --max-shrinks sets it)", limit)
	case g.recordError == "":
		g.Message += " (not recorded or shrunk: the campaign was interrupted before it got to it)"
	}
}

// explain records the decision trace of group g's representative, whose
// run's result is res, shrinks it and draws its history, on x's pulse. A
// cancelled ctx cuts the shrinking short: the group then takes the
// smallest trace found so far, and its message says so.
func explain(ctx context.Context, o Options, g *Group, f *Failure, x *explanation) {
	seed, res := g.Representative, &f.res
	cfg, p := o.ConfigFor(seed), o.Protocol
	rec, err := p.Run(cfg, seed, engine.Options{Record: true, Steps: x.pulse.Steps()})
	if err != nil {
		g.recordError = err.Error()
		g.Message += fmt.Sprintf(" (its run could not be recorded: %v)", err)
		return
	}
	if OutcomeHash(&rec) != f.outcome && !o.CheckDeterminism { // with CheckDeterminism, runSeed reported it
		g.diverged = &Divergence{Seed: seed, Detail: Diverge(p, cfg, seed)}
		g.Message += " (run again, the seed went otherwise: the protocol is not deterministic, and its trace and shrinking are not to be trusted)"
	}
	recorded := trace.FromResult(cfg, &rec)
	g.trace, g.StepsBefore = recorded, recorded.Steps()
	recordedOnly := *g
	x.group.Store(&recordedOnly)
	shaped := recorded
	if !o.NoShrink {
		shaped = shrinkGroup(ctx, o, g, recorded, x)
		x.replaying.Store(nil) // what follows runs the seed again, not a trace shrinking tried
	}
	g.Shape = shape(shaped)
	shrunk := *g
	x.group.Store(&shrunk)
	if res.Linearizability == string(linearize.Illegal) && o.OutDir != "" {
		var page bytes.Buffer
		run := func(opts engine.Options) (engine.Result, error) { return p.Run(cfg, seed, opts) }
		if _, err := engine.ExplainHistory(run, &page); err == nil {
			g.history = page.Bytes()
		}
	}
}

// shrinkGroup shrinks g's recorded trace on x's pulse and returns the
// trace whose shape g takes: the shrunk one, or recorded when it could
// not be shrunk.
func shrinkGroup(ctx context.Context, o Options, g *Group, recorded *trace.Trace, x *explanation) *trace.Trace {
	sr, err := o.Protocol.Shrink(ctx, recorded, trace.ShrinkOptions{
		Budget: o.shrinkBudget(), Steps: x.pulse.Steps(), Replaying: func(t *trace.Trace) { x.replaying.Store(t) },
	})
	switch {
	case err != nil && ctx.Err() == nil:
		g.Message += fmt.Sprintf(" (not shrunk: %v)", err)
	case err != nil:
	case string(sr.Property) != g.Property:
		g.Message += fmt.Sprintf(" (not shrunk: its recorded trace replays to %s, not %s)", sr.Property, g.Property)
	default:
		g.shrunk, g.StepsAfter = sr.Trace, sr.After
		switch {
		case sr.Interrupted:
			g.Message += " (shrinking was interrupted: the shrunk trace may not be 1-minimal)"
		case sr.Exhausted:
			g.Message += " (the shrink budget ran out: the shrunk trace may not be 1-minimal)"
		}
		return sr.Trace
	}
	return recorded
}
