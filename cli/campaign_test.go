package cli

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/campaign"
)

// TestSwarmDrawsFitAPinnedLivenessBound: a --liveness too short for the
// longest delays a swarm draws (but right for the configured ones) runs
// every seed with delays it fits, for both protocols, sharded and checked
// for determinism too: no seed draws a configuration that cannot run.
// (Multi-Paxos's service may well not catch up in so short a bound: its
// liveness verdicts may fail, but every seed runs.)
func TestSwarmDrawsFitAPinnedLivenessBound(t *testing.T) {
	for _, extra := range [][]string{nil, {"--protocol", "multipaxos"}, {"--shard", "1/2"}, {"--check-determinism"}} {
		args := append([]string{"campaign", "--seeds", "100", "--liveness", "300", "--json", "--out", ""}, extra...)
		code, out, stderr := paxsim(t, context.Background(), args...)
		if (code != exitOK && code != exitViolation) || stderr != "" && !strings.HasPrefix(stderr, "paxsim: coverage") {
			t.Fatalf("paxsim %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
		if m := decodeObject(t, out); m["seeds"] != 100.0 && m["seeds"] != 50.0 {
			t.Errorf("paxsim %s: %v seeds run", strings.Join(args, " "), m["seeds"])
		}
	}
}

// TestCampaignThatJudgedNothingIsAGap: runs that stop at t=1 choose no
// value and judge no liveness: the campaign is a coverage gap (exit 3),
// which its last line and its JSON say.
func TestCampaignThatJudgedNothingIsAGap(t *testing.T) {
	args := []string{"campaign", "--seeds", "300", "--swarm=false", "--proposers", "1", "--drop", "0", "--dup", "0", "--redeliver", "0",
		"--crash", "0", "--partition", "0", "--slow", "0", "--max-time", "1", "--out", ""}
	code, out, stderr := paxsim(t, context.Background(), args...)
	if code != exitCoverageGap || !strings.Contains(out, "GAP: no value was chosen") || !strings.Contains(out, "verdict:           coverage-gap (exit 3)") {
		t.Errorf("exit %d, want %d\n%s%s", code, exitCoverageGap, out, stderr)
	}
	code, js, _ := paxsim(t, context.Background(), append(args, "--json")...)
	if m := decodeObject(t, js); code != exitCoverageGap || m["verdict"] != "coverage-gap" || m["exit_code"] != float64(exitCoverageGap) {
		t.Errorf("--json: exit %d, verdict %v, exit_code %v", code, m["verdict"], m["exit_code"])
	}
}

// TestUnusableOutFailsBeforeAnySeed: an --out that is a device, a file or
// under a file exits 2 naming --out, before any seed runs (no summary).
func TestUnusableOutFailsBeforeAnySeed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, dir := range []string{os.DevNull, file, filepath.Join(file, "x")} {
		for _, json := range []string{"--json=false", "--json"} {
			code, out, stderr := paxsim(t, context.Background(), "campaign", "--seeds", "200000", json, "--out", dir)
			if code != exitUsage || out != "" || !strings.HasPrefix(stderr, "paxsim: invalid value for --out: "+dir+": ") {
				t.Errorf("--out %s %s: exit %d\nstdout: %s\nstderr: %s", dir, json, code, out, stderr)
			}
		}
	}
}

// TestWorkersAreBounded: more workers than campaign.MaxWorkersPerCPU per
// CPU only take memory: the campaign runs on that many, and says so.
func TestWorkersAreBounded(t *testing.T) {
	most := campaign.MaxWorkersPerCPU * runtime.NumCPU()
	code, js, stderr := paxsim(t, context.Background(), "campaign", "--seeds", "150", "--max-events", "5", "--workers", "100000", "--json", "--out", "")
	if m := decodeObject(t, js); code != exitOK || m["workers"] != float64(most) || !strings.Contains(stderr, "--workers 100000: using") {
		t.Errorf("exit %d, workers %v (want %d), stderr %q", code, m["workers"], most, stderr)
	}
}
