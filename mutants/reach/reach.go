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
	"strconv"
	"sync/atomic"
)

// Env is the environment variable that selects the mutant a mutant build
// runs: its number in the schema, 1 and up; unset or 0 runs none.
const Env = "PAXSIM_SOURCE_MUTANT"

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
