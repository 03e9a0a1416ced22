package paxtest_test

import (
	"cmp"
	"flag"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/trace"
)

// TestPower shows that the property suites catch every built-in buggy
// variant of every protocol (engine.Info.Variants), through the calls a
// user's test makes, and that what they report is short. For each
// variant:
//
//  1. Find replays the variant's committed fail file (see doc.go), which
//     must still fail the property the variant breaks (Variant.Breaks)
//     with a short schedule.
//  2. Find searches schedules of the variant for a violation of that
//     property from a fixed rapid seed, in a scratch directory, and
//     shrinks it: rapid over its draws, to at most powerEntry.Rapid steps,
//     then delta debugging over the decision trace, to a 1-minimal one of
//     at most powerEntry.Minimal steps, which must replay to the same
//     violation.
//
// A plain run searches from one seed per variant, and not at all for the
// variants whose entry says why (NoQuickSearch): their committed fail
// file is their check. PAXSIM_LONG=1 searches every variant from 20
// seeds. A variant that choice mode cannot reach (Campaign) is found by a
// timed campaign instead (FindInCampaign), from a pinned seed.
//
// rapid shrinks the decisions it drew. Deleting one renumbers the enabled
// actions after it, which rapid cannot see, so its result is short but
// seldom 1-minimal; delta debugging deletes steps by what they do and
// gets there.
func TestPower(t *testing.T) {
	dir := pkgDir(t)
	for _, p := range builtin.Protocols() {
		for _, v := range p.Info().Variants {
			t.Run(p.Name()+"/"+v.Name, func(t *testing.T) { power(t, p, v, dir) })
		}
	}
}

// power is TestPower for one variant.
func power(t *testing.T, p *harness.Protocol, v engine.Variant, dir string) {
	e := entry(t, p, v)
	if e.Campaign != "" {
		powerCampaign(t, p, v, e)
		return
	}
	if !updateTestdata() { // rewriting them: the old ones may be stale
		replayCommitted(t, p, v, e, dir)
	}
	seeds, searched := powerSeeds(e)
	if !searched {
		t.Logf("no rapid search for %s in this run (%s); PAXSIM_LONG=1 (or -rapid.seed=N) runs it", v.Name, cmp.Or(e.NoQuickSearch, "-short"))
	}
	for i, seed := range seeds {
		hunt(t, p, v, e, seed, i == 0 && updateTestdata(), dir)
	}
}

// hunt has Find search for v's bug from seed and checks what it found;
// with commit, it commits rapid's fail file of it.
func hunt(t *testing.T, p *harness.Protocol, v engine.Variant, e powerEntry, seed uint64, commit bool, dir string) {
	t.Helper()
	t.Chdir(t.TempDir()) // where rapid writes its fail file, with none to replay
	o := powerOptions(p, v)
	o.Seed, o.Checks = seed, powerChecks
	if commit {
		o = paxtest.WriteFailFile(o)
	}
	f := paxtest.Find(t, p, o)
	if f == nil || f.Property != v.Breaks {
		if long() && e.NoQuickSearch != "" {
			t.Logf("seed %d: rapid found no %s violation in %s in %d cases (measured: it misses it from some seeds)", seed, v.Breaks, v.Name, powerChecks)
			return
		}
		t.Fatalf("seed %d: rapid found no %s violation in %s in %d cases; found: %v", seed, v.Breaks, v.Name, powerChecks, f)
	}
	t.Logf("seed %d: rapid's shrunk schedule had %d steps, %d after delta debugging (%d property calls in all):\n%s",
		seed, f.Unshrunk, f.Steps, f.Cases, f)
	if f.Unshrunk > e.Rapid {
		t.Errorf("seed %d: rapid's shrunk schedule has %d steps, more than %d", seed, f.Unshrunk, e.Rapid)
	}
	if !f.Minimal || f.Steps > e.Minimal {
		t.Errorf("seed %d: the shrunk schedule has %d steps (1-minimal: %t), want a 1-minimal one of at most %d (%s)", seed, f.Steps, f.Minimal, e.Minimal, f.Note)
	}
	replaysTo(t, p, f.Trace, v.Breaks)
	if commit {
		writeFailFile(t, writtenFailFile(), filepath.Join(dir, failFileDir(t.Name()), failFilePrefix(t.Name())+"shrunk.fail"), []string{
			"The shrunk counterexample of TestPower for the variant " + v.Name + " of " + p.Name() + ":",
			"rapid (seed " + strconv.FormatUint(seed, 10) + ") found it and shrank it to this " + string(v.Breaks) + " violation.",
			"TestPower replays it and expects it to fail the same way.",
		}, f.String())
	}
}

// replaysTo checks that a trace replays to a violation of want.
func replaysTo(t *testing.T, p *harness.Protocol, tr *trace.Trace, want checker.Property) {
	t.Helper()
	res, err := p.Replay(tr, engine.Options{})
	if err != nil {
		t.Fatalf("replaying the shrunk trace: %v\n%s", err, tr)
	}
	if !slices.ContainsFunc(res.Violations, func(v checker.Violation) bool { return v.Property == want }) {
		t.Fatalf("the shrunk trace replays without a %s violation (%v):\n%s", want, res.Violations, tr)
	}
}

// replayCommitted has Find replay v's committed fail files (rapid replays
// testdata/rapid/NAME/NAME-*.fail of a test before it searches), which
// must still fail v.Breaks with a short schedule.
func replayCommitted(t *testing.T, p *harness.Protocol, v engine.Variant, e powerEntry, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, failFileDir(t.Name()), failFilePrefix(t.Name())+"*.fail"))
	if len(files) == 0 {
		t.Logf("no committed fail file for %s: PAXSIM_UPDATE_TESTDATA=1 go test -run 'TestPower/%s/%s' ./paxtest writes one", v.Name, p.Name(), v.Name)
		return
	}
	f := paxtest.Find(t, p, paxtest.FailFilesOnly(powerOptions(p, v)))
	if f == nil || f.Property != v.Breaks {
		t.Fatalf("the committed fail file of %s no longer fails %s: the protocol, the suites' draws or rapid changed; "+
			"rewrite it with PAXSIM_UPDATE_TESTDATA=1 (files: %v); found: %v", v.Name, v.Breaks, files, f)
	}
	if f.Unshrunk > e.Rapid {
		t.Errorf("the committed fail file of %s replays as %d steps, more than %d", v.Name, f.Unshrunk, e.Rapid)
	}
	t.Logf("the committed fail file replays as a violation of %s in %d steps (%d after delta debugging)", v.Breaks, f.Unshrunk, f.Steps)
}

// powerCampaign has a timed campaign find v's bug, from the entry's
// pinned seed (from 0, over powerCampaignSeeds, with PAXSIM_LONG=1).
func powerCampaign(t *testing.T, p *harness.Protocol, v engine.Variant, e powerEntry) {
	t.Logf("searched by a campaign: %s", e.Campaign)
	o := paxtest.CampaignOptions{Variant: v.Name, Start: e.Seed, Seeds: 1, Properties: []checker.Property{v.Breaks}}
	if long() {
		o.Start, o.Seeds = 0, powerCampaignSeeds
	}
	f := paxtest.FindInCampaign(t, p, o)
	if f == nil {
		t.Fatalf("no %s violation in %s from seed %d in %d seeds", v.Breaks, v.Name, o.Start, o.Seeds)
	}
	t.Logf("seed %d: %d steps, %d after delta debugging:\n%s", f.Seed, f.Unshrunk, f.Steps, f)
	if f.Steps > e.Minimal {
		t.Errorf("seed %d: the shrunk schedule has %d steps, more than %d (%s)", f.Seed, f.Steps, e.Minimal, f.Note)
	}
	replaysTo(t, p, f.Trace, v.Breaks)
}

// powerOptions is the search for v's bug: the property v breaks, and for
// a variant that breaks a safety property, no heal and no liveness phase,
// so that the run is the drawn schedule and nothing else and replays
// exactly.
func powerOptions(p *harness.Protocol, v engine.Variant) paxtest.Options {
	o := powerTable[p.Name()+"/"+v.Name].Options
	o.Variant, o.Properties, o.SafetyOnly = v.Name, []checker.Property{v.Breaks}, v.Breaks != checker.Liveness
	return o
}

// powerSeeds are the rapid seeds the power test starts from for a
// variant, and whether it searches at all: a fixed one by default (seed 1
// or the entry's), so that the search and the shrunk schedule are the
// same on every run, or none for a variant with NoQuickSearch; seeds 1 to
// 20 with PAXSIM_LONG=1; or the one -rapid.seed names.
func powerSeeds(e powerEntry) ([]uint64, bool) {
	if f := flag.Lookup("rapid.seed"); f != nil && paxtest.SeedChosen() {
		s, _ := strconv.ParseUint(f.Value.String(), 10, 64)
		return []uint64{s}, true
	}
	if long() {
		seeds := make([]uint64, 20)
		for i := range seeds {
			seeds[i] = uint64(i + 1)
		}
		return seeds, true
	}
	if e.NoQuickSearch != "" && !updateTestdata() {
		return nil, false
	}
	if testing.Short() && !updateTestdata() {
		// rapid runs a fifth of its checks under -short, too few for
		// the seeds measured in powerTable: the committed fail files are
		// the check (.ci/run's race pass runs -short).
		return nil, false
	}
	return []uint64{max(e.Seed, 1)}, true
}

// entry is the variant's powerEntry, or a default one for a variant not
// measured yet.
func entry(t *testing.T, p *harness.Protocol, v engine.Variant) powerEntry {
	e, ok := powerTable[p.Name()+"/"+v.Name]
	if !ok {
		e = powerEntry{Rapid: 60, Minimal: 30}
		t.Logf("no bounds measured for %s/%s yet: using %+v", p.Name(), v.Name, e)
	}
	return e
}
