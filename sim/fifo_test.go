package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// This file tests FIFO links (fifo.go): in a Timed world whatever the
// faults, each link delivers in sending order; a Choice world offers each
// link's oldest message alone, duplicates its latest, and knows two
// orders of one link's messages apart; and a timed run's decision trace
// replays step by step in a Choice world.

// fifoConfig is cfg with FIFO links.
func fifoConfig(cfg Config) Config {
	cfg.Network.FIFO = true
	return cfg
}

// linkOrder reports the first delivery that came before one sent earlier
// on its link: a toy node's Vals grow with its every send (the boot count
// above the send count), so on each link they must never decrease; a
// copy repeats its original's.
func linkOrder(log *toyLog) error {
	last := map[[2]NodeID]toyEntry{}
	for _, e := range deliveries(log, 0, 0) {
		k := [2]NodeID{e.From, e.To}
		if prev, ok := last[k]; ok && e.Msg.Val < prev.Msg.Val {
			return fmt.Errorf("%s->%s delivered %#x at %d after %#x at %d", e.From, e.To, e.Msg.Val, e.At, prev.Msg.Val, prev.At)
		}
		last[k] = e
	}
	return nil
}

// drawFaultyConfig draws a configuration with every network and node
// fault that may break order.
func drawFaultyConfig(t *rapid.T) Config {
	rate := func(name string, hi float64) float64 { return rapid.Float64Range(0, hi).Draw(t, name) }
	cfg := Config{
		Nodes: rapid.IntRange(2, 5).Draw(t, "nodes"),
		Network: NetworkConfig{
			Delay:         Delay{Dist: DelayDist(rapid.IntRange(0, 1).Draw(t, "tail")), Min: 1, Max: Time(rapid.IntRange(1, 30).Draw(t, "delay"))},
			DropRate:      rate("drop", 0.3),
			DupRate:       rate("dup", 0.3),
			RedeliverRate: rate("redeliver", 0.2),
			LinkCapacity:  rapid.SampledFrom([]int{0, 1, 2, 5}).Draw(t, "capacity"),
			FIFO:          true,
		},
		Faults: FaultConfig{
			CrashRate:        rate("crash", 0.05),
			TornCrashRate:    rate("torn-crash", 0.05),
			LoseUnsyncedRate: rate("lose-unsynced", 0.05),
			PartitionRate:    rate("partition", 0.05),
			SlowRate:         rate("slow", 0.05),
			Downtime:         Range{10, 100},
		},
	}
	if rapid.Bool().Draw(t, "heal") {
		cfg.HealAt = Time(rapid.IntRange(100, 1500).Draw(t, "heal at"))
	}
	return cfg
}

// TestFIFOKeepsLinkOrder: whatever the faults (drops, duplicates,
// re-deliveries, overflows, partitions, crashes, slowdowns and pauses),
// every link of a FIFO world delivers in sending order.
func TestFIFOKeepsLinkOrder(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := drawFaultyConfig(rt)
		log := &toyLog{}
		opts := busyOpts()
		opts.Observe = true
		w := newToyWorld(t, cfg, NewRandom(rapid.Uint64().Draw(rt, "seed")), opts, log)
		runUntil(w, 2000)
		if err := linkOrder(log); err != nil {
			rt.Fatal(err)
		}
	})
}

// TestFIFOFaultsHappen: the FIFO property above is not vacuous: with every
// fault on, every kind happens on FIFO links too (and is traced as often
// as counted), and the same run without FIFO links reorders.
func TestFIFOFaultsHappen(t *testing.T) {
	cfg := faultyConfig(3)
	cfg.Network.LinkCapacity = 2
	opts := busyOpts()
	opts.Observe = true
	var log toyLog
	w := newToyWorld(t, cfg, NewRandom(3), opts, &log)
	runUntil(w, 5000)
	if linkOrder(&log) == nil {
		t.Fatal("without FIFO links the run kept every link's order: the test is vacuous")
	}
	log = toyLog{}
	w = newToyWorld(t, fifoConfig(cfg), NewRandom(3), opts, &log)
	var traced [NumFaultKinds]int64
	w.SetTracer(func(e TraceEntry) {
		for k := range NumFaultKinds {
			if e.Kind == k.String() {
				traced[k]++
			}
		}
	})
	runUntil(w, 20000)
	if err := linkOrder(&log); err != nil {
		t.Fatal(err)
	}
	st := w.Stats()
	for k := range NumFaultKinds {
		if k == FaultOutlive {
			// A FIFO link's connection dies with its receiver.
			if st.Faults[k] != 0 || traced[k] != 0 {
				t.Errorf("%s on FIFO links: counted %d, traced %d", k, st.Faults[k], traced[k])
			}
			continue
		}
		if st.Faults[k] == 0 || traced[k] != st.Faults[k] {
			t.Errorf("%s: counted %d, traced %d", k, st.Faults[k], traced[k])
		}
	}
}

// TestFIFOSameSeedSameRun: a FIFO world is as deterministic as any.
func TestFIFOSameSeedSameRun(t *testing.T) {
	run := func() (uint64, Stats) {
		w := newToyWorld(t, fifoConfig(faultyConfig(4)), NewRandom(11), busyOpts(), nil)
		runSteps(w, 20000)
		return w.Hash(), w.Stats()
	}
	h1, s1 := run()
	h2, s2 := run()
	if h1 != h2 || s1 != s2 {
		t.Fatalf("two runs of one seed: %#x %+v, %#x %+v", h1, s1, h2, s2)
	}
	plain := newToyWorld(t, faultyConfig(4), NewRandom(11), busyOpts(), nil)
	runSteps(plain, 20000)
	if plain.Hash() == h1 {
		t.Fatal("FIFO links changed nothing")
	}
}

// TestFIFOOverflowLosesTheOldest: a full FIFO link makes room by losing its
// oldest message, logged as its drop, so that every loss on a FIFO link is
// of its oldest message.
func TestFIFOOverflowLosesTheOldest(t *testing.T) {
	newNode := func(id NodeID, _ toyDurable) Node[toyMsg, toyDurable, toyObs] {
		return &funcNode{start: func(env *toyEnv) {
			if id == 1 {
				for v := range uint64(3) {
					env.Send(2, toyMsg{Val: v})
				}
			}
		}}
	}
	cfg := Config{Nodes: 2, Network: NetworkConfig{Delay: Delay{Min: 1, Max: 5}, LinkCapacity: 1, FIFO: true}}
	w, err := New(cfg, NewRandom(1), newNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	w.SetScheduleLog(func(l string) { log = append(log, l) })
	for w.Step() {
	}
	want := []string{"drop 1->2 " + toyMsg{Val: 0}.String(), "drop 1->2 " + toyMsg{Val: 1}.String(), "deliver 1->2 " + toyMsg{Val: 2}.String()}
	if !slices.Equal(log, want) {
		t.Fatalf("log:\n%s\nwant:\n%s", strings.Join(log, "\n"), strings.Join(want, "\n"))
	}
}

// TestFIFOTraceReplays: a timed FIFO run's decision trace replays step by
// step in a Choice world with FIFO links, to the same deliveries in the
// same order: its drops are of each link's oldest message, its copies of
// each link's latest, as the Choice world's are.
func TestFIFOTraceReplays(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := drawFaultyConfig(rt)
		opts := busyOpts()
		opts.Observe, opts.Timeless = true, true
		var timedLog, replayLog toyLog
		var lines []ScriptLine
		w := newToyWorld(t, cfg, NewRandom(rapid.Uint64().Draw(rt, "seed")), opts, &timedLog)
		w.SetScheduleLog(func(l string) { lines = append(lines, ScriptLine{len(lines) + 1, l}) })
		runUntil(w, 400)

		replay := cfg
		replay.Mode = Choice
		replay.Choice = ChoiceConfig{Drops: true, MaxDups: 1 << 30, MaxCrashes: 1 << 30, DupSelf: true}
		replay.Faults.MaxCrashed = cfg.Nodes
		script := NewScript(lines)
		r := newToyWorld(t, replay, script, opts, &replayLog)
		r.Actions() // boot: its draws are the trace's first lines
		for {
			l, ok := script.Next()
			if !ok {
				break
			}
			if err := r.DoLine(l.Text); err != nil {
				rt.Fatalf("line %d: %v", l.N, err)
			}
		}
		key := func(e toyEntry) string { return fmt.Sprintf("%s->%s %s", e.From, e.To, e.Msg) }
		a, b := deliveries(&timedLog, 0, 0), deliveries(&replayLog, 0, 0)
		if len(a) != len(b) {
			rt.Fatalf("the run delivered %d messages, its replay %d", len(a), len(b))
		}
		for i := range a {
			if key(a[i]) != key(b[i]) {
				rt.Fatalf("delivery %d: the run's %s, the replay's %s", i, key(a[i]), key(b[i]))
			}
		}
	})
}

// TestFIFOChoiceOffersTheOldest: on a FIFO link of a Choice world only the
// oldest message may be delivered or dropped, and only the latest sent
// duplicated; without FIFO links any may.
func TestFIFOChoiceOffersTheOldest(t *testing.T) {
	cc := ChoiceConfig{LocalSelf: true, Drops: true, MaxDups: 1}
	link21 := func(w *snapWorld) []string {
		var out []string
		for _, a := range actionLines(w) {
			if strings.Contains(a, " 2->1 ") {
				out = append(out, a)
			}
		}
		return out
	}
	// After node 2 hears hello(1), link 2->1 holds hello(2), then ack(1).
	plain := newSnapWorldNet(t, cc, false, nil)
	doLines(t, plain, "deliver 1->2 hello(1)")
	want := []string{"deliver 2->1 hello(2)", "deliver 2->1 ack(1)", "drop 2->1 hello(2)", "drop 2->1 ack(1)", "dup 2->1 hello(2)", "dup 2->1 ack(1)"}
	if got := link21(plain); !slices.Equal(got, want) {
		t.Fatalf("without FIFO, link 2->1 offers %q, want %q", got, want)
	}
	w := newSnapWorldNet(t, cc, true, nil)
	doLines(t, w, "deliver 1->2 hello(1)")
	want = []string{"deliver 2->1 hello(2)", "drop 2->1 hello(2)", "dup 2->1 ack(1)"}
	if got := link21(w); !slices.Equal(got, want) {
		t.Fatalf("FIFO link 2->1 offers %q, want %q", got, want)
	}
	err := w.DoLine("deliver 2->1 ack(1)")
	if err == nil || !strings.Contains(err.Error(), "2->1 is a FIFO link: its oldest message goes first, and that is hello(2)") {
		t.Fatalf("delivering past the oldest: %v", err)
	}
	if _, ok := w.Find(ActDeliver, 2, 1, 0, func(m snapMsg) bool { return m.Kind == snapAck }); ok {
		t.Fatal("Find offers a message behind the oldest")
	}
	doLines(t, w, "dup 2->1 ack(1)", "deliver 2->1 hello(2)")
	want = []string{"deliver 2->1 ack(1)", "drop 2->1 ack(1)"}
	if got := link21(w); !slices.Equal(got, want) {
		t.Fatalf("after the oldest went, FIFO link 2->1 offers %q, want %q", got, want)
	}
	doLines(t, w, "deliver 2->1 ack(1)", "deliver 2->1 ack(1)")
	if got := link21(w); len(got) != 0 {
		t.Fatalf("FIFO link 2->1 still offers %q", got)
	}
}

// TestFIFOFingerprintKeepsLinkOrder: two orders of one link's messages are
// two states on FIFO links, and one without; a clone, a renaming and a
// snapshot keep the order.
func TestFIFOFingerprintKeepsLinkOrder(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		a := newSnapWorldNet(t, ChoiceConfig{LocalSelf: true}, fifo, nil)
		b := newSnapWorldNet(t, ChoiceConfig{LocalSelf: true}, fifo, nil)
		a.Send(2, 1, snapMsg{snapKick, 7})
		a.Send(2, 1, snapMsg{snapKick, 8})
		b.Send(2, 1, snapMsg{snapKick, 8})
		b.Send(2, 1, snapMsg{snapKick, 7})
		if same := sameState(t, a, b); same == fifo {
			t.Fatalf("fifo=%v: two orders of link 2->1 fingerprint alike: %v", fifo, same)
		}
		if !fifo {
			continue
		}
		ka, _ := fp(a, swap23())
		kb, _ := fp(b, swap23())
		if ka == kb {
			t.Fatal("under a renaming two orders of link 2->1 fingerprint alike")
		}
		pool := NewSnapshotPool(a)
		r := pool.Restore(nil, pool.Snapshot(a, nil), nil)
		c := a.CloneInto(nil, nil)
		for _, x := range []*snapWorld{r, c} {
			if !sameState(t, x, a) || !slices.Equal(actionLines(x), actionLines(a)) {
				t.Fatalf("a restored or cloned world lost link 2->1's order: %q, want %q", actionLines(x), actionLines(a))
			}
		}
	}
}

// TestFIFOSwitchToTimedKeepsLinkOrder: a Choice world that turns Timed
// hands each FIFO link over in its order, however the delays fall (which
// without FIFO links reorder it).
func TestFIFOSwitchToTimedKeepsLinkOrder(t *testing.T) {
	// (The last is the ack of hello(1), which node 2 hears after the switch.)
	want := []string{"hello(2)", "kick(4)", "kick(5)", "kick(6)", "kick(7)", "kick(8)", "kick(9)", "kick(10)", "kick(11)", "ack(1)"}
	reordered := 0
	for _, fifo := range []bool{false, true} {
		for seed := range uint64(20) {
			var log snapLog
			w := newSnapWorldNet(t, ChoiceConfig{}, fifo, &log)
			w.Actions() // boot: every node's hello on every link, and to itself
			for k := NodeID(4); k < 12; k++ {
				w.Send(2, 1, snapMsg{snapKick, k})
			}
			w.SetDecider(NewRandom(seed))
			w.SwitchToTimed()
			for w.Step() {
			}
			var got []string
			for _, l := range log {
				if strings.HasPrefix(l, "2->1 ") {
					got = append(got, strings.TrimPrefix(l, "2->1 "))
				}
			}
			switch {
			case !fifo && !slices.Equal(got, want):
				reordered++
			case fifo && !slices.Equal(got, want):
				t.Fatalf("seed %d: link 2->1 delivered %q, want %q", seed, got, want)
			}
		}
	}
	if reordered == 0 {
		t.Fatal("without FIFO links every seed kept link 2->1's order: the test is vacuous")
	}
}
