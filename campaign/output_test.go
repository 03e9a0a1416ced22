package campaign

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestUnusableOutDirIsRefusedBeforeAnySeed: an output folder that is a
// device, a file or (for a user other than root) a read-only folder is an
// *OutError from Run, which runs no seed.
func TestUnusableOutDirIsRefusedBeforeAnySeed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, nil, 0o644)
	dirs := []string{os.DevNull, file, filepath.Join(file, "below")}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(t.TempDir(), "read-only")
		os.Mkdir(ro, 0o555)
		dirs = append(dirs, ro)
	}
	for _, dir := range dirs {
		ran := false
		s, err := Run(context.Background(), Options{Protocol: protocolOf(defaultConfig()), Config: defaultConfig(), Seeds: 1000, OutDir: dir,
			Progress: func(Progress) { ran = true }})
		var oe *OutError
		if !errors.As(err, &oe) || oe.Dir != dir || ran || s.Seeds != 0 {
			t.Errorf("--out %s: error %v (%T), seeds run %d, progress %v; want an *OutError before any seed", dir, err, err, s.Seeds, ran)
		}
	}
}

// TestReproducersAreWrittenAsSeedsFail: a failing seed's reproducer is on
// disk when the seed is counted, before the campaign ends, so that a
// campaign killed midway keeps it; at the end it moves into its group's
// folder and the ungrouped folder is gone.
func TestReproducersAreWrittenAsSeedsFail(t *testing.T) {
	dir := t.TempDir()
	c := defaultConfig()
	c.Variant = "ignore-promised-values"
	var seen atomic.Int64
	o := Options{Protocol: protocolOf(c), Config: c, Seeds: 60, Workers: 2, NoShrink: true, OutDir: dir, afterFailure: func(f *Failure) {
		seen.Add(1)
		r, err := readReproducer(f.Reproducer)
		if err != nil || r.Seed != f.Seed || filepath.Base(filepath.Dir(f.Reproducer)) != pendingDir {
			t.Errorf("seed %d failed, but its reproducer %q reads %+v, %v", f.Seed, f.Reproducer, r, err)
		}
	}}
	s, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if n := int(seen.Load()); n == 0 || n != s.Violations {
		t.Fatalf("%d failures seen as they happened, %d in the summary", n, s.Violations)
	}
	for _, f := range s.Failures {
		if want := filepath.Join(dir, f.Signature, fmt.Sprintf("seed-%d.json", f.Seed)); f.Reproducer != want || f.ReproducerError != "" {
			t.Errorf("seed %d: reproducer %q (%s), want %s", f.Seed, f.Reproducer, f.ReproducerError, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, pendingDir)); !os.IsNotExist(err) {
		t.Errorf("the ungrouped folder is still there: %v", err)
	}
}

// TestSecondCampaignRemovesOnlyWhatTheFirstWrote: a campaign into the
// --out of an earlier one removes every file the earlier one wrote, and
// leaves the files someone else put there, even inside its folders.
func TestSecondCampaignRemovesOnlyWhatTheFirstWrote(t *testing.T) {
	dir := t.TempDir()
	c := defaultConfig()
	c.Variant = "ignore-promised-values"
	first, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 40, Workers: 2, MaxShrinks: 2, OutDir: dir})
	if err != nil || first.Violations == 0 {
		t.Fatalf("first campaign: %d violations, %v", first.Violations, err)
	}
	mine := []string{filepath.Join(dir, "notes.txt"), filepath.Join(first.Groups[0].Dir, "my-analysis.txt")}
	for _, f := range mine {
		os.WriteFile(f, []byte("mine"), 0o644)
	}
	second, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Start: 1000, Seeds: 40, Workers: 2, MaxShrinks: 2, OutDir: dir})
	if err != nil || second.Violations == 0 {
		t.Fatalf("second campaign: %d violations, %v", second.Violations, err)
	}
	for _, f := range first.Failures {
		if _, err := os.Stat(f.Reproducer); !os.IsNotExist(err) {
			t.Errorf("the first campaign's %s is still there", f.Reproducer)
		}
	}
	for _, f := range mine {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("a file paxsim did not write is gone: %v", err)
		}
	}
	for _, f := range second.Failures {
		if _, err := os.Stat(f.Reproducer); err != nil {
			t.Errorf("the second campaign's reproducer: %v", err)
		}
	}
}

// TestManifestCannotReachOutside: a manifest that lists paths outside its
// folder (.., absolute, through a symbolic link) removes none of them.
func TestManifestCannotReachOutside(t *testing.T) {
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim.txt")
	os.WriteFile(victim, []byte("keep"), 0o644)
	dir := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	rel, _ := filepath.Rel(dir, victim)
	lines := []string{rel, victim, filepath.Join("link", "victim.txt")}
	os.WriteFile(filepath.Join(dir, ManifestFile), []byte(manifestHeader+strings.Join(lines, "\n")+"\n"), 0o644)
	out, err := openOut(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	out.close()
	if _, err := os.Stat(victim); err != nil {
		t.Fatalf("a manifest reached outside its folder: %v", err)
	}
}

// TestUnwritableGroupFolderSaysWhyApartFromItsPath: a group folder that
// cannot be written (here a file sits where it goes) leaves its path empty
// and says why in its own field, instead of putting the error text in the
// path; its seeds' reproducers stay in the ungrouped folder, where they
// were written as the seeds failed.
func TestUnwritableGroupFolderSaysWhyApartFromItsPath(t *testing.T) {
	dir := t.TempDir()
	const blocked = "safe-proposal-proposes-other-than-chosen"
	os.WriteFile(filepath.Join(dir, blocked), []byte("in the way"), 0o644)
	c := defaultConfig()
	c.Variant = "ignore-promised-values"
	s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 60, Workers: 2, OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, f := range s.Failures {
		if f.Signature != blocked {
			continue
		}
		kept++
		if r, err := readReproducer(f.Reproducer); err != nil || r.Seed != f.Seed || filepath.Base(filepath.Dir(f.Reproducer)) != pendingDir {
			t.Errorf("seed %d: reproducer %q (%v), want it kept in %s", f.Seed, f.Reproducer, err, pendingDir)
		}
	}
	for _, g := range s.Groups {
		if g.Signature == blocked && (g.Dir != "" || !strings.Contains(g.DirError, "not a directory")) {
			t.Errorf("group %s: dir %q, error %q", g.Signature, g.Dir, g.DirError)
		}
	}
	if kept == 0 {
		t.Fatal("no failure in the blocked group")
	}
}
