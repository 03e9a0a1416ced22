package script_test

import (
	"strings"
	"testing"

	. "github.com/paxsim/paxsim/script"
)

// TestSendForgesAMessage: a hand-written message is delivered like any
// other, and the checkers judge what it makes the nodes do: two acceptors
// that accept a value no client proposed choose it (validity).
func TestSendForgesAMessage(t *testing.T) {
	text := "run expect=validity\nsend 1->2 Accept(1.1, v9)\nsend 1->3 Accept(1.1, v9)\ndeliver 1->2 Accept\ndeliver 1->3\n----\n"
	s, err := Parse(strings.NewReader(text), "x", "f.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	res, err := runBlock(s, s.Runs[0], &out)
	if err != nil || !res.Holds {
		t.Fatalf("%v, holds %v, got %s", err, res.Holds, res.Got)
	}
	for _, want := range []string{"send 1->2 Accept(1.1, v9)\n", "deliver 1->3 Accept(1.1, v9)\n  node 3 accepts (1.1, v9)\n", "verdict: validity violated"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the printout lacks %q:\n%s", want, out.String())
		}
	}
}
