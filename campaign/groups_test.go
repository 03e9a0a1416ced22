package campaign

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"pgregory.net/rapid"
)

// folderCampaign runs a small campaign of c into a temporary --out and
// returns its summary.
func folderCampaign(t *testing.T, c engine.Config, seeds uint64) Summary {
	t.Helper()
	s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: seeds, Workers: 2, OutDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Groups) == 0 {
		t.Fatalf("%d seeds of %s %s found no failure", seeds, c.Protocol, c.Variant)
	}
	return s
}

// readFolder reads a failure folder's files by name.
func readFolder(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("the group's folder: %v", err)
	}
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(data)
	}
	return files
}

// checkFolder checks what every failure folder holds: the reproducers,
// the configuration, the readable trace, the diagram, seeds and summary.
func checkFolder(t *testing.T, g Group, c engine.Config) map[string]string {
	t.Helper()
	files := readFolder(t, g.Dir)
	for _, name := range []string{configFile, readableTraceFile, diagramFile, "seeds.txt", "summary.json", fmt.Sprintf("seed-%d.json", g.Seeds[0])} {
		if files[name] == "" {
			t.Errorf("%s: no %s (files: %v)", g.Signature, name, sortedNames(files))
		}
	}
	var cfg engine.Config
	if err := json.Unmarshal([]byte(files[configFile]), &cfg); err != nil || cfg.Variant != c.Variant || cfg.Protocol != c.Protocol {
		t.Errorf("%s: config.json %q (%v): want the run's config", g.Signature, files[configFile], err)
	}
	trace := files[readableTraceFile]
	if !strings.Contains(trace, "\nt=") || !strings.Contains(trace, g.Property+" violated") {
		t.Errorf("%s: trace.txt lacks the events or the violation:\n%s", g.Signature, trace)
	}
	page := files[diagramFile]
	for _, want := range []string{"<svg", "replica 1", g.Property + " violated", "paxsim replay "} {
		if !strings.Contains(page, want) {
			t.Errorf("%s: diagram.html lacks %q", g.Signature, want)
		}
	}
	return files
}

func sortedNames(files map[string]string) []string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func TestFailureFoldersHoldEverythingToReadAFailure(t *testing.T) {
	c := faulty()
	c.Variant = "ignore-promised-values"
	s := folderCampaign(t, c, 60)
	for _, g := range s.Groups {
		files := checkFolder(t, g, c)
		if files["shrunk.trace"] == "" || files[fmt.Sprintf("seed-%d.trace", g.Representative)] == "" {
			t.Errorf("%s: no decision traces", g.Signature)
		}
		if !strings.Contains(files[readableTraceFile], "the readable trace of shrunk.trace") {
			t.Errorf("%s: trace.txt is not the shrunk trace's replay:\n%s", g.Signature, files[readableTraceFile])
		}
		if _, ok := files[linearizabilityFile]; ok {
			t.Errorf("%s: a linearizability page for a linearizable history", g.Signature)
		}
	}
}

func TestLinearizabilityFailureFolderHasPorcupinesPage(t *testing.T) {
	c := defaultConfig()
	c.Variant = "reply-own-value"
	s := folderCampaign(t, c, 30)
	g := s.Groups[0]
	files := checkFolder(t, g, c)
	page := files[linearizabilityFile]
	if !strings.Contains(page, "<html") {
		t.Fatalf("%s: no porcupine page (files: %v)", g.Signature, sortedNames(files))
	}
	if !strings.Contains(files[diagramFile], "answers ") {
		t.Errorf("%s: the diagram shows no answer to a client", g.Signature)
	}
	// A group read back from its files (merge) has no page in memory:
	// writeGroup makes it again from the reproducer.
	os.Remove(filepath.Join(g.Dir, linearizabilityFile))
	g.history = nil
	manifest, err := os.OpenFile(filepath.Join(filepath.Dir(g.Dir), ManifestFile), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := &outDir{root: filepath.Dir(g.Dir), manifest: manifest, listed: map[string]bool{}}
	defer out.close()
	if err := writeGroup(out, protocolOf(c), &g); err != nil {
		t.Fatal(err)
	}
	if again := readFolder(t, g.Dir)[linearizabilityFile]; !strings.Contains(again, "<html") {
		t.Errorf("writeGroup did not make the linearizability page again")
	}
}

func TestMultiPaxosFailureFolderHasShrunkTraces(t *testing.T) {
	c := defaultConfig()
	c.Protocol, c.Variant = multipaxos.Name, "no-dedup"
	s := folderCampaign(t, c, 6)
	g := s.Groups[0]
	files := checkFolder(t, g, c)
	if files["shrunk.trace"] == "" || files[fmt.Sprintf("seed-%d.trace", g.Representative)] == "" {
		t.Errorf("%s: no decision traces (files: %v)", g.Signature, sortedNames(files))
	}
	if !strings.Contains(files[readableTraceFile], "the readable trace of shrunk.trace") {
		t.Errorf("%s: trace.txt is not the shrunk trace's replay:\n%.300s", g.Signature, files[readableTraceFile])
	}
	if !strings.Contains(files[diagramFile], "operator") {
		t.Errorf("%s: the diagram has no operator lane", g.Signature)
	}
}

// TestGroupPagesAreTheSameBytesAnywhere: two campaigns of the same seeds
// into two folders, one on 1 worker and GOMAXPROCS 1, write the same
// HTML pages, diagrams and porcupine's linearizability pages, byte for
// byte: nothing in them depends on the folder, the scheduling or a map's
// order.
func TestGroupPagesAreTheSameBytesAnywhere(t *testing.T) {
	c := defaultConfig()
	c.Variant = "reply-own-value"
	pages := func(workers, procs int) map[string]string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		out := t.TempDir()
		if _, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 150, Workers: workers, OutDir: out, MaxShrinks: 6, Swarm: true}); err != nil {
			t.Fatal(err)
		}
		found := map[string]string{}
		matches, _ := filepath.Glob(filepath.Join(out, "*", "*.html"))
		for _, m := range matches {
			data, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(out, m)
			found[rel] = string(data)
		}
		return found
	}
	a, b := pages(2, 2), pages(1, 1)
	if n := len(a); n < 2 || !strings.Contains(strings.Join(sortedNames(a), " "), linearizabilityFile) {
		t.Fatalf("pages %v: the test needs diagrams and linearizability pages", sortedNames(a))
	}
	for name, page := range a {
		if b[name] != page {
			t.Errorf("%s differs between the two campaigns", name)
		}
	}
	if len(a) != len(b) {
		t.Errorf("pages %v and %v", sortedNames(a), sortedNames(b))
	}
}

// TestSignatureIsTheCheckAlone: a failure's group is its property and the
// check that fired, whatever the run's values, ids and times, and it is a
// folder name: ASCII letters, digits, '.', '_' and '-' only, for any check
// a protocol's panic or a checker can name.
func TestSignatureIsTheCheckAlone(t *testing.T) {
	for _, tt := range []struct {
		v    checker.Violation
		want string
	}{
		{checker.Violation{Property: checker.Agreement, Check: "two-values-chosen", Message: "two values chosen: v1 and v2"}, "agreement-two-values-chosen"},
		{checker.Violation{Property: checker.Agreement, Check: "two-values-chosen", Message: "two values chosen: x and y", Time: 9, Instance: 4}, "agreement-two-values-chosen"},
		{checker.Violation{Property: "panic", Check: "github.com/you/kvpaxos.(*Node).step"}, "panic-kvpaxos.Node.step"},
		{checker.Violation{Property: "panic", Check: "example.com/p.(*Session[...]).Execute.func1"}, "panic-p.Session.Execute.func1"},
		{checker.Violation{Property: checker.Liveness}, "liveness"},
	} {
		if got := signature(&tt.v); got != tt.want {
			t.Errorf("signature(%+v) = %q, want %q", tt.v, got, tt.want)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		v := checker.Violation{Property: checker.Property(rapid.StringMatching(`[a-z][a-z-]{0,20}`).Draw(t, "property")), Check: rapid.String().Draw(t, "check")}
		got := signature(&v)
		if got == "" || strings.Trim(got, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != "" || strings.HasSuffix(got, "-") {
			t.Fatalf("signature(%+v) = %q: not a folder name", v, got)
		}
	})
}
