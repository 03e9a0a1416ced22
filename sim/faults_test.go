package sim

import (
	"slices"
	"testing"
)

// TestEveryFaultKindHappens: with every rate on, every kind of fault is
// counted, and the counters agree with the readable trace.
func TestEveryFaultKindHappens(t *testing.T) {
	for _, nodes := range []int{3, 5} {
		cfg := faultyConfig(nodes)
		cfg.Network.LinkCapacity = 2 // overflows now and then
		w := newToyWorld(t, cfg, NewRandom(uint64(nodes)), busyOpts(), nil)
		var traced [NumFaultKinds]int64
		names := map[string]FaultKind{}
		for k := range NumFaultKinds {
			names[k.String()] = k
		}
		w.SetTracer(func(e TraceEntry) {
			if k, ok := names[e.Kind]; ok {
				traced[k]++
			}
		})
		runUntil(w, 20000)
		st := w.Stats()
		for k := range NumFaultKinds {
			if st.Faults[k] == 0 {
				t.Errorf("%d nodes: no %s fault in 20000 ticks: %v", nodes, k, st.Faults)
			}
			if traced[k] != st.Faults[k] {
				t.Errorf("%d nodes: %s counted %d times, traced %d times", nodes, k, st.Faults[k], traced[k])
			}
		}
		if st.Sent == 0 || st.Delivered == 0 || st.Timers == 0 {
			t.Errorf("%d nodes: stats %+v", nodes, st)
		}
		// A restart follows every crash, of any kind (the downtime is at
		// most 100).
		crashes := st.Faults[FaultCrash] + st.Faults[FaultTornCrash] + st.Faults[FaultLostUnsynced]
		if d := crashes - st.Faults[FaultRestart]; d < 0 || d > int64(w.cfg.Faults.MaxCrashed) {
			t.Errorf("%d nodes: %d crashes, %d restarts", nodes, crashes, st.Faults[FaultRestart])
		}
	}
}

// TestMaxCrashed: random crashes never take down more than MaxCrashed
// nodes at once, and the default is a minority.
func TestMaxCrashed(t *testing.T) {
	for _, tc := range []struct{ nodes, max, want int }{{3, 0, 1}, {5, 0, 2}, {5, 4, 4}, {2, 0, 0}} {
		cfg := Config{Nodes: tc.nodes, Faults: FaultConfig{CrashRate: 0.5, MaxCrashed: tc.max, Downtime: Range{50, 500}}}
		w := newToyWorld(t, cfg, NewRandom(3), busyOpts(), nil)
		most := 0
		for range 20000 {
			w.Step()
			down := 0
			for id := NodeID(1); int(id) <= tc.nodes; id++ {
				if !w.Up(id) {
					down++
				}
			}
			most = max(most, down)
		}
		if most != tc.want {
			t.Errorf("%d nodes, MaxCrashed %d: at most %d down at once, want %d", tc.nodes, tc.max, most, tc.want)
		}
	}
}

// TestCrashLosesVolatileState: a crash discards the node object, its
// volatile state and its pending timers; a restart rebuilds it from exactly
// what it last persisted.
func TestCrashLosesVolatileState(t *testing.T) {
	opts := pingOpts(7)
	opts.PersistEvery = 5 // the in-memory count runs ahead of the persisted one
	opts.LongTimer = 60   // node 2's is due at 60, while it is down
	log := &toyLog{}
	type built struct {
		id      NodeID
		at      Time
		durable toyDurable
	}
	var builds []built
	var w *toyWorld
	w, err := New(pingConfig(t, 3, 2, "crash:2@50-80"), NewRandom(1),
		func(id NodeID, d toyDurable) Node[toyMsg, toyDurable, toyObs] {
			builds = append(builds, built{id, w.Now(), d})
			return newToy(opts)(id, d)
		}, log.observe)
	if err != nil {
		t.Fatal(err)
	}
	runUntil(w, 49)
	if !w.Up(2) {
		t.Fatal("node 2 down before its crash")
	}
	runUntil(w, 79)
	if w.Up(2) || !w.Up(1) || !w.Up(3) {
		t.Fatalf("at %d: up = %v %v %v, want only node 2 down", w.Now(), w.Up(1), w.Up(2), w.Up(3))
	}
	runUntil(w, 300)

	// Built three times at boot with zero durable state, node 2 once more.
	if len(builds) != 4 {
		t.Fatalf("NewNode called %d times: %+v", len(builds), builds)
	}
	for i, b := range builds[:3] {
		if b.id != NodeID(i+1) || b.at != 0 || b.durable != (toyDurable{}) {
			t.Errorf("boot build %d = %+v, want node %d at 0 from the zero value", i, b, i+1)
		}
	}
	re := builds[3]
	if re.id != 2 || re.at != 80 {
		t.Fatalf("restart build = %+v, want node 2 at 80", re)
	}

	// The restart gets exactly the last value node 2 persisted before 50.
	persisted := log.filter(func(e toyEntry) bool { return e.Node == 2 && e.Kind == obsPersist && e.At < 50 })
	last := persisted[len(persisted)-1].Durable
	if re.durable != last {
		t.Errorf("node 2 restarted from %+v, but last persisted %+v", re.durable, last)
	}
	inMemory := deliveries(log, 0, 2)
	before := inMemory[countIn(inMemory, 0, 50)-1]
	if before.Durable == last {
		t.Fatalf("test is vacuous: the in-memory state %+v equals the persisted one", before.Durable)
	}
	if re.durable.Boots != 1 || re.durable.Delivered%5 != 0 || re.durable.Delivered >= before.Durable.Delivered {
		t.Errorf("restart state %+v, in-memory before the crash %+v", re.durable, before.Durable)
	}
	starts := log.filter(func(e toyEntry) bool { return e.Node == 2 && e.Kind == obsStart })
	if len(starts) != 2 || starts[1].At != 80 || starts[1].Durable != last {
		t.Errorf("node 2 starts: %+v", starts)
	}

	// Volatile state starts over; the durable count resumes from the
	// persisted one.
	after := inMemory[countIn(inMemory, 0, 80)]
	if after.At < 80 || after.Volatile != 1 || after.Durable.Delivered != last.Delivered+1 || after.Durable.Boots != 2 {
		t.Errorf("first delivery after the restart: %+v (persisted %+v)", after, last)
	}

	// Nothing reaches node 2 while it is down: those messages are lost.
	if n := countIn(inMemory, 50, 80); n != 0 {
		t.Errorf("%d deliveries to node 2 while it was down", n)
	}
	st := w.Stats()
	if st.Faults[FaultLost] == 0 || st.Faults[FaultCrash] != 1 || st.Faults[FaultRestart] != 1 {
		t.Errorf("faults %v: want lost-at-crashed > 0, one crash, one restart", st.Faults)
	}
	// Node 2 sends nothing while down.
	sends := log.filter(func(e toyEntry) bool { return e.Node == 2 && e.Kind == obsSend })
	if countIn(sends, 50, 80) != 0 {
		t.Errorf("node 2 sent while down")
	}

	// Pending timers die with the node: timer 1 set at boot (due at 60) never
	// fires on node 2; the one its restart sets (due at 140) does.
	fires := func(id NodeID, tag TimerTag) []Time {
		return times(log.filter(func(e toyEntry) bool { return e.Node == id && e.Kind == obsFire && e.Tag == tag }))
	}
	if got := fires(1, 1); !slices.Equal(got, []Time{60}) {
		t.Errorf("node 1 timer 1 fired at %v, want [60]", got)
	}
	if got := fires(2, 1); !slices.Equal(got, []Time{140}) {
		t.Errorf("node 2 timer 1 fired at %v, want [140] (the one set before the crash is lost)", got)
	}
	// The ping timer (every 7 ticks) stops at the crash and restarts at 80.
	ping := fires(2, 0)
	for _, at := range ping {
		if at >= 50 && at < 87 {
			t.Errorf("node 2 timer 0 fired at %d", at)
		}
	}
	if !slices.Contains(ping, 49) || !slices.Contains(ping, 87) {
		t.Errorf("node 2 timer 0 fired at %v, want 49 (before) and 87 (after)", ping)
	}
}

// TestScheduledPartition: "partition:1@10-50" stops messages between {1}
// and {2,3}, both ways, during the window and not after.
func TestScheduledPartition(t *testing.T) {
	log := &toyLog{}
	w := newToyWorld(t, pingConfig(t, 3, 2, "partition:1@10-50"), NewRandom(1), pingOpts(3), log)
	runUntil(w, 100)
	for _, pair := range [][2]NodeID{{1, 2}, {1, 3}, {2, 1}, {3, 1}} {
		got := deliveries(log, pair[0], pair[1])
		if n := countIn(got, 10, 50); n != 0 {
			t.Errorf("%d->%d: %d deliveries inside the partition: %v", pair[0], pair[1], n, times(got))
		}
		if countIn(got, 0, 10) == 0 || countIn(got, 50, 100) == 0 {
			t.Errorf("%d->%d: no deliveries before or after the partition: %v", pair[0], pair[1], times(got))
		}
		if first := got[countIn(got, 0, 50)]; first.At > 53 {
			t.Errorf("%d->%d: first delivery after the heal at %d", pair[0], pair[1], first.At)
		}
	}
	for _, pair := range [][2]NodeID{{2, 3}, {3, 2}} {
		if got := deliveries(log, pair[0], pair[1]); countIn(got, 10, 50) < 10 {
			t.Errorf("%d->%d (same side): deliveries %v", pair[0], pair[1], times(got))
		}
	}
	st := w.Stats()
	if st.Faults[FaultPartition] != 1 || st.Faults[FaultOneWay] != 0 || st.Faults[FaultPartitionDrop] == 0 {
		t.Errorf("faults %v: want one partition and some partition drops", st.Faults)
	}
	// Every message sent across is either delivered or lost to the partition.
	sends := log.filter(func(e toyEntry) bool { return e.Kind == obsSend && e.At < 90 && (e.From == 1) != (e.To == 1) })
	delivered := map[uint64]bool{}
	for _, e := range deliveries(log, 0, 0) {
		delivered[e.Msg.Val] = true
	}
	lost := 0
	for _, s := range sends {
		if !delivered[s.Msg.Val] {
			lost++
		}
	}
	if int64(lost) != st.Faults[FaultPartitionDrop] {
		t.Errorf("%d cross-partition messages undelivered, %d partition drops counted", lost, st.Faults[FaultPartitionDrop])
	}
}

// TestOneWayPartition: "oneway:1@10-50" loses 1's messages to the others,
// while theirs still reach 1.
func TestOneWayPartition(t *testing.T) {
	log := &toyLog{}
	w := newToyWorld(t, pingConfig(t, 3, 2, "oneway:1@10-50"), NewRandom(1), pingOpts(3), log)
	runUntil(w, 100)
	for _, pair := range [][2]NodeID{{1, 2}, {1, 3}} {
		got := deliveries(log, pair[0], pair[1])
		if countIn(got, 10, 50) != 0 || countIn(got, 50, 100) == 0 || countIn(got, 0, 10) == 0 {
			t.Errorf("%d->%d (cut): deliveries at %v", pair[0], pair[1], times(got))
		}
	}
	for _, pair := range [][2]NodeID{{2, 1}, {3, 1}, {2, 3}} {
		if got := deliveries(log, pair[0], pair[1]); countIn(got, 10, 50) < 10 {
			t.Errorf("%d->%d (open): deliveries at %v", pair[0], pair[1], times(got))
		}
	}
	st := w.Stats()
	if st.Faults[FaultOneWay] != 1 || st.Faults[FaultPartition] != 0 || st.Faults[FaultPartitionDrop] == 0 {
		t.Errorf("faults %v: want one one-way partition", st.Faults)
	}
}

// TestOverlappingPartitions: when two partitions overlap, healing one keeps
// the other in force.
func TestOverlappingPartitions(t *testing.T) {
	log := &toyLog{}
	w := newToyWorld(t, pingConfig(t, 3, 1, "oneway:1@10-30", "oneway:1@20-60"), NewRandom(1), pingOpts(2), log)
	runUntil(w, 100)
	got := deliveries(log, 1, 2)
	if countIn(got, 10, 60) != 0 || countIn(got, 60, 100) == 0 {
		t.Errorf("1->2 deliveries at %v: want none in [10, 60)", times(got))
	}
}

// TestPause: "pause:2@10-50": node 2 handles nothing during the pause, and
// at 50 it handles everything that reached it, in arrival order, and its
// timer; nothing is lost.
func TestPause(t *testing.T) {
	log := &toyLog{}
	w := newToyWorld(t, pingConfig(t, 3, 2, "pause:2@10-50"), NewRandom(1), pingOpts(3), log)
	runUntil(w, 100)
	handled := log.filter(func(e toyEntry) bool { return e.Node == 2 && (e.Kind == obsDeliver || e.Kind == obsFire) })
	if n := countIn(handled, 10, 50); n != 0 {
		t.Errorf("node 2 handled %d events during its pause", n)
	}
	if !w.Up(2) {
		t.Error("a paused node is down")
	}
	caught := log.filter(func(e toyEntry) bool { return e.Node == 2 && e.Kind == obsDeliver && e.At == 50 })
	// Node 1 and 3 each send to 2 every 3 ticks: ~13 messages each.
	if len(caught) < 20 {
		t.Fatalf("node 2 caught up with %d messages at 50", len(caught))
	}
	if !slices.IsSortedFunc(caught, func(a, b toyEntry) int { return int(a.Msg.Sent - b.Msg.Sent) }) {
		t.Errorf("held messages delivered out of arrival order")
	}
	fires := log.filter(func(e toyEntry) bool { return e.Node == 2 && e.Kind == obsFire })
	if countIn(fires, 50, 51) != 1 {
		t.Errorf("node 2's timer fired at %v, want once at 50", times(fires))
	}
	// Every message sent to 2 before 90 is delivered exactly once.
	got := map[uint64]int{}
	for _, e := range deliveries(log, 0, 2) {
		got[e.Msg.Val]++
	}
	for _, s := range log.filter(func(e toyEntry) bool { return e.Kind == obsSend && e.To == 2 && e.At < 90 }) {
		if got[s.Msg.Val] != 1 {
			t.Errorf("message %v sent to the paused node delivered %d times", s.Msg, got[s.Msg.Val])
		}
	}
	st := w.Stats()
	if st.Faults[FaultPause] != 1 || st.Faults[FaultLost] != 0 || st.Faults[FaultSlow] != 0 {
		t.Errorf("faults %v: want one pause, nothing lost", st.Faults)
	}
}

// TestPauseWithoutEnd: a pause with no end and no HealAt lasts forever
// ("without it the fault lasts until HealAt", and there is none).
//
// Regression (was a bug in sim/world.go slow): with end == 0 and HealAt == 0, pausedUntil is
// set to 0, which means "not paused": the fault is counted but the node
// runs on. Fix: use a far-future pausedUntil (e.g. math.MaxInt64) when
// there is no end.
func TestPauseWithoutEnd(t *testing.T) {
	log := &toyLog{}
	w := newToyWorld(t, pingConfig(t, 3, 2, "pause:2@10"), NewRandom(1), pingOpts(3), log)
	runUntil(w, 100)
	handled := log.filter(func(e toyEntry) bool { return e.Node == 2 && (e.Kind == obsDeliver || e.Kind == obsFire) })
	if n := countIn(handled, 10, 1<<62); n != 0 {
		t.Errorf("node 2 handled %d events after a pause that never ends", n)
	}
}

// TestSlow: "slow:2x4@10-100" stretches the delays of messages to node 2
// and node 2's timers four times, during the window only: a timer still
// pending when it ends shrinks back.
func TestSlow(t *testing.T) {
	log := &toyLog{}
	w := newToyWorld(t, pingConfig(t, 3, 2, "slow:2x4@10-100"), NewRandom(1), pingOpts(5), log)
	runUntil(w, 200)
	checked := 0
	for _, e := range deliveries(log, 0, 0) {
		want := Time(2)
		if e.To == 2 && e.Msg.Sent >= 10 && e.Msg.Sent < 100 {
			want = 8
		}
		if e.Msg.Sent > 0 && e.At-e.Msg.Sent != want { // (boot sends: TestBootSendsAreDelayed)
			t.Errorf("%d->%d sent at %d took %d ticks, want %d", e.From, e.To, e.Msg.Sent, e.At-e.Msg.Sent, want)
		}
		if want == 8 {
			checked++
		}
	}
	if checked < 20 {
		t.Errorf("only %d slowed deliveries", checked)
	}
	// Node 2's timer, re-armed every 5 ticks at each firing, takes 20 when
	// armed during the slowdown; when the slowdown ends first, what is left
	// of it runs at normal speed.
	fires := times(log.filter(func(e toyEntry) bool { return e.Node == 2 && e.Kind == obsFire }))
	for i := 1; i < len(fires); i++ {
		armed := fires[i-1]
		want := Time(5)
		if armed >= 10 && armed < 100 {
			want = 20
			if armed+20 > 100 {
				want = 100 - armed + (armed+20-100)/4
			}
		}
		if fires[i]-armed != want {
			t.Errorf("node 2's timer armed at %d fired at %d, want after %d", armed, fires[i], want)
		}
	}
	for _, id := range []NodeID{1, 3} {
		fs := times(log.filter(func(e toyEntry) bool { return e.Node == id && e.Kind == obsFire }))
		for i := 1; i < len(fs); i++ {
			if fs[i]-fs[i-1] != 5 {
				t.Errorf("node %d (not slow) timer gap %d", id, fs[i]-fs[i-1])
			}
		}
	}
	if st := w.Stats(); st.Faults[FaultSlow] != 1 || st.Faults[FaultPause] != 0 {
		t.Errorf("faults %v: want one slowdown", st.Faults)
	}
}

// TestHeal: after HealAt no message is dropped, duplicated, re-delivered
// or partitioned, no node crashes, slows or pauses, and crashed nodes are
// up again.
func TestHeal(t *testing.T) {
	cfg := faultyConfig(5)
	cfg.Network.DropRate, cfg.Network.DupRate, cfg.Network.RedeliverRate = 0.2, 0.2, 0.1
	cfg.Faults.CrashRate, cfg.Faults.PartitionRate, cfg.Faults.SlowRate = 0.1, 0.2, 0.1
	cfg.Faults.TornCrashRate, cfg.Faults.LoseUnsyncedRate = 0.1, 0.3
	cfg.Network.LongDelayRate, cfg.Faults.LagRate, cfg.Faults.LagLength = 0.05, 0.02, Range{10, 50}
	cfg.Faults.Downtime = Range{100, 5000} // some nodes are still down at the heal
	cfg.Faults.SlowLength = Range{100, 5000}
	cfg.Network.Delay = Delay{Min: 2, Max: 2}
	cfg.HealAt = 1000
	cfg.Faults.Schedule = []ScheduledFault{
		{Kind: FaultCrash, Nodes: nodeSet(5), Start: 900},                      // until the heal
		{Kind: FaultPartition, Nodes: nodeSet(1, 2), Start: 950, End: 2000},    // capped at the heal
		{Kind: FaultPause, Nodes: nodeSet(4), Start: 960},                      // until the heal
		{Kind: FaultSlow, Nodes: nodeSet(3), Start: 970, End: 5000, Factor: 7}, // capped at the heal
		{Kind: FaultCrash, Nodes: nodeSet(1), Start: 1000, End: 1200},          // at the heal: never
		{Kind: FaultPartition, Nodes: nodeSet(2), Start: 1500},                 // after the heal: never
	}
	log := &toyLog{}
	opts := busyOpts()
	opts.Observe = true
	w := newToyWorld(t, cfg, NewRandom(33), opts, log) // a seed whose faults all fall before the heal
	healIndex := -1
	var trace []TraceEntry
	var before Stats
	down := 0
	w.SetTracer(func(e TraceEntry) {
		trace = append(trace, e)
		if e.Kind == "heal" {
			// The heal is traced before it restarts the crashed nodes: take
			// the world as it was just before.
			healIndex = len(trace) - 1
			before = w.Stats()
			for id := NodeID(1); id <= 5; id++ {
				if !w.Up(id) {
					down++
				}
			}
			if w.Up(5) {
				t.Errorf("node 5 up before the heal")
			}
		}
	})
	for !w.Healed() {
		if !w.Step() {
			t.Fatal("ran out of events before the heal")
		}
	}
	traceAtHeal := len(trace)
	if down == 0 {
		t.Fatalf("test is vacuous: no node is down just before the heal")
	}
	for k := range NumFaultKinds {
		// (An overflow is a bound, not a fault the heal ends; no link
		// comes near the default capacity here.)
		if k != FaultRestart && k != FaultOverflow && before.Faults[k] == 0 {
			t.Errorf("test is vacuous: no %s fault before the heal", k)
		}
	}
	atHeal := w.Stats()
	if w.Now() != 1000 || healIndex < 0 {
		t.Fatalf("healed at %d (traced: %v)", w.Now(), healIndex >= 0)
	}
	for id := NodeID(1); id <= 5; id++ {
		if !w.Up(id) {
			t.Errorf("node %d still down after the heal", id)
		}
	}
	if got := atHeal.Faults[FaultRestart] - before.Faults[FaultRestart]; got != int64(down) {
		t.Errorf("the heal restarted %d nodes, %d were down", got, down)
	}
	runSteps(w, 30000)
	if w.Now() < 3000 {
		t.Fatalf("only reached %d", w.Now())
	}
	after := w.Stats()
	if after.Faults != atHeal.Faults {
		t.Errorf("faults after the heal:\n at heal %v\n later   %v", atHeal.Faults, after.Faults)
	}
	for _, e := range trace[traceAtHeal:] {
		switch e.Kind {
		case "deliver", "timer":
		default:
			t.Errorf("after the heal: %s", e)
		}
	}
	if after.Delivered == atHeal.Delivered {
		t.Error("nothing delivered after the heal")
	}
	// Every delay is the base delay again (no slow node), and no node stops
	// handling events (no pause). (Sends from Start during the heal itself
	// are left to TestHealRestartSends.)
	for _, e := range deliveries(log, 0, 0) {
		if e.Msg.Sent > 1000 && e.From != e.To && e.At-e.Msg.Sent != 2 {
			t.Fatalf("after the heal, %d->%d sent at %d took %d ticks", e.From, e.To, e.Msg.Sent, e.At-e.Msg.Sent)
		}
	}
}

// TestHealRestartSends: a node restarted by the heal sends from Start over
// the healed network: base delay, whatever slowed the receiver before.
//
// Regression (was a bug in sim/world.go healAll): one loop both resets each node's slowFactor
// and restarts it if it was down. A node restarted at the heal sends from
// Start to higher-numbered nodes whose slowFactor is still the old one, so
// those messages are stretched after the heal. Fix: reset every slot first,
// then restart the crashed nodes in a second loop.
func TestHealRestartSends(t *testing.T) {
	log := &toyLog{}
	cfg := pingConfig(t, 3, 2, "crash:1@10", "slow:2,3x5@10")
	cfg.HealAt = 100
	opts := &toyOpts{Kickoff: true, Observe: true}
	w := newToyWorld(t, cfg, NewRandom(21), opts, log)
	runUntil(w, 200)
	got := deliveries(log, 1, 0)
	if len(got) != 2 || got[1].Msg.Sent != 100 {
		t.Fatalf("node 1's deliveries: %+v", got)
	}
	if d := got[1].At - got[1].Msg.Sent; d != 2 {
		t.Errorf("node 1's kickoff at the heal took %d ticks to node %d, want 2", d, got[1].To)
	}
}

// TestTimers checks SetTimer and CancelTimer: one pending timer per tag,
// replacement, cancellation, firing once, and tags being independent.
func TestTimers(t *testing.T) {
	type fire struct {
		at  Time
		tag TimerTag
	}
	var fired []fire
	start := func(env *toyEnv) {
		env.SetTimer(1, 10)
		env.SetTimer(1, 20) // replaces the first: one fire at 20
		env.SetTimer(2, 5)
		env.CancelTimer(2) // never fires
		env.SetTimer(3, 7)
		env.CancelTimer(3)
		env.SetTimer(3, 9) // set again after a cancel: fires at 9
		env.SetTimer(4, 0) // clamped to 1 tick
		env.SetTimer(5, 30)
		env.SetTimer(5, 15) // replacing with an earlier time works too
		env.CancelTimer(6)  // cancelling an unset timer is harmless
		env.SetTimer(7, 40) // the highest tag
	}
	w, err := New(Config{Nodes: 1}, NewRandom(1), func(id NodeID, _ toyDurable) Node[toyMsg, toyDurable, toyObs] {
		return &funcNode{
			start: start,
			fire: func(env *toyEnv, tag TimerTag) {
				fired = append(fired, fire{env.Now(), tag})
				if tag == 7 && env.Now() == 40 {
					env.SetTimer(7, 5) // re-arm from the handler
					env.SetTimer(6, 1)
					env.CancelTimer(6)
				}
			},
		}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for w.Step() {
	}
	want := []fire{{1, 4}, {9, 3}, {15, 5}, {20, 1}, {40, 7}, {45, 7}}
	if !slices.Equal(fired, want) {
		t.Errorf("fired %v, want %v", fired, want)
	}
	if st := w.Stats(); st.Timers != int64(len(want)) {
		t.Errorf("Stats().Timers = %d, want %d", st.Timers, len(want))
	}
	if w.Events() != int64(len(want)) {
		t.Errorf("Events() = %d: cancelled and replaced timers must not count", w.Events())
	}

	for _, tag := range []TimerTag{8, 255} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetTimer(%d) did not panic", tag)
				}
			}()
			w2 := newToyWorld(t, Config{Nodes: 1}, NewRandom(1), &toyOpts{}, nil)
			(&toyEnv{w: w2, id: 1}).SetTimer(tag, 1)
		}()
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("CancelTimer(%d) did not panic", tag)
				}
			}()
			w2 := newToyWorld(t, Config{Nodes: 1}, NewRandom(1), &toyOpts{}, nil)
			(&toyEnv{w: w2, id: 1}).CancelTimer(tag)
		}()
	}
}

// TestSelfSends: a node's message to itself skips the network: never
// dropped or partitioned away.
func TestSelfSends(t *testing.T) {
	var got, sent int
	cfg := pingConfig(t, 2, 3, "partition:1@0-1000")
	cfg.Network.DropRate = 0.9
	w, err := New(cfg, NewRandom(1), func(id NodeID, _ toyDurable) Node[toyMsg, toyDurable, toyObs] {
		return &funcNode{
			start: func(env *toyEnv) { env.SetTimer(0, 1) },
			fire: func(env *toyEnv, _ TimerTag) {
				env.Broadcast(toyMsg{Val: uint64(env.ID())})
				sent++
				env.SetTimer(0, 1)
			},
			deliver: func(env *toyEnv, from NodeID, m toyMsg) {
				if from != env.ID() || m.Val != uint64(from) {
					t.Errorf("node %d got %v from %d across the partition", env.ID(), m, from)
				}
				got++
			},
		}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for w.Now() < 500 {
		w.Step()
	}
	if got < sent-2*3 || got == 0 {
		t.Errorf("%d of %d self-sends delivered", got, sent)
	}
}

// TestRestartIsObserved: with SetRestartObservation, a restart reports its
// observation for the restarted node, once a restart and never at boot,
// right before the node's Start; without it, nothing.
func TestRestartIsObserved(t *testing.T) {
	const marker = toyObsKind(99)
	for _, set := range []bool{true, false} {
		log := &toyLog{}
		w, err := New(pingConfig(t, 3, 2, "crash:2@50-80"), NewRandom(1), newToy(pingOpts(7)), log.observe)
		if err != nil {
			t.Fatal(err)
		}
		if set {
			w.SetRestartObservation(toyObs{Kind: marker})
		}
		runUntil(w, 300)
		var marks []int
		for i, e := range log.entries {
			if e.Kind == marker {
				marks = append(marks, i)
			}
		}
		switch {
		case !set && len(marks) != 0:
			t.Fatalf("unset: %d restart observations", len(marks))
		case !set:
		case len(marks) != 1:
			t.Fatalf("%d restart observations, want 1 (node 2's restart at 80)", len(marks))
		case log.entries[marks[0]].Node != 2 || marks[0]+1 >= len(log.entries) || log.entries[marks[0]+1].Kind != obsStart || log.entries[marks[0]+1].Node != 2:
			t.Fatalf("the restart observation %+v is not node 2's, right before its Start", log.entries[marks[0]])
		}
	}
}
