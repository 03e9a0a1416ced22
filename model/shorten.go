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
//
// A random walk's path (explore.Random) wanders far more: shortenWalk
// makes such passes until one leaves nothing out, and lets a replay
// write in a duplicate for a message delivered again, as a set network
// delivers it.
func (m *Model[M, D]) shorten(labels, lines []string, want checker.Property) ([]string, []string) {
	labels, lines, _ = m.shortenPass(labels, lines, want, false)
	return labels, lines
}

// shortenWalk is shorten of a random walk's path.
func (m *Model[M, D]) shortenWalk(labels, lines []string, want checker.Property) ([]string, []string) {
	for more := true; more; {
		labels, lines, more = m.shortenPass(labels, lines, want, true)
	}
	return labels, lines
}

// shortenPass tries leaving out each step of labels, from the last to
// the first, and reports whether it left out any.
func (m *Model[M, D]) shortenPass(labels, lines []string, want checker.Property, redeliver bool) ([]string, []string, bool) {
	shorter := false
	for i := len(labels) - 1; i >= 0; i-- {
		fewer := append(append([]string(nil), labels[:i]...), labels[i+1:]...)
		if l, err := m.reproduce(fewer, want, redeliver); err == nil && len(l) < len(lines) {
			labels, lines, shorter = fewer, l, true
		}
	}
	return labels, lines, shorter
}
