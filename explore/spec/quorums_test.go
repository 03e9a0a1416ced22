package spec

import "testing"

// TestTLCMCPaxosTiny reproduces the figures tlaplus/Examples publishes for
// MCPaxosTiny (specifications/Paxos/manifest.json: 3921 distinct states,
// 23563 generated, depth 17), whose constants are three acceptors, two
// values, ballots 0..1 and Quorum = {{a1,a2},{a1,a3},{a2,a3}}: the minimal
// majorities only.
func TestTLCMCPaxosTiny(t *testing.T) {
	m := mustNew(t, Config{Acceptors: 3, Values: 2, MaxBallot: 1, Quorums: QuorumsMinimal})
	if got := m.Quorums(); len(got) != 3 {
		t.Fatalf("quorums %v, want the three pairs", got)
	}
	r := bfs(m, false)
	if r.distinct != 3921 || r.generated != 23563 || r.depth != 17 || r.violation != "" {
		t.Errorf("%d distinct, %d generated, depth %d, violation %q; TLC: 3921, 23563, 17",
			r.distinct, r.generated, r.depth, r.violation)
	}
}

// TestMinimalQuorumsSameStates checks the claim of QuorumsMinimal's
// documentation: the minimal majorities reach exactly the states every
// majority does, and generate fewer.
func TestMinimalQuorumsSameStates(t *testing.T) {
	for _, c := range []Config{
		{Acceptors: 3, Values: 2, MaxBallot: 1},
		{Acceptors: 4, Values: 1, MaxBallot: 1},
		{Acceptors: 5, Values: 1, MaxBallot: 1},
	} {
		all := bfs(mustNew(t, c), false)
		c.Quorums = QuorumsMinimal
		minimal := bfs(mustNew(t, c), false)
		if all.distinct != minimal.distinct || all.depth != minimal.depth {
			t.Errorf("%v: %d distinct, depth %d; every majority: %d, %d", c, minimal.distinct, minimal.depth, all.distinct, all.depth)
		}
		seen := map[State]bool{}
		for _, s := range all.states {
			seen[s] = true
		}
		for _, s := range minimal.states {
			if !seen[s] {
				t.Fatalf("%v: a state only the minimal quorums reach:\n%v", c, s)
			}
		}
		if minimal.generated >= all.generated {
			t.Errorf("%v: %d generated, not fewer than every majority's %d", c, minimal.generated, all.generated)
		}
	}
}

func TestQuorumsErrors(t *testing.T) {
	if _, err := New(Config{Acceptors: 3, Values: 2, MaxBallot: 1, Quorums: "all"}); err == nil {
		t.Error(`Quorums "all" accepted`)
	}
}
