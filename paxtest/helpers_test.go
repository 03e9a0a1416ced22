package paxtest_test

import (
	"flag"
	"os"
	"strconv"
	"testing"
)

// long reports whether PAXSIM_LONG asks for the long run.
func long() bool {
	v, err := strconv.ParseBool(os.Getenv("PAXSIM_LONG"))
	return err == nil && v
}

// updateTestdata reports whether PAXSIM_UPDATE_TESTDATA asks the tests to
// rewrite the committed rapid fail files and fuzz seeds.
func updateTestdata() bool {
	v, err := strconv.ParseBool(os.Getenv("PAXSIM_UPDATE_TESTDATA"))
	return err == nil && v
}

// setFlag sets one of rapid's flags for the rest of t, for the searches
// the tests run on rapid directly (writing testdata). rapid reads its
// flags when a check starts; the tests of this package do not run in
// parallel, so the change is seen by t alone.
func setFlag(t *testing.T, name, value string) {
	t.Helper()
	f := flag.Lookup(name)
	if f == nil {
		t.Fatalf("no flag -%s", name)
	}
	old := f.Value.String()
	if err := f.Value.Set(value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Value.Set(old) })
}

// pkgDir is the package's directory, where its testdata is: the tests
// that run rapid somewhere else first note it.
func pkgDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
