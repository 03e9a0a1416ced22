// Package rapidseed makes the rapid properties of paxsim's tests start
// from a fixed seed, so that go test gives the same verdict on the same
// code every time: a property that finds a bug finds it on every run, and
// one that passes passes on every run. A longer random search is one
// variable away: PAXSIM_LONG=1 leaves rapid its random seed (and
// multiplies the cases of the property suites, package paxtest), and
// -rapid.seed or RAPID_SEED pins any other seed. A failure names its seed
// either way, as rapid does.
package rapidseed

import (
	"flag"
	"os"
	"strconv"
)

// Seed is the seed the properties start from when nothing else is asked.
const Seed = 1

// Long reports whether this run asks for a long, random search:
// PAXSIM_LONG=1 (any value strconv.ParseBool takes as true).
func Long() bool {
	long, err := strconv.ParseBool(os.Getenv("PAXSIM_LONG"))
	return err == nil && long
}

// Fix sets rapid's seed to Seed, unless the run is Long or RAPID_SEED
// names one. A test package calls it from an init function, before the
// command line is parsed: -rapid.seed, when given, still wins. It
// changes the flag's value only, not its status: a flag.Visit after the
// parse sees -rapid.seed only when the command line gave it.
func Fix() {
	if Long() {
		return
	}
	if _, ok := os.LookupEnv("RAPID_SEED"); ok {
		return
	}
	if f := flag.Lookup("rapid.seed"); f != nil {
		f.Value.Set(strconv.Itoa(Seed))
	}
}
