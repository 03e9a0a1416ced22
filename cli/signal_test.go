//go:build unix

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMStopsACampaignAndKeepsItsFindings: SIGTERM, what Kubernetes
// sends a pod, stops a campaign as Ctrl-C does: it prints its summary,
// marked interrupted, files the reproducers it wrote as seeds failed, and
// exits with its verdict (1: it found violations), not killed by the
// signal. The signal is sent once the first reproducer is on disk.
func TestSIGTERMStopsACampaignAndKeepsItsFindings(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "campaign", "--seeds", "100000000", "--variant", "ignore-promised-values", "--no-shrink",
		"--workers", "1", "--out", dir)
	cmd.Env = append(os.Environ(), "PAXSIM_RUN_MAIN=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	found := waitFor(func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, "ungrouped", "seed-*.json"))
		return len(m) > 0
	})
	if !found {
		t.Fatalf("no reproducer in %s/ungrouped while the campaign runs", dir)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	out := stdout.String()
	if code := cmd.ProcessState.ExitCode(); code != exitViolation {
		t.Fatalf("exit %d (%s), want %d\nstdout:\n%s\nstderr:\n%s", code, cmd.ProcessState, exitViolation, out, stderr.String())
	}
	if !strings.Contains(out, "INTERRUPTED after ") || !strings.Contains(out, "seeds run:") || !strings.Contains(out, "verdict:           violation (exit 1)") {
		t.Errorf("the summary is not that of an interrupted campaign:\n%s", out)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*", "seed-*.json")); len(m) == 0 {
		t.Errorf("no reproducer in %s after the campaign", dir)
	}
}

// waitFor polls cond until it holds or a minute has passed: a wait for an
// event, not a timing assertion.
func waitFor(cond func() bool) bool {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return false
}

// TestASignalEndsACommandThatDoesNotWatchIt: a command that does not
// stop cleanly on a signal (run, replay, scenario, merge) is not left to
// finish its work as if none had come: the first SIGTERM ends it, exit 4
// (incomplete), saying so. Here a run with no end in sight.
func TestASignalEndsACommandThatDoesNotWatchIt(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("cannot tell when the process is at work (no /proc)")
	}
	cmd := exec.Command(os.Args[0], "run", "--seed", "1", "--heal-at", "0", "--max-time", "1000000000000", "--max-events", "100000000000")
	cmd.Env = append(os.Environ(), "PAXSIM_RUN_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if !waitFor(func() bool { return busy(cmd.Process.Pid) }) {
		t.Fatal("the run did not start within a minute")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitIncomplete || !strings.Contains(stderr.String(), "interrupted: stopped before the end") {
		t.Fatalf("exit %d (%s), want %d saying it was interrupted; stderr:\n%s", code, cmd.ProcessState, exitIncomplete, stderr.String())
	}
}

// busy reports whether process pid has run for a tenth of a second of
// CPU time, from /proc/PID/stat: it is past its start (where the Go
// runtime's own handlers would take a signal) and into its work.
func busy(pid int) bool {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(data), ") ") // the command name may hold spaces
	f := strings.Fields(rest)
	if len(f) < 12 {
		return false
	}
	utime, err := strconv.Atoi(f[11]) // field 14, in clock ticks (100 a second)
	return err == nil && utime >= 10
}
