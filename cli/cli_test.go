package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/trace"
)

// paxsim runs the CLI in-process and returns the exit code, stdout and
// stderr separately.
func paxsim(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(ctx, registry, args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func decodeObject(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("output is not a JSON object: %v\n%s", err, s)
	}
	if dec.More() {
		t.Fatalf("output holds more than one JSON value:\n%s", s)
	}
	return m
}

func requireKeys(t *testing.T, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks key %q", k)
		}
	}
}

func TestRunJSONIsDeterministic(t *testing.T) {
	ctx := context.Background()
	code1, out1, err1 := paxsim(t, ctx, "run", "--seed", "7", "--json")
	code2, out2, _ := paxsim(t, ctx, "run", "--seed", "7", "--json")
	if code1 != exitOK || code2 != exitOK || err1 != "" {
		t.Fatalf("exit %d, %d, stderr %q; want 0, 0, nothing", code1, code2, err1)
	}
	if out1 != out2 {
		t.Fatalf("two runs of seed 7 printed different JSON:\n%s\n%s", out1, out2)
	}
	m := decodeObject(t, out1)
	requireKeys(t, m, "seed", "verdict", "violations", "events", "virtual_time", "trace_hash", "chosen",
		"learners", "stop", "liveness_checked", "faults", "ops", "config", "replay")
	if m["seed"] != 7.0 || m["verdict"] != "ok" {
		t.Errorf("seed %v verdict %v, want 7 ok", m["seed"], m["verdict"])
	}
	if v, ok := m["violations"].([]any); !ok || len(v) != 0 {
		t.Errorf("violations = %#v, want []", m["violations"])
	}
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(m["trace_hash"].(string)) {
		t.Errorf("trace_hash %q is not 16 hex digits", m["trace_hash"])
	}
	faults := m["faults"].(map[string]any)
	for _, k := range []string{"drop", "dup", "crash", "partition"} {
		if _, ok := faults[k]; !ok {
			t.Errorf("faults lacks %q", k)
		}
	}
	if c := m["config"].(map[string]any); c["nodes"] != 3.0 || c["protocol"] != "paxos" {
		t.Errorf("config = %v, want the default", c)
	}
}

// failingSeed finds a seed that the ignore-promised-values variant fails.
func failingSeed(t *testing.T) (seed, property string) {
	t.Helper()
	dir := t.TempDir()
	code, _, _ := paxsim(t, context.Background(), "campaign", "--swarm=false", "--seeds", "200", "--workers", "1",
		"--variant", "ignore-promised-values", "--out", dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "seed-*.json"))
	if code != exitViolation || len(files) == 0 {
		t.Fatalf("campaign of a broken variant: exit %d, %d reproducers; want exit 1 and some", code, len(files))
	}
	rep, err := readReproducer(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatUint(rep.Seed, 10), rep.Property
}

func TestRunViolation(t *testing.T) {
	seed, property := failingSeed(t)
	code, out, _ := paxsim(t, context.Background(), "run", "--seed", seed, "--variant", "ignore-promised-values", "--json")
	if code != exitViolation {
		t.Fatalf("exit %d, want 1", code)
	}
	m := decodeObject(t, out)
	v := m["violations"].([]any)
	if m["verdict"] != "violation" || len(v) == 0 || v[0].(map[string]any)["property"] != property {
		t.Errorf("verdict %v, violations %v; want a %s violation", m["verdict"], v, property)
	}
	code, text, _ := paxsim(t, context.Background(), "run", "--seed", seed, "--variant", "ignore-promised-values")
	if code != exitViolation || !strings.HasPrefix(text, "SEED="+seed+" ") ||
		!strings.Contains(text, "replay:        paxsim replay --seed "+seed+" --variant ignore-promised-values\n") ||
		!strings.Contains(text, "  "+property+" violated at ") {
		t.Errorf("text report lacks the SEED line, the violation or the replay command:\n%s", text)
	}
}

func TestCampaignOfBrokenVariantWritesReproducersThatReplay(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "failures")
	code, out, stderr := paxsim(t, ctx, "campaign", "--variant", "ignore-promised-values", "--seeds", "300", "--workers", "2", "--out", dir)
	if code != exitViolation {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr is not a terminal, yet the campaign wrote to it: %q", stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "seed-*.json"))
	if len(files) == 0 {
		t.Fatalf("no reproducer in %s", dir)
	}
	for _, want := range []string{"violations:        ", "agreement=", "failure groups:", "folder:     " + dir, "replay:     paxsim replay " + dir + "/agreement-", "/shrunk.trace\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	rep, err := readReproducer(files[0])
	if err != nil {
		t.Fatal(err)
	}
	code1, out1, _ := paxsim(t, ctx, "replay", files[0])
	code2, out2, _ := paxsim(t, ctx, "replay", files[0])
	if code1 != exitViolation || code2 != exitViolation {
		t.Fatalf("replay exit %d, %d; want 1, 1", code1, code2)
	}
	if out1 != out2 {
		t.Fatalf("two replays of %s differ:\n%s\n---\n%s", files[0], out1, out2)
	}
	for _, want := range []string{
		"reproduced:    same violation, same trace hash\n",
		"trace hash:    " + rep.TraceHash + "\n",
		"  " + rep.Property + " violated at ",
		" deliver ", // the trace is on by default
	} {
		if !strings.Contains(out1, want) {
			t.Errorf("replay output lacks %q:\n%s", want, out1)
		}
	}
	_, js, _ := paxsim(t, ctx, "replay", files[0], "--json")
	m := decodeObject(t, js)
	if r := m["reproducer"].(map[string]any); r["reproduced"] != true {
		t.Errorf("JSON replay: reproducer = %v, want reproduced", r)
	}
}

func TestCampaignOfCorrectProtocol(t *testing.T) {
	out := filepath.Join(t.TempDir(), "failures")
	code, js, stderr := paxsim(t, context.Background(), "campaign", "--seeds", "200", "--drop", "0.1", "--dup", "0.05",
		"--crash", "0.01", "--partition", "0.01", "--json", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d, want 0\n%s%s", code, js, stderr)
	}
	m := decodeObject(t, js)
	requireKeys(t, m, "seeds", "violations", "by_property", "events", "wall_seconds", "events_per_second",
		"seeds_per_second", "faults", "stops", "campaign_hash", "failures", "nondeterministic", "interrupted", "config")
	if m["seeds"] != 200.0 || m["violations"] != 0.0 || m["interrupted"] != false {
		t.Errorf("seeds %v violations %v interrupted %v; want 200 0 false", m["seeds"], m["violations"], m["interrupted"])
	}
	faults := m["faults"].(map[string]any)
	for _, k := range []string{"drop", "dup", "partition", "crash"} {
		if n, _ := faults[k].(float64); n <= 0 {
			t.Errorf("fault %s never fired: %v", k, faults)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a campaign without failures created %s (stat: %v)", out, err)
	}
}

func TestCheckDeterminism(t *testing.T) {
	ctx := context.Background()
	code, out, _ := paxsim(t, ctx, "run", "--seed", "7", "--check-determinism")
	if code != exitOK || !strings.Contains(out, "determinism:   ok") {
		t.Errorf("run --check-determinism: exit %d\n%s", code, out)
	}
	code, js, _ := paxsim(t, ctx, "campaign", "--seeds", "100", "--workers", "2", "--check-determinism", "--json",
		"--out", t.TempDir())
	m := decodeObject(t, js)
	if nd, ok := m["nondeterministic"].([]any); code != exitOK || !ok || len(nd) != 0 {
		t.Errorf("campaign --check-determinism: exit %d, nondeterministic %v", code, m["nondeterministic"])
	}
}

func TestCampaignHashIndependentOfWorkers(t *testing.T) {
	hash := func(workers string) any {
		_, js, _ := paxsim(t, context.Background(), "campaign", "--seeds", "150", "--workers", workers, "--json", "--out", t.TempDir())
		return decodeObject(t, js)["campaign_hash"]
	}
	if a, b := hash("1"), hash("2"); a != b {
		t.Errorf("campaign hash with 1 worker %v, with 2 %v", a, b)
	}
}

func TestCampaignInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, out, _ := paxsim(t, ctx, "campaign", "--seeds", "300", "--out", t.TempDir())
	if code != exitIncomplete {
		t.Errorf("interrupted campaign without violations: exit %d, want %d: an incomplete campaign is not a pass", code, exitIncomplete)
	}
	if !strings.Contains(out, "INTERRUPTED after 0 of 300 seeds") || !strings.Contains(out, "seeds run:         0\n") {
		t.Errorf("summary is not marked interrupted:\n%s", out)
	}
	_, js, _ := paxsim(t, ctx, "campaign", "--seeds", "300", "--json", "--out", t.TempDir())
	if m := decodeObject(t, js); m["interrupted"] != true {
		t.Errorf("JSON summary: interrupted = %v, want true", m["interrupted"])
	}
}

// TestCheckInterrupted: ^C stops a search (the first signal cancels the
// context): incomplete, exit 4, for the protocol code and the spec.
func TestCheckInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{{"check"}, {"check", "--model", "spec", "--max-ballot", "3"}} {
		code, out, errs := paxsim(t, ctx, args...)
		if code != exitIncomplete || !strings.Contains(out, "interrupted") || !strings.Contains(errs, "interrupted after") {
			t.Errorf("%v, interrupted: exit %d, want %d\n%s%s", args, code, exitIncomplete, out, errs)
		}
	}
}

// The replay command of a report runs the same configuration, for every
// protocol.
func TestReplayLineRoundTrip(t *testing.T) {
	x := testInvocation
	c := defaultConfig(t, "paxos")
	c.Variant, c.Nodes, c.Drop, c.Delay = "ignore-promised-values", 5, 0.125, "tail:2-20"
	c.Faults = []string{"crash:2@100-400", "partition:1,2@50-300"}
	c.HealAt, c.MaxTime, c.FIFO = 0, 5000, true
	mp := defaultConfig(t, "multipaxos")
	mp.Variant, mp.Clients, mp.Reconfig, mp.Params = "no-dedup", 5, "1+2+3@200", map[string]string{"alpha": "3"}
	for _, c := range []engine.Config{c, mp} {
		p, _ := registry.Lookup(c.Protocol)
		line := x.replayLine(p.Info(), 42, c)
		args := strings.Fields(strings.TrimPrefix(line, "paxsim replay "))
		o, pos, err := x.parseFlags(replayCmd, args)
		if err != nil || len(pos) != 0 {
			t.Fatalf("parsing %q: %v, positional %q", line, err, pos)
		}
		if o.seed != 42 || !reflect.DeepEqual(o.cfg, c) {
			t.Errorf("%q parses to seed %d, %+v; want 42, %+v", line, o.seed, o.cfg, c)
		}
	}
	if def := x.replayLine(registry.Default().Info(), 3, defaultConfig(t, "paxos")); def != "paxsim replay --seed 3" {
		t.Errorf("replay line of the default config = %q", def)
	}
}

// Every field of engine.Config has its flag, and the SEED= line shows
// every flag that applies to the protocol, and the protocol's knobs.
func TestConfigFlagsCoverConfig(t *testing.T) {
	typ := reflect.TypeFor[engine.Config]()
	for i := range typ.NumField() {
		tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		name := strings.ReplaceAll(tag, "_", "-")
		switch name {
		case "faults":
			name = "fault"
		case "params":
			continue // the protocols' knobs
		}
		if lookupConfigFlag(name) == nil {
			t.Errorf("engine.Config.%s has no --%s flag", typ.Field(i).Name, name)
		}
	}
	for _, p := range registry.All() {
		line := testInvocation.seedLine(p.Info(), 1, defaultConfig(t, p.Name()))
		for _, f := range configFlags {
			if has := strings.Contains(line, " "+f.name+"="); has != f.appliesTo(p.Info()) {
				t.Errorf("SEED line of %s has %s: %v, want %v: %s", p.Name(), f.name, has, !has, line)
			}
		}
		for _, k := range p.Info().Knobs {
			if !strings.Contains(line, " "+k.Name+"="+k.Default) {
				t.Errorf("SEED line of %s lacks its knob %s: %s", p.Name(), k.Name, line)
			}
		}
	}
}

// Help explains every flag of every command, for every protocol, exits 0
// and writes to stdout.
func TestHelpCoversEveryFlag(t *testing.T) {
	for _, p := range registry.All() {
		for _, cmd := range commands {
			prot := []string{"--protocol", p.Name()}
			for _, args := range [][]string{append([]string{"help", cmd.name}, prot...), append([]string{cmd.name, "--help"}, prot...), {cmd.name, "-h"}} {
				code, out, stderr := paxsim(t, context.Background(), args...)
				if code != exitOK || stderr != "" {
					t.Errorf("paxsim %v: exit %d, stderr %q", args, code, stderr)
				}
				shown := p
				if len(args) == 2 {
					shown = registry.Default()
				}
				fs := newFlagSet(cmd, newOptions(registry, shown, nil))
				fs.VisitAll(func(f *flag.Flag) {
					if cf := lookupConfigFlag(f.Name); cmd.config && cf != nil && !cf.appliesTo(shown.Info()) {
						return
					}
					if !strings.Contains(out, "  --"+f.Name) {
						t.Errorf("paxsim %v does not explain --%s", args, f.Name)
					}
				})
			}
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		if code, out, _ := paxsim(t, context.Background(), args...); code != exitOK || !strings.Contains(out, "The commands are:") {
			t.Errorf("paxsim %v: exit %d\n%s", args, code, out)
		}
	}
}

// Odd arguments get an exit code, never a panic.
func TestOddArgumentsDoNotPanic(t *testing.T) {
	for _, args := range [][]string{
		{""}, {"-"}, {"--"}, {"run", "--"}, {"run", "--seed", "1", "--", "x"}, {"run", "--seed=1", "--nodes=63", "--max-events", "50"},
		{"run", "--seed", "18446744073709551615", "--max-events", "10"}, {"run", "--seed", "18446744073709551616"},
		{"run", "--seed", "1", "--drop", "NaN"}, {"run", "--seed", "1", "--drop", "1"}, {"run", "--seed", "1", "--nodes", "99999999999999999999"},
		{"run", "--seed", "1", "--proposers", "0"}, {"run", "--seed", "1", "--max-events", "0"}, {"run", "--seed", "1", "--fault", "slow:1x1@0"},
		{"run", "--seed", "1", "--fault", "partition:1,2,3@5"}, {"run", "--seed", "1", "--delay", "0"}, {"run", "--seed", "1", "--delay", "tail:5-1"},
		{"campaign", "--seeds", "18446744073709551615", "--start", "5"}, {"replay", "--seed", "1", "--trace=false", "--max-events", "5"},
		{"replay", "testdata"}, {"variants", "x"}, {"version"}, {"help", "run", "campaign"},
	} {
		code, _, stderr := paxsim(t, context.Background(), args...)
		if code < 0 || code > 2 || strings.Contains(stderr, "internal error") {
			t.Errorf("paxsim %q: exit %d\n%s", args, code, stderr)
		}
	}
}

func TestProgressLine(t *testing.T) {
	p := campaign.Progress{Done: 250, Total: 1000, Violations: 3, Events: 2_500_000, Elapsed: 500 * time.Millisecond}
	want := "250/1000 seeds  500 seeds/s  5.0M events/s  ETA 2s  3 violations"
	if got := progressLine(p); got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
	if got := progressLine(campaign.Progress{Total: 10}); !strings.Contains(got, "ETA ?") {
		t.Errorf("progress before any seed finished = %q, want an unknown ETA", got)
	}
	var buf bytes.Buffer
	if isTerminal(&buf) {
		t.Error("a buffer is a terminal")
	}
	b := &progressBar{w: &buf}
	b.draw(p)
	b.draw(p)
	b.clear()
	if got := buf.String(); strings.Count(got, "\r") != 3 || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("progress bar wrote %q", got)
	}
}

func TestShrunkTracesReplayAndShrinkAgain(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "failures")
	if code, out, _ := paxsim(t, ctx, "campaign", "--variant", "ignore-promised-values", "--seeds", "100", "--workers", "1", "--out", dir); code != exitViolation {
		t.Fatalf("campaign exit %d:\n%s", code, out)
	}
	shrunk, _ := filepath.Glob(filepath.Join(dir, "*", "shrunk.trace"))
	original, _ := filepath.Glob(filepath.Join(dir, "*", "seed-*.trace"))
	if len(shrunk) == 0 || len(shrunk) != len(original) {
		t.Fatalf("%d shrunk and %d original traces in %s", len(shrunk), len(original), dir)
	}
	code1, out1, _ := paxsim(t, ctx, "replay", shrunk[0])
	code2, out2, _ := paxsim(t, ctx, "replay", shrunk[0])
	if code1 != exitViolation || code2 != exitViolation || out1 != out2 || !strings.Contains(out1, "agreement violated at") {
		t.Fatalf("replays of %s: exit %d and %d, same output %v:\n%s", shrunk[0], code1, code2, out1 == out2, out1)
	}
	want, err := os.ReadFile(shrunk[0])
	if err != nil {
		t.Fatal(err)
	}
	again := filepath.Join(t.TempDir(), "again.trace")
	code, out, stderr := paxsim(t, ctx, "shrink", "--out", again, original[0])
	if code != exitViolation || !strings.Contains(out, "agreement violated: shrunk from ") {
		t.Fatalf("shrink exit %d:\n%s%s", code, out, stderr)
	}
	got, err := os.ReadFile(again)
	if err != nil {
		t.Fatal(err)
	}
	if steps(string(got)) != steps(string(want)) {
		t.Fatalf("paxsim shrink reached %d steps, the campaign %d", steps(string(got)), steps(string(want)))
	}
	if code, _, stderr := paxsim(t, ctx, "shrink", filepath.Join(dir, "missing.trace")); code != exitUsage || !strings.Contains(stderr, "missing.trace") {
		t.Fatalf("shrink of a missing file: exit %d: %s", code, stderr)
	}
}

// steps counts the step lines of a decision trace file.
func steps(trace string) int {
	n := 0
	body := trace[strings.Index(trace, "\nseed ")+1:]
	for _, l := range strings.Split(body, "\n")[1:] {
		if l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "rand ") {
			n++
		}
	}
	return n
}

func TestBrokenTraceNamesTheLine(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bad.trace")
	c := defaultConfig(t, "paxos")
	r, err := registry.Default().Run(c, 3, engine.Options{Record: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ from, to, want string }{
		{"deliver 1->", "deliver 9->", "node 9 does not exist (nodes are 1..3)"},
		{"Prepare(1.", "Prepare(7.", "cannot be taken: no such message in flight"},
	} {
		text := strings.Replace(trace.FromResult(c, &r).String(), tt.from, tt.to, 1)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"replay", path}, {"shrink", path, "--out", filepath.Join(t.TempDir(), "x.trace")}} {
			code, _, stderr := paxsim(t, ctx, args...)
			if code != exitUsage || !regexp.MustCompile(regexp.QuoteMeta(path)+`:\d+: `).MatchString(stderr) || !strings.Contains(stderr, tt.want) {
				t.Errorf("%s of a trace with %q for %q: exit %d, stderr %q; want exit 2 naming the line and %q", args[0], tt.to, tt.from, code, stderr, tt.want)
			}
		}
	}
}

// TestShrinkInterruptedKeepsAFailingTrace: Ctrl-C (a cancelled context)
// stops shrink, which still writes the smallest failing trace it found,
// says that it may not be 1-minimal, and exits 1; the trace replays to the
// same violation.
func TestShrinkInterruptedKeepsAFailingTrace(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "x.trace")
	code, stdout, stderr := paxsim(t, ctx, "shrink", "testdata/reproducer-seed-12.json", "--out", out)
	if code != exitViolation || !strings.Contains(stdout, "safe-proposal violated: shrunk from ") ||
		!strings.Contains(stdout, "interrupted: this is the smallest failing trace found so far, and it may not be 1-minimal") {
		t.Fatalf("an interrupted shrink: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = paxsim(t, context.Background(), "replay", out, "--trace=false")
	if code != exitViolation || !strings.Contains(stdout, "safe-proposal violated") {
		t.Errorf("replay of the trace an interrupted shrink wrote: exit %d\n%s", code, stdout)
	}
}

// TestCheckFollowsUp: check follows a safe first search with follow-up
// searches, each widening one bound the user did not set, within a budget
// of states. A protocol that replies before it persists, which no
// crash-free search can tell, is caught by the crash search (exit 1, the
// counterexample written with the crash's configuration, and replayed);
// a bound the user set is not widened; the correct protocol passes every
// one, each reported in the JSON (TestCheckSearchesARetryToo and
// TestCheckSearchesAReconfigurationToo: the other follow-ups).
func TestCheckFollowsUp(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "rbp.trace")
	code, stdout, stderr := paxsim(t, ctx, "check", "--variant", "reply-before-persist", "--out", out)
	if code != exitViolation || !strings.Contains(stdout, "one crash:") || !strings.Contains(stdout, "1 crashes") {
		t.Fatalf("default check of reply-before-persist: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := paxsim(t, ctx, "replay", out, "--trace=false"); code != exitViolation {
		t.Errorf("replay of the crash search's counterexample: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := paxsim(t, ctx, "check", "--variant", "reply-before-persist", "--crashes", "0", "--max-ballot", "1", "--follow-ups"); code != 0 || strings.Contains(stdout, "one crash:") || strings.Contains(stdout, "rounds+1:") {
		t.Errorf("check --crashes 0 --max-ballot 1 of reply-before-persist: exit %d, want 0 and no follow-up search\n%s", code, stdout)
	}
	if code, stdout, _ := paxsim(t, ctx, "check", "--variant", "reply-before-persist", "--follow-ups=false", "--json"); code != 0 || strings.Contains(stdout, "follow_ups") {
		t.Errorf("check --follow-ups=false of reply-before-persist: exit %d, want 0 and no follow-up search\n%s", code, stdout)
	}
	code, stdout, _ = paxsim(t, ctx, "check", "--no-timers", "--follow-ups", "--json")
	m := decodeObject(t, stdout)
	fs, _ := m["follow_ups"].([]any)
	if code != 0 || len(fs) != 6 {
		t.Fatalf("default check of the correct protocol: exit %d, follow_ups %v; want 0 and six (one crash, self-sends, restart, nodes+1, rounds+1, walks)", code, m["follow_ups"])
	}
	for i, f := range fs {
		f := f.(map[string]any)
		if name := []string{"one crash", "self-sends", "restart", "nodes+1", "rounds+1", "walks"}[i]; f["name"] != name || f["verdict"] != "ok" || f["distinct"].(float64) < 1 {
			t.Errorf("follow-up %d of the correct protocol: %v, want %s, ok over some states", i, f, name)
		}
	}
	if walks := fs[5].(map[string]any); walks["stop"] != "walks" || walks["distinct"].(float64) <= walks["budget"].(float64) {
		t.Errorf("the walks follow-up is not random walks: %v", walks)
	}
	checkContinueCommand(t, fs[1].(map[string]any))
}

// TestCheckFollowsUpAfterTheMemoryCap: a first search that the memory cap
// stops (a protocol of large states meets it before any level bound) is
// followed up all the same: the crash search, within its budget, finds a
// protocol that replies before it persists (exit 1), and the correct
// protocol's check stays incomplete (exit 4) with its follow-ups listed.
func TestCheckFollowsUpAfterTheMemoryCap(t *testing.T) {
	ctx := context.Background()
	const tiny = "0.02" // GiB: the default search's 317,716 states do not fit
	code, stdout, stderr := paxsim(t, ctx, "check", "--variant", "reply-before-persist", "--max-memory", tiny)
	if code != exitViolation || !strings.Contains(stdout, "one crash:  a follow-up search, --crashes 1, found the violation") {
		t.Errorf("check --max-memory %s of reply-before-persist: exit %d\n%s%s", tiny, code, stdout, stderr)
	}
	code, stdout, _ = paxsim(t, ctx, "check", "--max-memory", tiny, "--json")
	m := decodeObject(t, stdout)
	if fs, _ := m["follow_ups"].([]any); code != exitIncomplete || m["stop"] != "max-memory" || len(fs) == 0 {
		t.Errorf("check --max-memory %s: exit %d, stop %v, follow_ups %v; want %d, max-memory, and the follow-ups", tiny, code, m["stop"], m["follow_ups"], exitIncomplete)
	}
}

// checkContinueCommand: a follow-up search that its budget cut short
// names the command that searches on (ten times the states); that command
// with the budget's states is the follow-up's search again, to the state.
func checkContinueCommand(t *testing.T, f map[string]any) {
	t.Helper()
	cont, _ := f["continue"].(string)
	budget := int64(f["budget"].(float64))
	want := fmt.Sprintf(" --max-states %d", 10*budget)
	if f["stop"] != "max-states" || !strings.HasPrefix(cont, "paxsim check ") || !strings.Contains(cont, want) {
		t.Fatalf("follow-up %v: continue %q, want a paxsim check with%s", f["name"], cont, want)
	}
	args := strings.Fields(strings.Replace(strings.TrimPrefix(cont, "paxsim "), want, fmt.Sprintf(" --max-states %d", budget), 1))
	code, stdout, _ := paxsim(t, context.Background(), append(args, "--json")...)
	m := decodeObject(t, stdout)
	if code != exitIncomplete || m["distinct"] != f["distinct"] || m["follow_ups"] != nil {
		t.Errorf("%v with the budget's states: exit %d, distinct %v, follow_ups %v; want exit %d and the follow-up's %v states alone",
			args, code, m["distinct"], m["follow_ups"], exitIncomplete, f["distinct"])
	}
}

// TestCheckWithModelFlagsSearchesThatModel: a check whose flags set the
// model (a bound, a fault, the network) searches that model alone, as the
// defaults of the explorer-speed issue are timed, and says so; the same
// flags with --follow-ups widen every bound they leave unset, and a
// variant or a search bound (--max-depth, --max-states) alone keeps the
// bare check's follow-ups.
func TestCheckWithModelFlagsSearchesThatModel(t *testing.T) {
	ctx := context.Background()
	bounds := []string{"check", "--nodes", "3", "--proposers", "2", "--max-ballot", "1", "--crashes", "0", "--json"}
	code, stdout, _ := paxsim(t, ctx, bounds...)
	m := decodeObject(t, stdout)
	note, _ := m["note"].(string)
	if code != 0 || m["follow_ups"] != nil || !strings.Contains(note, "--nodes --proposers --max-ballot --crashes set the model searched") {
		t.Errorf("check %v: exit %d, follow_ups %v, note %q; want 0, none, and a note naming the flags", bounds[1:], code, m["follow_ups"], note)
	}
	code, stdout, _ = paxsim(t, ctx, append(bounds, "--follow-ups")...)
	m = decodeObject(t, stdout)
	fs, _ := m["follow_ups"].([]any)
	if code != 0 || len(fs) != 1 || fs[0].(map[string]any)["name"] != "self-sends" {
		t.Errorf("check %v --follow-ups: exit %d, follow_ups %v; want 0 and self-sends alone (the one bound left unset)", bounds[1:], code, m["follow_ups"])
	}
	code, stdout, _ = paxsim(t, ctx, "check", "--variant", "reply-before-persist", "--max-depth", "30")
	if code != exitViolation || !strings.Contains(stdout, "one crash:") {
		t.Errorf("check --variant reply-before-persist --max-depth 30: exit %d, want 1 from the crash follow-up\n%s", code, stdout)
	}
}

// TestCheckSearchesARetryToo: without --max-ballot, check follows a safe
// first search (one round per replica, so that no proposer ever retries)
// with a further one in which each replica has a second round, within a
// budget of states: a proposer that counts its earlier ballot's promises
// toward its retry (stale-promises), which only a retry shows, is caught
// (exit 1, the counterexample written with the search's configuration,
// and replayed; without timers, a client's retry is the proposer's);
// with --max-ballot given, the first search is the only one
// of its kind (TestCheckFollowsUp: the correct protocol passes).
func TestCheckSearchesARetryToo(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "stale.trace")
	code, stdout, stderr := paxsim(t, ctx, "check", "--variant", "stale-promises", "--no-timers", "--follow-ups", "--out", out)
	if code != exitViolation || !strings.Contains(stdout, "rounds+1:") || !strings.Contains(stdout, "rounds up to 2 per replica") {
		t.Fatalf("default check of stale-promises: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := paxsim(t, ctx, "replay", out, "--trace=false"); code != exitViolation {
		t.Errorf("replay of the retry search's counterexample: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := paxsim(t, ctx, "check", "--variant", "stale-promises", "--no-timers", "--max-ballot", "1", "--crashes", "0", "--follow-ups"); code != 0 || strings.Contains(stdout, "rounds+1:") {
		t.Errorf("check --max-ballot 1 of stale-promises: exit %d, want 0 and no further search\n%s", code, stdout)
	}
}

// TestCheckSearchesAReconfigurationToo: without --reconfig, check of a
// protocol that takes reconfigurations follows a safe first search (no
// view ever changes) with a further one in which the last client
// reconfigures the cluster to every replica but the last: a proposer that
// takes an entry's quorum from the current view, not the entry's
// (no-view), which no search without a reconfiguration can tell, is
// caught, and its counterexample replays; with --reconfig given, the
// first search is the only one of its kind.
func TestCheckSearchesAReconfigurationToo(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "noview.trace")
	code, stdout, stderr := paxsim(t, ctx, "check", "--protocol", "multipaxos", "--variant", "no-view", "--crashes", "0", "--max-ballot", "1", "--follow-ups", "--out", out)
	if code != exitViolation || !strings.Contains(stdout, "reconfig:") || !strings.Contains(stdout, "reconfiguration to 1+2") {
		t.Fatalf("default check of no-view: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := paxsim(t, ctx, "replay", out, "--trace=false"); code != exitViolation {
		t.Errorf("replay of the reconfiguration search's counterexample: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = paxsim(t, ctx, "check", "--protocol", "multipaxos", "--variant", "no-view", "--crashes", "0", "--max-ballot", "1", "--reconfig", "1+2+3", "--max-depth", "8", "--follow-ups")
	if code != 0 || strings.Contains(stdout, "reconfig:") {
		t.Errorf("check --reconfig 1+2+3 of no-view: exit %d, want 0 and no further search\n%s", code, stdout)
	}
}

// TestCheckPOR: check --por over FIFO links reaches the verdict of the
// search without it, says so in its report (por, reduced, fewer states
// where agreement alone is judged), and writes a counterexample that
// replays as the full search's does.
func TestCheckPOR(t *testing.T) {
	ctx := context.Background()
	base := []string{"check", "--network", "multiset", "--fifo", "--no-timers", "--properties", "agreement", "--json"}
	code, stdout, _ := paxsim(t, ctx, base...)
	full := decodeObject(t, stdout)
	code2, stdout, _ := paxsim(t, ctx, append(base, "--por")...)
	por := decodeObject(t, stdout)
	if code != 0 || code2 != 0 || por["por"] != true || por["reduced"].(float64) == 0 ||
		por["distinct"].(float64) >= full["distinct"].(float64) {
		t.Fatalf("check: exit %d, %v states; --por: exit %d, %v states, por %v, reduced %v", code, full["distinct"], code2, por["distinct"], por["por"], por["reduced"])
	}
	out := filepath.Join(t.TempDir(), "cx.trace")
	code, stdout, stderr := paxsim(t, ctx, "check", "--network", "multiset", "--fifo", "--no-timers", "--por", "--variant", "one-ballot", "--out", out)
	if code != exitViolation || !strings.Contains(stdout, "partial-order reduction") {
		t.Fatalf("check --por --variant one-ballot: exit %d, want %d\n%s%s", code, exitViolation, stdout, stderr)
	}
	if code, stdout, stderr = paxsim(t, ctx, "replay", out); code != exitViolation || !strings.Contains(stdout, "promise-integrity") {
		t.Fatalf("replay of check --por's counterexample: exit %d, want %d with promise-integrity\n%s%s", code, exitViolation, stdout, stderr)
	}
}

// TestCheckCommands: --commands gives a key-value search's clients
// several requests in turn; the report says so, and a counterexample
// replays under the trace's config.
func TestCheckCommands(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "cx.trace")
	code, stdout, stderr := paxsim(t, ctx, "check", "--protocol", "multipaxos", "--commands", "2", "--variant", "no-dedup", "--out", out)
	if code != exitViolation || !strings.Contains(stdout, "2 clients of 2 requests each") || !strings.Contains(stdout, "exactly-once") {
		t.Fatalf("check --commands 2 --variant no-dedup: exit %d, want %d with exactly-once\n%s%s", code, exitViolation, stdout, stderr)
	}
	if code, stdout, stderr = paxsim(t, ctx, "replay", out); code != exitViolation || !strings.Contains(stdout, "exactly-once") {
		t.Fatalf("replay of its counterexample: exit %d, want %d with exactly-once\n%s%s", code, exitViolation, stdout, stderr)
	}
}

// TestCheckRandom: --strategy random walks the model; a safe sample says
// it is one and exits 0, and a violation comes back as a trace that
// replays to it, with the walks and the seed in the JSON report.
func TestCheckRandom(t *testing.T) {
	ctx := context.Background()
	code, stdout, stderr := paxsim(t, ctx, "check", "--strategy", "random", "--walks", "300")
	if code != 0 || !strings.Contains(stdout, "no violation on 300 random walks") || !strings.Contains(stdout, "follow-up searches: none: --strategy random") {
		t.Fatalf("check --strategy random: exit %d\n%s%s", code, stdout, stderr)
	}
	out := filepath.Join(t.TempDir(), "cx.trace")
	code, stdout, stderr = paxsim(t, ctx, "check", "--protocol", "multipaxos", "--strategy", "random", "--walks", "2000", "--seed", "7",
		"--variant", "leader-skips-recovery", "--out", out, "--json")
	r := decodeObject(t, stdout)
	if code != exitViolation || r["strategy"] != "random" || r["seed"].(float64) != 7 || r["walks"].(float64) < 1 || r["property"] != "safe-proposal" {
		t.Fatalf("check --strategy random --variant leader-skips-recovery: exit %d, %v\n%s", code, r, stderr)
	}
	if code, stdout, stderr = paxsim(t, ctx, "replay", out); code != exitViolation || !strings.Contains(stdout, "safe-proposal") {
		t.Fatalf("replay of the walk's counterexample: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestCheckDFS: a depth-first search of the defaults, with no depth
// bound but memory, reaches every state the breadth-first one does (the
// same distinct count), and a depth bound, which prunes a depth-first
// search where a state is first reached by a longer path, is no pass.
func TestCheckDFS(t *testing.T) {
	ctx := context.Background()
	args := []string{"check", "--no-timers", "--follow-ups=false", "--json"}
	_, stdout, _ := paxsim(t, ctx, args...)
	bfs := decodeObject(t, stdout)
	code, stdout, stderr := paxsim(t, ctx, append(args, "--strategy", "dfs")...)
	dfs := decodeObject(t, stdout)
	if code != 0 || dfs["complete"] != true || dfs["distinct"] != bfs["distinct"] {
		t.Fatalf("check --strategy dfs: exit %d, %v distinct (complete %v); bfs %v\n%s", code, dfs["distinct"], dfs["complete"], bfs["distinct"], stderr)
	}
	if code, stdout, _ = paxsim(t, ctx, "check", "--strategy", "dfs", "--max-depth", "6"); code != 4 || !strings.Contains(stdout, "depth-first search short") {
		t.Fatalf("check --strategy dfs --max-depth 6: exit %d, want 4\n%s", code, stdout)
	}
}
