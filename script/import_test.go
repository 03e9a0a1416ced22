package script_test

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	. "github.com/paxsim/paxsim/script"
	"github.com/paxsim/paxsim/sim"
)

// TestImportTakesTheTrace: the decision trace of a timed run (faults, no
// heal), imported, is a scenario that takes every step of the run and
// breaks first what the run broke first (or nothing); its printout is the
// file's, and it holds.
func TestImportTakesTheTrace(t *testing.T) {
	tests := []struct {
		protocol, variant string
		alpha             string
	}{
		{paxos.Name, engine.Correct, ""},
		{paxos.Name, "one-ballot", ""},
		{paxos.Name, "minority-quorum", ""},
		{multipaxos.Name, engine.Correct, "2"},
		{multipaxos.Name, "no-dedup", ""},
		{multipaxos.Name, "leader-skips-recovery", ""},
	}
	for _, tt := range tests {
		p := protocols[tt.protocol]
		c := engine.Default()
		c.Protocol, c.Variant, c.HealAt, c.MaxTime = tt.protocol, tt.variant, 0, 2000
		c.Drop, c.Dup, c.Crash = 0.1, 0.05, 0.02
		if tt.alpha != "" {
			c.Params = map[string]string{"alpha": tt.alpha}
		}
		failed := 0
		for seed := uint64(1); seed <= 12; seed++ {
			res, err := p.timed(c, seed, engine.Options{Record: true})
			if err != nil {
				t.Fatal(err)
			}
			var lines []sim.ScriptLine
			for i, l := range res.Lines {
				lines = append(lines, sim.ScriptLine{N: i + 1, Text: l})
			}
			text, err := p.imp(c, lines, []string{"a run", "replay: paxsim replay it"}, "imported")
			if err != nil {
				t.Errorf("%s %s seed %d: %v", tt.protocol, tt.variant, seed, err)
				continue
			}
			want := "ok"
			if res.Failed() {
				want = string(res.Violations[0].Property)
				failed++
			}
			checkImported(t, text, want, tt.alpha)
		}
		if tt.variant != engine.Correct && failed == 0 {
			t.Errorf("%s %s: no seed failed: the test imports no failing trace", tt.protocol, tt.variant)
		}
	}
}

// checkImported parses, checks and runs an imported scenario.
func checkImported(t *testing.T, text, want, alpha string) {
	t.Helper()
	s, err := Parse(strings.NewReader(text), "imported", "imported.txt")
	if err == nil {
		err = Check(s, lookup)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	run := s.Runs[0]
	if run.Expect != want || run.Params["alpha"] != alpha || !strings.HasPrefix(text, "# a run\n#\n# Imported") {
		t.Errorf("imported: expect=%s (the run broke %s), alpha %q, head %q", run.Expect, want, run.Params["alpha"], text[:40])
	}
	var out strings.Builder
	res, err := runBlock(s, run, &out)
	if err != nil || !res.Holds {
		t.Fatalf("imported: %v, holds %v", err, res.Holds)
	}
	if err := CheckGolden(s, run, out.String()); err != nil {
		t.Error(err)
	}
}

// TestImportRefusesTheLivenessPhase: a scenario is a safety schedule.
func TestImportRefusesTheLivenessPhase(t *testing.T) {
	c := engine.Default()
	c.Protocol = paxos.Name
	lines := []sim.ScriptLine{{N: 1, Text: "client 1 proposes v1 to 1"}, {N: 2, Text: "heal"}, {N: 3, Text: "liveness"}}
	_, err := protocols[paxos.Name].imp(c, lines, nil, "x")
	if err == nil || !strings.Contains(err.Error(), "line 2: \"heal\": a scenario is a safety schedule") {
		t.Errorf("a trace that heals: %v", err)
	}
}
