package script_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/paxtest"
	. "github.com/paxsim/paxsim/script"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
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
	var out strings.Builder
	if err := protocols[paxos.Name].impTo(&out, c, lines, "x"); err == nil || out.Len() > 0 {
		t.Errorf("ImportTo of a trace that heals: %v, wrote %q", err, out.String())
	}
}

// TestImportTakesTheStepsBeforeTheHeal: of a trace that heals after a
// violation (a campaign's shrunk trace of a safety bug), the steps before
// the heal are imported, expecting what they break, and say so; the same
// steps with nothing broken before the heal are refused.
func TestImportTakesTheStepsBeforeTheHeal(t *testing.T) {
	tr := paxtest.ReadTrace(t, filepath.Join("..", "testdata", "traces", "ignore-promised-values.trace"))
	p := protocols[tr.Config.Protocol]
	whole, err := p.imp(tr.Config, tr.Lines, nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	n := tr.Lines[len(tr.Lines)-1].N
	healed := append(slices.Clone(tr.Lines), sim.ScriptLine{N: n + 1, Text: "heal"}, sim.ScriptLine{N: n + 2, Text: "liveness"})
	text, err := p.imp(tr.Config, healed, nil, "x")
	note := fmt.Sprintf("# The steps up to line %d of the trace, where it heals: they break it already.\n", n+1)
	if err != nil || !strings.Contains(text, note) || strings.Replace(text, note, "", 1) != whole {
		t.Errorf("import of the trace with a heal after it: %v\n%s\nwant the trace's own import with the note %q", err, text, note)
	}
	c := tr.Config
	c.Variant = engine.Correct
	if _, err := p.imp(c, healed, nil, "x"); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("line %d: \"heal\": a scenario is a safety schedule", n+1)) {
		t.Errorf("import of the correct protocol's steps with a heal: %v, want it refused at the heal", err)
	}
}

// TestImportToStreams: ImportTo writes the scenario Import returns, and
// says when the writer fails.
func TestImportToStreams(t *testing.T) {
	c := engine.Default()
	c.Protocol = paxos.Name
	lines := []sim.ScriptLine{{N: 1, Text: "client 1 proposes v1 to 1"}, {N: 2, Text: "deliver client->1 Request"}}
	p := protocols[paxos.Name]
	want, err := p.imp(c, lines, nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := p.impTo(&out, c, lines, "x"); err != nil || out.String() != want || !strings.Contains(want, "\n----\n") {
		t.Errorf("ImportTo: %v, wrote\n%s\nwant\n%s", err, out.String(), want)
	}
	if err := p.impTo(failingWriter{}, c, lines, "x"); err == nil {
		t.Errorf("ImportTo to a failing writer: no error")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestImportTraceMakesAScenarioThatRuns: every shipped decision trace,
// imported, is a scenario file that parses, expects what the trace's
// replay breaks, and whose run prints exactly its golden printout; a
// trace that heals is refused, naming its line.
func TestImportTraceMakesAScenarioThatRuns(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "traces", "*.trace"))
	if len(files) == 0 {
		t.Fatal("no traces")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tr := paxtest.ReadTrace(t, path)
			p := protocols[tr.Config.Protocol]
			text, err := p.imp(tr.Config, tr.Lines, tr.Comments, "imported")
			if heal := slices.IndexFunc(tr.Lines, func(l sim.ScriptLine) bool { return l.Text == "heal" }); heal >= 0 {
				if want := fmt.Sprintf("line %d: \"heal\": a scenario is a safety schedule", tr.Lines[heal].N); err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("a trace that heals: %v, want it refused with %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			replayed, err := p.replay(tr)
			if err != nil {
				t.Fatal(err)
			}
			want := "ok"
			if replayed.Failed() {
				want = string(replayed.Violations[0].Property)
			}
			s, err := Parse(strings.NewReader(text), "imported", "imported.txt")
			if err != nil {
				t.Fatalf("the imported scenario does not parse: %v\n%s", err, text)
			}
			run := s.Runs[0]
			var out strings.Builder
			res, err := runBlock(s, run, &out)
			switch {
			case err != nil:
				t.Fatal(err)
			case run.Expect != want || !res.Holds:
				t.Fatalf("expects %s, holds %v; the trace's replay breaks %s", run.Expect, res.Holds, want)
			}
			if err := CheckGolden(s, run, out.String()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestImportIsLinear: importing a trace costs time and memory in
// proportion to it. A long trace (a long run that a one-way partition
// keeps from deciding, so that its traffic goes on) and one about four
// times as long make scenarios whose lines (a step, the replicas' states
// after it) are no longer, and allocate about as much per byte written,
// for each protocol.
func TestImportIsLinear(t *testing.T) {
	for _, name := range []string{paxos.Name, multipaxos.Name} {
		p := protocols[name]
		c := engine.Default()
		c.Protocol, c.HealAt, c.Crash = name, 0, 0
		c.Faults = []string{"oneway:2,3@0"}
		var steps, longest, perByte [2]float64
		for i, end := range []int64{5_000, 20_000} {
			c.MaxTime = end
			res, err := p.timed(c, 1, engine.Options{Record: true})
			if err != nil {
				t.Fatal(err)
			}
			tr := trace.FromResult(c, &res)
			var text string
			allocs := allocated(func() { text, err = p.imp(c, tr.Lines, nil, "long") })
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(text, "\n") {
				longest[i] = max(longest[i], float64(len(l)))
			}
			steps[i], perByte[i] = float64(tr.Steps()), allocs/float64(len(text))
			t.Logf("%s: %.0f steps imported into %d bytes, lines of %.0f bytes at most, %.1f bytes allocated per byte", name, steps[i], len(text), longest[i], perByte[i])
		}
		if grow := steps[1] / steps[0]; grow < 3 || longest[1] > 1.3*longest[0] || perByte[1] > 1.3*perByte[0] {
			t.Errorf("%s: a trace %.1f times as long makes lines %.1f times as long, allocating %.1f times as much per byte", name, grow, longest[1]/longest[0], perByte[1]/perByte[0])
		}
	}
}

// allocated is the bytes f allocates.
func allocated(f func()) float64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc - before.TotalAlloc)
}

// TestImportTakesDrawsTheShrinkerDropped: a replay draws 0 where a trace
// has no rand step (a shrunk trace drops those), a scenario draws the
// seed's value: the import spells the zeros out, so that the trace with
// its rand 0 steps dropped still imports into the scenario that takes its
// steps and breaks what it broke.
func TestImportTakesDrawsTheShrinkerDropped(t *testing.T) {
	dropped := 0
	for _, tt := range []struct{ protocol, variant string }{{paxos.Name, engine.Correct}, {multipaxos.Name, "no-dedup"}} {
		p := protocols[tt.protocol]
		c := engine.Default()
		c.Protocol, c.Variant, c.HealAt, c.MaxTime = tt.protocol, tt.variant, 0, 2000
		c.Drop, c.Dup, c.Crash = 0.1, 0.05, 0.02
		for seed := uint64(1); seed <= 12; seed++ {
			res, err := p.timed(c, seed, engine.Options{Record: true})
			if err != nil {
				t.Fatal(err)
			}
			var lines []sim.ScriptLine
			for i, l := range res.Lines {
				last := i+1 == len(res.Lines) || !strings.HasPrefix(res.Lines[i+1], "rand ") // a later draw would take the next one's line
				if f := strings.Fields(l); len(f) == 3 && f[0] == "rand" && f[2] == "0" && last {
					dropped++
					continue
				}
				lines = append(lines, sim.ScriptLine{N: len(lines) + 1, Text: l})
			}
			text, err := p.imp(c, lines, []string{"a run"}, "imported")
			if err != nil {
				t.Fatalf("%s seed %d without its rand 0 steps: %v", tt.protocol, seed, err)
			}
			want := "ok"
			if res.Failed() {
				want = string(res.Violations[0].Property)
			}
			checkImported(t, text, want, "")
		}
	}
	if dropped == 0 {
		t.Fatal("no run drew a 0: the test drops nothing")
	}
}
