package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

func TestShrinkOfAMultiPaxosReproducerIsAnInputError(t *testing.T) {
	rep := writeFile(t, "seed-12.json", reproducerText(t, func(s string) string {
		s = strings.Replace(s, `"protocol": "paxos"`, `"protocol": "multipaxos"`, 1)
		return strings.Replace(s, `"variant": "ignore-promised-values"`, `"variant": "no-dedup"`, 1)
	}))
	requireInputError(t, []string{"shrink", rep, "--out", filepath.Join(t.TempDir(), "x.trace")},
		rep, "Multi-Paxos runs have no decision traces")
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
