package multipaxos_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// scripted is a Choice world driven step by step: a hand-written schedule.
type scripted struct {
	t      *testing.T
	w      *world
	safety *checker.Safety
	logc   *checker.LogChecker
	steps  []string
}

func newScripted(t *testing.T, nodes int, cfg mp.Config) *scripted {
	t.Helper()
	s := &scripted{t: t, safety: checker.NewSafety(nodes), logc: checker.NewLogChecker(nodes)}
	s.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: mp.NoOp})
	sc := sim.Config{
		Nodes: nodes, Mode: sim.Choice,
		Choice: sim.ChoiceConfig{Drops: true, MaxCrashes: 100, Network: sim.Multiset},
		Faults: sim.FaultConfig{MaxCrashed: nodes - 1},
	}
	w, err := sim.New(sc, sim.NewRandom(1), mp.NewNodes(nodes, cfg), func(node sim.NodeID, o checker.Observation) {
		s.safety.At(int64(s.w.Now()), s.w.Events())
		s.safety.Observe(int(node), o)
		s.logc.Observe(int(node), o)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.w = w
	return s
}

// request puts a client request in flight to node to.
func (s *scripted) request(to sim.NodeID, m mp.Msg) {
	s.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: m.Entries[0].Cmd.ID})
	s.w.Request(0, to, m)
}

// do takes the enabled action of kind on link from->to whose message has
// type mt, the one sent last if several (mt is 0 for timers, crashes and
// restarts; for timers, to is the node and tag the timer).
func (s *scripted) do(kind sim.ActionKind, from, to sim.NodeID, mt mp.MsgType, tag ...sim.TimerTag) {
	s.t.Helper()
	var avail []string
	acts := s.w.Actions()
	for k := len(acts) - 1; k >= 0; k-- {
		a := acts[k]
		avail = append(avail, a.String())
		if a.Kind != kind || a.To != to {
			continue
		}
		switch kind {
		case sim.ActDeliver, sim.ActDrop, sim.ActDup:
			if a.From != from || a.Msg.Type != mt {
				continue
			}
		case sim.ActTimer:
			if len(tag) > 0 && a.Tag != tag[0] {
				continue
			}
		}
		s.steps = append(s.steps, a.String())
		s.w.Do(a)
		return
	}
	s.t.Fatalf("no %s %s->%s %s enabled; enabled:\n  %s\nsteps so far:\n  %s", kind, from, to, mt, strings.Join(avail, "\n  "), strings.Join(s.steps, "\n  "))
}

// Timer tags, as the package numbers them.
const (
	tickTag     sim.TimerTag = 0
	electionTag sim.TimerTag = 1
)

// campaignNow makes node id campaign: its election timer fires until it
// does (the first firing may only clear a leader heard earlier).
func (s *scripted) campaignNow(id sim.NodeID) {
	s.t.Helper()
	for k := 0; k < 2; k++ {
		before := s.w.InFlight()
		s.do(sim.ActTimer, 0, id, 0, electionTag)
		if s.w.InFlight() > before {
			return
		}
	}
	s.t.Fatalf("node %d did not campaign", id)
}

// noRestampSchedule is the seed notes' "(v1, 1), (v1, 3), (v2, 2)"
// question played out in instance 1 of three replicas A=1, B=2, C=3:
//
//  1. A leads (ballot 1.1) and accepts v1 at 1.1; its accepts are lost; A
//     crashes.
//  2. C leads (1.3) through B, accepts v2 at 1.3; its accepts are lost;
//     A restarts and C crashes.
//  3. B leads (2.2) through A, which reports (1.1, v1). Correct: B
//     proposes (2.2, v1). no-restamp: (1.1, v1). A and B accept it: v1
//     is chosen, at 2.2 or at 1.1. B crashes before it tells anyone.
//  4. C restarts and leads (2.3) through A, which reports what it
//     accepted in step 3, against C's own (1.3, v2). Correct: (2.2, v1)
//     beats (1.3, v2), and v1 is chosen again. no-restamp: (1.1, v1)
//     loses to (1.3, v2), and A accepts v2: a second value is chosen.
func noRestampSchedule(t *testing.T, v mp.Variant) *scripted {
	s := newScripted(t, 3, mp.Config{Variant: v})
	const A, B, C = 1, 2, 3
	// 1.
	s.campaignNow(A)
	s.do(sim.ActDeliver, A, B, mp.Prepare)
	s.do(sim.ActDeliver, B, A, mp.Promise)
	s.request(A, mp.Put(1, 1, "x", "v1"))
	s.do(sim.ActDeliver, sim.External, A, mp.RequestMsg)
	s.do(sim.ActDrop, A, B, mp.Accept)
	s.do(sim.ActDrop, A, C, mp.Accept)
	s.do(sim.ActCrash, 0, A, 0)
	// 2.
	s.campaignNow(C)
	s.do(sim.ActDeliver, C, B, mp.Prepare)
	s.do(sim.ActDeliver, B, C, mp.Promise)
	s.request(C, mp.Put(2, 1, "x", "v2"))
	s.do(sim.ActDeliver, sim.External, C, mp.RequestMsg)
	s.do(sim.ActDrop, C, B, mp.Accept)
	s.do(sim.ActRestart, 0, A, 0)
	s.do(sim.ActCrash, 0, C, 0)
	// 3.
	s.campaignNow(B)
	s.do(sim.ActDeliver, B, A, mp.Prepare)
	s.do(sim.ActDeliver, A, B, mp.Promise)
	s.do(sim.ActDeliver, B, A, mp.Accept)
	s.do(sim.ActDeliver, A, B, mp.Accepted)
	s.do(sim.ActRestart, 0, C, 0)
	s.do(sim.ActCrash, 0, B, 0)
	// 4.
	s.campaignNow(C)
	s.do(sim.ActDeliver, C, A, mp.Prepare)
	s.do(sim.ActDeliver, A, C, mp.Promise)
	s.do(sim.ActDeliver, C, A, mp.Accept)
	return s
}

func TestNoRestampSchedule(t *testing.T) {
	for _, v := range []mp.Variant{{}, mp.NoRestamp} {
		t.Run(v.String(), func(t *testing.T) {
			s := noRestampSchedule(t, v)
			got := s.safety.Violation()
			if v.Name == "" {
				if got != nil {
					t.Fatalf("the correct protocol: %v\nsteps:\n  %s", got, strings.Join(s.steps, "\n  "))
				}
				if ch, ok := s.safety.Chosen(1); !ok || ch.Value != mp.CommandID(1, 1) {
					t.Fatalf("instance 1: chosen %+v, %v; want v1 (c1#1)", ch, ok)
				}
				return
			}
			if got == nil || got.Property != v.Breaks {
				t.Fatalf("%s: got %v, want %s\nsteps:\n  %s", v, got, v.Breaks, strings.Join(s.steps, "\n  "))
			}
			// The schedule goes on past the early check to the bug's end:
			// two values chosen in one instance.
			var props []checker.Property
			for _, v := range s.safety.Violations() {
				props = append(props, v.Property)
			}
			if !slices.Contains(props, checker.Agreement) {
				t.Fatalf("%s: broke %v, want agreement among them", v, props)
			}
			t.Logf("%s", got)
		})
	}
}
