package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportTraceMakesAScenarioThatRuns: an imported trace is a scenario
// file that parses, expects what the trace's replay breaks, and whose run
// prints exactly its golden printout; a trace that heals is refused,
// naming its line.
func TestImportTraceMakesAScenarioThatRuns(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "traces", "*.trace"))
	if len(files) == 0 {
		t.Fatal("no traces")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			tr, err := ParseTrace(f, path)
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			err = ImportTrace(tr, "imported", &text)
			if strings.Contains(tr.String(), "\nheal\n") {
				if err == nil || !strings.Contains(err.Error(), "a scenario is a safety schedule") {
					t.Fatalf("a trace that heals: %v, want it refused", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s, err := ParseScenario(strings.NewReader(text.String()), "imported", "imported.txt")
			if err != nil {
				t.Fatalf("the imported scenario does not parse: %v\n%s", err, text.String())
			}
			replayed, _ := Replay(tr, Options{})
			want := "ok"
			if replayed.Failed() {
				want = string(replayed.Violations[0].Property)
			}
			run := s.Runs[0]
			var out strings.Builder
			res, err := RunScenario(s, run, &out)
			switch {
			case err != nil:
				t.Fatal(err)
			case run.Expect != want || !res.Holds:
				t.Fatalf("expects %s, holds %v; the trace's replay breaks %s", run.Expect, res.Holds, want)
			}
			if err := run.CheckGolden(s.File, out.String()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
