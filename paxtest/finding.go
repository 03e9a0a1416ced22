package paxtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/trace"
)

// Finding is a counterexample: a run that broke a property, as a decision
// trace that `paxsim replay` (or a user's own binary built on the paxsim
// command line) runs again step by step.
type Finding struct {
	Property  checker.Property  // the property the run broke
	Violation checker.Violation // the violation, as the run reported it
	// Trace is the run's decision trace, shrunk by delta debugging
	// (Shrink) to a 1-minimal one that fails Property too, when its
	// replay fails so.
	Trace *trace.Trace
	Steps int // Trace.Steps()
	// Unshrunk is the steps before delta debugging: those of rapid's
	// shrunk case, or of the campaign's run.
	Unshrunk int
	// Minimal is set when delta debugging took Trace to 1-minimal; else
	// Note says why not.
	Minimal bool
	Note    string
	// Cases is how many runs the search took: rapid's property calls
	// (fail files, search and shrinking), the campaign's seeds up to the
	// failing one, or the exhaustive search's distinct states (Check).
	Cases int
	// Seed is the failing seed of a campaign (for rapid, the seed of the
	// liveness phase); Trace.Seed holds it too.
	Seed uint64

	protocol string
	how      string // what reproduces the run besides its trace
}

// newFinding is the finding of a recorded run of c that broke v, the
// search's cases-th, its trace shrunk; how says what reproduces the run
// besides its trace.
func newFinding(p *harness.Protocol, c engine.Config, res *engine.Result, v checker.Violation, how string, cases int) *Finding {
	tr := trace.FromResult(c, res)
	steps := tr.Steps()
	f := &Finding{Property: v.Property, Violation: v, Trace: tr, Steps: steps, Unshrunk: steps, Cases: cases, Seed: res.Seed, protocol: p.Name(), how: how}
	f.shrink(p)
	return f
}

// shrinkSteps bounds delta debugging by the steps it replays, in all: a
// replay costs about as much as its trace and its events, and a failing
// test should not wait minutes for its report. A choice run's trace of 80
// steps gets thousands of replays, ample for 1-minimal; a long timed
// run's gets fewer.
const shrinkSteps = 400_000

// shrink reduces the trace to a 1-minimal one that fails the same
// property, and keeps it if so.
func (f *Finding) shrink(p *harness.Protocol) {
	sr, err := p.Shrink(context.Background(), f.Trace, trace.ShrinkOptions{Budget: shrinkSteps})
	switch {
	case err != nil:
		f.Note = "not shrunk: " + err.Error()
	case sr.Property != f.Property:
		f.Note = fmt.Sprintf("not shrunk: the replay broke %s first, not %s", sr.Property, f.Property)
	default:
		f.Trace, f.Steps, f.Minimal = sr.Trace, sr.After, !sr.Exhausted
		if sr.Exhausted {
			f.Note = fmt.Sprintf("shrunk from %d; delta debugging spent its budget of %d steps before 1-minimal", f.Unshrunk, shrinkSteps)
		}
	}
}

// String is the finding as a failure message: the violation, what
// reproduces the run and its decision trace.
func (f *Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, variant %s: %s\n", f.protocol, f.Trace.Config.Variant, f.Violation.String())
	if f.how != "" {
		fmt.Fprintf(&b, "%s\n", f.how)
	}
	shrunk := fmt.Sprintf("shrunk from %d, 1-minimal", f.Unshrunk)
	if !f.Minimal {
		shrunk = f.Note
	}
	fmt.Fprintf(&b, "decision trace (%d steps; %s):\n%s", f.Steps, shrunk, f.Trace)
	return b.String()
}

// report is the finding as t's failure message, its trace written to a
// file that `paxsim replay` runs, in a new directory under the system's
// temporary one, kept after the test.
func (f *Finding) report(t *testing.T) string {
	dir, err := os.MkdirTemp("", "paxtest-")
	path := filepath.Join(dir, safeName(t.Name())+".trace")
	if err == nil {
		err = os.WriteFile(path, []byte(f.Trace.String()), 0o644)
	}
	if err != nil {
		return fmt.Sprintf("%s(could not write the trace to a file: %v)", f, err)
	}
	return fmt.Sprintf("%sreplay it with the replay verb of paxsim, or of your own program's cli.Main: replay %s --protocol %s", f, path, f.protocol)
}

// safeName is a test's name as a file name: letters, digits, '-' and '_'
// kept, anything else '_'.
func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, name)
}
