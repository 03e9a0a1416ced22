package model

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// BallotCarrier is implemented by a protocol's messages that carry
// ballots. The explorer's ballot bound (CheckConfig.MaxBallot) comes from
// what the world shows, never from a field of a replica's state: a step
// is not taken when a message it sends carries a ballot of a round above
// the bound, or an observation it makes (a proposal, a promise, an
// accept, or the prior ballot a promise reports) names one. A protocol
// that persists its round late, or never, is bounded all the same. Where
// messages are not BallotCarriers the observations alone bound the
// search: a proposer that retries phase 1 forever, observed by no one,
// then meets the memory cap (explore.Options.MaxMemory) instead.
type BallotCarrier interface {
	// CarriedBallot is the highest ballot the message carries (the zero
	// Ballot for none).
	CarriedBallot() checker.Ballot
}

// aboveBound reports whether ballot b is of a round above the bound.
func (m *Model[M, D]) aboveBound(b checker.Ballot) bool { return int(b.Round) > m.maxBallot }

// observedAbove reports whether observation o names a ballot above the
// bound.
func (m *Model[M, D]) observedAbove(o checker.Observation) bool {
	return m.aboveBound(o.Ballot) || m.aboveBound(o.Prior)
}

// sentAbove reports whether msg carries a ballot above the bound. It
// takes a pointer: boxing a message value in an interface would allocate,
// once for every message of every state taken the long way.
func (m *Model[M, D]) sentAbove(msg *M) bool {
	c, ok := any(msg).(BallotCarrier)
	return ok && m.aboveBound(c.CarriedBallot())
}

// stepAbove judges a remembered step (sim.LocalSteps): what it sent and
// observed.
func (m *Model[M, D]) stepAbove(sent []M, obs []sim.Observed[checker.Observation]) bool {
	for i := range sent {
		if m.sentAbove(&sent[i]) {
			return true
		}
	}
	for _, o := range obs {
		if m.observedAbove(o.O) {
			return true
		}
	}
	return false
}

// outOfBounds reports a state past the ballot bound, built by a step
// taken the long way: one whose step observed a ballot above it, or whose
// network holds a message that carries one (only that step can have sent
// it: its parent was within the bound).
func (m *Model[M, D]) outOfBounds(st *State[M, D]) bool {
	if st.fault != "" {
		return false
	}
	if st.above {
		return true
	}
	above := false
	st.world.EachInFlight(func(msg *M) bool {
		above = m.sentAbove(msg)
		return !above
	})
	return above
}
