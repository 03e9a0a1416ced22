package scenarios

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/protocol"
)

func TestCorrectHistoriesAreLinearizable(t *testing.T) {
	c := Default()
	c.Nodes, c.Proposers = 5, 5
	c.Drop, c.Crash, c.Partition = 0.1, 0.02, 0.02
	for seed := uint64(0); seed < 200; seed++ {
		r, _ := Run(c, seed, Options{})
		if r.Linearizability != string(linearize.Ok) {
			t.Fatalf("seed %d: linearizability %q: %v", seed, r.Linearizability, r.Violations)
		}
	}
}

func TestReplyOwnValueIsNotLinearizable(t *testing.T) {
	c := Default()
	c.Variant = protocol.ReplyOwnValue.Name
	c.Faults = []string{"crash:3@150-400"}
	for seed := uint64(0); seed < 500; seed++ {
		r, _ := Run(c, seed, Options{})
		if r.Linearizability != string(linearize.Illegal) {
			continue
		}
		v := r.Violations[len(r.Violations)-1]
		if v.Property != checker.Linearizability || len(v.Evidence) < 2 {
			t.Fatalf("seed %d: %v", seed, &v)
		}
		var html strings.Builder
		verdict, err := ExplainHistory(func(o Options) (Result, error) { return Run(c, seed, o) }, &html)
		if err != nil || verdict != linearize.Illegal {
			t.Fatalf("seed %d: ExplainHistory: %v, %v", seed, verdict, err)
		}
		page := html.String()
		for _, want := range []string{"<html", "propose(v1)", "propose(v2)", "node 3 crashed", "every fault heals"} {
			if !strings.Contains(page, want) {
				t.Errorf("seed %d: the page lacks %q", seed, want)
			}
		}
		return
	}
	t.Fatal("500 seeds of reply-own-value gave no non-linearizable history")
}
