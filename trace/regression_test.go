package trace_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/trace"
)

// TestRegressionTraces replays every decision trace under testdata/traces
// and checks the outcome its "# expect:" line names.
func TestRegressionTraces(t *testing.T) {
	reg, err := harness.NewRegistry(builtin.Protocols()...)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("..", "testdata", "traces", "*.trace"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no regression traces: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tr, err := trace.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			for _, c := range tr.Comments {
				if rest, ok := strings.CutPrefix(c, "expect: "); ok {
					want = rest
				}
			}
			if want == "" {
				t.Fatal("no # expect: line")
			}
			p, err := reg.Lookup(tr.Config.Protocol)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Replay(tr, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := "ok"
			if res.Failed() {
				got = string(res.Violations[0].Property)
			}
			if got != want {
				t.Fatalf("replay gave %s, want %s: %v", got, want, res.Violations)
			}
		})
	}
}
