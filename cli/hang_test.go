package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// blocking is single-decree Paxos whose acceptors block in the handler of
// their first accept until release is closed: protocol code that hangs.
func blocking(release chan struct{}) paxos.Wrapped {
	return paxos.Wrapped{Wrap: func(n paxos.Node) paxos.Node { return blockingNode{n, release} }}
}

type blockingNode struct {
	paxos.Node
	release chan struct{}
}

// CloneInto and Fingerprint make it explorable, as its inner node is.
func (n blockingNode) CloneInto(dst paxos.Node) paxos.Node {
	var into paxos.Node
	if d, ok := dst.(blockingNode); ok {
		into = d.Node
	}
	return blockingNode{n.Node.(sim.Cloner[protocol.Msg, protocol.Durable, checker.Observation]).CloneInto(into), n.release}
}

func (n blockingNode) Fingerprint(h *fingerprint.Hasher) { n.Node.(sim.Fingerprinter).Fingerprint(h) }

func (n blockingNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type == protocol.Accept {
		<-n.release
	}
	n.Node.Deliver(env, from, m)
}

// TestRunReplayAndCheckReportAHang: run and replay of a seed whose run
// blocks in protocol code, check, whose search runs that code, and shrink
// and scenario run of a failing trace exit 1 with the stack it is stuck
// in, instead of waiting forever.
func TestRunReplayAndCheckReportAHang(t *testing.T) {
	defer func(d time.Duration) { runHangTimeout = d }(runHangTimeout)
	runHangTimeout = 2 * time.Second
	release := make(chan struct{})
	defer close(release)
	reg, err := harness.NewRegistry(harness.New[protocol.Msg, protocol.Durable](blocking(release)))
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"run", "replay"} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), reg, []string{verb, "--seed", "3", "--trace=false"}, &stdout, &stderr)
		if code != exitViolation || !strings.Contains(stderr.String(), "seed 3 hangs: it took no step for 2s") ||
			!strings.Contains(stderr.String(), "cli.blockingNode.Deliver") {
			t.Errorf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", verb, code, stdout.String(), stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), reg, []string{"check", "--max-states", "5000", "--follow-ups=false"}, &stdout, &stderr)
	if code != exitViolation || !strings.Contains(stderr.String(), "the search hangs: it took no step for 2s") ||
		!strings.Contains(stderr.String(), "cli.blockingNode.Deliver") {
		t.Errorf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	failing := failingTrace(t)
	stdout.Reset()
	stderr.Reset()
	code = Run(context.Background(), reg, []string{"shrink", failing}, &stdout, &stderr)
	hangTrace := strings.TrimSuffix(failing, ".trace") + ".shrunk.hang.trace"
	if code != exitViolation || !strings.Contains(stderr.String(), "the replay of a trace shrinking tried hangs (paxsim replay "+hangTrace+")") ||
		!strings.Contains(stderr.String(), "cli.blockingNode.Deliver") {
		t.Errorf("shrink: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	if code, out, stderr := paxsim(t, context.Background(), "replay", hangTrace, "--trace=false"); code != exitViolation {
		t.Errorf("the trace that hung does not replay, with the protocol that does not hang, to the failure: exit %d\n%s%s", code, out, stderr)
	}
	scenario := filepath.Join(t.TempDir(), "failing.txt")
	if code, out, stderr := paxsim(t, context.Background(), "scenario", "import", failing, "--name", "failing", "--out", scenario); code != 0 {
		t.Fatalf("scenario import: exit %d\n%s%s", code, out, stderr)
	}
	stdout.Reset()
	stderr.Reset()
	code = Run(context.Background(), reg, []string{"scenario", "run", scenario}, &stdout, &stderr)
	if code != exitViolation || !strings.Contains(stderr.String(), "the run of failing hangs: it took no step for 2s") ||
		!strings.Contains(stderr.String(), "cli.blockingNode.Deliver") {
		t.Errorf("scenario run: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
}

// failingTrace records the first failing seed of a variant of paxos to a
// file and returns its path.
func failingTrace(t *testing.T) string {
	file := filepath.Join(t.TempDir(), "failing.trace")
	for seed := range 500 {
		code, _, _ := paxsim(t, context.Background(), "run", "--variant", "ignore-promised-values", "--seed", strconv.Itoa(seed), "--record", file)
		if code == exitViolation {
			return file
		}
	}
	t.Fatal("no seed of 500 fails")
	return ""
}
