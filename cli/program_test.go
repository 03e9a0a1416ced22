//go:build unix

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAUsersBinaryNamesItself: a program of one's own (Main, here the
// test binary under the name kvpaxos, as go run . names a binary after its
// folder) names itself, not paxsim, in its usage, its errors, its help and
// every command it tells the user to run: the replay line of a run, the
// comments of the decision traces it writes, and a campaign's summary and
// failure folders.
func TestAUsersBinaryNamesItself(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kvpaxos")
	if err := os.Symlink(os.Args[0], bin); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run := func(args ...string) (string, string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "PAXSIM_RUN_MAIN=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Run()
		return stdout.String(), stderr.String()
	}
	trace := filepath.Join(dir, "x.trace")
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"usage: kvpaxos <command> [arguments]", "run 'kvpaxos help' for details"}},
		{[]string{"run"}, []string{"kvpaxos: run needs --seed N", "run 'kvpaxos run --help' for usage"}},
		{[]string{"scenario", "run"}, []string{"('kvpaxos scenario list' names them)"}},
		{[]string{"help", "shrink"}, []string{"usage: kvpaxos shrink FILE", "replays with 'kvpaxos replay'"}},
		{[]string{"run", "--seed", "7", "--drop", "0.2", "--record", trace}, []string{"replay:        kvpaxos replay --seed 7 --drop 0.2\n"}},
		{[]string{"campaign", "--variant", "ignore-promised-values", "--seeds", "40", "--workers", "1", "--out", filepath.Join(dir, "f")},
			[]string{"replay:     kvpaxos replay " + filepath.Join(dir, "f")}},
	} {
		stdout, stderr := run(tt.args...)
		out := stdout + stderr
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("kvpaxos %s: the output lacks %q:\n%s", strings.Join(tt.args, " "), w, out)
			}
		}
		if strings.Contains(out, "paxsim replay") || strings.Contains(out, "paxsim run") || strings.Contains(out, "paxsim help") {
			t.Errorf("kvpaxos %s: the output names paxsim as the program:\n%s", strings.Join(tt.args, " "), out)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "f", "*", "*.trace"))
	files = append(files, trace)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "# replay: kvpaxos replay ") || strings.Contains(string(data), "paxsim replay") {
			t.Errorf("%s does not say to replay it with kvpaxos:\n%s", f, string(data)[:min(len(data), 400)])
		}
	}
	if len(files) < 3 {
		t.Errorf("the campaign wrote %d decision traces", len(files)-1)
	}
}

func TestBinaryName(t *testing.T) {
	for _, tt := range []struct{ path, main, want string }{
		{"/tmp/go-build123/b001/exe/kvpaxos", "example.com/kvpaxos", "go run example.com/kvpaxos"}, // go run: gone once it ends
		{"/tmp/go-build123/b001/exe/kvpaxos", "", "kvpaxos"},
		// go run again: Go 1.24 and later run the build cache's copy
		{"/root/.cache/go-build/e2/e2cd39f94318db37d2d4f73d2fdea2abd1a954900d83222e8fb625537658bb79-d/kvpaxos", "example.com/kvpaxos", "go run example.com/kvpaxos"},
		{"/root/.cache/go-build/e2/e2cd39f94318db37d2d4f73d2fdea2abd1a954900d83222e8fb625537658bb79-d/kvpaxos", "", "kvpaxos"},
		{"/home/u/e2/e2cd-d/kvpaxos", "example.com/kvpaxos", "kvpaxos"},
		{"/home/u/bin/exe/kvpaxos", "example.com/kvpaxos", "kvpaxos"},
		{"./paxsim", "github.com/paxsim/paxsim/cmd/paxsim", "paxsim"},
		{"paxsim.exe", "", "paxsim"},
		{"", "", "paxsim"},
	} {
		if got := binaryName(tt.path, tt.main); got != tt.want {
			t.Errorf("binaryName(%q, %q) = %q, want %q", tt.path, tt.main, got, tt.want)
		}
	}
}
