package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fuzz targets of the files paxsim reads in this package: decision
// traces (replay, shrink, scenario import) and scenario scripts (scenario
// run). Each asserts that no input panics, and that each gets either a
// clear error, a *TraceError naming the file and a line of it, or a value
// that round-trips: written and read again, it is the same. The seed
// corpus is the f.Add calls (every shipped trace and scenario) and the
// files in testdata/fuzz/NAME (inputs at the edges: a byte-order mark,
// another version, bad steps), which a plain `go test` runs. To fuzz:
//
//	go test -run '^$' -fuzz FuzzParseTrace -fuzztime 1m ./scenarios
//	go test -run '^$' -fuzz FuzzParseScenario -fuzztime 1m ./scenarios

// addFiles adds the files matching pattern to f's seed corpus.
func addFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	if len(files) == 0 {
		f.Fatalf("no files match %s", pattern)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// requireClearError fails unless err is a *TraceError that names file and
// a line of text (0 for the file as a whole), with a message.
func requireClearError(t *testing.T, err error, file string, text []byte) {
	t.Helper()
	var te *TraceError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T), want a *TraceError", err, err)
	}
	lines := strings.Count(string(text), "\n") + 1
	if te.File != file || te.Line < 0 || te.Line > lines+1 || te.Msg == "" {
		t.Fatalf("error %q: want the file %s, a line in 0..%d and a message", err, file, lines+1)
	}
}

func FuzzParseTrace(f *testing.F) {
	addFiles(f, filepath.Join("..", "testdata", "traces", "*.trace"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := ParseTrace(strings.NewReader(string(data)), "f.trace")
		if err != nil {
			requireClearError(t, err, "f.trace", data)
			return
		}
		text := tr.String()
		again, err := ParseTrace(strings.NewReader(text), "f.trace")
		if err != nil {
			t.Fatalf("the trace as written does not read back: %v\n%s", err, text)
		}
		if again.String() != text {
			t.Fatalf("the trace changed when written and read back:\n%s\n---\n%s", text, again)
		}
		// Replaying it, within a small bound, panics nowhere.
		tr.Config.MaxEvents, tr.Config.Liveness = min(tr.Config.MaxEvents, 5000), min(tr.Config.Liveness, 500)
		if _, err := Replay(tr, Options{}); err != nil {
			var te *TraceError
			var ce *ConfigError
			if !errors.As(err, &te) && !errors.As(err, &ce) {
				t.Fatalf("replay: %v (%T), want a *TraceError or a *ConfigError", err, err)
			}
		}
	})
}

func FuzzParseScenario(f *testing.F) {
	addFiles(f, filepath.Join("..", "testdata", "scenarios", "*.txt"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseScenario(strings.NewReader(string(data)), "f", "f.txt")
		if err != nil {
			requireClearError(t, err, "f.txt", data)
			return
		}
		text := s.String()
		again, err := ParseScenario(strings.NewReader(text), "f", "f.txt")
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
			var out strings.Builder
			if _, err := RunScenario(s, run, &out); err != nil {
				requireClearError(t, err, "f.txt", data)
			}
		}
	})
}
