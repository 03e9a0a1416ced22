package paxtest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/sim"
)

func TestAssertionsInSource(t *testing.T) {
	got, err := paxtest.AssertionsInSource("testdata/asserts/good")
	if err != nil {
		t.Fatal(err)
	}
	want := []paxtest.SourceAssertion{
		{Name: "never wrong", Kind: sim.AssertAlways, At: "node.go:12"},
		{Name: "caught up", Kind: sim.AssertSometimes, At: "node.go:13"},
		{Name: "a rare path", Kind: sim.AssertReachable, At: "node.go:14"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("found %+v, want %+v", got, want)
	}
	_, err = paxtest.AssertionsInSource("testdata/asserts/computed")
	if err == nil || !strings.Contains(err.Error(), "node.go:5: the name of a reachable assertion is not a string constant") {
		t.Errorf("a computed name: error %v", err)
	}
}
