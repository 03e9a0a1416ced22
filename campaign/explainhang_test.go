package campaign

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// lateHang is single-decree Paxos whose handlers block, in the block-th
// run after the campaign armed it (its first failing seed), until release
// is closed: protocol code that loops only on a schedule the campaign's
// seeds never took, but that explaining a failure replays.
type lateHang struct {
	paxos.Wrapped
	runs, armedAt atomic.Int64 // runs begun; the run count when armed (0: not yet)
	block         int64
	release       chan struct{}
}

func newLateHang(block int64) *lateHang {
	h := &lateHang{block: block, release: make(chan struct{})}
	h.Wrap = func(n paxos.Node) paxos.Node { return lateHangNode{n, h} }
	return h
}

// NewNodes implements engine.Protocol: one call a run.
func (h *lateHang) NewNodes(s engine.Setup) (sim.NewNode[protocol.Msg, protocol.Durable, checker.Observation], error) {
	h.runs.Add(1)
	return h.Wrapped.NewNodes(s)
}

func (h *lateHang) arm() { h.armedAt.CompareAndSwap(0, h.runs.Load()) }

type lateHangNode struct {
	paxos.Node
	h *lateHang
}

func (n lateHangNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if at := n.h.armedAt.Load(); at > 0 && n.h.runs.Load() == at+n.h.block {
		<-n.h.release
	}
	n.Node.Deliver(env, from, m)
}

// TestExplainingAFailureThatHangs: a failure whose explaining hangs in
// protocol code, in the run recorded again (block 1) or in a replay of a
// trace shrinking shortened (block 2), does not hold the campaign
// forever: the group says so, with the stack where the code is stuck, and
// keeps what its explaining got to (the recorded trace, and the trace that
// hangs, which replays); the campaign's verdict is the failure's.
func TestExplainingAFailureThatHangs(t *testing.T) {
	cfg := defaultConfig()
	cfg.Variant = "ignore-promised-values"
	first := firstFailure(t, cfg)
	for _, tc := range []struct {
		block   int64
		message string
	}{{1, "its run, again, took no step"}, {2, "shrinking stopped: the replay of a trace it tried took no step"}} {
		h := newLateHang(tc.block)
		dir := t.TempDir()
		o := Options{Protocol: harness.New[protocol.Msg, protocol.Durable](h), Config: cfg, Seeds: first + 1, Workers: 1,
			OutDir: dir, HangTimeout: 3 * time.Second, afterFailure: func(*Failure) { h.arm() }}
		s, err := Run(context.Background(), o)
		close(h.release)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Groups) != 1 || s.Violations != 1 {
			t.Fatalf("block %d: %d groups, %d violations: want the one failure", tc.block, len(s.Groups), s.Violations)
		}
		g := s.Groups[0]
		switch {
		case g.Hang == nil:
			t.Fatalf("block %d: no hang reported: %+v", tc.block, g)
		case !strings.Contains(g.Message, tc.message):
			t.Fatalf("block %d: message %q does not say %q", tc.block, g.Message, tc.message)
		case !strings.Contains(g.Hang.Stack, "lateHangNode.Deliver"):
			t.Fatalf("block %d: the stack does not show where the code is stuck:\n%s", tc.block, g.Hang.Stack)
		case s.Hang != nil || s.Interrupted:
			t.Fatalf("block %d: campaign hang %+v, interrupted %v: want no seed hung, the campaign whole", tc.block, s.Hang, s.Interrupted)
		}
		hangTrace := filepath.Join(g.Dir, hangFile)
		_, statErr := os.Stat(hangTrace)
		if tc.block == 1 {
			if g.StepsBefore != 0 || statErr == nil {
				t.Fatalf("block 1: recorded %d steps, hang.trace %v: want neither", g.StepsBefore, statErr)
			}
			continue
		}
		if g.StepsBefore == 0 || statErr != nil {
			t.Fatalf("block 2: recorded %d steps, hang.trace %v: want the recorded trace and the one that hangs", g.StepsBefore, statErr)
		}
		tr, err := trace.ReadFile(hangTrace)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := protocolOf(cfg).Replay(tr, engine.Options{}); err != nil {
			t.Fatalf("hang.trace does not replay: %v", err)
		}
	}
}

// firstFailure is the first seed of cfg that fails.
func firstFailure(t *testing.T, cfg engine.Config) uint64 {
	p := protocolOf(cfg)
	for seed := uint64(0); seed < 2000; seed++ {
		res, err := p.Run(cfg, seed, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed() {
			return seed
		}
	}
	t.Fatalf("no seed of 2,000 of %s fails", cfg.Variant)
	return 0
}
