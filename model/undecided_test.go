package model

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
)

// TestUndecided: a safe search that reaches a chosen value says so
// (Report.Decided), and one whose bounds stop every ballot before it
// finishes does not, and is no pass (Undecided): a protocol whose nodes
// never propose without a timer the search leaves out was judged "ok" in
// its handful of states, a false green.
func TestUndecided(t *testing.T) {
	full := mustCheck(t, paxos.Adapter{}, smallCheck(engine.Correct, 3, 1, 1, false), explore.Options{})
	if full.Verdict != explore.VerdictOK || !full.Decided {
		t.Fatalf("3 nodes, one proposer: verdict %s, decided %v: want ok, and a value chosen in some state", full.Verdict, full.Decided)
	}
	if note, gap := Undecided(&full, nil); note != "" || gap {
		t.Fatalf("a search that chose a value is undecided: %s", note)
	}
	shallow := mustCheck(t, paxos.Adapter{}, smallCheck(engine.Correct, 3, 1, 1, false), explore.Options{MaxDepth: 3})
	if shallow.Verdict != explore.VerdictOK || shallow.Decided {
		t.Fatalf("depth 3: verdict %s, decided %v: want ok, and no value chosen (a ballot takes more steps)", shallow.Verdict, shallow.Decided)
	}
	if note, gap := Undecided(&shallow, nil); !gap || !strings.Contains(note, "no state the search reached has a value chosen") {
		t.Fatalf("a search that chose no value: note %q, gap %v: want a gap that says so", note, gap)
	}
	ticks := []FollowUp{{Flags: "--crashes 1"}, {Flags: "--ticks", Decided: true}}
	if note, gap := Undecided(&shallow, ticks); gap || !strings.Contains(note, "only the follow-ups --ticks did") {
		t.Fatalf("a follow-up chose a value: note %q, gap %v: want no gap, and a note that names it", note, gap)
	}
}
