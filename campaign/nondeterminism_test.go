package campaign

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// wobbly is single-decree Paxos whose replicas ignore every other promise
// they get, counted across the whole process: what a replica that reads a
// map's order, a clock or a global random source does. Its runs are not
// functions of their seeds.
func wobbly(promises *atomic.Int64) paxos.Wrapped {
	return paxos.Wrapped{Wrap: func(n paxos.Node) paxos.Node { return wobblyNode{n, promises} }}
}

type wobblyNode struct {
	sim.Node[protocol.Msg, protocol.Durable, checker.Observation]
	promises *atomic.Int64
}

func (n wobblyNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type == protocol.Promise && n.promises.Add(1)%2 == 0 {
		return
	}
	n.Node.Deliver(env, from, m)
}

// TestFailingSeedsAreRunAgain: a campaign runs each failure group's
// representative again to record its trace, and one that goes otherwise
// is reported nondeterministic, with where two more runs part (if they
// do), even without --check-determinism; a deterministic protocol's failures
// never are.
func TestFailingSeedsAreRunAgain(t *testing.T) {
	cfg := defaultConfig()
	cfg.Variant = "ignore-promised-values"
	for _, tc := range []struct {
		name  string
		proto engine.Protocol[protocol.Msg, protocol.Durable]
		want  bool
	}{
		{"deterministic", paxos.Adapter{}, false},
		{"wobbly", wobbly(new(atomic.Int64)), true},
	} {
		p := harness.New[protocol.Msg, protocol.Durable](tc.proto)
		s, err := Run(context.Background(), Options{Protocol: p, Config: cfg, Seeds: 200, Workers: 1, NoShrink: true})
		if err != nil {
			t.Fatal(err)
		}
		if s.Violations == 0 {
			t.Fatalf("%s: no seed failed", tc.name)
		}
		if got := len(s.Nondeterministic) > 0; got != tc.want {
			t.Fatalf("%s: nondeterministic %v, want %v", tc.name, s.Nondeterministic, tc.want)
		}
		if tc.want && (s.Nondeterministic[0].Detail == "" || !strings.Contains(s.Groups[0].Message, "not deterministic")) {
			t.Fatalf("%s: divergence %+v, groups %+v", tc.name, s.Nondeterministic[0], s.Groups)
		}
	}
}
