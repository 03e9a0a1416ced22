// Package reach is the switch of a source-mutant schema (package
// mutants/srcmut): the one mutant a process runs, chosen by the
// environment variable Env once, when the process starts, before any
// simulation; and whether the running code ever reached that mutant.
//
// The protocol code of a mutant build imports it only through the schema
// file srcmut writes into an overlay; the checked-in code never does. A
// process without Env runs mutant 0: the original code.
package reach

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Env is the environment variable that selects the mutant a mutant build
// runs: its number in the schema, 1 and up; unset or 0 runs none.
const Env = "PAXSIM_SOURCE_MUTANT"

// RunByEnv is the environment variable that tells a mutant's judgement
// what the control's judgement saw of its site, per protocol: a
// comma-separated list of NAME:ran (that protocol's campaigns ran the
// site) and NAME:skip (the site had not run at all by their end). A
// protocol not listed, or the variable unset: not known.
const RunByEnv = "PAXSIM_SOURCE_MUTANT_RUN_BY"

// RunBy reads RunByEnv for protocol: whether it is known, and whether
// its campaigns ran the site.
func RunBy(protocol string) (known, ran bool) {
	for _, e := range strings.Split(os.Getenv(RunByEnv), ",") {
		switch e {
		case protocol + ":ran":
			return true, true
		case protocol + ":skip":
			return true, false
		}
	}
	return false, false
}

// selected is read once, at package initialization: a run's code never
// sees it change.
var selected = parse(os.Getenv(Env))

var reached atomic.Bool

// parse reads Env's value: a non-negative number, or 0.
func parse(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// Selected is the mutant this process runs (0: none).
func Selected() int { return selected }

// Hit records that the selected mutant's code ran, and returns true, so
// that a schema can call it inside a boolean expression.
func Hit() bool {
	reached.Store(true)
	return true
}

// Reset forgets that the selected mutant's code ran: Reached then
// reports whether it ran since.
func Reset() { reached.Store(false) }

// Reached reports whether the selected mutant's code ran since the
// process started.
func Reached() bool { return reached.Load() }

// The control's coverage: the original code (mutant 0) records each
// mutant whose site it ran, so that a judgement can tell, for each
// protocol, which mutants its runs can tell apart at all. A mutant
// build's process records nothing.
var (
	coverMu sync.Mutex
	covered = map[int]bool{}
)

// recording: this process is the control's, which records its sites.
var recording = selected == 0

// Seen records, in the control's process, that the site of mutant k ran.
// Elsewhere it does nothing, and costs a branch where it is inlined.
func Seen(k int) {
	if recording {
		see(k)
	}
}

// see records that the site of mutant k ran (0 is no mutant).
func see(k int) {
	if k == 0 {
		return
	}
	coverMu.Lock()
	covered[k] = true
	coverMu.Unlock()
}

// Covered lists, sorted, the mutants whose sites ran since the last
// call, and forgets them.
func Covered() []int {
	coverMu.Lock()
	defer coverMu.Unlock()
	out := make([]int, 0, len(covered))
	for k := range covered { // order-free: sorted below
		out = append(out, k)
	}
	clear(covered)
	slices.Sort(out)
	return out
}
