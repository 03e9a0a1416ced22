package sim

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"testing"
)

// word is a message that is its text.
type word string

func (m word) Digest() uint64 {
	h := fnv.New64a()
	h.Write([]byte(m))
	return h.Sum64()
}

func (m word) String() string { return string(m) }

// scribe is a node whose handler of "go" makes four effects that others
// see, in order: send "a" to node 1, write (or persist) its count of go's,
// send "b" to node 3, sync; then it observes the count. Its durable state
// is that count, and what it was built from is kept in booted.
type scribe struct {
	count   int
	persist bool
	booted  *[]int
}

func (n *scribe) Start(*Env[word, int, int])          {}
func (n *scribe) Fire(*Env[word, int, int], TimerTag) {}

func (n *scribe) Deliver(env *Env[word, int, int], from NodeID, m word) {
	if m != "go" {
		return
	}
	n.count++
	env.Send(1, "a")
	if n.persist {
		env.Persist(n.count)
	} else {
		env.Write(n.count)
	}
	env.Send(3, "b")
	env.Sync()
	env.Observe(n.count)
}

// scribeWorld is a Choice world of three scribes in which node 1 has sent
// node 2 a "go" (a request) goes times, and the observations it made.
func scribeWorld(t *testing.T, c ChoiceConfig, persist bool, goes int) (*World[word, int, int], *[]int, *[]int) {
	t.Helper()
	var observed, booted []int
	cfg := Config{Nodes: 3, Mode: Choice, Choice: c}
	newNode := func(id NodeID, d int) Node[word, int, int] {
		booted = append(booted, d)
		return &scribe{count: d, persist: persist, booted: &booted}
	}
	w, err := New(cfg, NewRandom(1), newNode, func(_ NodeID, o int) { observed = append(observed, o) })
	if err != nil {
		t.Fatal(err)
	}
	for range goes {
		w.Request(0, 2, "go")
	}
	return w, &observed, &booted
}

// inFlight lists the messages in flight as "from->to msg", sorted.
func inFlight(w *World[word, int, int]) []string {
	var out []string
	for _, f := range w.inflight {
		out = append(out, fmt.Sprintf("%s->%s %s", f.from, f.to, f.msg))
	}
	slices.Sort(out)
	return out
}

// TestTornCrashCutsTheHandler: a crash after effect k of a handler lets
// exactly its first k effects happen, in order: the sends, the write and
// the sync before the cut, and none after it; an observation goes with the
// effect before it. The node restarts from what was written by then.
func TestTornCrashCutsTheHandler(t *testing.T) {
	for cut := 0; cut <= 4; cut++ {
		w, observed, booted := scribeWorld(t, ChoiceConfig{MaxCrashes: 1}, false, 1)
		if err := w.DoLine(fmt.Sprintf("crash 2 after effect %d of deliver client->2 go", cut)); err != nil {
			t.Fatalf("cut %d: %v", cut, err)
		}
		var want []string
		if cut >= 1 {
			want = append(want, "2->1 a")
		}
		if cut >= 3 {
			want = append(want, "2->3 b")
		}
		if got := inFlight(w); !slices.Equal(got, want) {
			t.Errorf("cut %d: in flight %v, want %v", cut, got, want)
		}
		if w.Up(2) || w.Stats().Faults[FaultTornCrash] != 1 {
			t.Errorf("cut %d: node 2 up %v, torn crashes %d", cut, w.Up(2), w.Stats().Faults[FaultTornCrash])
		}
		if got, want := len(*observed), b2i(cut == 4); got != want {
			t.Errorf("cut %d: %d observations, want %d", cut, got, want)
		}
		if err := w.DoLine("restart 2"); err != nil {
			t.Fatal(err)
		}
		// A plain crash keeps the write, synced or not.
		if got, want := (*booted)[len(*booted)-1], b2i(cut >= 2); got != want {
			t.Errorf("cut %d: node 2 restarted from %d, want %d", cut, got, want)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestTornCrashPastTheHandlerIsAnError: a replayed crash after more
// effects than the handler made names the count, and a crash inside a
// step of another node is refused as it is parsed.
func TestTornCrashPastTheHandlerIsAnError(t *testing.T) {
	w, _, _ := scribeWorld(t, ChoiceConfig{MaxCrashes: 1}, false, 1)
	err := w.DoLine("crash 2 after effect 5 of deliver client->2 go")
	if err == nil || !strings.Contains(err.Error(), "the handler made 4 effects") {
		t.Fatalf("err = %v, want the handler's 4 effects named", err)
	}
	for _, line := range []string{
		"crash 3 after effect 1 of deliver client->2 go",
		"crash 2 after effect 1 of drop 1->2 go",
		"crash 2 after effect x of deliver client->2 go",
		"crash 2 losing 3 of 2 unsynced writes",
		"crash 2 losing 1 of 9 unsynced writes",
	} {
		if _, err := ParseStep(line, 3); err == nil {
			t.Errorf("ParseStep(%q) took it", line)
		}
	}
}

// TestLostUnsyncedWritesKeepAPrefix: a crash that loses unsynced writes
// keeps the synced state and the writes before the lost ones; a plain
// crash keeps every write; a Persist is never lost.
func TestLostUnsyncedWritesKeepAPrefix(t *testing.T) {
	for _, tt := range []struct {
		persist bool
		crash   string
		want    int
	}{
		{false, "crash 2 losing 0 of 0 unsynced writes", 3},
		{true, "crash 2", 3},
		{true, "crash 2 losing 0 of 0 unsynced writes", 3},
	} {
		w, _, booted := scribeWorld(t, ChoiceConfig{MaxCrashes: 1}, tt.persist, 3)
		for range 3 {
			if err := w.DoLine("deliver client->2 go"); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.DoLine(tt.crash); err != nil {
			t.Fatal(err)
		}
		w.DoLine("restart 2")
		if got := (*booted)[len(*booted)-1]; got != tt.want {
			t.Errorf("%s (persist %v): restarted from %d, want %d", tt.crash, tt.persist, got, tt.want)
		}
	}
}

// unsyncedWriter is a node that writes its count of deliveries and never
// syncs.
type unsyncedWriter struct{ count int }

func (n *unsyncedWriter) Start(*Env[word, int, int])          {}
func (n *unsyncedWriter) Fire(*Env[word, int, int], TimerTag) {}
func (n *unsyncedWriter) Deliver(env *Env[word, int, int], _ NodeID, _ word) {
	n.count++
	env.Write(n.count)
}

// TestUnsyncedWritesAreBounded: a node that never syncs keeps at most
// MaxUnsyncedWrites writes unsynced (older ones reach the disk), and a
// crash may lose any suffix of those, no more: the Choice world lists one
// crash per suffix, and each leaves what it says.
func TestUnsyncedWritesAreBounded(t *testing.T) {
	var booted []int
	newNode := func(id NodeID, d int) Node[word, int, int] {
		booted = append(booted, d)
		return &unsyncedWriter{count: d}
	}
	cfg := Config{Nodes: 3, Mode: Choice, Choice: ChoiceConfig{MaxCrashes: 1, LoseUnsynced: true}}
	w, err := New(cfg, NewRandom(1), newNode, nil)
	if err != nil {
		t.Fatal(err)
	}
	const writes = MaxUnsyncedWrites + 3
	for range writes {
		w.Request(0, 1, "w")
	}
	for range writes {
		if err := w.DoLine("deliver client->1 w"); err != nil {
			t.Fatal(err)
		}
	}
	var crashes []Action[word]
	for _, a := range w.Actions() {
		if a.Kind == ActCrash && a.To == 1 {
			crashes = append(crashes, a)
		}
	}
	if len(crashes) != 1+MaxUnsyncedWrites {
		t.Fatalf("crash actions %v: want a plain one and one per unsynced suffix (%d)", crashes, MaxUnsyncedWrites)
	}
	for _, a := range crashes {
		r, _ := New(cfg, NewRandom(1), newNode, nil)
		for range writes {
			r.Request(0, 1, "w")
		}
		for range writes {
			r.DoLine("deliver client->1 w")
		}
		if err := r.DoLine(a.String()); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		r.DoLine("restart 1")
		if got, want := booted[len(booted)-1], writes-a.Crash.Lose; got != want {
			t.Errorf("%s: restarted from %d, want %d", a, got, want)
		}
	}
}

// TestTornActionsAreListed: with TornCuts, each delivery and timer is
// listed again once per cut, while the crash budget lasts.
func TestTornActionsAreListed(t *testing.T) {
	w, _, _ := scribeWorld(t, ChoiceConfig{MaxCrashes: 1, TornCuts: 2}, true, 1)
	var torn []string
	for _, a := range w.Actions() {
		if a.Crash.Torn {
			torn = append(torn, a.String())
		}
	}
	want := []string{"crash 2 after effect 1 of deliver client->2 go", "crash 2 after effect 2 of deliver client->2 go"}
	if !slices.Equal(torn, want) {
		t.Fatalf("torn actions %v, want %v", torn, want)
	}
	if err := w.DoLine(want[1]); err != nil {
		t.Fatal(err)
	}
	for _, a := range w.Actions() {
		if a.Crash.Torn || a.Kind == ActCrash {
			t.Fatalf("%s listed with the crash budget spent", a)
		}
	}
}

// TestTornCrashWaitsForAHandlerToTear: in a Timed world a torn crash falls
// between two effects of a handler: one armed on a node whose next handler
// makes fewer than two (the scribes' every handler but "go"'s makes none)
// waits for a handler that makes more, and cuts it after effect 1, 2 or 3
// of its 4, never before the first or after the last.
func TestTornCrashWaitsForAHandlerToTear(t *testing.T) {
	cfg := Config{Nodes: 3, HealAt: 1000, Network: NetworkConfig{Delay: Delay{Min: 1, Max: 10}},
		Faults: FaultConfig{Interval: 10, TornCrashRate: 0.5, MaxCrashed: 1, Downtime: Range{10, 20}}}
	newNode := func(id NodeID, d int) Node[word, int, int] { return &scribe{count: d} }
	w, err := New(cfg, NewRandom(7), newNode, func(NodeID, int) {})
	if err != nil {
		t.Fatal(err)
	}
	var torn []string
	w.SetTracer(func(e TraceEntry) {
		if e.Kind == FaultTornCrash.String() {
			torn = append(torn, e.Msg)
		}
	})
	for k := range 200 {
		w.Request(Time(k*5), NodeID(1+k%3), "go")
	}
	for w.Step() {
	}
	if len(torn) == 0 {
		t.Fatal("no torn crash in 200 handlers of four effects")
	}
	for _, d := range torn {
		if !strings.Contains(d, " go") || !(strings.HasPrefix(d, "after effect 1 ") || strings.HasPrefix(d, "after effect 2 ") || strings.HasPrefix(d, "after effect 3 ")) {
			t.Errorf("torn crash %q: want one after effect 1..3 of a go", d)
		}
	}
}

// TestSyncsCountWhatReachesTheDisk: Stats.Syncs counts a Persist, and a
// Sync that makes a write durable; a Sync with nothing to make durable,
// and a write never synced, cost no sync.
func TestSyncsCountWhatReachesTheDisk(t *testing.T) {
	for _, persist := range []bool{true, false} {
		w, _, _ := scribeWorld(t, ChoiceConfig{}, persist, 3)
		for range 3 {
			if err := w.DoLine("deliver client->2 go"); err != nil {
				t.Fatal(err)
			}
		}
		if got := w.Stats().Syncs; got != 3 {
			t.Errorf("persist %v: %d syncs for three handlers that each make one write durable, want 3", persist, got)
		}
	}
	w, err := New(Config{Nodes: 3, Mode: Choice}, NewRandom(1), func(NodeID, int) Node[word, int, int] { return &unsyncedWriter{} }, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Request(0, 1, "w")
	if err := w.DoLine("deliver client->1 w"); err != nil {
		t.Fatal(err)
	}
	if got := w.Stats().Syncs; got != 0 {
		t.Errorf("a write never synced: %d syncs, want 0", got)
	}
}
