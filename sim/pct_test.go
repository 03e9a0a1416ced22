package sim

import (
	"slices"
	"testing"
)

// TestPCTChangePointsLowerTheSender: priorities start as a permutation of
// depth..depth+n-1, and at the i-th change point (counted in messages
// sent) the sender drops to depth-i, below every other node, and nothing
// else changes.
func TestPCTChangePointsLowerTheSender(t *testing.T) {
	const depth, nodes = 4, 3
	for seed := range uint64(50) {
		p := NewPCT(seed, depth, nodes, 20)
		var initial []int
		for id := NodeID(1); id <= nodes; id++ {
			initial = append(initial, p.Priority(id))
		}
		if got := slices.Sorted(slices.Values(initial)); !slices.Equal(got, []int{depth, depth + 1, depth + 2}) {
			t.Fatalf("seed %d: initial priorities %v, want a permutation of %d..%d", seed, initial, depth, depth+nodes-1)
		}
		changes := slices.Clone(p.ChangePoints())
		if len(changes) != depth-1 || !slices.IsSorted(changes) || changes[0] < 1 || changes[len(changes)-1] > 20 {
			t.Fatalf("seed %d: change points %v, want %d in 1..20, increasing", seed, changes, depth-1)
		}
		want := map[NodeID]int{1: initial[0], 2: initial[1], 3: initial[2]}
		lowered := 0
		for step := 1; step <= 25; step++ {
			from := NodeID(1 + (step*7+int(seed))%nodes)
			p.Intn(Decision{Kind: DecideDelay, Node: from, Peer: 1}, 10)
			for lowered < len(changes) && changes[lowered] == step {
				lowered++
				want[from] = depth - lowered
			}
			for id := NodeID(1); id <= nodes; id++ {
				if p.Priority(id) != want[id] {
					t.Fatalf("seed %d, message %d (change points %v): node %d has priority %d, want %d", seed, step, changes, id, p.Priority(id), want[id])
				}
			}
		}
	}
}

// TestPCTDelaysFollowPriorities: the node of highest priority gets the
// shortest delays, the lowest the longest, in disjoint bands; and the
// others' messages are held, up to the hold factor in proportion to their
// rank, the first's never.
func TestPCTDelaysFollowPriorities(t *testing.T) {
	p := NewPCT(7, 1, 3, 0) // depth 1: no change point
	byPrio := []NodeID{1, 2, 3}
	slices.SortFunc(byPrio, func(a, b NodeID) int { return p.Priority(b) - p.Priority(a) })
	for range 100 {
		var delays []int
		for _, id := range byPrio {
			delays = append(delays, p.Intn(Decision{Kind: DecideDelay, Node: id, Peer: 1}, 30))
		}
		if !(delays[0] < 10 && delays[1] >= 10 && delays[1] < 20 && delays[2] >= 20 && delays[2] < 30) {
			t.Fatalf("delays %v by falling priority: want bands [0,10), [10,20), [20,30)", delays)
		}
		if p.Hold(byPrio[0], 2, 10) != 0 {
			t.Fatal("a message of the first node is held")
		}
		if h := p.Hold(byPrio[1], 2, 10); h < 0 || h > PCTHoldFactor*10/2 {
			t.Fatalf("the second node's hold %d is outside [0, %d]", h, PCTHoldFactor*10/2)
		}
		if h := p.Hold(byPrio[2], 2, 10); h < 0 || h > PCTHoldFactor*10 {
			t.Fatalf("the last node's hold %d is outside [0, %d]", h, PCTHoldFactor*10)
		}
	}
}

// TestPCTIsAFunctionOfItsSeed: the same seed gives the same answers,
// whether the decider is new or reseeded; another seed, others.
func TestPCTIsAFunctionOfItsSeed(t *testing.T) {
	answers := func(p *PCT) []int {
		var out []int
		for i := range 200 {
			d := Decision{Kind: DecideDelay, Node: NodeID(1 + i%3), Peer: NodeID(1 + i%2)}
			out = append(out, p.Intn(d, 10))
			if p.Chance(Decision{Kind: DecideDrop}, 0.3) {
				out = append(out, -1)
			}
			out = append(out, int(p.Hold(d.Node, d.Peer, 10)))
		}
		return out
	}
	a := answers(NewPCT(11, 3, 3, 0))
	reused := NewPCT(99, 5, 5, 7)
	answers(reused)
	reused.Seed(11, 3, 3, 0)
	if b := answers(reused); !slices.Equal(a, b) {
		t.Fatal("a reseeded PCT answers otherwise than a new one of the same seed")
	}
	if c := answers(NewPCT(12, 3, 3, 0)); slices.Equal(a, c) {
		t.Fatal("seeds 11 and 12 answer alike")
	}
}
