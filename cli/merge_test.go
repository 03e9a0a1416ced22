package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestShardFlag(t *testing.T) {
	for _, tt := range []struct {
		in           string
		index, count uint64
		err          string
	}{
		{"1/2", 1, 2, ""},
		{"2/2", 2, 2, ""},
		{"1/1", 1, 1, ""},
		{"64/100", 64, 100, ""},
		{"0/2", 0, 0, `"0/2" has no part 0: the parts of 2 go from 1/2 to 2/2`},
		{"3/2", 0, 0, `"3/2" has no part 3`},
		{"1/0", 0, 0, `"1/0" has M=0`},
		{"0/0", 0, 0, `"0/0" has M=0`},
		{"x", 0, 0, `"x" is not I/M`},
		{"2", 0, 0, `"2" is not I/M`},
		{"1/", 0, 0, `"1/" is not I/M with I and M positive integers`},
		{"/2", 0, 0, `is not I/M with I and M positive integers`},
		{"-1/2", 0, 0, `is not I/M with I and M positive integers`},
		{"1/2/3", 0, 0, `is not I/M with I and M positive integers`},
		{" 1/2", 0, 0, `is not I/M with I and M positive integers`},
		{"1/99999999999999999999", 0, 0, `is not I/M with I and M positive integers`},
	} {
		var s shardSpec
		err := s.Set(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.in, err)
		case tt.err == "" && (s.index != tt.index || s.count != tt.count || s.String() != tt.in):
			t.Errorf("%q: parsed as %d/%d (%s)", tt.in, s.index, s.count, s.String())
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
		}
	}
}

func TestBadShardIsAUsageError(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--shard", "0/2"}, `paxsim: invalid value for --shard: "0/2" has no part 0`},
		{[]string{"--shard", "3/2"}, `paxsim: invalid value for --shard: "3/2" has no part 3`},
		{[]string{"--shard", "x"}, `paxsim: invalid value for --shard: "x" is not I/M`},
		{[]string{"--shard", "5/50"}, "paxsim: invalid value for --shard: 50 parts of 40 seeds would leave parts empty: use at most 40"},
	} {
		code, out := runCLI(t, context.Background(), append([]string{"campaign", "--seeds", "40", "--out", ""}, tt.args...)...)
		if code != exitUsage || !strings.Contains(out, tt.want) || !strings.Contains(out, "run 'paxsim campaign --help' for usage") {
			t.Errorf("%v: exit %d, output:\n%s\nwant exit 2 and %q", tt.args, code, out, tt.want)
		}
	}
}

// runTo runs the CLI and writes its stdout to file, as a shell would with
// "> file"; it fails the test on output to stderr.
func runTo(t *testing.T, file string, wantCode int, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), registry, args, &stdout, &stderr)
	if code != wantCode || stderr.Len() > 0 {
		t.Fatalf("paxsim %s: exit %d (want %d), stderr:\n%s", strings.Join(args, " "), code, wantCode, stderr.String())
	}
	if file != "" {
		if err := os.WriteFile(file, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return stdout.String()
}

// TestShardedCampaignMergesToTheWholeOne is the acceptance run:
// the shards of a campaign, merged, print what the campaign run whole
// prints with --json, wall time and rates aside, and write the same failure
// folders; their "seeds" is the whole campaign's.
func TestShardedCampaignMergesToTheWholeOne(t *testing.T) {
	for _, tt := range []struct {
		name   string
		shards int
		code   int
		flags  []string
	}{
		{"correct", 2, exitOK, []string{"--seeds", "400"}},
		{"no-promise", 3, exitViolation, []string{"--seeds", "400", "--start", "50", "--variant", "no-promise", "--max-shrinks", "1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			var files []string
			for i := 1; i <= tt.shards; i++ {
				file := filepath.Join(dir, fmt.Sprintf("%d.jsonl", i))
				line := runTo(t, file, tt.code, append([]string{"campaign", "--shard", fmt.Sprintf("%d/%d", i, tt.shards), "--json", "--out", out}, tt.flags...)...)
				if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
					t.Fatalf("shard %d printed %d lines, want one JSON line", i, strings.Count(line, "\n"))
				}
				files = append(files, file)
			}
			whole := runTo(t, "", tt.code, append([]string{"campaign", "--json", "--out", out + "-whole"}, tt.flags...)...)
			merged := runTo(t, "", tt.code, append([]string{"merge", "--json", "--out", out + "-whole"}, files...)...)
			// The whole campaign and the merge wrote the same folder: move the
			// campaign's away and merge again to compare the folders.
			if err := os.Rename(out+"-whole", filepath.Join(dir, "whole")); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			again := runTo(t, "", tt.code, append([]string{"merge", "--json", "--out", out + "-whole"}, files...)...)
			if have, want := maskOutput(merged), maskOutput(whole); have != want {
				t.Fatalf("merge --json differs from the whole campaign's --json:\n%s", lineDiff(want, have))
			}
			if again != merged {
				t.Fatalf("merging again gave another summary:\n%s", lineDiff(merged, again))
			}
			if !strings.Contains(merged, `"seeds": 400,`) {
				t.Fatalf("merged summary does not count 400 seeds:\n%s", merged)
			}
			if tt.code == exitViolation {
				if !strings.Contains(merged, "not recorded or shrunk: only the first 1 groups are") {
					t.Fatal("no group left unshrunk: the test should make a shard shrink a group the whole campaign does not")
				}
				sameTree(t, filepath.Join(dir, "whole"), out+"-whole")
			}
		})
	}
}

// TestMergeFindsMovedShardFolders collects a Job's volume elsewhere, as
// kubectl cp does: results/shard-I-of-M.jsonl beside results/shard-I-of-M/.
func TestMergeFindsMovedShardFolders(t *testing.T) {
	dir := t.TempDir()
	vol := filepath.Join(dir, "volume")
	flags := []string{"--seeds", "200", "--variant", "ignore-promised-values", "--workers", "1", "--max-shrinks", "2", "--out", vol}
	for i := 1; i <= 2; i++ {
		runTo(t, filepath.Join(vol, fmt.Sprintf("shard-%d-of-2.jsonl", i)), exitViolation,
			append([]string{"campaign", "--shard", fmt.Sprintf("%d/2", i), "--json"}, flags...)...)
	}
	collected := filepath.Join(dir, "collected")
	if err := os.Rename(vol, collected); err != nil {
		t.Fatal(err)
	}
	merged := filepath.Join(dir, "merged")
	code, out := runCLI(t, context.Background(), "merge", "--out", merged,
		filepath.Join(collected, "shard-1-of-2.jsonl"), filepath.Join(collected, "shard-2-of-2.jsonl"))
	if code != exitViolation || !strings.Contains(out, "merged 2 shards of the campaign of seeds 0..199") || !strings.Contains(out, "folder:     "+merged) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if files, _ := filepath.Glob(filepath.Join(merged, "*", "seed-*.json")); len(files) == 0 {
		t.Fatal("no reproducer in the merged folders")
	}
	// Without the shards' folders: say what to do.
	if err := os.RemoveAll(filepath.Join(collected, "shard-2-of-2")); err != nil {
		t.Fatal(err)
	}
	code, out = runCLI(t, context.Background(), "merge", "--out", filepath.Join(dir, "again"),
		filepath.Join(collected, "shard-1-of-2.jsonl"), filepath.Join(collected, "shard-2-of-2.jsonl"))
	if code != exitUsage || !strings.Contains(out, "keep each shard's folder shard-I-of-M next to its result file") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out = runCLI(t, context.Background(), "merge", "--out", "",
		filepath.Join(collected, "shard-1-of-2.jsonl"), filepath.Join(collected, "shard-2-of-2.jsonl"))
	if code != exitViolation || strings.Contains(out, "folder:") {
		t.Fatalf("merge --out '': exit %d:\n%s", code, out)
	}
}

func TestMergeRefusesWhatIsNotOneCampaign(t *testing.T) {
	dir := t.TempDir()
	shard := func(name string, args ...string) string {
		file := filepath.Join(dir, name)
		runTo(t, file, exitOK, append([]string{"campaign", "--json", "--workers", "1", "--out", ""}, args...)...)
		return file
	}
	one := shard("1.jsonl", "--seeds", "30", "--shard", "1/3")
	two := shard("2.jsonl", "--seeds", "30", "--shard", "2/3")
	three := shard("3.jsonl", "--seeds", "30", "--shard", "3/3")
	otherSeeds := shard("3-of-40.jsonl", "--seeds", "40", "--shard", "3/3")
	otherConfig := shard("3-drop.jsonl", "--seeds", "30", "--shard", "3/3", "--drop", "0.2")
	otherShrinks := shard("3-shrinks.jsonl", "--seeds", "30", "--shard", "3/3", "--max-shrinks", "1")
	otherSwarm := shard("3-swarm.jsonl", "--seeds", "30", "--shard", "3/3", "--swarm=false")
	otherPinned := shard("3-pinned.jsonl", "--seeds", "30", "--shard", "3/3", "--drop", "0.05")
	otherProtocol := shard("3-multipaxos.jsonl", "--seeds", "30", "--shard", "3/3", "--protocol", "multipaxos")
	whole := shard("whole.json", "--seeds", "30")
	both := filepath.Join(dir, "both.jsonl")
	if err := os.WriteFile(both, []byte(readFile(t, one)+readFile(t, two)), 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("seeds=30\n"), 0o644)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o644)
	unknown := filepath.Join(dir, "unknown.jsonl")
	os.WriteFile(unknown, []byte(strings.Replace(readFile(t, three), `"seeds":`, `"sedes":`, 1)), 0o644)

	if code, out := runCLI(t, context.Background(), "merge", "--out", "", both, three); code != exitOK || !strings.Contains(out, "seeds run:         30\n") {
		t.Fatalf("two shards in one file and one in another: exit %d\n%s", code, out)
	}
	for _, tt := range []struct {
		files []string
		want  string
	}{
		{nil, "merge needs the shards' result files"},
		{[]string{one, two}, "shards missing: 3/3 (merge needs all 3, each once)"},
		{[]string{one, two, three, three}, "shard 3/3 is given twice"},
		{[]string{one, two, otherSeeds}, "cannot merge shards of different campaigns: " + one + " (shard 1/3) has the seeds 0..29, " + otherSeeds + " (shard 3/3) has 0..39"},
		{[]string{one, two, otherConfig}, "has the config protocol=paxos variant=none nodes=3"},
		{[]string{one, two, otherShrinks}, "has --max-shrinks 64, " + otherShrinks + " (shard 3/3) has 1"},
		{[]string{one, two, otherSwarm}, "has --swarm true, " + otherSwarm + " (shard 3/3) has false"},
		{[]string{one, two, otherPinned}, "has the pinned knobs [], " + otherPinned + " (shard 3/3) has [drop]"},
		{[]string{one, two, otherProtocol}, "has --protocol paxos, " + otherProtocol + " (shard 3/3) has multipaxos"},
		{[]string{one, two, whole}, whole + ": result 1 is a campaign's but not a shard's"},
		{[]string{one, two, garbage}, garbage + ": result 1 is not a campaign shard's result"},
		{[]string{one, two, unknown}, `unknown field "sedes"`},
		{[]string{one, two, empty}, empty + ": no shard result in it"},
		{[]string{one, two, filepath.Join(dir, "missing")}, "cannot read " + filepath.Join(dir, "missing") + ": no such file or directory"},
	} {
		code, out := runCLI(t, context.Background(), append([]string{"merge", "--out", ""}, tt.files...)...)
		if code != exitUsage || !strings.Contains(out, tt.want) {
			t.Errorf("merge %v: exit %d, output:\n%s\nwant exit 2 and %q", tt.files, code, out, tt.want)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// sameTree checks that two folders hold the same files, byte for byte.
func sameTree(t *testing.T, want, have string) {
	t.Helper()
	list := func(root string) map[string]string {
		m := map[string]string{}
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(root, path)
				m[rel] = readFile(t, path)
			}
			return err
		})
		return m
	}
	w, h := list(want), list(have)
	if len(w) == 0 || len(w) != len(h) {
		t.Fatalf("%d files in the whole campaign's folders, %d in the merge's", len(w), len(h))
	}
	for name, data := range w {
		if h[name] != data {
			t.Errorf("%s differs:\n%s", name, lineDiff(data, h[name]))
		}
	}
}

// TestShardLeavesCoverageGapsToMerge: a shard with a coverage gap succeeds
// (its pod keeps its result); the merged campaign has the gap and exits 3,
// the code of a coverage gap.
func TestShardLeavesCoverageGapsToMerge(t *testing.T) {
	dir := t.TempDir()
	flags := []string{"--swarm=false", "--seeds", "600", "--redeliver", "0.000001", "--workers", "1", "--out", ""}
	var files []string
	for i := 1; i <= 2; i++ {
		file := filepath.Join(dir, fmt.Sprintf("%d.jsonl", i))
		runTo(t, file, exitOK, append([]string{"campaign", "--json", "--shard", fmt.Sprintf("%d/2", i)}, flags...)...)
		files = append(files, file)
	}
	whole, wout := runCLI(t, context.Background(), append([]string{"campaign"}, flags...)...)
	merged, mout := runCLI(t, context.Background(), append([]string{"merge", "--out", ""}, files...)...)
	if whole != exitCoverageGap || merged != exitCoverageGap || !strings.Contains(mout, "coverage gaps") {
		t.Fatalf("campaign exit %d, merge exit %d, want %d for both (a coverage gap):\n%s\n%s", whole, merged, exitCoverageGap, wout, mout)
	}
}

// TestMergeRefusesEditedCounts: a shard's result whose counts no campaign
// could report (more seeds than its part, fewer without an interrupt, a
// negative count) is refused, naming the file and the field, exit 2. An
// interrupted shard merges, and the campaign is then incomplete (exit 4).
func TestMergeRefusesEditedCounts(t *testing.T) {
	dir := t.TempDir()
	one, two := filepath.Join(dir, "1.jsonl"), filepath.Join(dir, "2.jsonl")
	runTo(t, one, exitOK, "campaign", "--json", "--seeds", "400", "--shard", "1/2", "--out", "")
	runTo(t, two, exitOK, "campaign", "--json", "--seeds", "400", "--shard", "2/2", "--out", "")
	edit := func(name, from, to string) string {
		file := filepath.Join(dir, name)
		text := readFile(t, two)
		re := regexp.MustCompile(from)
		if !re.MatchString(text) {
			t.Fatalf("%s lacks %q", two, from)
		}
		os.WriteFile(file, []byte(re.ReplaceAllString(text, to)), 0o644)
		return file
	}
	for _, tt := range []struct {
		file, want string
	}{
		{edit("many.jsonl", `"seeds":200,`, `"seeds":1000000000000,`), "seeds is 1000000000000, more than the 200 requested"},
		{edit("fewer.jsonl", `"seeds":200,`, `"seeds":150,`), "seeds is 150 of the 200 requested, but interrupted is false"},
		{edit("negative.jsonl", `"events":[0-9]+`, `"events":-1`), "events is -1: a count cannot be negative"},
	} {
		code, out := runCLI(t, context.Background(), "merge", "--out", "", one, tt.file)
		want := tt.file + ": result 1 (shard 2/2) is not a campaign's as it ran: " + tt.want
		if code != exitUsage || !strings.Contains(out, want) {
			t.Errorf("merge of %s: exit %d\n%s\nwant exit 2 and %q", filepath.Base(tt.file), code, out, want)
		}
	}
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	code, js, _ := paxsim(t, stopped, "campaign", "--json", "--seeds", "400", "--shard", "2/2", "--out", "")
	interrupted := filepath.Join(dir, "interrupted.jsonl")
	os.WriteFile(interrupted, []byte(js), 0o644)
	if code != exitIncomplete {
		t.Errorf("an interrupted shard: exit %d, want %d", code, exitIncomplete)
	}
	code, out := runCLI(t, context.Background(), "merge", "--out", "", one, interrupted)
	if code != exitIncomplete || !strings.Contains(out, "INTERRUPTED after 200 of 400 seeds") {
		t.Errorf("merge of an interrupted shard: exit %d, want %d\n%s", code, exitIncomplete, out)
	}
}
