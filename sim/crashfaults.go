package sim

import (
	"fmt"
	"strings"
)

// The random crashes of a Timed world: plain crashes between handlers
// (FaultConfig.CrashRate), crashes that lose unsynced writes
// (LoseUnsyncedRate), and torn crashes inside a handler (TornCrashRate).

// crashTrials appends the crash trials of the nodes that are up: one per
// crash kind whose rate is set (a torn crash once none is armed).
func (w *World[M, D, O]) crashTrials(trials []faultTrial) []faultTrial {
	f := &w.cfg.Faults
	for id := NodeID(1); int(id) <= w.cfg.Nodes; id++ {
		s := &w.slots[id]
		if !s.up {
			continue
		}
		if f.CrashRate > 0 {
			trials = append(trials, faultTrial{DecideCrash, id, f.CrashRate})
		}
		if f.LoseUnsyncedRate > 0 {
			trials = append(trials, faultTrial{DecideLoseUnsynced, id, f.LoseUnsyncedRate})
		}
		if f.TornCrashRate > 0 && !s.tornArmed {
			trials = append(trials, faultTrial{DecideTornCrash, id, f.TornCrashRate})
		}
	}
	return trials
}

// startCrash starts the crash a trial drew, unless an earlier trial of
// this tick filled the quota of nodes down. A torn crash is armed, and
// falls inside the node's next handler (effects.go).
func (w *World[M, D, O]) startCrash(t faultTrial) {
	f := &w.cfg.Faults
	id, s := t.node, &w.slots[t.node]
	if w.crashed >= f.MaxCrashed || !s.up {
		return
	}
	switch t.kind {
	case DecideCrash:
		if !w.inert(FaultCrash) {
			w.crash(id, w.now+w.draw(Decision{DecideDowntime, id, 0}, f.Downtime))
		}
	case DecideTornCrash:
		if !w.inert(FaultTornCrash) {
			s.tornArmed = true
			w.eligibleGen++
		}
	case DecideLoseUnsynced:
		if !w.inert(FaultLostUnsynced) {
			u := len(s.unsynced)
			lose := u
			if u > 1 {
				lose = u - w.intn(Decision{DecideUnsyncedKept, id, 0}, u)
			}
			down := w.draw(Decision{DecideDowntime, id, 0}, f.Downtime)
			w.crashAs(id, w.now+down, FaultLostUnsynced, lose, lostLine(id, lose, u))
		}
	}
}

// lostLine is the decision-trace step of a crash of node id that loses
// lose of its u unsynced writes.
func lostLine(id NodeID, lose, u int) string {
	return fmt.Sprintf("crash %s losing %d of %d unsynced writes", id, lose, u)
}

// Crash says how a step crashes a node, beyond a plain crash between
// handlers: inside the handler of a delivery or timer (Torn, after Cut of
// its effects), or losing the last Lose of the node's Unsynced writes
// (Lost). The zero Crash is none, or a plain crash.
type Crash struct {
	Torn     bool
	Cut      int
	Lost     bool
	Lose     int
	Unsynced int
}

// line is the decision-trace step of crash c of node: around the step it
// cuts, inner, for a torn crash.
func (c Crash) line(node NodeID, inner fmt.Stringer) string {
	if c.Torn {
		return fmt.Sprintf("crash %s after effect %d of %s", node, c.Cut, inner)
	}
	return lostLine(node, c.Lose, c.Unsynced)
}

// parseCrash reads what follows "crash": "NODE", "NODE losing L of U
// unsynced writes", or "NODE after effect K of STEP", STEP a deliver to
// NODE or a timer of NODE.
func parseCrash(rest string, nodes int) (Step, error) {
	const form = "crash NODE, crash NODE losing L of U unsynced writes, or crash NODE after effect K of STEP"
	node, more, _ := strings.Cut(rest, " ")
	id, err := parseNode(node, nodes, form)
	if err != nil || more == "" {
		return Step{Kind: ActCrash, To: id}, err
	}
	var c Crash
	if _, err := fmt.Sscanf(more, "losing %d of %d unsynced writes", &c.Lose, &c.Unsynced); err == nil {
		if c.Lose < 0 || c.Lose > c.Unsynced || c.Unsynced > MaxUnsyncedWrites {
			return Step{}, fmt.Errorf("crash %s loses %d of %d unsynced writes: want 0 <= L <= U <= %d", id, c.Lose, c.Unsynced, MaxUnsyncedWrites)
		}
		c.Lost = true
		return Step{Kind: ActCrash, To: id, Crash: c}, nil
	}
	var inner string
	if n, _ := fmt.Sscanf(more, "after effect %d of", &c.Cut); n != 1 || !strings.Contains(more, " of ") {
		return Step{}, fmt.Errorf("%q is not a crash (want %s)", "crash "+rest, form)
	}
	_, inner, _ = strings.Cut(more, " of ")
	s, err := ParseStep(inner, nodes)
	switch {
	case err != nil:
		return Step{}, err
	case s.Kind != ActDeliver && s.Kind != ActTimer || s.Crash != (Crash{}):
		return Step{}, fmt.Errorf("a crash falls inside a deliver or a timer, not %q", inner)
	case s.To != id:
		return Step{}, fmt.Errorf("crash %s after effect %d of %q: that step runs on node %s", id, c.Cut, inner, s.To)
	case c.Cut < 0:
		return Step{}, fmt.Errorf("crash %s after effect %d: want an effect count >= 0", id, c.Cut)
	}
	c.Torn = true
	s.Crash = c
	return s, nil
}

// crashActions appends a Choice world's crashes: of each node that is up,
// plainly and (with LoseUnsynced) losing the last 1..all of its unsynced
// writes; and (with TornCuts) each delivery and timer listed so far
// again, as a torn crash after each cut 1..TornCuts.
func (w *World[M, D, O]) crashActions(acts []Action[M]) []Action[M] {
	if cuts := w.cfg.Choice.TornCuts; cuts > 0 {
		for i, n := 0, len(acts); i < n; i++ {
			if a := acts[i]; a.Kind == ActDeliver || a.Kind == ActTimer {
				for cut := 1; cut <= cuts; cut++ {
					a.Crash = Crash{Torn: true, Cut: cut}
					acts = append(acts, a)
				}
			}
		}
	}
	for id := NodeID(1); int(id) <= w.cfg.Nodes; id++ {
		s := &w.slots[id]
		if !s.up {
			continue
		}
		acts = append(acts, Action[M]{Kind: ActCrash, To: id})
		for lose, u := 1, len(s.unsynced); w.cfg.Choice.LoseUnsynced && lose <= u; lose++ {
			acts = append(acts, Action[M]{Kind: ActCrash, To: id, Crash: Crash{Lost: true, Lose: lose, Unsynced: u}})
		}
	}
	return acts
}

// endTorn ends action a of a Choice world, when it is a torn crash: a
// handler that never ran (its receiver was down) holds nothing; one that
// ran was cut (tear), and the crash counts against the budget and takes
// the node's messages to itself, or it made fewer effects than the cut and
// ran whole (tornMiss says how many it made, plus one).
func (w *World[M, D, O]) endTorn(a Action[M]) {
	if !a.Crash.Torn {
		return
	}
	if w.held.on {
		w.held.on, w.held.cut = false, 0
		clear(w.held.list)
		w.held.list = w.held.list[:0]
		return
	}
	if w.tornMiss == 0 {
		w.crashes++
		w.dropSelfSends(a.To)
	}
}
