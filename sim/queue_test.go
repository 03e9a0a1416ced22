package sim

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func cmpEvent(a, b event[toyMsg]) int {
	if c := cmp.Compare(a.at, b.at); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// TestQueuePopsInOrder pushes random events and checks that pops come out
// in (at, seq) order, against a sort of the same inputs.
func TestQueuePopsInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name  string
		n     int
		times int64 // at is drawn from [0, times): small values force ties
	}{
		{"empty", 0, 1},
		{"one", 1, 10},
		{"two", 2, 10},
		{"three-ties", 3, 1},
		{"small", 17, 5},
		{"all-ties", 100, 1},
		{"many-ties", 1000, 10},
		{"spread", 1000, 1 << 40},
		{"large", 10000, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var q queue[toyMsg]
			in := make([]event[toyMsg], tc.n)
			seqs := rng.Perm(tc.n) // unique, pushed in random order
			for i := range in {
				in[i] = event[toyMsg]{at: Time(rng.Int64N(tc.times)), seq: uint64(seqs[i]), msg: toyMsg{Val: uint64(i)}}
				q.push(&in[i])
			}
			if q.len() != tc.n {
				t.Fatalf("len = %d after %d pushes", q.len(), tc.n)
			}
			want := slices.Clone(in)
			slices.SortFunc(want, cmpEvent)
			for i, w := range want {
				got := q.pop()
				if got.at != w.at || got.seq != w.seq || got.msg != w.msg {
					t.Fatalf("pop %d = (at %d, seq %d, val %d), want (at %d, seq %d, val %d)",
						i, got.at, got.seq, got.msg.Val, w.at, w.seq, w.msg.Val)
				}
			}
			if q.len() != 0 {
				t.Fatalf("len = %d after popping everything", q.len())
			}
		})
	}
}

// TestQueueInterleaved mixes pushes and pops, as a running world does, and
// checks every pop against a sorted reference.
func TestQueueInterleaved(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var q queue[toyMsg]
	var ref []event[toyMsg]
	var seq uint64
	now := Time(0)
	for step := range 50000 {
		if len(ref) == 0 || rng.IntN(100) < 52 {
			seq++
			// Like the world: events are scheduled at or after the current
			// time, often at the very same time.
			e := event[toyMsg]{at: now + Time(rng.IntN(4)*rng.IntN(20)), seq: seq, msg: toyMsg{Val: seq}}
			q.push(&e)
			i, _ := slices.BinarySearchFunc(ref, e, cmpEvent)
			ref = slices.Insert(ref, i, e)
			continue
		}
		got := q.pop()
		want := ref[0]
		ref = ref[1:]
		if got.at != want.at || got.seq != want.seq || got.msg != want.msg {
			t.Fatalf("step %d: pop = (at %d, seq %d), want (at %d, seq %d)", step, got.at, got.seq, want.at, want.seq)
		}
		now = got.at
		if q.len() != len(ref) {
			t.Fatalf("step %d: len = %d, want %d", step, q.len(), len(ref))
		}
	}
}

// TestQueuePopClearsSlot checks that pop zeroes the vacated slot, so the
// queue's spare capacity holds no stale message.
func TestQueuePopClearsSlot(t *testing.T) {
	var q queue[toyMsg]
	for i := range 5 {
		q.push(&event[toyMsg]{at: Time(i), seq: uint64(i), kind: EventDeliver, msg: toyMsg{Val: 100 + uint64(i)}})
	}
	for q.len() > 0 {
		q.pop()
		if spare := q.items[:q.len()+1][q.len()]; spare != (event[toyMsg]{}) {
			t.Fatalf("vacated slot %d still holds %+v", q.len(), spare)
		}
	}
}
