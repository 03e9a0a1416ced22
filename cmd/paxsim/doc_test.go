package main

import (
	"go/format"
	"os"
	"testing"
)

// TestDocHelp keeps doc.go, the CLI reference, equal to the help text it is
// generated from; "go test -update" rewrites it.
func TestDocHelp(t *testing.T) {
	want := docSource()
	formatted, err := format.Source([]byte(want))
	if err != nil {
		t.Fatalf("generated doc.go does not parse: %v", err)
	}
	if string(formatted) != want {
		t.Fatalf("generated doc.go is not gofmt-clean; fix docSource:\n%s", lineDiff(want, string(formatted)))
	}
	if *update {
		if err := os.WriteFile("doc.go", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != want {
		t.Errorf("doc.go is out of date with the help text; run go test ./cmd/paxsim -run TestDocHelp -update\n%s", lineDiff(string(have), want))
	}
}
