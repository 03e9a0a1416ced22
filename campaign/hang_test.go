package campaign

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// stuck is single-decree Paxos whose acceptors, given an accept of a
// second round (after a duel or a retry), block forever in the handler
// until release is closed, as protocol code that loops or waits on a lock
// does; with release nil they only note that they would have (would).
func stuck(release chan struct{}, would *bool) paxos.Wrapped {
	return paxos.Wrapped{Wrap: func(n paxos.Node) paxos.Node { return stuckNode{n, release, would} }}
}

type stuckNode struct {
	paxos.Node
	release chan struct{}
	would   *bool
}

func (n stuckNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type == protocol.Accept && m.Ballot.Round >= 2 {
		if n.release == nil {
			*n.would = true
		} else {
			<-n.release
		}
	}
	n.Node.Deliver(env, from, m)
}

// TestCampaignStopsAtASeedThatHangs: a seed whose run blocks in protocol
// code stops the campaign instead of holding it forever: the summary
// names the lowest such seed (one worker), the stack of the goroutine
// stuck in the handler, and the seeds before it, run and tallied. The
// oracle is the same protocol that notes, instead of blocking, where it
// would block. The timeout is long beside a healthy seed's run
// (milliseconds), so that a loaded machine cannot make one look hung.
func TestCampaignStopsAtASeedThatHangs(t *testing.T) {
	cfg := defaultConfig()
	want := uint64(0)
	for ; ; want++ {
		would := false
		p := harness.New[protocol.Msg, protocol.Durable](stuck(nil, &would))
		if _, err := p.Run(cfg, want, engine.Options{}); err != nil {
			t.Fatal(err)
		}
		if would {
			break
		}
		if want == 1000 {
			t.Fatal("vacuous: no seed of 1,000 reaches a second round")
		}
	}
	release := make(chan struct{})
	defer close(release)
	p := harness.New[protocol.Msg, protocol.Durable](stuck(release, nil))
	s, err := Run(context.Background(), Options{Protocol: p, Config: cfg, Seeds: want + 100, Workers: 1, NoShrink: true, HangTimeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	switch h := s.Hang; {
	case h == nil:
		t.Fatalf("no hang reported: %+v", s)
	case h.Seed != want:
		t.Fatalf("hang of seed %d, want %d, the first that blocks", h.Seed, want)
	case !strings.Contains(h.Stack, "campaign.stuckNode.Deliver"):
		t.Fatalf("the stack does not show where the run is stuck:\n%s", h.Stack)
	case h.Seconds < 3 || h.Steps <= 0:
		t.Fatalf("hang %+v: want at least 3 s still after some steps", h)
	}
	if s.Seeds != want || !s.Interrupted || s.Violations != 0 {
		t.Fatalf("%d seeds tallied, interrupted %v, %d violations: want the %d before the hang, interrupted, none", s.Seeds, s.Interrupted, s.Violations, want)
	}
}

// TestWatchdogLeavesACampaignAlone: a campaign that does not hang runs the
// same with a watchdog of any timeout and with none.
func TestWatchdogLeavesACampaignAlone(t *testing.T) {
	p := protocolOf(defaultConfig())
	var hashes []string
	for _, timeout := range []time.Duration{-1, 0, time.Hour} {
		s, err := Run(context.Background(), Options{Protocol: p, Config: defaultConfig(), Seeds: 300, Workers: 2, NoShrink: true, HangTimeout: timeout})
		if err != nil {
			t.Fatal(err)
		}
		if s.Hang != nil || s.Interrupted || s.Seeds != 300 {
			t.Fatalf("timeout %s: hang %+v, interrupted %v, %d seeds", timeout, s.Hang, s.Interrupted, s.Seeds)
		}
		hashes = append(hashes, s.CampaignHash)
	}
	if hashes[0] != hashes[1] || hashes[1] != hashes[2] {
		t.Fatalf("campaign hashes %v differ with the watchdog", hashes)
	}
}
