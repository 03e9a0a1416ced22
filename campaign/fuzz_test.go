package campaign

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseReproducer reads reproducer files (seed-N.json, which replay
// and shrink take): no input panics, and each gets either an error that
// names the file or a Reproducer that reads back the same once written as
// Write writes it. The seed corpus is the CLI's reproducers and the files
// in testdata/fuzz/FuzzParseReproducer. To fuzz:
//
//	go test -run '^$' -fuzz FuzzParseReproducer -fuzztime 1m ./campaign
func FuzzParseReproducer(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "cli", "testdata", "*.json"))
	if len(files) == 0 {
		f.Fatal("no reproducers in cli/testdata")
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _, err := ParseReproducer(data, "seed-1.json", registry.Lookup)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "seed-1.json: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		text, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			t.Fatalf("a reproducer read does not write: %v", err)
		}
		again, _, err := ParseReproducer(text, "seed-1.json", registry.Lookup)
		if err != nil {
			t.Fatalf("the reproducer as written does not read back: %v\n%s", err, text)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("the reproducer changed when written and read back:\n%+v\n%+v", r, again)
		}
	})
}
