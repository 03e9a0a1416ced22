package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/harness"
)

// Reports show the workload a Multi-Paxos run really has (the defaults
// written out) in the SEED= line and the JSON config, leave defaults out of
// the replay command, and the replay command runs the same seed again:
// the same report, byte for byte.
func TestMultiPaxosReportsShowEffectiveConfig(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		seed   string // what the SEED= line shows of the workload
		replay string // the replay command's options after --seed 5
	}{
		{"defaults", []string{"--protocol", "multipaxos"},
			"clients=3 commands=4 reconfig=0.005", "--protocol multipaxos"},
		{"defaults given", []string{"--protocol", "multipaxos", "--clients", "3", "--commands", "4", "--reconfig", "0.005"},
			"clients=3 commands=4 reconfig=0.005", "--protocol multipaxos"},
		{"some set", []string{"--protocol", "multipaxos", "--clients", "2", "--reconfig", "none"},
			"clients=2 commands=4 reconfig=none", "--protocol multipaxos --clients 2 --reconfig none"},
		{"a schedule", []string{"--protocol", "multipaxos", "--nodes", "5", "--commands", "2", "--reconfig", "1+2+3@100", "--crash", "0.01"},
			"clients=3 commands=2 reconfig=1+2+3@100", "--protocol multipaxos --nodes 5 --commands 2 --reconfig 1+2+3@100 --crash 0.01"},
		{"a broken variant", []string{"--protocol", "multipaxos", "--variant", "no-dedup", "--drop", "0.05", "--crash", "0.01", "--partition", "0.01"},
			"clients=3 commands=4 reconfig=0.005", "--protocol multipaxos --variant no-dedup --crash 0.01 --partition 0.01"},
		{"paxos", nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			args := append([]string{"run", "--seed", "5"}, tc.args...)
			code, out, stderr := paxsim(t, ctx, args...)
			if stderr != "" || (code != exitOK && code != exitViolation) {
				t.Fatalf("%q: exit %d, stderr %s", args, code, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			seedLine := lines[0]
			if tc.seed == "" {
				for _, k := range []string{"clients=", "commands=", "reconfig="} {
					if strings.Contains(seedLine, k) {
						t.Errorf("a paxos SEED line shows %s: %s", k, seedLine)
					}
				}
			} else if !strings.Contains(seedLine, " "+tc.seed+" ") {
				t.Errorf("SEED line %q lacks %q", seedLine, tc.seed)
			}
			want := strings.TrimSpace("paxsim replay --seed 5 " + tc.replay)
			last := lines[len(lines)-1]
			replay, ok := strings.CutPrefix(last, "replay:")
			if !ok || strings.TrimSpace(replay) != want {
				t.Fatalf("replay line %q, want %q", last, want)
			}

			// The replay command, trace off, prints the same report.
			again := append(strings.Fields(want)[1:], "--trace=false")
			code2, out2, _ := paxsim(t, ctx, again...)
			if code2 != code || out2 != out {
				t.Errorf("%q printed (exit %d)\n%s\nwant (exit %d)\n%s", again, code2, out2, code, out)
			}

			// The JSON config has the same values as the SEED= line.
			_, js, _ := paxsim(t, ctx, append(args, "--json")...)
			var r struct {
				Config  map[string]any  `json:"config"`
				Replay  string          `json:"replay"`
				Service json.RawMessage `json:"service"`
			}
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				t.Fatal(err)
			}
			for _, kv := range strings.Fields(tc.seed) {
				k, v, _ := strings.Cut(kv, "=")
				if got := r.Config[k]; got == nil || jsonString(got) != v {
					t.Errorf("JSON config %s = %v, want %s", k, got, v)
				}
			}
			if r.Replay != want {
				t.Errorf("JSON replay %q, want %q", r.Replay, want)
			}
			if (tc.seed != "") != (len(r.Service) > 0) {
				t.Errorf("JSON service %s for %s", r.Service, tc.name)
			}
		})
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// The replay line of a Multi-Paxos config parses back to a config with the
// same effective values.
func TestMultiPaxosReplayLineRoundTrip(t *testing.T) {
	for _, args := range [][]string{
		{"--protocol", "multipaxos"},
		{"--protocol", "multipaxos", "--clients", "3"},
		{"--protocol", "multipaxos", "--clients", "1", "--commands", "9", "--reconfig", "0"},
		{"--protocol", "multipaxos", "--nodes", "5", "--reconfig", "1+2@10,1+2+3+4+5@300"},
	} {
		x := testInvocation
		o, _, err := x.parseFlags(runCmd, args)
		if err != nil {
			t.Fatal(err)
		}
		info := o.p.Info()
		line := x.replayLine(info, 9, o.cfg)
		back, _, err := x.parseFlags(replayCmd, strings.Fields(strings.TrimPrefix(line, "paxsim replay ")))
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if back.seed != 9 || !reflect.DeepEqual(back.cfg.Effective(info), o.cfg.Effective(info)) {
			t.Errorf("%q parses to %+v, want %+v", line, back.cfg.Effective(info), o.cfg.Effective(info))
		}
	}
}

// The campaign summary of Multi-Paxos says what the service did, not how
// many single values were chosen; its JSON carries the same totals.
func TestMultiPaxosCampaignSummary(t *testing.T) {
	ctx := context.Background()
	args := []string{"campaign", "--swarm=false", "--protocol", "multipaxos", "--seeds", "30", "--workers", "1", "--out", t.TempDir()}
	code, out, _ := paxsim(t, ctx, args...)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"clients=3 commands=4 reconfig=0.005",
		"operations:        360 of 360 answered\n",
		"committed:         360 key-value commands; ",
		"every replica of the core applied the whole log in 30 of 30 runs\n",
		"linearizable:      ok=30\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "value chosen") {
		t.Errorf("a Multi-Paxos summary counts chosen values:\n%s", out)
	}
	_, js, _ := paxsim(t, ctx, append(args, "--json")...)
	var r struct {
		campaign.Summary
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	if s := r.Service; s == nil || s.Operations != 360 || s.Answered != 360 || s.Commands != 360 || s.CaughtUp != 30 || r.Linearizability["ok"] != 30 {
		t.Errorf("JSON service %+v, linearizability %v", s, r.Linearizability)
	}
	if r.Config["clients"] != 3.0 || r.Config["commands"] != 4.0 || r.Config["reconfig"] != "0.005" {
		t.Errorf("JSON config %v", r.Config)
	}
}

// A campaign's Multi-Paxos reproducers replay through the CLI.
func TestMultiPaxosReproducersReplay(t *testing.T) {
	dir := t.TempDir()
	code, _, _ := paxsim(t, context.Background(), "campaign", "--swarm=false", "--protocol", "multipaxos", "--variant", "no-dedup",
		"--seeds", "30", "--workers", "1", "--out", dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "seed-*.json"))
	if code != exitViolation || len(files) == 0 {
		t.Fatalf("exit %d, %d reproducers", code, len(files))
	}
	for _, f := range files {
		code, out, stderr := paxsim(t, context.Background(), "replay", f, "--trace=false")
		if code != exitViolation || !strings.Contains(out, "reproduced:") || !strings.Contains(out, "clients=3 commands=4 reconfig=0.005") {
			t.Errorf("replay %s: exit %d\n%s%s", f, code, out, stderr)
		}
	}
}

// Multi-Paxos has decision traces: a campaign of a broken variant shrinks
// its failures, each group's folder holds shrunk.trace, and replaying it
// shows the violation; run --record writes a trace that replays to the
// run's verdict.
func TestMultiPaxosShrunkTracesReplay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	code, out, _ := paxsim(t, ctx, "campaign", "--protocol", "multipaxos", "--variant", "no-dedup", "--seeds", "20", "--workers", "1",
		"--max-shrinks", "2", "--out", dir)
	shrunk, _ := filepath.Glob(filepath.Join(dir, "*", "shrunk.trace"))
	groups, _ := filepath.Glob(filepath.Join(dir, "exactly-once-*"))
	if code != exitViolation || len(shrunk) == 0 || len(shrunk) != len(groups) {
		t.Fatalf("exit %d, %d shrunk traces in %d groups:\n%s", code, len(shrunk), len(groups), out)
	}
	code, out, stderr := paxsim(t, ctx, "replay", shrunk[0], "--trace=false")
	if code != exitViolation || !strings.Contains(out, "exactly-once violated") {
		t.Errorf("replay %s: exit %d\n%s%s", shrunk[0], code, out, stderr)
	}
	code, _, stderr = paxsim(t, ctx, "replay", shrunk[0], "--protocol", "paxos")
	if code != exitUsage || !strings.Contains(stderr, "--protocol multipaxos") {
		t.Errorf("replay of a multipaxos trace with --protocol paxos: exit %d, %s", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "x.trace")
	runCode, run, _ := paxsim(t, ctx, "run", "--protocol", "multipaxos", "--variant", "no-dedup", "--seed", "1", "--record", file)
	code, out, _ = paxsim(t, ctx, "replay", file, "--trace=false")
	if runCode != code || verdictLine(run) != verdictLine(out) {
		t.Errorf("run --record exit %d (%s), its replay exit %d (%s)", runCode, verdictLine(run), code, verdictLine(out))
	}
}

func verdictLine(report string) string {
	for _, l := range strings.Split(report, "\n") {
		if strings.HasPrefix(l, "verdict:") {
			return l
		}
	}
	return ""
}

// An unknown protocol is a usage error that lists the known ones.
func TestUnknownProtocol(t *testing.T) {
	for _, args := range [][]string{{"run", "--protocol", "nosuch", "--seed", "1"}, {"campaign", "--seeds", "1", "--protocol=nosuch"},
		{"check", "--protocol", "nosuch"}, {"mutants", "--protocol", "nosuch"}, {"variants", "--protocol", "nosuch"}, {"mutants", "--protocol", ""}} {
		code, _, stderr := paxsim(t, context.Background(), args...)
		if code != exitUsage || (args[2] == "nosuch" && !strings.Contains(stderr, "paxos, multipaxos")) {
			t.Errorf("paxsim %q: exit %d, %s", args, code, stderr)
		}
	}
	code, _, stderr := paxsim(t, context.Background(), "run", "--seed", "1", "--proposers", "2", "--protocol", "multipaxos")
	if code != exitUsage || !strings.Contains(stderr, "--proposers does not apply to --protocol multipaxos") {
		t.Errorf("--proposers with multipaxos: exit %d, %s", code, stderr)
	}
	code, _, stderr = paxsim(t, context.Background(), "run", "--seed", "1", "--alpha", "2")
	if code != exitUsage || !strings.Contains(stderr, "--alpha does not apply to --protocol paxos: it is a knob of --protocol multipaxos") {
		t.Errorf("--alpha with paxos: exit %d, %s", code, stderr)
	}
}

// usersProgram runs paxsim's command line as a user's program of one
// protocol would (Multi-Paxos, registered alone): exit code, stdout,
// stderr.
func usersProgram(t *testing.T) func(args ...string) (int, string, string) {
	t.Helper()
	reg, err := harness.NewRegistry(builtin.MultiPaxos())
	if err != nil {
		t.Fatal(err)
	}
	return func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), reg, args, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
}

// TestAUsersMain: a program that registers one protocol of its own gets
// every verb for it, the default without --protocol, and no other.
func TestAUsersMain(t *testing.T) {
	run := usersProgram(t)
	if code, out, _ := run("run", "--seed", "1"); code != exitOK || !strings.HasPrefix(out, "SEED=1 protocol=multipaxos ") || !strings.Contains(out, "replay:        paxsim replay --seed 1\n") {
		t.Errorf("run --seed 1: exit %d\n%s", code, out)
	}
	if code, _, stderr := run("run", "--seed", "1", "--protocol", "paxos"); code != exitUsage || !strings.Contains(stderr, `unknown protocol "paxos" (known: multipaxos)`) {
		t.Errorf("run --protocol paxos: exit %d, %s", code, stderr)
	}
	if code, out, _ := run("variants"); code != exitOK || strings.Contains(out, "\npaxos ") || !strings.Contains(out, "no-dedup") {
		t.Errorf("variants: exit %d\n%s", code, out)
	}
	if code, out, _ := run("mutants", "--variant", "no-restamp", "--no-explore"); code != exitOK || !strings.Contains(out, "mutants: 1 of 1 caught (multipaxos 1/1)") {
		t.Errorf("mutants: exit %d\n%s", code, out)
	}
	if code, out, _ := run("check", "--variant", "no-restamp", "--max-states", "5000"); code != exitViolation || !strings.Contains(out, "promise-kept") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
}

// TestAUsersScenarios: a program of its own protocols lists and runs only
// the shipped scenarios written for protocols it has (each shipped run
// line names its protocol), so a shipped paxos scenario is neither listed
// nor run on another protocol, and naming it says which protocol it needs.
func TestAUsersScenarios(t *testing.T) {
	run := usersProgram(t)
	code, out, _ := run("scenario", "list")
	if code != exitOK || !strings.Contains(out, "durability-multipaxos") || strings.Contains(out, "\ndurability ") ||
		strings.Contains(out, "qa-one-ballot") || !strings.Contains(out, "shipped scenarios are for protocols this program does not have") {
		t.Errorf("scenario list: exit %d\n%s", code, out)
	}
	code, _, stderr := run("scenario", "run", "durability")
	if code != exitUsage || !strings.Contains(stderr, "scenario durability is shipped for paxos, which this program does not have") {
		t.Errorf("scenario run durability: exit %d, %s", code, stderr)
	}
	code, out, stderr = run("scenario", "run", "--all")
	if code != exitOK || !strings.Contains(out, "every expectation holds") || strings.Contains(out, "== durability (") {
		t.Errorf("scenario run --all: exit %d\n%s\n%s", code, out, stderr)
	}
}

// TestMaxStatesIsTheDeepeningBudget: --max-states, larger than the budget
// the default depth bound deepens within, is the budget it deepens
// within: Multi-Paxos's default search stops at depth 14 (408,449
// states, its next level predicted past 500,000); with --max-states
// 1000000 it goes on to depth 15 (903,678).
func TestMaxStatesIsTheDeepeningBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("a search of 900,000 states")
	}
	code, out, stderr := paxsim(t, context.Background(), "check", "--protocol", "multipaxos", "--max-states", "1000000", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := decodeObject(t, out)
	if depth, _ := m["depth"].(float64); depth < 15 {
		t.Errorf("depth %v (%v states, stop %v): --max-states 1000000 did not deepen past the default budget", m["depth"], m["distinct"], m["stop"])
	}
}
