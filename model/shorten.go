package model

import "github.com/paxsim/paxsim/checker"

// shorten returns a counterexample of a reduced search (explore.Options.POR)
// with the steps the violation does not need left out: labels, the
// search's path to a violation of want, and lines, their replay.
//
// A search that expands states by persistent sets reaches every violation
// the full search reaches, but maybe by a longer path: a step of the set
// that the violation does not need can come first. Such a step commutes
// with every step of the shortest path that comes after it, and the
// checkers' verdicts stay broken once broken, so leaving it out keeps the
// violation; leaving them out from the last to the first leaves the
// shortest path's steps, reordered. shorten tries each step in that order
// and keeps a path without it when its replay, taking every step as
// written (no duplicate written in for a message not in flight), still
// breaks want.
func (m *Model[M, D]) shorten(labels, lines []string, want checker.Property) ([]string, []string) {
	for i := len(labels) - 1; i >= 0; i-- {
		fewer := append(append([]string(nil), labels[:i]...), labels[i+1:]...)
		if l, err := m.reproduce(fewer, want, false); err == nil && len(l) < len(lines) {
			labels, lines = fewer, l
		}
	}
	return labels, lines
}
