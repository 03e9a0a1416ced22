package paxtest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// FuzzSchedule is the correct single-decree protocol's fuzz target,
// through the call a user's test makes. Its seed corpus is paxtest's own
// inputs and the files in testdata/fuzz/FuzzSchedule, which a plain go
// test runs as tests: schedules of interest written as fuzz input
// (PAXSIM_UPDATE_TESTDATA=1 rewrites them), the committed rapid fail
// files' schedules and the shortest schedule rapid found with a crash, a
// restart, a drop and a duplicate. To fuzz:
//
//	go test -run '^$' -fuzz FuzzSchedule -fuzztime 5m ./paxtest
//
// The fuzzer keeps what it finds in $GOCACHE/fuzz, and writes a failing
// input to testdata/fuzz/FuzzSchedule, where it becomes a regression test.
func FuzzSchedule(f *testing.F) { paxtest.Fuzz(f, builtin.Paxos(), paxtest.Options{}) }

// FuzzMultiPaxosSchedule is the correct Multi-Paxos's fuzz target.
func FuzzMultiPaxosSchedule(f *testing.F) { paxtest.Fuzz(f, builtin.MultiPaxos(), paxtest.Options{}) }

// fuzzInput is the input of FuzzSchedule that makes the case sh describes
// and takes the decisions taken: what paxtest.Bytes reads back.
func fuzzInput(sh paxtest.Shape, taken []sim.Taken) []byte {
	drops := 0
	if sh.Bounds.Drops {
		drops = 1
	}
	out := []byte{byte(sh.Config.Nodes - 1)}
	if sh.Config.Nodes > 1 {
		out = append(out, byte(sh.Config.Clients-1))
	}
	out = append(out, byte(sh.Steps-20), byte(drops), byte(sh.Bounds.MaxDups), byte(sh.Bounds.MaxCrashes))
	if sh.Bounds.MaxCrashes > 0 {
		lose := 0
		if sh.Bounds.LoseUnsynced {
			lose = 1
		}
		out = append(out, byte(sh.Bounds.TornCuts), byte(lose))
	}
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

// recordedCase is a case of variant with its decisions kept.
func recordedCase(t *rapid.T, o paxtest.Options) (paxtest.Shape, engine.Result, []sim.Taken) {
	var rec *sim.Recorder
	sh, res, err := paxtest.RunCase(t, builtin.Paxos(), o, func(d sim.Decider) sim.Decider {
		rec = &sim.Recorder{Inner: d}
		return rec
	})
	if err != nil {
		t.Fatalf("RunCase: %v", err)
	}
	return sh, res, rec.Taken
}

// TestFuzzSeeds checks the committed seed corpus: every file must still
// read as a FuzzSchedule input (go test runs them through FuzzSchedule
// too, which the correct protocol must pass; this names them). With
// PAXSIM_UPDATE_TESTDATA=1 it first rewrites them.
func TestFuzzSeeds(t *testing.T) {
	dir := filepath.Join(pkgDir(t), "testdata", "fuzz", "FuzzSchedule")
	if updateTestdata() {
		writeFuzzSeeds(t, pkgDir(t), dir)
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

// fuzzSource is a committed rapid fail file whose schedule seeds the fuzz
// corpus.
type fuzzSource struct {
	name, file string
	o          paxtest.Options
}

// writeFuzzSeeds writes the seed corpus: the schedules of the committed
// rapid fail files of single-decree Paxos, each as the correct protocol's
// input, and the shortest schedule rapid finds with every kind of fault.
func writeFuzzSeeds(t *testing.T, dir, corpus string) {
	old, _ := filepath.Glob(filepath.Join(corpus, "*"))
	for _, f := range old {
		os.Remove(f)
	}
	if err := os.MkdirAll(corpus, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, input []byte) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", input)
		if err := os.WriteFile(filepath.Join(corpus, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", name, len(input))
	}
	sources := []fuzzSource{{"value-recovery", filepath.Join(dir, regressionFailFile), paxtest.Options{}}}
	for _, v := range builtin.Paxos().Info().Variants {
		name := "TestPower/paxos/" + v.Name
		files, _ := filepath.Glob(filepath.Join(dir, failFileDir(name), failFilePrefix(name)+"*.fail"))
		for _, f := range files {
			sources = append(sources, fuzzSource{v.Name, f, powerOptions(builtin.Paxos(), v)})
		}
	}
	for _, s := range sources {
		var input []byte
		t.Run("from "+s.name, func(t *testing.T) {
			rapid.MakeFuzz(func(rt *rapid.T) {
				sh, _, taken := recordedCase(rt, s.o)
				input = fuzzInput(sh, taken)
			})(t, readFailFile(t, s.file))
		})
		if input != nil {
			write(s.name, input)
		}
	}
	write("every-fault", everyFaultInput(t))
}

// everyFaultInput is the input of the shortest schedule rapid finds with
// a crash, a restart, a drop and a duplicate.
func everyFaultInput(t *testing.T) []byte {
	t.Chdir(t.TempDir())
	setFlag(t, "rapid.seed", "1")
	setFlag(t, "rapid.checks", "100000")
	setFlag(t, "rapid.nofailfile", "true")
	setFlag(t, "rapid.shrinktime", "10m")
	rec := paxtest.NewRecorder("every-fault")
	var input []byte
	rec.Run(func() {
		rapid.Check(rec, func(rt *rapid.T) {
			sh, res, taken := recordedCase(rt, paxtest.Options{SafetyOnly: true})
			input = fuzzInput(sh, taken)
			tr := trace.FromResult(sh.Config, &res).String()
			if strings.Contains(tr, "\ncrash ") && strings.Contains(tr, "\nrestart ") &&
				strings.Contains(tr, "\ndrop ") && strings.Contains(tr, "\ndup ") {
				rt.Fatalf("every kind of fault")
			}
		})
	})
	if !rec.Failed() {
		t.Fatalf("rapid found no schedule with every kind of fault")
	}
	return input
}
