package proptest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/proptest"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/scenarios"
	"github.com/paxsim/paxsim/sim"
)

// FuzzSchedule drives choice-mode runs of the correct protocol from the
// fuzzer's bytes (proptest.Bytes): the first bytes pick the structure
// (replicas, clients, steps, drops, duplicates, crashes, in the ranges of
// the property suites), the rest every decision of the run, one byte an
// index (two when there are more than 256 choices). It fails on any
// violation the run reports: agreement, validity, learner integrity,
// linearizability of the client history, or a panic of protocol code; the
// failure shows the decision trace, which `paxsim replay` runs again.
//
// The seed corpus is the f.Add calls below and the files in
// testdata/fuzz/FuzzSchedule, which a plain `go test` runs as tests. The
// files are schedules of interest written as fuzz input (PAXSIM_UPDATE_TESTDATA=1
// rewrites them): the committed rapid fail files' schedules, and the
// shortest schedule rapid found with a crash, a restart, a drop and a
// duplicate. To fuzz:
//
//	go test -run '^$' -fuzz FuzzSchedule -fuzztime 5m ./proptest
//
// The fuzzer keeps what it finds in $GOCACHE/fuzz, and writes a failing
// input to testdata/fuzz/FuzzSchedule, where it becomes a regression test.
func FuzzSchedule(f *testing.F) {
	f.Add([]byte{})                                           // 1 replica, 1 client, 20 in-order steps
	f.Add([]byte{2, 2, 0, 0, 0, 0})                           // 3 replicas, 3 clients, in order
	f.Add([]byte{2, 1, 130, 1, 3, 2, 1, 0, 2, 1, 3, 0, 0, 5}) // 3 replicas, 2 clients, every fault allowed
	f.Add([]byte{4, 4, 80, 1, 2, 2, 4, 3, 2, 1, 0, 7, 9, 11}) // 5 replicas, 5 clients
	f.Fuzz(func(t *testing.T, data []byte) {
		d := proptest.Bytes(data)
		c, o := fuzzShape(d)
		res, err := scenarios.RunChoice(c, d, o, scenarios.Options{})
		if err != nil {
			t.Fatalf("RunChoice: %v", err)
		}
		if !res.Failed() {
			return
		}
		// The same bytes make the same run: again, with its trace.
		d = proptest.Bytes(data)
		c, o = fuzzShape(d)
		res, _ = scenarios.RunChoice(c, d, o, scenarios.Options{Record: true})
		var b strings.Builder
		for _, v := range res.Violations {
			fmt.Fprintf(&b, "%s\n", v.String())
		}
		if res.Trace != nil {
			fmt.Fprintf(&b, "decision trace (%d steps):\n%s", res.Trace.Steps(), res.Trace)
		}
		t.Fatal(b.String())
	})
}

// fuzzShape reads a run's structure from the fuzzer's first bytes.
func fuzzShape(d sim.Decider) (scenarios.Config, scenarios.ChoiceOptions) {
	pick := func(n int) int { return d.Intn(sim.Decision{Kind: sim.DecideWorkload}, n) }
	c := scenarios.Default()
	c.Variant = protocol.Correct
	c.HealAt = 0 // safety only: the run is the fuzzed schedule
	c.Nodes = 1 + pick(5)
	c.Proposers = 1 + pick(c.Nodes)
	o := scenarios.ChoiceOptions{
		Steps:      20 + pick(131),
		Drops:      pick(2) == 1,
		MaxDups:    pick(4),
		MaxCrashes: pick(3),
	}
	return c, o
}

// fuzzInput is the input of FuzzSchedule that makes the run d describes
// and takes the decisions taken: what proptest.Bytes reads back.
func fuzzInput(d drawn, taken []sim.Taken) []byte {
	drops := 0
	if d.Choice.Drops {
		drops = 1
	}
	out := []byte{byte(d.Config.Nodes - 1)}
	if d.Config.Nodes > 1 {
		out = append(out, byte(d.Config.Proposers-1))
	}
	out = append(out, byte(d.Choice.Steps-20), byte(drops), byte(d.Choice.MaxDups), byte(d.Choice.MaxCrashes))
	for _, tk := range taken {
		switch {
		case tk.N == 0: // a Chance
			out = append(out, byte(255*tk.Value))
		case tk.N == 1:
		case tk.N <= 256:
			out = append(out, byte(tk.Value))
		default:
			out = append(out, byte(tk.Value>>8), byte(tk.Value))
		}
	}
	return out
}

// recordedRun is run with the decisions kept.
func recordedRun(t *rapid.T, variant string, heal bool) (drawn, scenarios.Result, []sim.Taken) {
	d := draw(t, variant)
	if !heal {
		d.Config.HealAt = 0
	}
	dec := proptest.Rapid(t)
	rec := &sim.Recorder{Inner: dec}
	res, err := scenarios.RunChoice(d.Config, rec, d.Choice, scenarios.Options{Record: true})
	dec.Rethrow()
	if err != nil {
		t.Fatalf("RunChoice: %v", err)
	}
	return d, res, rec.Taken
}

// TestFuzzSeeds runs the committed seed corpus as schedules: every file
// must still read as a FuzzSchedule input of the correct protocol that
// passes (go test runs them through FuzzSchedule too; this names them). With
// PAXSIM_UPDATE_TESTDATA=1 it first rewrites them.
func TestFuzzSeeds(t *testing.T) {
	pkgDir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(pkgDir, "testdata", "fuzz", "FuzzSchedule")
	if updateTestdata() {
		writeFuzzSeeds(t, pkgDir, dir)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatalf("no seed corpus in %s", dir)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "go test fuzz v1\n[]byte(") {
			t.Errorf("%s is not a FuzzSchedule input", f)
		}
	}
}

// writeFuzzSeeds writes the seed corpus: the schedules of the committed
// rapid fail files, each as the correct protocol's input, and the shortest
// schedule rapid finds with every kind of fault.
func writeFuzzSeeds(t *testing.T, pkgDir, dir string) {
	old, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range old {
		os.Remove(f)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, input []byte) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", input)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", name, len(input))
	}
	// The fail files' schedules.
	sources := []struct {
		name, file, variant string
		heal                bool
	}{{"value-recovery", filepath.Join(pkgDir, regressionFailFile), protocol.Correct, true}}
	for _, v := range protocol.Variants() {
		name := "TestPower/" + v.Name
		files, _ := filepath.Glob(filepath.Join(pkgDir, failFileDir(name), failFilePrefix(name)+"*.fail"))
		for _, f := range files {
			sources = append(sources, struct {
				name, file, variant string
				heal                bool
			}{v.Name, f, v.Name, false})
		}
	}
	for _, s := range sources {
		var input []byte
		t.Run("from "+s.name, func(t *testing.T) {
			rapid.MakeFuzz(func(rt *rapid.T) {
				d, _, taken := recordedRun(rt, s.variant, s.heal)
				input = fuzzInput(d, taken)
			})(t, readFailFile(t, s.file))
		})
		if input != nil {
			write(s.name, input)
		}
	}
	// The shortest schedule with a crash, a restart, a drop and a dup.
	t.Chdir(t.TempDir())
	setFlag(t, "rapid.seed", "1")
	setFlag(t, "rapid.checks", "100000")
	setFlag(t, "rapid.nofailfile", "true")
	setFlag(t, "rapid.shrinktime", "10m")
	rec := &recorder{name: "every-fault"}
	var input []byte
	rec.run(func() {
		rapid.Check(rec, func(rt *rapid.T) {
			d, res, taken := recordedRun(rt, protocol.Correct, false)
			input = fuzzInput(d, taken)
			tr := res.Trace.String()
			if strings.Contains(tr, "\ncrash ") && strings.Contains(tr, "\nrestart ") &&
				strings.Contains(tr, "\ndrop ") && strings.Contains(tr, "\ndup ") {
				rt.Fatalf("every kind of fault")
			}
		})
	})
	if !rec.Failed() {
		t.Fatalf("rapid found no schedule with every kind of fault")
	}
	write("every-fault", input)
}
