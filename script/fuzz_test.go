package script_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/engine"
	. "github.com/paxsim/paxsim/script"
	"github.com/paxsim/paxsim/trace"
)

// FuzzParseScenario fuzzes the scenario scripts paxsim reads (scenario
// run). It asserts that no input panics, and that each gets either an
// *engine.LineError naming the file and a line of it, or a scenario that
// round-trips (written and read again, it is the same) and whose every
// run, checked against its protocol and run, ends or names the line of a
// step it cannot take. The seed corpus is every shipped scenario and the
// files in testdata/fuzz/FuzzParseScenario (a byte-order mark, bad steps,
// two runs, ...), which a plain `go test` runs. To fuzz:
//
//	go test -run '^$' -fuzz FuzzParseScenario -fuzztime 1m ./script
func FuzzParseScenario(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.txt"))
	if len(files) == 0 {
		f.Fatal("no scenario files")
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(strings.NewReader(string(data)), "f", "f.txt")
		if err != nil {
			requireLineError(t, err, "f.txt", data)
			return
		}
		text := s.String()
		again, err := Parse(strings.NewReader(text), "f", "f.txt")
		if err != nil {
			t.Fatalf("the scenario as written does not read back: %v\n%s", err, text)
		}
		if again.String() != text || len(again.Runs) != len(s.Runs) || again.Summary != s.Summary {
			t.Fatalf("the scenario changed when written and read back:\n%s\n---\n%s", text, again)
		}
		// Running it panics nowhere; a step that cannot be taken names its line.
		steps := 0
		for _, run := range s.Runs {
			steps += len(run.Steps)
		}
		if steps > 300 {
			return
		}
		for _, run := range s.Runs {
			if _, err := runBlock(s, run, new(strings.Builder)); err != nil {
				requireLineError(t, err, "f.txt", data)
			}
		}
	})
}

// requireLineError fails unless err is an *engine.LineError that names
// file and a line of text, with a message.
func requireLineError(t *testing.T, err error, file string, text []byte) {
	t.Helper()
	var le *engine.LineError
	if !errors.As(err, &le) {
		t.Fatalf("error %v (%T), want an *engine.LineError", err, err)
	}
	lines := strings.Count(string(text), "\n") + 1
	if le.File != file || le.Line < 0 || le.Line > lines+1 || le.Msg == "" {
		t.Fatalf("error %q: want the file %s, a line in 0..%d and a message", err, file, lines+1)
	}
}

// TestScenarioFileRoundTrip: every shipped scenario, written back, reads
// as itself; a byte-order mark before the first line changes nothing; a
// line too long is refused naming it.
func TestScenarioFileRoundTrip(t *testing.T) {
	all, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		text := s.String()
		again, err := Parse(strings.NewReader("\uFEFF"+text), s.Name, s.File)
		if err != nil || again.String() != text {
			t.Fatalf("%s: %v; written back:\n%s\nread again:\n%v", s.Name, err, text, again)
		}
	}
	_, err = Parse(strings.NewReader("# a\n"+strings.Repeat("x", trace.MaxLine+1)+"\n"), "x", "f.txt")
	if err == nil || !strings.Contains(err.Error(), "f.txt:2: the line is longer than") {
		t.Errorf("a line too long: %v", err)
	}
}
