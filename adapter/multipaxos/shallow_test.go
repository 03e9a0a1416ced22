package multipaxos_test

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/model"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
)

// tooDeep is Multi-Paxos with a depth bound far past what its states
// allow, as a new user may guess one.
type tooDeep struct{ multipaxos.Adapter }

func (tooDeep) MaxDepth() int { return 60 }

// TestDepthBoundTooDeep: the default search of a protocol whose
// Explorer.MaxDepth its states cannot reach stops where the next level is
// predicted not to fit (harness.DefaultDepthBound sets ShallowTo), with
// StopMaxDepth, a verdict and a note that names the bound and how to
// search to it. Before, it ran into the memory cap minutes later, with no
// verdict and no follow-up searches: a third party's Multi-Paxos with
// MaxDepth 16 stopped "incomplete" (exit 4) at depth 12 after 8.4 million
// states.
func TestDepthBoundTooDeep(t *testing.T) {
	p := harness.New[mp.Msg, mp.Durable](tooDeep{})
	var o explore.Options
	p.DefaultDepthBound(&o)
	if o.MaxDepth != 60 || o.ShallowTo != harness.WholeTo {
		t.Fatalf("DefaultDepthBound: MaxDepth %d, ShallowTo %d: want 60 and harness.WholeTo", o.MaxDepth, o.ShallowTo)
	}
	o.ShallowTo = 20_000 // WholeTo's role, at a test's scale
	info := p.Info()
	rep, err := p.Check(model.DefaultCheck(info), o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != explore.VerdictOK || rep.Stop != explore.StopMaxDepth || rep.Depth >= 60 || rep.Distinct > 20_000 {
		t.Fatalf("verdict %s, stop %q, depth %d, %d states: want ok, stopped by the depth bound short of 60, within 20,000 states",
			rep.Verdict, rep.Stop, rep.Depth, rep.Distinct)
	}
	note := harness.ShallowerThanBound(o, &rep)
	if !strings.Contains(note, "short of the protocol's depth bound 60") || !strings.Contains(note, "--max-depth 60") {
		t.Fatalf("the note: %q", note)
	}
	o.ShallowTo = 0 // the bound is the protocol's again: the note is gone
	if note := harness.ShallowerThanBound(o, &rep); note != "" {
		t.Fatalf("a search without ShallowTo has a note: %q", note)
	}
}
