package spec

import (
	"math/bits"
	"slices"
	"testing"
)

// TestActionAgainstNext checks Action, and Apply, against Next, the naive
// oracle: in
// every reachable state and for every message of the universe not yet
// sent, Action succeeds exactly when some successor of Next adds that
// message and nothing else to msgs, returns that successor (it is unique)
// and labels it as Label labels one of the steps to it.
func TestActionAgainstNext(t *testing.T) {
	for _, c := range []Config{
		{Acceptors: 3, Values: 2, MaxBallot: 1},
		{Acceptors: 3, Values: 2, MaxBallot: 1, Quorums: QuorumsMinimal},
		{Acceptors: 2, Values: 2, MaxBallot: 2, Variant: VariantIgnoreVotes},
	} {
		m := mustNew(t, c)
		checked := 0
		for _, s := range bfs(m, false).states {
			byBit := map[int]State{}
			labels := map[State][]string{}
			m.successors(&s, func(n State, st step) bool {
				if bit, ok := oneNewBit(&s, &n); ok {
					if prev, dup := byBit[bit]; dup && prev != n {
						t.Fatalf("%v: two successors add message %d:\n%v\n%v", c, bit, prev, n)
					}
					byBit[bit] = n
					labels[n] = append(labels[n], m.stepLabel(st))
				}
				return true
			})
			for bit := 0; bit < m.l.nbits; bit++ {
				if s.has(bit) {
					continue
				}
				msg := m.l.message(m.l.decode(bit))
				next, label, why := m.Action(s, msg)
				if fast, ok := m.Apply(s, msg); ok != (why == "") || (ok && fast != next) {
					t.Fatalf("%v: Apply(%v) = %v, Action: %q", c, msg, ok, why)
				}
				want, ok := byBit[bit]
				switch {
				case ok && why != "":
					t.Fatalf("%v: Action(%v) fails (%s), but Next has\n%v\nfrom\n%v", c, msg, why, want, s)
				case !ok && why == "":
					t.Fatalf("%v: Action(%v) = %s, which Next does not take from\n%v", c, msg, label, s)
				case ok && (next != want || !slices.Contains(labels[want], label)):
					t.Fatalf("%v: Action(%v) = %q\n%v\nwant one of %q\n%v", c, msg, label, next, labels[want], want)
				}
				checked++
			}
		}
		if checked == 0 {
			t.Fatalf("%v: nothing checked", c)
		}
	}
}

// oneNewBit reports the message n has and s has not, when there is
// exactly one.
func oneNewBit(s, n *State) (int, bool) {
	bit, count := -1, 0
	for w := range s.msgs {
		for x := n.msgs[w] &^ s.msgs[w]; x != 0; x &= x - 1 {
			count++
			bit = 64*w + bits.TrailingZeros64(x)
		}
	}
	return bit, count == 1
}

func TestActionOutsideTheUniverse(t *testing.T) {
	m := mustNew(t, Config{Acceptors: 3, Values: 2, MaxBallot: 1})
	s := m.Init()[0]
	for _, msg := range []Message{
		{Type: "1a", Bal: 2},
		{Type: "1b", Acc: 3, Bal: 0, MBal: -1, MVal: -1},
		{Type: "1b", Acc: 0, Bal: 1, MBal: 1, MVal: 0}, // a vote at its own ballot
		{Type: "2a", Bal: 0, Val: 2},
		{Type: "2b", Acc: -1, Bal: 0, Val: 0},
		{Type: "3a"},
	} {
		if _, _, why := m.Action(s, msg); why == "" {
			t.Errorf("Action(%v) succeeds", msg)
		}
	}
}
