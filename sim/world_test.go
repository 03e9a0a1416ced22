package sim

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// runResult is everything a run exposes that must be a function of
// (config, decisions).
type runResult struct {
	hash   uint64
	events int64
	now    Time
	stats  Stats
	trace  []string
	obs    []toyEntry
	taken  []Taken
}

// runToy runs the busy toy under every fault for steps events.
func runToy(t testing.TB, seed uint64, nodes, steps int, tracing bool) runResult {
	t.Helper()
	rec := &Recorder{Inner: NewRandom(seed)}
	log := &toyLog{}
	opts := busyOpts()
	opts.Observe = true
	cfg := faultyConfig(nodes)
	cfg.HealAt = 2000
	cfg.Faults.Schedule = []ScheduledFault{
		{Kind: FaultCrash, Nodes: nodeSet(1), Start: 100, End: 180},
		{Kind: FaultPause, Nodes: nodeSet(2), Start: 150, End: 200},
		{Kind: FaultSlow, Nodes: nodeSet(3), Start: 50, End: 400, Factor: 3},
	}
	w := newToyWorld(t, cfg, rec, opts, log)
	var r runResult
	if tracing {
		w.SetTracer(func(e TraceEntry) { r.trace = append(r.trace, e.String()) })
	}
	runSteps(w, steps)
	r.hash, r.events, r.now, r.stats, r.obs, r.taken = w.Hash(), w.Events(), w.Now(), w.Stats(), log.entries, rec.Taken
	return r
}

func diffLines(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("line %d: %q vs %q", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(a), len(b))
}

// TestSameSeedSameRun: equal (config, decisions) give an equal hash, equal
// event counts, equal stats, an identical readable trace, identical
// observations and identical decisions.
func TestSameSeedSameRun(t *testing.T) {
	for _, seed := range []uint64{0, 1, 42, 1 << 63} {
		a := runToy(t, seed, 5, 20000, true)
		b := runToy(t, seed, 5, 20000, true)
		if a.hash != b.hash || a.events != b.events || a.now != b.now || a.stats != b.stats {
			t.Fatalf("seed %d: runs differ: hash %#x/%#x events %d/%d now %d/%d stats %+v / %+v",
				seed, a.hash, b.hash, a.events, b.events, a.now, b.now, a.stats, b.stats)
		}
		if !slices.Equal(a.trace, b.trace) {
			t.Fatalf("seed %d: traces differ at %s", seed, diffLines(a.trace, b.trace))
		}
		if !slices.Equal(a.obs, b.obs) {
			t.Fatalf("seed %d: observations differ", seed)
		}
		if !slices.Equal(a.taken, b.taken) {
			t.Fatalf("seed %d: decisions differ", seed)
		}
		if a.events < 19000 || len(a.trace) < int(a.events) {
			t.Fatalf("seed %d: only %d events and %d trace lines for 20000 steps", seed, a.events, len(a.trace))
		}
		// Tracing is on demand: it must not change the run.
		c := runToy(t, seed, 5, 20000, false)
		if c.hash != a.hash || c.events != a.events || c.stats != a.stats {
			t.Fatalf("seed %d: a tracer changes the run: hash %#x vs %#x", seed, c.hash, a.hash)
		}
	}
}

// TestTraceLines checks that the readable trace names what happened.
func TestTraceLines(t *testing.T) {
	r := runToy(t, 7, 3, 5000, true)
	text := strings.Join(r.trace, "\n")
	for _, want := range []string{
		" deliver ", " timer ", " crash 1", " restart 1", " pause 2 paused until 200",
		" slow 3 3x slower", " recover ", " drop ", " dup ", " redeliver ", " heal ",
		"gossip{origin ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("trace has no %q", want)
		}
	}
	// Times never go backwards.
	var last Time
	for _, line := range r.trace {
		var at Time
		if _, err := fmt.Sscanf(line, "t=%d", &at); err != nil {
			t.Fatalf("trace line %q: %v", line, err)
		}
		if at < last {
			t.Fatalf("time goes back to %d after %d: %q", at, last, line)
		}
		last = at
	}
}

// TestSeedsDiffer: different seeds give different runs.
func TestSeedsDiffer(t *testing.T) {
	const seeds = 300
	seen := make(map[uint64]uint64, seeds)
	for seed := range uint64(seeds) {
		r := runToy(t, seed, 3, 1000, false)
		if other, dup := seen[r.hash]; dup {
			t.Errorf("seeds %d and %d both hash to %#x", other, seed, r.hash)
		}
		seen[r.hash] = seed
	}
	if len(seen) != seeds {
		t.Fatalf("%d seeds gave %d distinct hashes", seeds, len(seen))
	}
}

// TestHashAcrossGOMAXPROCS runs the same seeds serially under GOMAXPROCS(1)
// and from several goroutines under GOMAXPROCS(2) (one World per goroutine:
// parallelism lives between runs) and requires identical results.
func TestHashAcrossGOMAXPROCS(t *testing.T) {
	const seeds, steps = 16, 5000
	type result struct {
		hash   uint64
		events int64
		stats  Stats
	}
	collect := func(procs, workers int) []result {
		prev := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(prev)
		out := make([]result, seeds)
		jobs := make(chan int)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := range jobs {
					r := runToy(t, uint64(i)*7919, 5, steps, false)
					out[i] = result{r.hash, r.events, r.stats}
				}
			})
		}
		for i := range seeds {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		return out
	}
	serial := collect(1, 1)
	for _, c := range []struct{ procs, workers int }{{2, 1}, {2, 4}, {1, 3}, {2, 8}} {
		got := collect(c.procs, c.workers)
		for i := range serial {
			if got[i] != serial[i] {
				t.Errorf("GOMAXPROCS(%d) with %d workers, seed index %d: %+v, serial GOMAXPROCS(1) gave %+v",
					c.procs, c.workers, i, got[i], serial[i])
			}
		}
	}
}

// zeroDecider answers every Intn with 0 and every Chance with false: no
// message is ever dropped or duplicated, every delay is the minimum and no
// random fault ever starts, whatever the configured rates.
type zeroDecider struct{ calls [numDecisionKinds]int }

func (z *zeroDecider) Intn(d Decision, n int) int {
	z.calls[d.Kind]++
	return 0
}

func (z *zeroDecider) Chance(d Decision, p float64) bool {
	z.calls[d.Kind]++
	return false
}

// replayDecider plays back a recorded decision trace and fails the test if
// the world asks for anything else.
type replayDecider struct {
	t     testing.TB
	taken []Taken
	next  int
}

func (r *replayDecider) take(d Decision, n int) int {
	if r.next >= len(r.taken) {
		r.t.Fatalf("replay: decision %d (%s) asked for after the end of the trace", r.next, d)
	}
	x := r.taken[r.next]
	if x.Decision != d || x.N != n {
		r.t.Fatalf("replay: decision %d is %s, the world asks for %s with n=%d", r.next, x, d, n)
	}
	r.next++
	return x.Value
}

func (r *replayDecider) Intn(d Decision, n int) int        { return r.take(d, n) }
func (r *replayDecider) Chance(d Decision, p float64) bool { return r.take(d, 0) == 1 }

// TestCustomDeciderDrivesTheWorld: the Decider is the only source of
// nondeterminism. A decider that never says yes turns every rate off; two
// recorded runs take identical decisions; and replaying a recorded trace
// reproduces the run exactly.
func TestCustomDeciderDrivesTheWorld(t *testing.T) {
	cfg := faultyConfig(5)
	cfg.Network.DropRate, cfg.Network.DupRate, cfg.Network.RedeliverRate = 0.5, 0.5, 0.5
	cfg.Faults.CrashRate, cfg.Faults.PartitionRate, cfg.Faults.SlowRate = 0.5, 0.5, 0.5
	cfg.Network.Delay = Delay{Uniform, 3, 9}

	t.Run("zero", func(t *testing.T) {
		z := &zeroDecider{}
		log := &toyLog{}
		opts := busyOpts()
		opts.Observe = true
		w := newToyWorld(t, cfg, z, opts, log)
		runSteps(w, 5000)
		st := w.Stats()
		if st.Faults != ([NumFaultKinds]int64{}) {
			t.Errorf("faults happened although the decider never said yes: %v", st.Faults)
		}
		for _, k := range []DecisionKind{DecideDrop, DecideDup, DecideRedeliver, DecideFault, DecideDelay, DecideJitter} {
			if z.calls[k] == 0 {
				t.Errorf("the world never asked the decider for %s", k)
			}
		}
		for _, e := range deliveries(log, 0, 0) {
			// (Sends from Start, at time 0, are left to TestBootSendsAreDelayed.)
			if e.From != e.To && e.Msg.Sent > 0 && e.At-e.Msg.Sent != 3 {
				t.Fatalf("delivery %v took %d ticks; the decider always picks the minimum 3", e.Msg, e.At-e.Msg.Sent)
			}
		}
		if st.Delivered == 0 || st.Delivered != st.Sent-int64(countInFlight(w)) {
			t.Errorf("delivered %d of %d sent with %d in flight: a reliable network loses nothing",
				st.Delivered, st.Sent, countInFlight(w))
		}
	})

	run := func(d Decider) (*toyWorld, *Recorder) {
		rec := &Recorder{Inner: d}
		w := newToyWorld(t, cfg, rec, busyOpts(), nil)
		runSteps(w, 5000)
		return w, rec
	}
	t.Run("recorded", func(t *testing.T) {
		for _, mk := range []func() Decider{
			func() Decider { return &zeroDecider{} },
			func() Decider { return NewRandom(99) },
		} {
			w1, r1 := run(mk())
			w2, r2 := run(mk())
			if len(r1.Taken) == 0 || !slices.Equal(r1.Taken, r2.Taken) {
				t.Fatalf("%T: two runs took different decisions (%d vs %d)", mk(), len(r1.Taken), len(r2.Taken))
			}
			if w1.Hash() != w2.Hash() {
				t.Fatalf("%T: same decisions, different hashes", mk())
			}
		}
		wz, _ := run(&zeroDecider{})
		wr, _ := run(NewRandom(99))
		if wz.Hash() == wr.Hash() {
			t.Errorf("different deciders gave the same hash %#x", wz.Hash())
		}
	})

	t.Run("replay", func(t *testing.T) {
		orig, rec := run(NewRandom(2024))
		kinds := map[DecisionKind]bool{}
		for _, x := range rec.Taken {
			kinds[x.Kind] = true
		}
		for k := DecideDelay; k <= DecideJitter; k++ {
			if !kinds[k] {
				t.Errorf("the recorded run never took a %s decision", k)
			}
		}
		rp := &replayDecider{t: t, taken: rec.Taken}
		w := newToyWorld(t, cfg, rp, busyOpts(), nil)
		runSteps(w, 5000)
		if rp.next != len(rec.Taken) {
			t.Fatalf("replay used %d of %d decisions", rp.next, len(rec.Taken))
		}
		if w.Hash() != orig.Hash() || w.Events() != orig.Events() || w.Stats() != orig.Stats() {
			t.Fatalf("replay diverged: hash %#x vs %#x", w.Hash(), orig.Hash())
		}
	})
}

// countInFlight counts the messages in the queue.
func countInFlight(w *toyWorld) int {
	n := 0
	for _, e := range w.queue.items {
		if e.kind == EventDeliver {
			n++
		}
	}
	return n
}

// TestRandGoesThroughDecider: Env.Rand is a DecideJitter decision for the
// calling node, and returns exactly what the decider said.
func TestRandGoesThroughDecider(t *testing.T) {
	rec := &Recorder{Inner: &lastDecider{}}
	log := &toyLog{}
	opts := &toyOpts{Inject: 10, Jitter: 7, Observe: true}
	w := newToyWorld(t, Config{Nodes: 3, Network: NetworkConfig{Delay: Delay{Min: 2, Max: 2}}}, rec, opts, log)
	runUntil(w, 100)
	var jitter []Taken
	for _, x := range rec.Taken {
		if x.Kind == DecideJitter {
			jitter = append(jitter, x)
		}
	}
	rands := log.filter(func(e toyEntry) bool { return e.Kind == obsRand })
	if len(jitter) == 0 || len(jitter) != len(rands) {
		t.Fatalf("%d Env.Rand calls, %d jitter decisions", len(rands), len(jitter))
	}
	for i, x := range jitter {
		if x.N != 7 || x.Node != rands[i].Node || x.Peer != 0 || x.Value != 6 || rands[i].Rand != 6 {
			t.Errorf("Env.Rand call %d on node %d returned %d; decision %s", i, rands[i].Node, rands[i].Rand, x)
		}
	}
	// With the decider always answering n-1, every node re-arms every
	// 10+6 ticks.
	for _, e := range log.filter(func(e toyEntry) bool { return e.Kind == obsFire }) {
		if e.At%16 != 0 {
			t.Errorf("node %d fired at %d, want multiples of 16", e.Node, e.At)
		}
	}

	// Rand(1) and Rand(0) have one answer and take no decision.
	w2 := newToyWorld(t, Config{Nodes: 1}, rec, &toyOpts{}, nil)
	w2.Step()
	before := len(rec.Taken)
	env := &toyEnv{w: w2, id: 1}
	if env.Rand(1) != 0 || env.Rand(0) != 0 {
		t.Errorf("Rand(1) or Rand(0) is not 0")
	}
	if len(rec.Taken) != before {
		t.Errorf("Rand(1) took a decision")
	}
}

// lastDecider answers n-1 and true.
type lastDecider struct{}

func (lastDecider) Intn(_ Decision, n int) int        { return n - 1 }
func (lastDecider) Chance(_ Decision, _ float64) bool { return true }

// TestRequests: a client request reaches its node from External at its
// time; a request to a crashed node is lost; a request to a node that does
// not exist panics.
func TestRequests(t *testing.T) {
	log := &toyLog{}
	cfg := pingConfig(t, 3, 2, "crash:3@10-50")
	w := newToyWorld(t, cfg, NewRandom(1), &toyOpts{Observe: true}, log)
	w.Request(5, 1, toyMsg{Val: 11})
	w.Request(5, 2, toyMsg{Val: 12})
	w.Request(20, 3, toyMsg{Val: 13}) // node 3 is down
	w.Request(60, 3, toyMsg{Val: 14})
	runUntil(w, 100)
	got := deliveries(log, External, 0)
	want := []struct {
		at  Time
		to  NodeID
		val uint64
	}{{5, 1, 11}, {5, 2, 12}, {60, 3, 14}}
	if len(got) != len(want) {
		t.Fatalf("requests delivered: %v", got)
	}
	for i, g := range got {
		if g.At != want[i].at || g.To != want[i].to || g.Msg.Val != want[i].val {
			t.Errorf("request %d: delivered %+v, want %+v", i, g, want[i])
		}
	}
	if n := w.Stats().Faults[FaultLost]; n != 1 {
		t.Errorf("lost-at-crashed = %d, want 1 (the request at 20)", n)
	}
	if w.Stats().Delivered != 0 {
		t.Errorf("Delivered counts requests: %d", w.Stats().Delivered)
	}
	for _, id := range []NodeID{0, -1, 4} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "does not exist") {
					t.Errorf("Request to node %d: recover() = %v", id, r)
				}
			}()
			w.Request(1, id, toyMsg{})
		}()
	}
}

// TestCurrent: while a handler runs, Current names the event.
func TestCurrent(t *testing.T) {
	var w *toyWorld
	var seen []TraceEntry
	w, err := New(Config{Nodes: 2}, NewRandom(1), func(id NodeID, _ toyDurable) Node[toyMsg, toyDurable, toyObs] {
		return &funcNode{deliver: func(env *toyEnv, from NodeID, m toyMsg) { seen = append(seen, w.Current()) }}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Request(7, 2, toyMsg{Val: 1})
	runUntil(w, 10)
	if len(seen) != 1 {
		t.Fatalf("Current seen %d times", len(seen))
	}
	c := seen[0]
	if c.Time != 7 || c.Kind != "request" || c.From != External || c.To != 2 || !strings.Contains(c.Msg, "val 0x1") || c.Index != 1 {
		t.Errorf("Current() = %+v", c)
	}
}

// funcNode is a node built from functions, for one-off behaviours.
type funcNode struct {
	start   func(env *toyEnv)
	deliver func(env *toyEnv, from NodeID, m toyMsg)
	fire    func(env *toyEnv, tag TimerTag)
}

func (f *funcNode) Start(env *toyEnv) {
	if f.start != nil {
		f.start(env)
	}
}

func (f *funcNode) Deliver(env *toyEnv, from NodeID, m toyMsg) {
	if f.deliver != nil {
		f.deliver(env, from, m)
	}
}

func (f *funcNode) Fire(env *toyEnv, tag TimerTag) {
	if f.fire != nil {
		f.fire(env, tag)
	}
}

// TestSendToBadNodePanics: a node addressing a node that does not exist is
// a bug in the node, reported at once.
func TestSendToBadNodePanics(t *testing.T) {
	w, err := New(Config{Nodes: 2}, NewRandom(1), func(id NodeID, _ toyDurable) Node[toyMsg, toyDurable, toyObs] {
		return &funcNode{start: func(env *toyEnv) {
			if id == 1 {
				env.Send(3, toyMsg{})
			}
		}}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		r := recover()
		m, ok := r.(*MisuseError)
		if !ok || m.Rule != "send-to-node" || !strings.Contains(m.Error(), "node 1 sent a message to node 3, which does not exist") {
			t.Errorf("recover() = %v, want a *MisuseError of rule send-to-node", r)
		}
	}()
	w.Step()
}

// TestBootSendsAreDelayed: a message a node sends from Start takes a drawn
// delay like any other.
//
// Regression (was a bug in sim/world.go boot): slots[id].slowFactor is set to 1 inside the loop
// that starts the nodes, just before node id starts. A message that node i
// sends from Start to a node j > i is stretched by slots[j].slowFactor,
// still 0, so it is due at time 0 whatever the drawn delay. Fix: set
// slowFactor = 1 for every slot (in New, or in a loop before the one that
// calls start).
func TestBootSendsAreDelayed(t *testing.T) {
	log := &toyLog{}
	opts := &toyOpts{Fanout: true, Observe: true}
	w, err := New(Config{Nodes: 3, Network: NetworkConfig{Delay: Delay{Min: 5, Max: 5}}}, NewRandom(1),
		func(id NodeID, d toyDurable) Node[toyMsg, toyDurable, toyObs] {
			n := &toyNode{id: id, opts: opts, durable: d}
			return &funcNode{start: func(env *toyEnv) { n.Fire(env, 0) }, deliver: n.Deliver}
		}, log.observe)
	if err != nil {
		t.Fatal(err)
	}
	runUntil(w, 20)
	got := deliveries(log, 0, 0)
	if len(got) != 6 {
		t.Fatalf("%d deliveries, want 6", len(got))
	}
	var bad []string
	for _, e := range got {
		if e.At != 5 {
			bad = append(bad, fmt.Sprintf("%d->%d at %d", e.From, e.To, e.At))
		}
	}
	if len(bad) > 0 {
		t.Errorf("sends from Start with delay 5 delivered at: %s", strings.Join(bad, ", "))
	}
}

// TestStepIsBoundedOnAQuietCluster: with random faults on and no heal,
// fault draws go on forever, but each Step takes one item off the queue and
// returns, so a caller's time limit always gets a say.
func TestStepIsBoundedOnAQuietCluster(t *testing.T) {
	d := &boundedDecider{limit: 100000}
	cfg := Config{Nodes: 3, Faults: FaultConfig{CrashRate: 0.1}}
	w := newToyWorld(t, cfg, d, &toyOpts{}, nil) // nodes that never send
	for steps := 0; steps < 10; steps++ {
		if !w.Step() {
			t.Fatalf("step %d: the queue ran dry, but fault draws should go on", steps)
		}
	}
	if d.calls > 30 {
		t.Fatalf("10 steps took %d decisions: a Step ran more than one fault draw", d.calls)
	}
	if next, _ := w.Next(); next != 110 || w.Events() != 0 {
		t.Fatalf("after 10 fault draws: next item at t=%d, %d events; want t=110 and none", next, w.Events())
	}
}

// boundedDecider says no to everything and panics after limit calls.
type boundedDecider struct{ calls, limit int }

func (b *boundedDecider) Intn(Decision, int) int { b.tick(); return 0 }
func (b *boundedDecider) Chance(Decision, float64) bool {
	b.tick()
	return false
}

func (b *boundedDecider) tick() {
	b.calls++
	if b.calls > b.limit {
		panic("decision limit reached")
	}
}

// TestStepEnds: a world whose nodes go quiet runs out of events.
func TestStepEnds(t *testing.T) {
	opts := &toyOpts{TTL: 5, Kickoff: true}
	w := newToyWorld(t, Config{Nodes: 3, HealAt: 100, Faults: FaultConfig{CrashRate: 0.1}}, NewRandom(1), opts, nil)
	n := 0
	for w.Step() {
		n++
		if n > 1000 {
			t.Fatal("world does not run out of events")
		}
	}
	if _, ok := w.Next(); ok {
		t.Error("Next reports an event after Step returned false")
	}
	if w.Step() {
		t.Error("Step returns true after running out")
	}
	if !w.Healed() {
		t.Error("not healed at the end")
	}
}

// TestNewDoesNotMutateConfig: a Config is a value the caller may reuse,
// for instance one Config shared by a campaign's parallel workers.
//
// Regression (was a bug in sim/world.go scheduleFault): `w.cfg.Faults.Schedule[i] = f` writes
// the resolved end time into the Schedule slice, whose backing array is
// the caller's: New copies the Config struct, not the slice. A caller's
// Config changes under it (End filled in from this world's HealAt), and
// worlds built from one Config on several goroutines race on it (go test
// -race reports it). Fix: clone the slice in New
// (cfg.Faults.Schedule = slices.Clone(cfg.Faults.Schedule)).
func TestNewDoesNotMutateConfig(t *testing.T) {
	cfg := pingConfig(t, 3, 2, "crash:1@10", "partition:2@20-5000", "pause:3@30")
	cfg.HealAt = 100
	orig := slices.Clone(cfg.Faults.Schedule)
	w := newToyWorld(t, cfg, NewRandom(1), pingOpts(5), nil)
	runUntil(w, 200)
	if !slices.Equal(cfg.Faults.Schedule, orig) {
		t.Errorf("the caller's schedule changed from %v to %v", orig, cfg.Faults.Schedule)
	}
	// Worlds sharing one Config on several goroutines (run with -race).
	var wg sync.WaitGroup
	hashes := make([]uint64, 4)
	for i := range hashes {
		wg.Go(func() {
			w := newToyWorld(t, cfg, NewRandom(1), pingOpts(5), nil)
			runUntil(w, 200)
			hashes[i] = w.Hash()
		})
	}
	wg.Wait()
	for _, h := range hashes {
		if h != w.Hash() {
			t.Errorf("a world built from a shared config hashes %#x, alone %#x", h, w.Hash())
		}
	}
}
