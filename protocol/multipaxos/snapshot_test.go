package multipaxos_test

import (
	"math/rand/v2"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// choiceWorld is a fingerprinted Choice world of n replicas whose
// scheduler may drop, duplicate, crash and restart.
func choiceWorld(t *testing.T, n int, seed uint64, cfg mp.Config) *world {
	t.Helper()
	sc := sim.Config{
		Nodes: n, Mode: sim.Choice,
		Choice: sim.ChoiceConfig{Drops: true, MaxDups: 4, MaxCrashes: 1000, Network: sim.Multiset},
	}
	w, err := sim.New(sc, sim.NewRandom(seed), mp.NewNodes(n, cfg), nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Fingerprinted()
	return w
}

// walker takes random steps in a Choice world, biased so that the log
// grows: mostly deliveries, some timers, a few drops, duplicates, crashes
// and restarts, and a client request every few steps.
type walker struct {
	rng  *rand.Rand
	reqs int
}

func newWalker(seed uint64) *walker { return &walker{rng: rand.New(rand.NewPCG(seed, 77))} }

func (wk *walker) step(w *world) bool {
	if wk.rng.IntN(8) == 0 {
		wk.reqs++
		c := 1 + wk.reqs%3
		w.Request(0, sim.NodeID(1+wk.rng.IntN(w.Nodes())), mp.Append(c, 1+wk.reqs/3, "k", "x"))
	}
	acts := w.Actions()
	if len(acts) == 0 {
		return false
	}
	weight := func(k sim.ActionKind) int {
		switch k {
		case sim.ActDeliver:
			return 100
		case sim.ActTimer:
			return 15
		case sim.ActRestart:
			return 20
		default:
			return 1
		}
	}
	total := 0
	for _, a := range acts {
		total += weight(a.Kind)
	}
	r := wk.rng.IntN(total)
	for _, a := range acts {
		if r -= weight(a.Kind); r < 0 {
			w.Do(a)
			return true
		}
	}
	return false
}

func fp(w *world) string {
	h := fingerprint.New(true)
	w.Fingerprint(h)
	return h.Words()
}

// TestCloneFingerprintsEqualAndIsIndependent walks random schedules; at
// every step a clone of the world fingerprints as the world does, and
// stepping the clone leaves the world's fingerprint as it was.
func TestCloneFingerprintsEqualAndIsIndependent(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		cfg := mp.Config{}
		if seed%2 == 0 {
			cfg = mp.Config{Members: []sim.NodeID{1, 2}, Alpha: 2}
		}
		w := choiceWorld(t, 3, seed, cfg)
		wk := newWalker(seed)
		var spare *world
		for step := 0; step < 400 && wk.step(w); step++ {
			if step%10 != 0 {
				continue
			}
			before := fp(w)
			c := w.CloneInto(spare, nil)
			if got := fp(c); got != before {
				t.Fatalf("seed %d step %d: the clone fingerprints differently", seed, step)
			}
			other := newWalker(seed + 1000)
			for k := 0; k < 40 && other.step(c); k++ {
			}
			if got := fp(w); got != before {
				t.Fatalf("seed %d step %d: stepping the clone changed the world", seed, step)
			}
			spare = c // its memory is reused by the next clone
		}
	}
}

// TestSnapshotRestoreRoundTrips does what an explorer does with a
// snapshot pool: restore a stored state into reused memory, step it,
// store the successor, and so on; a restored world must fingerprint as
// the world it was stored from. Durable states are shared between the
// pool and the worlds, so a node that wrote into memory a persisted
// Durable shares (the log's prefix) would show here.
func TestSnapshotRestoreRoundTrips(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		w := choiceWorld(t, 3, seed, mp.Config{})
		wk := newWalker(seed)
		pool := sim.NewSnapshotPool(w)
		type stored struct {
			snap sim.Snapshot
			fp   string
		}
		var saved []stored
		for step := 0; step < 300 && wk.step(w); step++ {
			if step%50 == 0 {
				saved = append(saved, stored{pool.Snapshot(w, nil), fp(w)})
			}
		}
		var dst *world
		for k := 0; k < len(saved) && k < 60; k++ {
			dst = pool.Restore(dst, saved[k].snap, nil)
			if got := fp(dst); got != saved[k].fp {
				t.Fatalf("seed %d: snapshot %d restores to a different state", seed, k)
			}
			other := newWalker(seed*31 + uint64(k))
			for j := 0; j < 40 && other.step(dst); j++ {
				if j%20 == 19 {
					saved = append(saved, stored{pool.Snapshot(dst, nil), fp(dst)})
				}
			}
		}
	}
}

// TestFingerprintSeesTheLog: two replicas whose logs differ in one
// accepted value fingerprint differently; the durable state and messages
// too.
func TestFingerprintSeesTheLog(t *testing.T) {
	e := mp.Entry{Instance: 1, Ballot: checker.Ballot{Round: 1, Node: 1}, View: mp.View{Members: 6}, Cmd: mp.Command{ID: mp.CommandID(1, 1), Op: mp.OpPut, Key: "k", Arg: "v"}}
	f := e
	f.Cmd.Arg = "w"
	words := func(x interface{ Fingerprint(*fingerprint.Hasher) }) string {
		h := fingerprint.New(true)
		x.Fingerprint(h)
		return h.Words()
	}
	if words(mp.Durable{Tail: []mp.Entry{e}}) == words(mp.Durable{Tail: []mp.Entry{f}}) {
		t.Error("durable states differing in an accepted value fingerprint alike")
	}
	if words(mp.Msg{Type: mp.Accept, Entries: []mp.Entry{e}}) == words(mp.Msg{Type: mp.Accept, Entries: []mp.Entry{f}}) {
		t.Error("accepts differing in a value fingerprint alike")
	}
	a, b := mp.Msg{Type: mp.Accept, Entries: []mp.Entry{e}}, mp.Msg{Type: mp.Accept, Entries: []mp.Entry{f}}
	if a.Digest() == b.Digest() {
		t.Error("accepts differing in a value digest alike")
	}
	if a.Digest() != (mp.Msg{Type: mp.Accept, Entries: []mp.Entry{e}}).Digest() {
		t.Error("equal messages digest differently")
	}
}
