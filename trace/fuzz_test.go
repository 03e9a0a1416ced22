package trace_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/trace"
)

// FuzzParseTrace fuzzes the decision traces paxsim reads (replay, shrink,
// scenario import). It asserts that no input panics, and that each gets
// either an *engine.LineError naming the file and a line of it, or a
// trace that round-trips (written and read again, it is the same) and
// whose check and replay, within a small bound, end in an *engine.LineError
// or an *engine.ConfigError at worst. The seed corpus is every shipped
// trace and the files in testdata/fuzz/FuzzParseTrace (inputs at the
// edges: a byte-order mark, another version, bad steps, an old config),
// which a plain `go test` runs. To fuzz:
//
//	go test -run '^$' -fuzz FuzzParseTrace -fuzztime 1m ./trace
func FuzzParseTrace(f *testing.F) {
	addFiles(f, filepath.Join("..", "testdata", "traces", "*.trace"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := trace.Parse(strings.NewReader(string(data)), "f.trace")
		if err != nil {
			requireLineError(t, err, "f.trace", data)
			return
		}
		text := tr.String()
		again, err := trace.Parse(strings.NewReader(text), "f.trace")
		if err != nil {
			t.Fatalf("the trace as written does not read back: %v\n%s", err, text)
		}
		if again.String() != text {
			t.Fatalf("the trace changed when written and read back:\n%s\n---\n%s", text, again)
		}
		p, err := registry.Lookup(tr.Config.Protocol)
		if err != nil {
			return // a protocol this binary does not know: the CLI says so
		}
		if err := trace.Check(tr, p.Info(), "f.trace"); err != nil {
			requireLineError(t, err, "f.trace", data)
			return
		}
		// Replaying it, within a small bound, panics nowhere.
		tr.Config.MaxEvents, tr.Config.Liveness = min(tr.Config.MaxEvents, 5000), min(tr.Config.Liveness, 500)
		if _, err := p.Replay(tr, engine.Options{}); err != nil {
			var le *engine.LineError
			var ce *engine.ConfigError
			if !errors.As(err, &le) && !errors.As(err, &ce) {
				t.Fatalf("replay: %v (%T), want an *engine.LineError or an *engine.ConfigError", err, err)
			}
		}
	})
}

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

// requireLineError fails unless err is an *engine.LineError that names
// file and a line of text (0 for the file as a whole), with a message.
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
