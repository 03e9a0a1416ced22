package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// badInputFiles writes the files the bad-input sweep reads, each a way a
// file goes wrong, and returns their paths by placeholder ({trace} is a
// good decision trace, {rep} a good reproducer).
func badInputFiles(t *testing.T) map[string]string {
	t.Helper()
	// A recorded trace with comments above its header, as run --record
	// writes one: its config is on line 5, its first step on line 7.
	tr := "# recorded by: a test\n# replay: x\n# shrink: y\n" + recordedTrace(t)
	rep := reproducerText(t, func(s string) string { return s })
	edit := func(old, new string) string {
		if !strings.Contains(tr, old) {
			t.Fatalf("the recorded trace has no %q", old)
		}
		return strings.Replace(tr, old, new, 1)
	}
	lines := strings.Split(tr, "\n")
	var steps []int // the message steps' lines, to swap two of them
	for i, l := range lines {
		if strings.HasPrefix(l, "deliver ") || strings.HasPrefix(l, "drop ") {
			steps = append(steps, i)
		}
	}
	lines[steps[0]], lines[steps[5]] = lines[steps[5]], lines[steps[0]]
	dir := t.TempDir()
	files := map[string]string{
		"{trace}":        tr,
		"{rep}":          rep,
		"{empty}":        "",
		"{garbage}":      "\x00\x9f\xffPK\x03\x04 binary \x01\x02\n\x7f",
		"{truncated}":    tr[:strings.Index(tr, "\ndeliver ")+4],
		"{longline}":     edit("\nseed 3\n", "\nseed 3\n# "+strings.Repeat("y", 1<<20+10)+"\n"),
		"{nodeout}":      edit("\nseed 3\n", "\nseed 3\ncrash 9\n"),
		"{reordered}":    strings.Join(lines, "\n"),
		"{unknownstep}":  edit("\nseed 3\n", "\nseed 3\nfrobnicate 1 2\n"),
		"{arity}":        edit("\nseed 3\n", "\nseed 3\nrand 1 2 3\n"),
		"{badconfig}":    strings.Replace(tr, `"max_events":1000000`, `"max_events":-5`, 1),
		"{otherproto}":   strings.Replace(tr, `"protocol":"paxos"`, `"protocol":"multipaxos"`, 1),
		"{summary}":      `{"start": 0, "seeds": 5}`,
		"{zero-length}":  "\n\n# only a comment\n",
		"{scn-unknown}":  "run expect=ok\nclient 1 proposes v1 to 1\nfrobnicate 1->1 Request\n----\n",
		"{scn-badnode}":  "run expect=ok\nclient 1 proposes v1 to 1\ndeliver client->9 Request\n----\n",
		"{scn-arity}":    "run expect=ok\nclient 1 proposes v1 to 1\ntimer 1 2 3 4\n----\n",
		"{scn-badrun}":   "run expect=ok nodes=0\nclient 1 proposes v1 to 1\n----\n",
		"{scn-twice}":    "run expect=ok expect=agreement\nclient 1 proposes v1 to 1\n----\n",
		"{scn-norun}":    "client 1 proposes v1 to 1\n----\n",
		"{scn-variant}":  "run variant=bogus expect=ok\nclient 1 proposes v1 to 1\n----\n",
		"{scn-protocol}": "run protocol=raft expect=ok\nclient 1 proposes v1 to 1\n----\n",
	}
	paths := map[string]string{"{dir}": dir, "{missing}": filepath.Join(dir, "no-such-file"),
		"{nofolder}": filepath.Join(dir, "no-such-folder", "x"), "{zero}": os.DevNull, "{zero-dev}": "/dev/zero"}
	// a reproducer whose default shrunk trace, x.shrunk.trace, is a folder
	if err := os.MkdirAll(filepath.Join(dir, "x.shrunk.trace"), 0o755); err != nil {
		t.Fatal(err)
	}
	paths["{shrunk-in-dir}"] = filepath.Join(dir, "x.json")
	if err := os.WriteFile(paths["{shrunk-in-dir}"], []byte(rep), 0o644); err != nil {
		t.Fatal(err)
	}
	for key, text := range files {
		name := strings.Trim(key, "{}")
		if strings.HasPrefix(name, "scn-") {
			name += ".txt"
		} else if name == "rep" || name == "summary" {
			name += ".json"
		} else {
			name += ".trace"
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths[key] = path
	}
	return paths
}

// verdictOutput is output that reads as a verdict: a bad input must print
// none (a script reading stdout must not take it for a result).
var verdictOutput = regexp.MustCompile(`(?m)^(verdict|violations|reproduced|trace hash|seeds run|distinct):|"verdict"|every expectation holds|^wrote `)

// TestBadInputSweep runs the command line on bad input, verb by verb:
// flags unknown, misspelled, given twice, out of range, zero where zero
// means nothing, huge, NaN, empty, contradictory; protocols and variants
// that do not exist or belong to another protocol; files missing,
// folders, empty, binary, truncated, with a line too long, of another
// protocol, with steps out of range, reordered or unknown; scenario
// scripts with unknown steps, bad arguments, wrong arity; output paths
// that are folders or in missing folders. Each must exit 2 with a message
// that names the culprit (the flag, or file:line), no panic, and nothing
// on stdout that reads as a verdict.
func TestBadInputSweep(t *testing.T) {
	files := badInputFiles(t)
	tests := []struct {
		args string // split on spaces; {placeholders} are badInputFiles' paths
		want []string
	}{
		// verbs and flags
		{"runn", []string{`unknown command "runn"`}},
		{"--seed 1", []string{"unknown flag --seed"}},
		{"run --sed 1", []string{"unknown flag --sed"}},
		{"run --seed 1 --seed 2", []string{"--seed is given twice"}},
		{"run --seed 1 --trace --trace", []string{"--trace is given twice"}},
		{"campaign --seeds 5 --seeds 6", []string{"--seeds is given twice"}},
		{"check --max-states 10 --max-states 20", []string{"--max-states is given twice"}},
		{"run --seed -1", []string{"--seed"}},
		{"run --seed 18446744073709551616", []string{"--seed", "out of range"}},
		{"run --seed 1e18", []string{"--seed"}},
		{"run --seed 1 --nodes 0", []string{"--nodes"}},
		{"run --seed 1 --nodes 99999999999999999999", []string{"--nodes", "out of range"}},
		{"run --seed 1 --proposers 0", []string{"--proposers", "at least 1"}},
		{"check --proposers 0", []string{"--proposers", "at least 1"}},
		{"run --seed 1 --protocol multipaxos --clients 0", []string{"--clients", "at least 1"}},
		{"run --seed 1 --protocol multipaxos --commands 0", []string{"--commands", "at least 1"}},
		{"check --protocol multipaxos --clients 0", []string{"--clients"}},
		{"check --protocol multipaxos --commands 0", []string{"--commands", "at least 1"}},
		{"check --protocol multipaxos --commands 16", []string{"--commands", "1 to 15"}},
		{"check --commands 2", []string{"--commands", "does not apply to --protocol paxos"}},
		{"check --walks 10", []string{"--walks", "--strategy random"}},
		{"check --seed 3", []string{"--seed", "--strategy random"}},
		{"check --strategy random --walks 0", []string{"--walks", "at least 1"}},
		{"check --strategy random --walks -1", []string{"--walks"}},
		{"check --strategy random --por --network multiset --fifo", []string{"--por", "--strategy bfs"}},
		{"check --strategy walk", []string{"--strategy", "bfs, dfs or random"}},
		{"check --refine --strategy random", []string{"--refine", "--strategy bfs"}},
		{"check --refine --strategy dfs", []string{"--refine", "--strategy bfs"}},
		{"check --por", []string{"--por", "--network multiset --fifo", "set network"}},
		{"check --por --network multiset", []string{"--por", "multiset network"}},
		{"check --por --network multiset --fifo --strategy dfs", []string{"--por", "--strategy bfs"}},
		{"check --por --network multiset --fifo --refine", []string{"--por", "--refine"}},
		{"check --model spec --por", []string{"--por"}},
		{"run --seed 1 --drop NaN", []string{"--drop"}},
		{"run --seed 1 --crash Inf", []string{"--crash"}},
		{"run --seed 1 --dup -0.1", []string{"--dup"}},
		{"run --seed 1 --delay ", []string{"--delay"}},
		{"run --seed 1 --delay 1-9223372036854775807", []string{"--delay"}},
		{"run --seed 1 --fault-interval 9223372036854775807", []string{"--fault-interval"}},
		{"run --seed 1 --heal-at 9223372036854775807", []string{"--heal-at"}},
		{"run --seed 1 --max-events 0", []string{"--max-events"}},
		{"run --seed 1 --pct-depth 0", []string{"--pct-depth"}},
		{"run --seed 1 --fault crash:1@9223372036854775807", []string{"--fault", "never happen"}},
		{"run --seed 1 --fault crash:1,1@10", []string{"--fault", "twice"}},
		{"run --seed 1 --protocol multipaxos --reconfig 1+1@100", []string{"--reconfig", "twice"}},
		{"check --protocol multipaxos --reconfig 1+1", []string{"--reconfig", "twice"}},
		{"run --seed 1 --protocol raft", []string{"--protocol", "raft"}},
		{"run --seed 1 --protocol ", []string{"--protocol", "empty"}},
		{"run --seed 1 --variant no-dedup", []string{"--variant", "no-dedup"}},
		{"run --seed 1 --alpha 2", []string{"--alpha", "multipaxos"}},
		{"run --seed 1 extra", []string{`unexpected argument "extra"`}},
		// campaign and merge
		{"campaign --seeds 0", []string{"--seeds"}},
		{"campaign --seeds 2 --start 18446744073709551615", []string{"--seeds", "overflow"}},
		{"campaign --seeds 2 --shard 3/2", []string{"--shard"}},
		{"campaign --seeds 2 --shard 1/0", []string{"--shard"}},
		{"campaign --seeds 2 --workers -1", []string{"--workers"}},
		{"campaign --seeds 2 --max-memory NaN", []string{"--max-memory"}},
		{"campaign --seeds 2 --out {trace}", []string{"--out", "not a folder"}},
		{"campaign --seeds 2 --outcomes {dir}", []string{"--outcomes"}},
		{"campaign --seeds 2 --baseline {garbage}", []string{"--baseline", "{garbage}"}},
		{"campaign --seeds 2 --baseline {zero}", []string{"--baseline"}},
		{"merge", []string{"merge needs"}},
		{"merge {missing}", []string{"{missing}"}},
		{"merge {dir}", []string{"{dir}"}},
		{"merge {empty}", []string{"{empty}"}},
		{"merge {garbage}", []string{"{garbage}"}},
		{"merge {summary}", []string{"{summary}"}},
		// replay, shrink, view, scenario import: files
		{"replay", []string{"replay needs"}},
		{"replay {missing}", []string{"{missing}"}},
		{"replay {dir}", []string{"{dir}"}},
		{"replay {empty}", []string{"{empty}", "empty"}},
		{"replay {zero-length}", []string{"{zero-length}", "empty"}},
		{"replay {zero}", []string{os.DevNull}},
		{"replay {garbage}", []string{"{garbage}:1:", "neither a decision trace"}},
		{"replay {truncated}", []string{"{truncated}:", "unknown step"}},
		{"replay {longline}", []string{"{longline}:", "longer than"}},
		{"replay {nodeout}", []string{"{nodeout}:7:", "node 9 does not exist"}},
		{"replay {reordered}", []string{"{reordered}:", "cannot be taken"}},
		{"replay {unknownstep}", []string{"{unknownstep}:7:", "frobnicate"}},
		{"replay {arity}", []string{"{arity}:7:", "rand NODE VALUE"}},
		{"replay {badconfig}", []string{"{badconfig}:5:", "max-events"}},
		{"replay {otherproto}", []string{"{otherproto}:", "client 1"}},
		{"replay {summary}", []string{"{summary}", "not a reproducer"}},
		{"replay {trace} --protocol multipaxos", []string{"--protocol paxos"}},
		{"replay {trace} --nodes 5", []string{"--nodes"}},
		{"replay {trace} --format bogus", []string{"--format"}},
		{"replay {trace} --format html --out {dir}", []string{"--out", "is a folder"}},
		{"replay {trace} --html {nofolder}", []string{"--html", "{nofolder}"}},
		{"shrink {garbage}", []string{"{garbage}:1:"}},
		{"shrink {trace}", []string{"{trace}", "does not fail"}},
		{"shrink {trace} --budget 0", []string{"--budget"}},
		{"shrink {rep} --out {dir}", []string{"--out", "is a folder"}},
		{"shrink {rep} --out {nofolder}", []string{"--out", "{nofolder}"}},
		{"shrink {rep} --out {rep}", []string{"--out", "the input file {rep}"}},
		{"shrink {shrunk-in-dir}", []string{"cannot write the shrunk trace beside FILE", "is a folder"}},
		{"scenario import {trace} --out {trace}", []string{"--out", "the input file {trace}"}},
		{"view {garbage}", []string{"{garbage}:1:"}},
		{"view {trace} --addr bogus", []string{"--addr"}},
		{"run --seed 1 --record {dir}", []string{"--record", "is a folder"}},
		{"run --seed 1 --html {nofolder}", []string{"--html"}},
		{"check --out {dir} --variant minority-quorum", []string{"--out", "is a folder"}},
		// scenario
		{"scenario", []string{"scenario needs"}},
		{"scenario bogus", []string{`"bogus"`}},
		{"scenario run bogus-name", []string{`"bogus-name"`}},
		{"scenario run {missing}.txt", []string{"{missing}.txt"}},
		{"scenario run {empty}", []string{"{empty}"}},
		{"scenario run {scn-unknown}", []string{"{scn-unknown}:3:", "frobnicate"}},
		{"scenario run {scn-badnode}", []string{"{scn-badnode}:3:", "node 9"}},
		{"scenario run {scn-arity}", []string{"{scn-arity}:3:", "timer"}},
		{"scenario run {scn-badrun}", []string{"{scn-badrun}:1:", "nodes=0"}},
		{"scenario run {scn-twice}", []string{"{scn-twice}:1:", "twice"}},
		{"scenario run {scn-norun}", []string{"{scn-norun}:1:"}},
		{"scenario run {scn-variant}", []string{"{scn-variant}:1:", "bogus"}},
		{"scenario run {scn-protocol}", []string{"{scn-protocol}:1:", "raft"}},
		{"scenario run --all --variant ", []string{"--variant", "empty"}},
		{"scenario run qa-one-ballot --variant no-dedup", []string{"--variant", "nothing would be tested"}},
		{"scenario import {garbage}", []string{"{garbage}:1:"}},
		{"scenario import {trace} --name ", []string{"--name", "empty"}},
		{"scenario import {trace} --out {dir}", []string{"--out", "is a folder"}},
		// check
		{"check --model bogus", []string{"--model"}},
		{"check --model spec --crashes 1", []string{"--crashes"}},
		{"check --network set --fifo", []string{"--fifo"}},
		{"check --nodes 64", []string{"--nodes"}},
		{"check --max-memory 0", []string{"--max-memory"}},
		{"check --max-memory Inf", []string{"--max-memory"}},
		{"check --properties bogus", []string{"--properties"}},
		{"check --strategy ", []string{"--strategy"}},
		// mutants, variants, help, version
		{"mutants --offsets 3", []string{"--offsets", "--time-to-find"}},
		{"mutants --operators all", []string{"--operators", "--source"}},
		{"mutants --source --time-to-find", []string{"--source", "--time-to-find"}},
		{"mutants --no-explore --time-to-find", []string{"--no-explore"}},
		{"mutants --budget 0", []string{"--budget"}},
		{"mutants --mutant-timeout bogus --source", []string{"--mutant-timeout", "not a duration"}},
		{"mutants --source --source-dirs protocol --equivalent {zero-dev}", []string{"--equivalent", "{zero-dev}:1:", "longer than"}},
		{"mutants --protocol bogus", []string{"--protocol"}},
		{"variants --protocol ", []string{"--protocol"}},
		{"help bogus", []string{`"bogus"`}},
		{"version extra", []string{`"extra"`}},
	}
	for _, tt := range tests {
		args := strings.Split(tt.args, " ")
		for i, a := range args {
			args[i] = expand(a, files)
		}
		code, stdout, stderr := paxsim(t, context.Background(), args...)
		name := strings.Join(args, " ")
		if len(name) > 200 {
			name = name[:200]
		}
		switch {
		case code != exitUsage:
			t.Errorf("paxsim %s: exit %d, want %d; stderr:\n%s", name, code, exitUsage, stderr)
		case strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "internal error"):
			t.Errorf("paxsim %s: a panic:\n%s", name, stderr)
		case verdictOutput.MatchString(stdout):
			t.Errorf("paxsim %s: stdout reads as a verdict:\n%s", name, stdout)
		}
		for _, w := range tt.want {
			if w = expand(w, files); !strings.Contains(stderr, w) {
				t.Errorf("paxsim %s: stderr does not name %q:\n%s", name, w, stderr)
			}
		}
	}
}

// expand replaces the {placeholders} in s by the paths of files.
func expand(s string, files map[string]string) string {
	for key, path := range files {
		s = strings.ReplaceAll(s, key, path)
	}
	return s
}

// TestMemoryBoundsStopCleanly: a memory cap past what the machine can
// give is bounded, with a note, so that the search stops incomplete
// rather than being killed; a campaign whose heap passes its cap stops,
// incomplete (exit 4), and says why.
func TestMemoryBoundsStopCleanly(t *testing.T) {
	ctx := context.Background()
	code, _, stderr := paxsim(t, ctx, "check", "--max-memory", "1e18", "--max-states", "10")
	if code != exitIncomplete || !strings.Contains(stderr, "--max-memory 1e18: using ") {
		t.Errorf("check --max-memory 1e18: exit %d, want %d with a note:\n%s", code, exitIncomplete, stderr)
	}
	code, stdout, stderr := paxsim(t, ctx, "campaign", "--seeds", "100000", "--workers", "1", "--out", "", "--max-memory", "0.00001")
	if code != exitIncomplete || !strings.Contains(stdout, "STOPPED BY --max-memory after 256 of 100000 seeds") ||
		!strings.Contains(stderr, "stopped by --max-memory") {
		t.Errorf("campaign --max-memory 0.00001: exit %d, want %d, stopped at the first heap read:\n%s%s", code, exitIncomplete, stdout, stderr)
	}
	code, stdout, _ = paxsim(t, ctx, "campaign", "--seeds", "100000", "--workers", "1", "--out", "", "--max-memory", "0.00001", "--json")
	if m := decodeObject(t, stdout); code != exitIncomplete || m["memory_stop"] != true || m["interrupted"] != true {
		t.Errorf("campaign --json: exit %d, memory_stop %v, interrupted %v", code, m["memory_stop"], m["interrupted"])
	}
}

// fullDisk is a standard output that cannot be written, as /dev/full.
type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestAReportThatCannotBeWrittenIsNotAPass: a passing run or campaign
// whose report is lost (a full disk, standard output unwritable) exits 2
// saying so, not 0; a violation keeps its exit 1.
func TestAReportThatCannotBeWrittenIsNotAPass(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"run", "--seed", "1"}, exitUsage},
		{[]string{"campaign", "--seeds", "3", "--workers", "1", "--out", "", "--json"}, exitUsage},
		{[]string{"variants"}, exitUsage},
		{[]string{"replay", "testdata/reproducer-seed-12.json"}, exitViolation},
	} {
		var stderr strings.Builder
		code := Run(context.Background(), registry, tt.args, fullDisk{}, &stderr)
		if code != tt.want || (tt.want == exitUsage && !strings.Contains(stderr.String(), "cannot write the standard output: no space left on device")) {
			t.Errorf("paxsim %s > /dev/full: exit %d, want %d; stderr:\n%s", strings.Join(tt.args, " "), code, tt.want, stderr.String())
		}
	}
}
