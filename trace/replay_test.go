package trace_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/trace"
)

// TestRecordedTracesReplay: the decision trace a failing run records
// replays to the same first violation, for every protocol, on links that
// reorder and on FIFO links.
func TestRecordedTracesReplay(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		t.Run(fmt.Sprintf("paxos/fifo=%v", fifo), func(t *testing.T) {
			a := paxos.Adapter{}
			info := a.Info()
			checkReplays(t, a, &info, "ignore-promised-values", 300, fifo)
		})
		t.Run(fmt.Sprintf("multipaxos/fifo=%v", fifo), func(t *testing.T) {
			a := multipaxos.Adapter{}
			info := a.Info()
			checkReplays(t, a, &info, "no-dedup", 300, fifo)
		})
	}
}

func checkReplays[M interface {
	Digest() uint64
	String() string
}, D any](t *testing.T, p engine.Protocol[M, D], info *engine.Info, variant string, seeds uint64, fifo bool) {
	c := engine.Default()
	c.Protocol, c.Variant, c.FIFO = info.Name, variant, fifo
	failing, shrunk := 0, 0
	for seed := uint64(0); seed < seeds && failing < 10; seed++ {
		res, err := engine.Run(p, info, c, seed, engine.Options{Record: true})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Failed() {
			continue
		}
		failing++
		tr := trace.FromResult(c, &res)
		if fifo { // the file carries FIFO links
			parsed, err := trace.Parse(strings.NewReader(tr.String()), "fifo.trace")
			if err != nil || !parsed.Config.FIFO {
				t.Fatalf("seed %d: the trace file lost FIFO links: %v", seed, err)
			}
			tr = parsed
		}
		again, err := trace.Replay(p, info, tr, engine.Options{})
		if err != nil {
			t.Fatalf("seed %d: replay: %v", seed, err)
		}
		if !again.Failed() || again.Violations[0].Property != res.Violations[0].Property {
			if res.Violations[0].Property == "liveness" || res.Violations[0].Property == "linearizability" {
				continue // judged after a fresh liveness phase
			}
			t.Errorf("seed %d: run broke %s, replay %v", seed, res.Violations[0].Property, again.Violations)
		}
		sr, err := trace.Shrink(context.Background(), p, info, tr, 200_000)
		if err != nil {
			t.Logf("seed %d: shrink: %v", seed, err)
			continue
		}
		shrunk++
		t.Logf("seed %d: %s, %d steps -> %d", seed, sr.Property, sr.Before, sr.After)
	}
	if failing == 0 || shrunk == 0 {
		t.Fatalf("%d failing seeds, %d shrunk", failing, shrunk)
	}
}

var _ = protocol.Correct
var _ = mp.Correct
