package script

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/engine"
)

// CheckGolden compares a run's printout (what Execute wrote) with the
// golden printout its file holds after "----", and returns an
// *engine.LineError at the first line that differs; nil when they match,
// or when the file holds no printout yet (go test -rewrite writes it).
func CheckGolden(s *Scenario, run Run, printout string) error {
	if run.Golden == "" {
		return nil
	}
	want := strings.SplitAfter(run.Golden, "\n")
	got := strings.SplitAfter(printout, "\n")
	for i := 0; i < max(len(want), len(got)); i++ {
		w, g := at(want, i), at(got, i)
		if w == g {
			continue
		}
		return &engine.LineError{File: s.File, Line: run.GoldenLine + i, Msg: fmt.Sprintf(
			"the run's printout differs from the file's here: the file has %s, the run printed %s "+
				"(a scenario file's printout is what its steps print: fix the steps, or regenerate the printout with go test -rewrite)",
			quoteLine(w), quoteLine(g))}
	}
	return nil
}

// at is line i of lines, without its newline, or "" past the end.
func at(lines []string, i int) string {
	if i >= len(lines) {
		return ""
	}
	return strings.TrimSuffix(lines[i], "\n")
}

func quoteLine(s string) string {
	if s == "" {
		return "nothing"
	}
	return fmt.Sprintf("%q", s)
}
