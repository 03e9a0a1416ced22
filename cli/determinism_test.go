package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestCheckDeterminismRunsASecondProcess: --check-determinism runs the
// seed, or the campaign, again in a second paxsim process, with the
// config flags of the command line and, for a campaign, another number of
// workers and the command's part of the seeds; the runs agree.
func TestCheckDeterminismRunsASecondProcess(t *testing.T) {
	log := filepath.Join(t.TempDir(), "processes")
	t.Setenv("PAXSIM_TEST_CLI_LOG", log)
	ctx := context.Background()
	code, out, stderr := paxsim(t, ctx, "run", "--seed", "7", "--nodes", "5", "--check-determinism", "--html", filepath.Join(t.TempDir(), "h.html"))
	if code != exitOK || !strings.Contains(out, "determinism:   ok: a second run here and a third in another process") {
		t.Fatalf("run --check-determinism: exit %d\n%s%s", code, out, stderr)
	}
	code, js, stderr := paxsim(t, ctx, "campaign", "--seeds", "80", "--shard", "2/2", "--workers", "2", "--nodes=5",
		"--check-determinism", "--json", "--max-shrinks", "3", "--out", t.TempDir())
	if code != exitOK {
		t.Fatalf("campaign --check-determinism: exit %d\n%s%s", code, js, stderr)
	}
	if nd := decodeObject(t, js)["nondeterministic"]; !reflect.DeepEqual(nd, []any{}) {
		t.Fatalf("nondeterministic %v, want none", nd)
	}
	ran, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(ran)), "\n")
	if len(lines) != 2 {
		t.Fatalf("second processes:\n%s\nwant one run and one campaign", ran)
	}
	if want := "run --seed 7 --trace --json --swarm=false --nodes 5"; lines[0] != want {
		t.Errorf("the run's second process ran\n%s\nwant\n%s", lines[0], want)
	}
	for _, want := range []string{"campaign --seeds 80 --shard 2/2 --nodes=5 --check-determinism=false --no-shrink --workers 1 --out ", " --outcomes "} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("the campaign's second process ran\n%s\nwhich lacks %q", lines[1], want)
		}
	}
	for _, unwanted := range []string{"--json", "--max-shrinks", "--workers 2"} {
		if strings.Contains(lines[1], unwanted) {
			t.Errorf("the campaign's second process ran\n%s\nwith %q", lines[1], unwanted)
		}
	}
}

// TestCheckDeterminismCatchesAnotherProcess: a second process whose runs
// differ from this one's (its seeds' delays pinned otherwise) is caught,
// seed by seed, with the first trace line that differs for the first
// seeds, although every seed agrees with itself within each process.
func TestCheckDeterminismCatchesAnotherProcess(t *testing.T) {
	t.Setenv("PAXSIM_TEST_CLI_EXTRA", "--delay 1")
	ctx := context.Background()
	code, out, stderr := paxsim(t, ctx, "run", "--seed", "7", "--check-determinism")
	if code != exitViolation || !strings.Contains(out, "NOT DETERMINISTIC") ||
		!strings.Contains(out, "in another process: first divergent trace line") {
		t.Fatalf("run --check-determinism: exit %d, want 1 and the first divergent line\n%s%s", code, out, stderr)
	}
	code, js, stderr := paxsim(t, ctx, "campaign", "--seeds", "30", "--workers", "2", "--check-determinism", "--json", "--out", t.TempDir())
	var sum struct {
		Nondeterministic []struct {
			Seed   uint64
			Detail string
		}
	}
	if err := json.Unmarshal([]byte(js), &sum); err != nil || code != exitViolation {
		t.Fatalf("campaign --check-determinism: exit %d (want 1), %v\n%s%s", code, err, js, stderr)
	}
	if len(sum.Nondeterministic) < 10 {
		t.Fatalf("%d seeds found nondeterministic, want most of 30: %+v", len(sum.Nondeterministic), sum.Nondeterministic)
	}
	for i, d := range sum.Nondeterministic {
		if !strings.Contains(d.Detail, "here") || !strings.Contains(d.Detail, "in another process (1 workers)") {
			t.Errorf("seed %d: detail %q does not say what differed where", d.Seed, d.Detail)
		}
		if first := strings.Contains(d.Detail, "first divergent trace line"); first != (i < detailedDivergences) {
			t.Errorf("seed %d (divergence %d): first divergent line given: %v\n%s", d.Seed, i, first, d.Detail)
		}
	}
}

// TestOutcomesFile: --outcomes writes the same file for any number of
// workers; an unusable path is a usage error naming the flag.
func TestOutcomesFile(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, w := range []string{"1", "2"} {
		if code, _, stderr := paxsim(t, ctx, "campaign", "--seeds", "50", "--protocol", "multipaxos", "--workers", w,
			"--out", dir, "--outcomes", filepath.Join(dir, w)); code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	one, _ := os.ReadFile(filepath.Join(dir, "1"))
	two, _ := os.ReadFile(filepath.Join(dir, "2"))
	if len(one) == 0 || !bytes.Equal(one, two) || bytes.Count(one, []byte("\n")) != 51 {
		t.Fatalf("1 worker wrote\n%s\n2 workers wrote\n%s", one, two)
	}
	code, _, stderr := paxsim(t, ctx, "campaign", "--seeds", "5", "--out", dir, "--outcomes", filepath.Join(dir, "no", "such", "dir"))
	if code != exitUsage || !strings.Contains(stderr, "invalid value for --outcomes") {
		t.Fatalf("exit %d, stderr %q; want 2 and the flag named", code, stderr)
	}
}

// TestCampaignIgnoresLoad: a campaign's JSON, wall-clock figures aside,
// and the linearizability pages it writes are the same bytes whether the
// machine is idle or busy: no verdict depends on time.
func TestCampaignIgnoresLoad(t *testing.T) {
	for _, args := range [][]string{
		{"--seeds", "150", "--variant", "reply-own-value", "--max-shrinks", "8"}, // failures with linearizability.html
		{"--seeds", "200", "--protocol", "multipaxos"},
		{"--seeds", "3", "--protocol", "multipaxos", "--clients", "20", "--commands", "20"}, // searches of thousands of steps
	} {
		out := filepath.Join(t.TempDir(), "out") // one path for both: the JSON names it
		idleJSON, idlePages := loadCampaign(t, args, out, false)
		busyJSON, busyPages := loadCampaign(t, args, out, true)
		if idleJSON != busyJSON {
			t.Errorf("%v: the JSON differs under load:\n%s", args, lineDiff(idleJSON, busyJSON))
		}
		if !reflect.DeepEqual(idlePages, busyPages) {
			t.Errorf("%v: the linearizability pages differ under load", args)
		}
	}
}

// loadCampaign runs a campaign into the folder out, with busy goroutines
// spinning on every CPU meanwhile when busy, and returns its JSON without
// the keys that measure time or name the worker count, and its
// linearizability pages by path.
func loadCampaign(t *testing.T, args []string, out string, busy bool) (string, map[string]string) {
	t.Helper()
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if busy {
		defer hogCPUs(2 * runtime.NumCPU())()
	}
	full := append(append([]string{"campaign"}, args...), "--workers", "2", "--json", "--out", out)
	_, js, stderr := paxsim(t, context.Background(), full...)
	if js == "" {
		t.Fatalf("%v: no JSON; stderr: %s", args, stderr)
	}
	m := decodeObject(t, js)
	for k := range m {
		if strings.Contains(k, "wall") || strings.Contains(k, "per_second") || strings.HasSuffix(k, "_seconds") || k == "workers" {
			delete(m, k)
		}
	}
	stripped, _ := json.MarshalIndent(m, "", " ") // sorted keys
	pages := map[string]string{}
	filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "linearizability.html" {
			data, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(out, path)
			pages[rel] = string(data)
		}
		return err
	})
	if slices.Contains(args, "reply-own-value") && len(pages) == 0 {
		t.Fatalf("%v: no linearizability page written", args)
	}
	return string(stripped), pages
}

// hogCPUs starts n goroutines that spin until the returned stop is called.
func hogCPUs(n int) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := 0; !done.Load(); x++ {
				_ = x * x
			}
		}()
	}
	return func() { done.Store(true); wg.Wait() }
}
