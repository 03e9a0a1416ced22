package model

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// Progress. A search of a set network with timers on judges liveness
// where a safety search can: a state every step of which leads back to
// it (explore.Staller), in which the protocol still owes a decision, is
// one the cluster can never leave. Nothing is lost in a set network
// (every message stays deliverable, a client's request too, which is its
// retry), every timer may fire and every crashed replica may restart, so
// a correct protocol has a step out of such a state unless a bound kept
// it back: a proposer's retry in a round past --max-ballot, say. Such a
// state is not judged: the bound, not the protocol, stopped it.
//
// What is owed: for a consensus workload, a chosen value that every
// learner knows, as a campaign's liveness phase asks; for a log,
// a chosen value in every instance up to the highest one voted in
// (checker.Safety.Unsettled): a vote no quorum joins, or a hole below
// one, stalls every command after it. A client whose request no replica
// ever takes up is not judged: a replica may leave a request to a
// client's retry at another replica, which a search's client, bound to
// one replica, never makes.

// judgesProgress reports whether a search of c judges progress.
func judgesProgress(c CheckConfig) bool {
	return c.Network == sim.SentSet && !c.NoTimers && !c.NoRestarts &&
		(len(c.Properties) == 0 || slices.Contains(c.Properties, checker.Liveness))
}

// Stalled implements explore.Staller: what s, every step of which leads
// back to it, awaits in vain; "" when it awaits nothing or a bound left
// out a step of it.
func (m *Model[M, D]) Stalled(s *State[M, D]) string {
	if !m.progress || s.fault != "" {
		return ""
	}
	owed := m.owed(m.judgeOf(s))
	if owed == "" || m.boundedAt(s) {
		return ""
	}
	return fmt.Sprintf("%s: the cluster is stuck: %s, and every step the search may take leads back to this state "+
		"(every message stays deliverable, every timer may fire, no bound left a step out)", checker.Liveness, owed)
}

// owed describes the decision the protocol owes in a state whose
// checkers are j, or "".
func (m *Model[M, D]) owed(j *judge) string {
	if m.info.Workload.Kind == engine.Consensus {
		return m.unlearned(j)
	}
	i, top, ok := j.safety.Unsettled()
	switch {
	case !ok:
		return ""
	case i == top:
		return fmt.Sprintf("instance %d has votes but no chosen value", i)
	default:
		return fmt.Sprintf("instance %d has no chosen value, while instance %d has votes", i, top)
	}
}

// unlearned describes what a single decree owes: a chosen value, and
// every learner's knowing it; "" when nothing.
func (m *Model[M, D]) unlearned(j *judge) string {
	ch, ok := j.safety.Chosen(0)
	if !ok {
		return "no value is chosen"
	}
	for l := m.info.RolesOf(m.cfg.Nodes).Learners; l != 0; l &= l - 1 {
		if node := bits.TrailingZeros64(l); !learned(j.safety, node) {
			return fmt.Sprintf("%s is chosen, but node %d has not learned it", ch.Value, node)
		}
	}
	return ""
}

func learned(s *checker.Safety, node int) bool {
	_, ok := s.Learned(node, 0)
	return ok
}

// boundedAt reports whether a bound of the search keeps a step of s
// back: a timer the search does not fire, or a step past the ballot
// bound. It takes each of s's steps the long way: it runs only for the
// few states whose steps all lead back to them.
func (m *Model[M, D]) boundedAt(s *State[M, D]) bool {
	sc := m.scratchFor(s)
	defer m.putScratch(sc)
	j := m.judgeOf(s)
	sc.acts = append(sc.acts[:0], sc.parent(m).world.Actions()...)
	for i := range sc.acts {
		a := &sc.acts[i]
		if !m.enabled(a, j) {
			if a.Kind == sim.ActTimer || a.Kind == sim.ActRestart {
				return true
			}
			continue // a client's request out of its turn
		}
		m.takeLong(a, plain, sc, func(*sim.Action[M], *State[M, D], []Sent[M]) {})
		if sc.cut {
			return true
		}
	}
	return false
}

// stalledLines is the counterexample of a stalled state, the end of the
// explorer's path labels: its lines, then the liveness phase, which runs
// timed from that state and must fail liveness at its deadline; replay
// runs it again the same way. A phase that makes progress is an
// *unconfirmedStall.
func (m *Model[M, D]) stalledLines(labels []string, why string) ([]string, error) {
	lines, err := m.lines(labels)
	if err != nil {
		return nil, err
	}
	lines = append(lines, engine.LivenessLine)
	replay := m.replayLines
	if replay == nil {
		replay = func(lines []string) (engine.Result, error) {
			return trace.ReplayAll(m.proto, m.info, trace.FromResult(m.cfg, &engine.Result{Lines: lines}))
		}
	}
	res, err := replay(lines)
	if err != nil {
		return nil, fmt.Errorf("the counterexample does not replay: %v", err)
	}
	if !breaks(res.Violations, checker.Liveness) {
		return nil, &unconfirmedStall{why: why, verdict: res.Verdict}
	}
	return lines, nil
}

// unconfirmedStall is a stalled state whose liveness phase, run timed
// from it, did not fail: the timed run took a step the search does not
// take (a client's retry at another replica, say), so the search's
// judgement of progress is not evidence. Check searches again without it.
type unconfirmedStall struct {
	why     string // the search's judgement
	verdict string // the phase's
}

func (u *unconfirmedStall) Error() string { return "unconfirmed stall: " + u.why }

// note is what the report says of it.
func (u *unconfirmedStall) note() string {
	return fmt.Sprintf("progress not judged: the search found a state it could not leave (%s), but the liveness phase run from it, timed, "+
		"ended %s: a timed run takes steps a search does not (a client's retry at another replica, say), so the search ran again without judging progress",
		strings.TrimPrefix(u.why, string(checker.Liveness)+": "), u.verdict)
}
