package engine

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// The liveness judgement, one for every protocol: after the heal, within
// the liveness bound, every client operation is answered (a consensus
// object's client hears the decision, even from a replica that knew it
// before it asked), something is decided, and every replica of the
// healed core caught up: it learned the value (a single decree), or
// applied the log as far as any replica did (a replicated log). With
// roles on separate nodes (Info.Roles), the replicas waited for are the
// core's learners. A run whose core got there stops
// early, decided.

// done reports whether the core caught up and every client has its
// answers. A run in which no client asked for anything owes no decision:
// it is done once nothing is decided (a shrunk trace without its client
// requests is not a liveness failure).
func (s *Session[M, D]) done() bool {
	return s.clients.done() && (caughtUp(s.progress, s.waitFor()) || s.idle())
}

// idle reports whether nothing was decided and nothing had to be: no
// client ever asked for anything, or, for a replicated log, every client
// has its answers without an entry applied (reads a leader with a lease
// answers from its state). A single decree's answer is the decision, so
// one answered with nothing learned still owes it.
func (s *Session[M, D]) idle() bool {
	if slices.Max(s.progress) != 0 {
		return false
	}
	return !s.asked || (s.judge.log != nil && s.clients.done())
}

// waitFor is the nodes whose progress liveness waits for: the learners
// of the core (every replica of it, unless Info.Roles says otherwise).
func (s *Session[M, D]) waitFor() uint64 { return s.plan.roles.Learners &^ s.world.LeftFaulty() }

// lagging returns how far the replicas got (the most any did) and the
// nodes of the core that did not get as far, or that got nowhere.
func (s *Session[M, D]) lagging() (top int64, behind []int) {
	if s.idle() {
		return 0, nil
	}
	top = slices.Max(s.progress) // progress[0], no node's, is 0
	for m := s.waitFor(); m != 0; m &= m - 1 {
		if id := bits.TrailingZeros64(m); s.progress[id] < top || top == 0 {
			behind = append(behind, id)
		}
	}
	return top, behind
}

// judgeLiveness reports, at the deadline, what the core has not done.
func (s *Session[M, D]) judgeLiveness(healAt, deadline sim.Time) {
	s.judge.at(int64(deadline), s.world.Events())
	missing := s.clients.unanswered()
	top, behind := s.lagging()
	for _, id := range behind {
		missing = append(missing, s.behind(id, top))
	}
	if len(missing) == 0 {
		return
	}
	check, msg := "core-behind", fmt.Sprintf("faults healed at t=%d, but by t=%d (%d ticks later) the core has not caught up", healAt, deadline, deadline-healAt)
	if top == 0 && !s.judge.safety.Decided() { // a log with a hole at instance 1 decided something
		check, msg = "nothing-decided", fmt.Sprintf("nothing decided and learned by t=%d, %d ticks after every fault healed at t=%d", deadline, deadline-healAt, healAt)
	}
	s.res.Violations = append(s.res.Violations, checker.Violation{
		Property: checker.Liveness, Check: check, Time: int64(deadline), Event: s.world.Events(),
		Message: msg, Evidence: missing,
	})
}

// firstHole words why no replica of a log applied anything: instance 1
// was chosen and not applied, or never chosen while others were.
func (s *Session[M, D]) firstHole() string {
	if ch, ok := s.judge.safety.Chosen(1); ok {
		return fmt.Sprintf("instance 1 was chosen (%s at ballot %s), but no replica applied it", ch.Value, ch.Ballot)
	}
	n := s.judge.safety.ChosenInstances()
	if n == 0 {
		return "no instance was chosen"
	}
	others := fmt.Sprintf("%d other instances have one", n)
	if n == 1 {
		others = "another instance has one"
	}
	return fmt.Sprintf("instance 1 has no chosen value, while %s: a hole at the head of the log", others)
}

// behind words how far node id got, of top.
func (s *Session[M, D]) behind(id int, top int64) string {
	if s.judge.log != nil && top == 0 {
		return fmt.Sprintf("node %d applied no instance: %s", id, s.firstHole())
	}
	if s.judge.log != nil {
		return fmt.Sprintf("node %d applied %d of %d instances", id, s.progress[id], top)
	}
	if ch, ok := s.judge.safety.Chosen(0); ok {
		return fmt.Sprintf("node %d had not learned %s, chosen at ballot %s", id, ch.Value, ch.Ballot)
	}
	return fmt.Sprintf("node %d learned nothing; %s", id, strings.Join(s.judge.safety.AcceptorEvidence(0), "; "))
}
