package paxtest

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/sim"
)

// What paxsim's own suites (package paxtest_test) need of the inside.

// SeedChosen reports whether the user named rapid's seed (-rapid.seed, or
// RAPID_SEED): the value alone does not say, since the tests start rapid
// from a fixed seed (internal/rapidseed).
func SeedChosen() bool { return chosen("rapid.seed", "RAPID_SEED") }

// Shape is a case's drawn structure.
type Shape = shape

// Recorder is the rapid.TB that keeps a failure instead of failing.
type Recorder = recorder

// NewRecorder returns a Recorder named name (rapid's fail files go to
// testdata/rapid/NAME).
func NewRecorder(name string) *Recorder { return &recorder{name: name} }

// Run calls f with r, recovering the panic with which r stops.
func (r *recorder) Run(f func()) { r.run(f) }

// Errors are what rapid reported.
func (r *recorder) Errors() []string { return r.errors }

// RunCase draws and runs one case as every suite does, wrap (if set)
// wrapping the decider.
func RunCase(t *rapid.T, p *harness.Protocol, o Options, wrap func(sim.Decider) sim.Decider) (Shape, engine.Result, error) {
	return rapidCase(t, p, &o, wrap)
}

// FailFilesOnly has Find replay the committed fail files and search no
// further.
func FailFilesOnly(o Options) Options { o.failFilesOnly = true; return o }

// WriteFailFile has Find let rapid write its fail file (into the working
// directory's testdata/rapid).
func WriteFailFile(o Options) Options { o.writeFailFile = true; return o }

// Report is the failure message Properties, Fuzz and Campaign print, its
// trace written to a file.
func (f *Finding) Report(t *testing.T) string { return f.report(t) }

// ConfigFlags writes c as paxsim's flags.
var ConfigFlags = configFlags
