package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/trace"
)

// writeFile writes text to name in a fresh temporary directory and
// returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// requireInputError checks a run of the CLI that must reject its input:
// exit 2, no stack trace, and a message on stderr that holds every want.
func requireInputError(t *testing.T, args []string, want ...string) {
	t.Helper()
	code, _, stderr := paxsim(t, context.Background(), args...)
	if code != exitUsage {
		t.Errorf("paxsim %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, exitUsage, stderr)
	}
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "internal error") {
		t.Errorf("paxsim %s: a stack trace:\n%s", strings.Join(args, " "), stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("paxsim %s: stderr lacks %q:\n%s", strings.Join(args, " "), w, stderr)
		}
	}
}

// reproducerText is testdata/reproducer-seed-12.json with edit applied.
func reproducerText(t *testing.T, edit func(string) string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/reproducer-seed-12.json")
	if err != nil {
		t.Fatal(err)
	}
	return edit(string(data))
}

// TestShrinkOfAMultiPaxosReproducer: shrink records a Multi-Paxos
// reproducer's run as a decision trace (it once panicked on a nil trace)
// and shrinks it; a budget too small to reach a 1-minimal trace still
// gives a failing one, and says so.
func TestShrinkOfAMultiPaxosReproducer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	code, _, _ := paxsim(t, ctx, "campaign", "--protocol", "multipaxos", "--variant", "no-dedup", "--seeds", "20", "--workers", "1", "--no-shrink", "--out", dir)
	reps, _ := filepath.Glob(filepath.Join(dir, "*", "seed-*.json"))
	if code != exitViolation || len(reps) == 0 {
		t.Fatalf("campaign: exit %d, %d reproducers", code, len(reps))
	}
	out := filepath.Join(t.TempDir(), "x.trace")
	code, stdout, stderr := paxsim(t, ctx, "shrink", reps[0], "--out", out, "--budget", "20000")
	if code != exitViolation || !strings.Contains(stdout, "exactly-once violated: shrunk from ") ||
		!strings.Contains(stdout, "the budget of 20000 steps ran out: the trace may not be 1-minimal") {
		t.Fatalf("shrink %s: exit %d\n%s%s", reps[0], code, stdout, stderr)
	}
	if code, stdout, _ := paxsim(t, ctx, "replay", out, "--trace=false"); code != exitViolation || !strings.Contains(stdout, "exactly-once violated") {
		t.Errorf("replay of the shrunk trace: exit %d\n%s", code, stdout)
	}
}

// TestShrinkOfARunThatDoesNotFailIsAnInputError: a reproducer whose run
// no longer fails has nothing to shrink: exit 2 naming the file.
func TestShrinkOfARunThatDoesNotFailIsAnInputError(t *testing.T) {
	rep := writeFile(t, "seed-12.json", reproducerText(t, func(s string) string {
		return strings.Replace(s, `"variant": "ignore-promised-values"`, `"variant": "none"`, 1)
	}))
	requireInputError(t, []string{"shrink", rep, "--out", filepath.Join(t.TempDir(), "x.trace")},
		rep, "the trace does not fail: nothing to shrink")
}

func TestReplayOfAReproducerThatDoesNotReproduceFails(t *testing.T) {
	rep := writeFile(t, "seed-12.json", reproducerText(t, func(s string) string {
		return strings.Replace(s, `"variant": "ignore-promised-values"`, `"variant": "none"`, 1)
	}))
	for _, args := range [][]string{
		{"replay", rep, "--trace=false"},
		{"replay", rep, "--json"},
		{"replay", rep, "--format", "mermaid"},
	} {
		code, stdout, stderr := paxsim(t, context.Background(), args...)
		if code != exitViolation {
			t.Errorf("paxsim %s: exit %d, want %d", strings.Join(args, " "), code, exitViolation)
		}
		if !strings.Contains(stdout+stderr, "did not reproduce") && !strings.Contains(stdout, `"reproduced": false`) {
			t.Errorf("paxsim %s does not say it did not reproduce:\n%s%s", strings.Join(args, " "), stdout, stderr)
		}
	}
}

// recordedTrace is the decision trace of seed 3 of the default config.
func recordedTrace(t *testing.T) string {
	t.Helper()
	c := defaultConfig(t, "paxos")
	r, err := registry.Default().Run(c, 3, engine.Options{Record: true})
	if err != nil {
		t.Fatal(err)
	}
	return trace.FromResult(c, &r).String()
}

// TestBadInputFilesGetAClearError: a file that is not what replay and
// shrink read is an input error (exit 2) that names the file, and the
// line when there is one, and says what is wrong; none reaches a panic or
// is read whole when it is huge.
func TestBadInputFilesGetAClearError(t *testing.T) {
	trace := recordedTrace(t)
	reproducer := reproducerText(t, func(s string) string { return s })
	tests := []struct {
		name, file, text string
		want             []string
	}{
		{"empty reproducer", "seed-1.json", "", []string{"the file is empty"}},
		{"comments only", "x.trace", "# nothing here\n", []string{"the file is empty"}},
		{"no seed", "seed-1.json", strings.Replace(reproducer, `"seed": 12,`, "", 1), []string{`no "seed" field`}},
		{"null seed", "seed-1.json", strings.Replace(reproducer, `"seed": 12,`, `"seed": null,`, 1), []string{`no "seed" field`}},
		{"two objects", "seed-1.json", reproducer + reproducer, []string{"text after its JSON object"}},
		{"huge reproducer", "seed-1.json", strings.Replace(reproducer, `"message": "`, `"message": "`+strings.Repeat("x", 2<<20), 1),
			[]string{"larger than 1048576 bytes: not a reproducer"}},
		{"trace version 2", "x.trace", strings.Replace(trace, "paxsim-trace 1", "paxsim-trace 2", 1),
			[]string{"x.trace:", `version "2" is not supported: this program reads version 1`}},
		{"a line too long", "x.trace", strings.Replace(trace, "\nseed ", "\n# "+strings.Repeat("y", 2<<20)+"\nseed ", 1),
			[]string{"x.trace:", "the line is longer than 1048576 bytes"}},
		{"rand of no node", "x.trace", strings.Replace(trace, "\nseed 3\n", "\nseed 3\nrand 99 6\n", 1),
			[]string{"x.trace:", "rand: node 99 does not exist"}},
		{"rand of no number", "x.trace", strings.Replace(trace, "\nseed 3\n", "\nseed 3\nrand 3 banana\n", 1),
			[]string{"x.trace:", `rand: "banana" is not a value a node draws`}},
		{"a client's request twice", "x.trace", strings.Replace(trace, "\nclient 2 proposes v2 to 2\n", "\nclient 1 proposes v1 to 2\n", 1),
			[]string{"x.trace:", "client 1 asks again with no step since it asked at line"}},
		{"crash of no node", "x.trace", strings.Replace(trace, "\nseed 3\n", "\nseed 3\ncrash 99\n", 1), []string{"x.trace:", "node 99 does not exist (nodes are 1..3)"}},
		{"deliver without a link", "x.trace", strings.Replace(trace, "\nseed 3\n", "\nseed 3\ndeliver\n", 1),
			[]string{"x.trace:", "deliver needs a link FROM->TO"}},
	}
	for _, tt := range tests {
		path := writeFile(t, tt.file, tt.text)
		for _, cmd := range []string{"replay", "shrink"} {
			t.Run(tt.name+"/"+cmd, func(t *testing.T) {
				requireInputError(t, []string{cmd, path}, append([]string{path}, tt.want...)...)
			})
		}
	}
}

// TestByteOrderMark: an editor's UTF-8 byte-order mark does not make a
// reproducer or a decision trace unreadable.
func TestByteOrderMark(t *testing.T) {
	path := writeFile(t, "seed-12.json", "\uFEFF"+reproducerText(t, func(s string) string { return s }))
	code, stdout, stderr := paxsim(t, context.Background(), "replay", path, "--trace=false")
	if code != exitViolation || !strings.Contains(stdout, "reproduced:") {
		t.Fatalf("exit %d, want 1 (the violation reproduced); stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	path = writeFile(t, "x.trace", "\uFEFF"+recordedTrace(t))
	code, stdout, stderr = paxsim(t, context.Background(), "replay", path, "--trace=false")
	if code != exitOK || !strings.Contains(stdout, "verdict:") {
		t.Fatalf("replay of a trace with a byte-order mark: exit %d, want 0; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// shippedScenario is the text of a scenario file of testdata/scenarios.
func shippedScenario(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "scenarios", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestScenarioWithABogusExpectationIsAnInputError(t *testing.T) {
	text := strings.Replace(shippedScenario(t, "qa-one-ballot"), "run protocol=paxos variant=one-ballot expect=agreement", "run protocol=paxos variant=one-ballot expect=bogus", 1)
	path := writeFile(t, "bogus.txt", text)
	requireInputError(t, []string{"scenario", "run", path}, path+":20:", "expect=bogus: want ok, agreement,")
}

// TestScenarioRunChecksTheGoldenPrintout: scenario run compares what a run
// prints with the printout its file holds, as go test does, and fails on
// a hand-edited one, naming its line.
func TestScenarioRunChecksTheGoldenPrintout(t *testing.T) {
	text := shippedScenario(t, "qa-one-ballot")
	path := writeFile(t, "same.txt", text)
	if code, stdout, stderr := paxsim(t, context.Background(), "scenario", "run", path); code != exitOK {
		t.Fatalf("the shipped scenario: exit %d\n%s%s", code, stdout, stderr)
	}
	edited := strings.Replace(text, "  node 2 promises 1.3, reports (-, -)\n", "  node 2 promises 1.3, reports (1.1, v1)\n", 1)
	if edited == text {
		t.Fatal("the edit changed nothing")
	}
	path = writeFile(t, "edited.txt", edited)
	code, stdout, _ := paxsim(t, context.Background(), "scenario", "run", path)
	if code != exitViolation || !strings.Contains(stdout, "golden printout DOES NOT MATCH: "+path+":") {
		t.Fatalf("a hand-edited golden printout: exit %d, want 1 naming the line:\n%s", code, stdout)
	}
}

// TestScenarioRunUnderAnotherVariant: with --variant, runs whose steps do
// not run under it are skipped and counted, not an input error.
func TestScenarioRunUnderAnotherVariant(t *testing.T) {
	code, stdout, stderr := paxsim(t, context.Background(), "scenario", "run", "--all", "--variant", "ignore-promised-values")
	if code == exitUsage || !strings.Contains(stdout, "skipped: its steps do not run under ignore-promised-values") {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	if !regexp.MustCompile(`\d+ scenarios, \d+ runs under ignore-promised-values, \d+ skipped`).MatchString(stdout) {
		t.Errorf("no summary counting the skipped runs:\n%s", stdout)
	}
}

// TestScenarioRunUnderNoneNamesNoExpectation: a run taken under another
// variant has no expectation (its header says so, and the tally counts it
// failed only if it breaks something), so its printout says nothing of
// the expectation it was written with. It used to end "expected
// safe-proposal, got ok: DOES NOT HOLD" above a summary of "0 failed":
// `scenario run FILE --variant none`, the check that a fix fixes an
// imported counterexample, read as a failure (a fifth trial's).
func TestScenarioRunUnderNoneNamesNoExpectation(t *testing.T) {
	code, stdout, stderr := paxsim(t, context.Background(), "scenario", "run", "--all", "--variant", "none")
	if code != exitOK || !strings.Contains(stdout, "no expectation (--variant)") || !strings.Contains(stdout, "under none, 1 skipped: 0 failed") {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "DOES NOT HOLD") {
		t.Errorf("runs with no expectation speak of one:\n%s", stdout)
	}
}

// TestRunTraceJSONIsTheTextTrace: --trace --json streams the trace into the
// JSON object's trace list, one string a line: the lines --trace prints.
func TestRunTraceJSONIsTheTextTrace(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{
		{"run", "--seed", "5", "--drop", "0.2"},
		{"replay", "testdata/reproducer-seed-12.json"},
	} {
		_, text, _ := paxsim(t, ctx, append(args, "--trace")...)
		trace, _, _ := strings.Cut(text, "SEED=")
		want := strings.Split(strings.TrimSuffix(trace, "\n"), "\n")
		_, out, stderr := paxsim(t, ctx, append(args, "--trace", "--json")...)
		m := decodeObject(t, out)
		got, ok := m["trace"].([]any)
		if !ok || len(got) != len(want) {
			t.Fatalf("%s: trace has %d lines, want %d; stderr %s", args[0], len(got), len(want), stderr)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: trace line %d is %q, want %q", args[0], i+1, got[i], want[i])
			}
		}
		if !strings.HasSuffix(out, "  ]\n}\n") {
			t.Errorf("%s: the trace is not the object's last field:\n%s", args[0], out[max(0, len(out)-200):])
		}
	}
}

// TestAFailureFolderFileStandsForItsFailure: replay and shrink take a
// failure folder, or any of its files that holds no run of its own (the
// summary, the config, the readable trace, the diagram, the seeds), as
// the folder's shrunk trace, or, unshrunk, its trace or reproducer, and
// say so; a file of that name outside a failure folder is still bad input.
func TestAFailureFolderFileStandsForItsFailure(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if code, _, stderr := paxsim(t, ctx, "campaign", "--seeds", "60", "--variant", "ignore-promised-values", "--out", dir); code != exitViolation {
		t.Fatalf("campaign: exit %d\n%s", code, stderr)
	}
	groups, _ := filepath.Glob(filepath.Join(dir, "*", "summary.json"))
	if len(groups) == 0 {
		t.Fatal("the campaign wrote no failure folder")
	}
	group := filepath.Dir(groups[0])
	for _, name := range []string{"", "summary.json", "config.json", "trace.txt", "diagram.html", "seeds.txt"} {
		path := filepath.Join(group, name)
		code, stdout, stderr := paxsim(t, ctx, "replay", path, "--trace=false")
		if code != exitViolation || !strings.Contains(stderr, "replaying its shrunk trace") || !strings.Contains(stdout, "violated") {
			t.Errorf("replay %s: exit %d, want 1 with a note\n%s%s", name, code, stdout, stderr)
		}
	}
	out := filepath.Join(t.TempDir(), "x.trace")
	if code, _, stderr := paxsim(t, ctx, "shrink", filepath.Join(group, "summary.json"), "--out", out); code != exitViolation || !strings.Contains(stderr, "shrinking its shrunk trace") {
		t.Errorf("shrink summary.json: exit %d\n%s", code, stderr)
	}
	unshrunk := t.TempDir()
	if code, _, stderr := paxsim(t, ctx, "campaign", "--seeds", "60", "--variant", "ignore-promised-values", "--no-shrink", "--out", unshrunk); code != exitViolation {
		t.Fatalf("campaign --no-shrink: exit %d\n%s", code, stderr)
	}
	groups, _ = filepath.Glob(filepath.Join(unshrunk, "*", "summary.json"))
	for _, remove := range []string{"", "seed-*.trace"} { // unshrunk: its trace; unrecorded too: its reproducer
		if remove != "" {
			traces, _ := filepath.Glob(filepath.Join(filepath.Dir(groups[0]), remove))
			for _, f := range traces {
				os.Remove(f)
			}
		}
		code, stdout, stderr := paxsim(t, ctx, "replay", filepath.Dir(groups[0]), "--trace=false")
		if code != exitViolation || !strings.Contains(stderr, "replaying its failure's") || !strings.Contains(stdout, "violated") {
			t.Errorf("replay of an unshrunk failure folder (without %q): exit %d, want 1 with a note\n%s%s", remove, code, stdout, stderr)
		}
	}
	lone := writeFile(t, "summary.json", "{}")
	if code, _, stderr := paxsim(t, ctx, "replay", lone); code != exitUsage {
		t.Errorf("replay of a summary.json outside a failure folder: exit %d, want 2\n%s", code, stderr)
	}
}

// TestReplayATraceUnderAnotherVariant: --variant replays a decision
// trace's steps under another variant (a counterexample under the fixed
// code passes); with a reproducer, whose seed would make another run, it
// is bad input.
func TestReplayATraceUnderAnotherVariant(t *testing.T) {
	ctx := context.Background()
	file := failingTrace(t)
	if code, out, stderr := paxsim(t, ctx, "replay", file, "--trace=false"); code != exitViolation {
		t.Fatalf("replay of the failing trace: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr := paxsim(t, ctx, "replay", file, "--variant", "none", "--trace=false")
	if code != 0 || !strings.Contains(out, "replay "+file+" --variant none") {
		t.Errorf("replay --variant none of the failing trace: exit %d, want 0 and the command again\n%s%s", code, out, stderr)
	}
	dir := t.TempDir()
	if code, _, stderr := paxsim(t, ctx, "campaign", "--seeds", "60", "--variant", "ignore-promised-values", "--no-shrink", "--out", dir); code != exitViolation {
		t.Fatalf("campaign: exit %d\n%s", code, stderr)
	}
	reproducers, _ := filepath.Glob(filepath.Join(dir, "*", "seed-*.json"))
	if len(reproducers) == 0 {
		t.Fatal("no reproducer written")
	}
	if code, _, stderr := paxsim(t, ctx, "replay", reproducers[0], "--variant", "none"); code != exitUsage || !strings.Contains(stderr, "is a reproducer") {
		t.Errorf("replay of a reproducer with --variant: exit %d, want %d\n%s", code, exitUsage, stderr)
	}
}

// renamedPaxos is single-decree Paxos under a name no shipped scenario
// names: a third party's protocol.
type renamedPaxos struct{ paxos.Adapter }

func (renamedPaxos) Info() engine.Info {
	info := paxos.Adapter{}.Info()
	info.Name = "mine"
	return info
}

// TestScenarioListForAProtocolOfOnesOwn: a program none of whose
// protocols has a shipped scenario says how to make one.
func TestScenarioListForAProtocolOfOnesOwn(t *testing.T) {
	reg, err := harness.NewRegistry(harness.New[protocol.Msg, protocol.Durable](renamedPaxos{}))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), reg, []string{"scenario", "list"}, &stdout, &stderr)
	if code != exitOK || !strings.Contains(stdout.String(), "none is for mine: write your own, or turn a failure's decision trace into one with paxsim scenario import TRACE") {
		t.Errorf("scenario list: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
}
