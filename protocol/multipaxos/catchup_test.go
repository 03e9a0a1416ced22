package multipaxos_test

import (
	"strings"
	"testing"

	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// commitTag is the leader's timer that sends held commit notifications.
const commitTag sim.TimerTag = 3

// TestLeaderProposesWhatPromisesLeftOut: with promises that carry one
// chosen entry (Config.CatchUp 1), a new leader hears from a replica that
// instances 1..3 are chosen but is told only instance 1. It must not
// propose 2 and 3 from promises that did not carry them (they are
// chosen: a no-op there would break agreement), nor wait to learn them
// from that replica (it may be gone): it asks the other members, and once
// the promises that carried 2 and 3 are a quorum, proposes them again.
//
//  1. A (1.1) gets x1, x2, x3 chosen with B and C, and B alone accepts
//     x4; only B hears the commits, so only A and B know 1..3 chosen.
//  2. E campaigns (1.5), its prepares to A and C lost; B promises
//     (chosen 3, carries instances 1 and 4) and D promises (nothing):
//     with its own, a quorum. E leads, learns 1, and proposes nothing at
//     2 and 3: only D and E carried them.
//  3. E's tick asks A and C again; C's promise carries its votes for 2
//     and 3 (C knows nothing chosen: it reports all it accepted); E
//     proposes x2 and x3 at 1.5, and they are chosen again.
func TestLeaderProposesWhatPromisesLeftOut(t *testing.T) {
	s := newScripted(t, 5, mp.Config{CatchUp: 1})
	const A, B, C, D, E = 1, 2, 3, 4, 5
	// 1.
	s.campaignNow(A)
	for _, id := range []sim.NodeID{B, C} {
		s.do(sim.ActDeliver, A, id, mp.Prepare)
		s.do(sim.ActDeliver, id, A, mp.Promise)
	}
	for c := 1; c <= 3; c++ { // three accepts, each before anything is chosen: they carry no commits
		s.request(A, mp.Put(c, 1, "x", "v"))
		s.do(sim.ActDeliver, sim.External, A, mp.RequestMsg)
	}
	for range 3 {
		for _, id := range []sim.NodeID{B, C} {
			s.do(sim.ActDeliver, A, id, mp.Accept)
			s.do(sim.ActDeliver, id, A, mp.Accepted)
		}
	}
	s.request(A, mp.Put(4, 1, "x", "v")) // accepted by B alone: carried past B's prefix, not chosen
	s.do(sim.ActDeliver, sim.External, A, mp.RequestMsg)
	s.do(sim.ActDeliver, A, B, mp.Accept)
	s.do(sim.ActTimer, 0, A, 0, commitTag)
	s.do(sim.ActDeliver, A, B, mp.Heartbeat)
	for i := int64(1); i <= 3; i++ {
		if ch, ok := s.safety.Chosen(i); !ok || ch.Value != mp.CommandID(int(i), 1) {
			t.Fatalf("step 1: instance %d chosen %+v, %v\nsteps:\n  %s", i, ch, ok, strings.Join(s.steps, "\n  "))
		}
	}
	// 2.
	s.campaignNow(E)
	s.do(sim.ActDrop, E, A, mp.Prepare)
	s.do(sim.ActDrop, E, C, mp.Prepare)
	for _, id := range []sim.NodeID{B, D} {
		s.do(sim.ActDeliver, E, id, mp.Prepare)
		s.do(sim.ActDeliver, id, E, mp.Promise)
	}
	if v := s.safety.Violation(); v != nil {
		t.Fatalf("step 2: %v\nsteps:\n  %s", v, strings.Join(s.steps, "\n  "))
	}
	// 3.
	s.do(sim.ActTimer, 0, E, 0, tickTag)
	s.do(sim.ActDeliver, E, C, mp.Prepare)
	s.do(sim.ActDeliver, C, E, mp.Promise)
	for _, id := range []sim.NodeID{C, D} { // E's accept of 2 and 3, which only a proposal sends
		s.do(sim.ActDeliver, E, id, mp.Accept)
		s.do(sim.ActDeliver, id, E, mp.Accepted)
	}
	if v := s.safety.Violation(); v != nil {
		t.Fatalf("step 3: %v\nsteps:\n  %s", v, strings.Join(s.steps, "\n  "))
	}
	for i := int64(2); i <= 3; i++ {
		if ch, ok := s.safety.Chosen(i); !ok || ch.Value != mp.CommandID(int(i), 1) {
			t.Errorf("step 3: instance %d chosen %+v, %v; want c%d#1\nsteps:\n  %s", i, ch, ok, i, strings.Join(s.steps, "\n  "))
		}
	}
}
