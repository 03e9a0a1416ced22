package sim

import (
	"strings"
	"testing"
)

// checkLinkLoad checks the bookkeeping of the network's bound against the
// queue itself: each link's load is the number of its messages in the
// queue, and none exceeds capacity.
func checkLinkLoad(t *testing.T, w *toyWorld, capacity int) {
	t.Helper()
	n := w.cfg.Nodes + 1
	counted := make([]int32, n*n)
	for _, e := range w.queue.items {
		if e.kind == EventDeliver {
			counted[w.links.index(NodeID(e.from), NodeID(e.to))]++
		}
	}
	for i, load := range w.links.load {
		if load != counted[i] {
			t.Fatalf("t=%d: link %d->%d: load %d, but %d of its messages are queued", w.now, i/n, i%n, load, counted[i])
		}
		if int(load) > capacity {
			t.Fatalf("t=%d: link %d->%d holds %d messages, capacity %d", w.now, i/n, i%n, load, capacity)
		}
	}
}

// TestLinkCapacityBoundsTheQueue: every message duplicated and an old one
// re-delivered on almost every send, while each delivery is forwarded: the
// copies breed, and without a bound the queue grows exponentially. With
// one, each link holds at most its capacity, the queue at most that many
// messages per link besides the few fault events and the pending timers
// (one per node and tag), and what the bound turned away is counted and
// traced as overflow. Crashes, partitions and pauses are on, so every way
// a message leaves its link (delivered, lost, cut off, held and released)
// is exercised.
func TestLinkCapacityBoundsTheQueue(t *testing.T) {
	for _, tc := range []struct {
		capacity, steps int
		faults          bool // long enough a run that every fault strikes
	}{{8, 50000, true}, {0, 50000, false}} {
		cfg := faultyConfig(3)
		cfg.Network.DupRate, cfg.Network.RedeliverRate = 1, 0.9
		cfg.Network.LinkCapacity = tc.capacity
		w := newToyWorld(t, cfg, NewRandom(5), busyOpts(), nil)
		capacity := w.cfg.Network.LinkCapacity
		traced := 0
		w.SetTracer(func(e TraceEntry) {
			if e.Kind == "overflow" {
				traced++
			}
		})
		links := (cfg.Nodes + 1) * (cfg.Nodes + 1)
		// Fault ticks, restarts, slowdown and partition ends: a few per node.
		bound := links*capacity + 4*cfg.Nodes + 4
		for step := range tc.steps {
			if !w.Step() {
				t.Fatal("the world ran out of events")
			}
			if w.queue.len() > bound || w.timers.len() > cfg.Nodes*MaxTimerTags {
				t.Fatalf("capacity %d, step %d: %d events and %d timers queued, want at most %d and %d",
					capacity, step, w.queue.len(), w.timers.len(), bound, cfg.Nodes*MaxTimerTags)
			}
			if step%(10*capacity+7) == 0 {
				checkLinkLoad(t, w, capacity)
			}
		}
		checkLinkLoad(t, w, capacity)
		st := w.Stats()
		if st.Faults[FaultOverflow] == 0 || st.PeakLinkLoad != int64(capacity) {
			t.Errorf("capacity %d: %d overflows, peak load %d: the copies never filled a link", capacity, st.Faults[FaultOverflow], st.PeakLinkLoad)
		}
		if int64(traced) != st.Faults[FaultOverflow] {
			t.Errorf("capacity %d: %d overflows counted, %d traced", capacity, st.Faults[FaultOverflow], traced)
		}
		if tc.faults && (st.Faults[FaultPause] == 0 || st.Faults[FaultCrash] == 0 || st.Faults[FaultPartitionDrop] == 0) {
			t.Errorf("capacity %d: test is vacuous: faults %v", capacity, st.Faults)
		}
	}
}

// TestTimerRearmingKeepsTheQueueSmall: a node that re-arms all its timers
// and cancels one on every delivery, thousands of times, leaves nothing
// stale behind: the queue holds its one message in flight and at most one
// timer per tag.
func TestTimerRearmingKeepsTheQueueSmall(t *testing.T) {
	var fired int
	newNode := func(id NodeID, _ toyDurable) Node[toyMsg, toyDurable, toyObs] {
		rearm := func(env *toyEnv) {
			for tag := range TimerTag(MaxTimerTags) {
				env.SetTimer(tag, 1000+Time(tag))
			}
			env.CancelTimer(3)
			env.Send(id, toyMsg{Val: uint64(env.Now())})
		}
		return &funcNode{
			start:   rearm,
			deliver: func(env *toyEnv, _ NodeID, _ toyMsg) { rearm(env) },
			fire:    func(*toyEnv, TimerTag) { fired++ },
		}
	}
	w, err := New(Config{Nodes: 2, Network: NetworkConfig{Delay: Delay{Min: 1, Max: 1}}}, NewRandom(1), newNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 5000 {
		w.Step()
		if w.queue.len() > 2 || w.timers.len() > 2*(MaxTimerTags-1) {
			t.Fatalf("t=%d: %d events and %d timers queued, want at most 2 and %d", w.now, w.queue.len(), w.timers.len(), 2*(MaxTimerTags-1))
		}
	}
	if fired != 0 || w.Now() < 2000 {
		t.Errorf("at t=%d, %d timers fired: each re-arm must replace the pending one", w.Now(), fired)
	}
}

// TestOverflowIsCountedTracedAndLogged: on a link of capacity 1, of three
// messages sent at once the first is delivered and the other two overflow;
// a duplicate that finds its link full is made and then lost. Each loss is
// counted, traced as "overflow" and logged as a drop, which is what a
// replay needs; client requests are not traffic and are never turned away.
func TestOverflowIsCountedTracedAndLogged(t *testing.T) {
	newNode := func(id NodeID, _ toyDurable) Node[toyMsg, toyDurable, toyObs] {
		return &funcNode{start: func(env *toyEnv) {
			if id == 1 {
				for v := range uint64(3) {
					env.Send(2, toyMsg{Val: v})
				}
			}
		}}
	}
	cfg := Config{Nodes: 2, Network: NetworkConfig{Delay: Delay{Min: 1, Max: 1}, DupRate: 1, LinkCapacity: 1}}
	w, err := New(cfg, NewRandom(1), newNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds, log []string
	w.SetTracer(func(e TraceEntry) { kinds = append(kinds, e.Kind) })
	w.SetScheduleLog(func(l string) { log = append(log, l) })
	for v := range uint64(3) {
		w.Request(1, 2, toyMsg{Val: 10 + v})
	}
	for w.Step() {
	}
	st := w.Stats()
	// Message 0 goes on the link, its duplicate overflows; messages 1 and
	// 2 overflow, and so do their duplicates.
	if st.Faults[FaultOverflow] != 5 || st.Faults[FaultDup] != 3 || st.Delivered != 1 {
		t.Errorf("faults %v, %d delivered: want 5 overflows of 3 duplicates and 2 messages, 1 delivered", st.Faults, st.Delivered)
	}
	want := "dup overflow overflow dup overflow overflow dup overflow request request request deliver"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("trace kinds:\n got  %s\n want %s", got, want)
	}
	drops := 0
	for _, l := range log {
		if strings.HasPrefix(l, "drop 1->2 ") {
			drops++
		}
	}
	if drops != 5 {
		t.Errorf("schedule log has %d drops, want 5:\n%s", drops, strings.Join(log, "\n"))
	}
}

// TestChoiceWorldHandsItsNetworkOverWhole: a Choice world does not apply
// the bound (its scheduler takes every loss as a decision, and its network
// grows by at most a send per message delivered); when it turns Timed, the
// messages it holds are all admitted, and the bound applies to what is
// sent from then on.
func TestChoiceWorldHandsItsNetworkOverWhole(t *testing.T) {
	newNode := func(id NodeID, _ toyDurable) Node[toyMsg, toyDurable, toyObs] {
		return &funcNode{start: func(env *toyEnv) {
			if id == 1 {
				for v := range uint64(3) {
					env.Send(2, toyMsg{Val: v})
				}
			}
		}}
	}
	cfg := Config{Nodes: 2, Mode: Choice, Network: NetworkConfig{Delay: Delay{Min: 1, Max: 1}, LinkCapacity: 1}}
	w, err := New(cfg, NewRandom(1), newNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Actions() // boots the world
	if w.InFlight() != 3 {
		t.Fatalf("%d messages in flight in the choice world, want 3", w.InFlight())
	}
	w.SwitchToTimed()
	if w.links.of(1, 2) != 3 {
		t.Fatalf("load of 1->2 after the switch: %d, want the 3 handed over", w.links.of(1, 2))
	}
	for w.Step() {
	}
	if st := w.Stats(); st.Delivered != 3 || st.Faults[FaultOverflow] != 0 || w.links.of(1, 2) != 0 {
		t.Errorf("delivered %d, overflows %d, load left %d: want 3, 0, 0", st.Delivered, st.Faults[FaultOverflow], w.links.of(1, 2))
	}
}

// TestHeldMessagesStayOnTheirLinks: a message held for a paused receiver
// is still in flight on its link, and a client request held alike is on
// none: the link table matches the queue while they wait and is empty when
// they are delivered.
func TestHeldMessagesStayOnTheirLinks(t *testing.T) {
	newNode := func(id NodeID, _ toyDurable) Node[toyMsg, toyDurable, toyObs] {
		return &funcNode{start: func(env *toyEnv) {
			if id == 1 {
				env.Send(2, toyMsg{Val: 1})
			}
		}}
	}
	cfg := Config{Nodes: 2, Network: NetworkConfig{Delay: Delay{Min: 5, Max: 5}},
		Faults: FaultConfig{Schedule: []ScheduledFault{{Kind: FaultPause, Nodes: nodeSet(2), Start: 1, End: 50}}}}
	w, err := New(cfg, NewRandom(1), newNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Request(10, 2, toyMsg{Val: 2})
	runUntil(w, 20) // both held by now
	checkLinkLoad(t, w, DefaultLinkCapacity)
	if w.links.of(1, 2) != 1 {
		t.Errorf("held message: load of 1->2 is %d, want 1", w.links.of(1, 2))
	}
	for w.Step() {
	}
	checkLinkLoad(t, w, DefaultLinkCapacity)
	if st := w.Stats(); st.Delivered != 1 || w.Now() != 50 {
		t.Errorf("delivered %d (and the request) by t=%d, want 1 at 50", st.Delivered, w.Now())
	}
}
