package model

import (
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// TestTornCrashOfARetryReplays: a crash inside the handler of a client's
// retry (a set network's second delivery of its request) is a step the
// explorer takes, and its lines replay it: the retry first, then the torn
// crash of the request delivered again. (A third party's ballot-reuse bug
// was found this way, and its counterexample did not replay.)
func TestTornCrashOfARetryReplays(t *testing.T) {
	c := smallCheck(engine.Correct, 3, 2, 1, false)
	c.Crashes = 1
	m := newPaxosModel(t, c)
	request := "deliver client->1 Request(client 1, v1)"
	s, labels := successor(m, m.Init()[0], request)
	if s == nil {
		t.Fatalf("%q is not enabled; the steps are %q", request, labels)
	}
	_, labels = successor(m, s, "")
	torn := ""
	for _, l := range labels {
		if strings.HasPrefix(l, "crash 1 after effect ") && strings.HasSuffix(l, " of "+request) {
			torn = l
			break
		}
	}
	if torn == "" {
		t.Fatalf("no torn crash of the retried request among %q", labels)
	}
	lines, err := m.lines([]string{request, torn})
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.Index(lines, "client 1 retry to 1"); i < 0 || !slices.Contains(lines[i:], torn) {
		t.Fatalf("lines %q: want the client's retry, then %q", lines, torn)
	}
}

// TestTornCrashesCutSomething: the explorer lists a torn crash after each
// of the first TornCuts effects of a handler, and a cut past the effects
// the handler made crashes nothing: that successor is the plain step's,
// listed on its own, so the search drops it (it would spend the crash
// budget on no crash, and its label would not replay). No successor of a
// torn crash's label is a state in which nothing crashed.
func TestTornCrashesCutSomething(t *testing.T) {
	c := smallCheck(engine.Correct, 3, 2, 1, false)
	c.Crashes = 1
	m := newPaxosModel(t, c)
	frontier := m.Init()
	for depth := 0; depth < 3; depth++ {
		var next []*paxosState
		for _, s := range frontier {
			m.successors(s, func(a sim.Action[protocol.Msg], n *paxosState) {
				if a.Crash.Torn && n.world.Up(a.To) {
					t.Fatalf("%q: a torn crash that crashed nothing", a.String())
				}
				next = append(next, m.Retain(n))
			})
		}
		frontier = next
	}
}
