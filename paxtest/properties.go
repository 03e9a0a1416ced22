package paxtest

import (
	"flag"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/sim"
)

// Properties is p's property suite: rapid draws schedules of p (the
// cluster, the clients, the scheduler's bounds and every decision) and
// checks that no run breaks a property: safety at every step,
// linearizability of the clients' history, the observation contract, no
// panic and, once faults heal, liveness in a timed phase, which must be
// judged. A failure shrinks twice, by rapid over its draws and by delta
// debugging over the decision trace, and fails t with the violation, the
// 1-minimal decision trace (also written to a file that `paxsim replay`
// runs) and rapid's own hint to rerun the case.
func Properties(t *testing.T, p *harness.Protocol, o Options) {
	t.Helper()
	s := newSearch(t, p, o)
	if rec := s.check(t, false); s.found {
		t.Fatalf("%s\n%s", s.finding().report(t), rec.reproduce())
	}
	t.Logf("paxtest: %s, variant %s: %d cases passed", p.Name(), o.variant(), s.cases)
}

// Find runs the search of Properties, for a test that expects a bug: it
// returns the counterexample rapid found and shrank, delta debugging then
// takes to 1-minimal, or nil when no case in o.Checks fails. It starts
// from rapid seed 1 unless o.Seed or -rapid.seed says otherwise, so that
// what it finds is the same on every run, and writes no rapid fail file.
// A fail file committed under testdata/rapid/TEST/ (TEST the name of t)
// replays first, as in any rapid property.
func Find(t *testing.T, p *harness.Protocol, o Options) *Finding {
	t.Helper()
	s := newSearch(t, p, o)
	if s.check(t, true); s.found {
		return s.finding()
	}
	return nil
}

// search is one rapid search of a protocol's schedules.
type search struct {
	p     *harness.Protocol
	o     Options
	judge judge
	cases int // property calls: fail files, search and shrinking
	err   error
	// found is set by the first failing case, whose property becomes the
	// target: while rapid shrinks, a case that fails another property
	// passes, so that what rapid shrinks stays a failure of one property.
	found  bool
	target checker.Property
	// The last failing case: rapid runs its shrunk case last.
	shape shape
	res   engine.Result
	bad   checker.Violation
}

func newSearch(t *testing.T, p *harness.Protocol, o Options) *search {
	t.Helper()
	if err := o.check(p); err != nil {
		t.Fatal(err)
	}
	return &search{p: p, o: o, judge: o.judge()}
}

// check runs rapid.Check over the property, on a recorder named after t
// (rapid replays testdata/rapid/NAME/NAME-*.fail first). A failure of
// rapid's that is no counterexample (too many invalid cases, a flaky
// property) fails t.
func (s *search) check(t *testing.T, find bool) *recorder {
	t.Helper()
	restore, err := setRapidFlags(s.o.settings(find))
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	rec := &recorder{name: t.Name()}
	if f := flag.Lookup("rapid.v"); f != nil && f.Value.String() == "true" {
		rec.log = t.Logf // -rapid.v logs every case, as rapid does
	}
	rec.run(func() { rapid.Check(rec, s.property) })
	if s.err != nil {
		t.Fatalf("paxtest: %v", s.err)
	}
	if !s.found && rec.Failed() {
		t.Fatalf("paxtest: rapid failed without a counterexample:\n%s", strings.Join(rec.errors, "\n"))
	}
	return rec
}

// property runs one case with rapid taking every decision.
func (s *search) property(t *rapid.T) {
	s.cases++
	sh, res, err := rapidCase(t, s.p, &s.o, nil)
	if err != nil {
		s.err = err // a config the Options should not have drawn
		return
	}
	v := s.judge.failure(&res)
	if v == nil || (s.found && v.Property != s.target) {
		return
	}
	s.found, s.target = true, v.Property
	s.shape, s.res, s.bad = sh, res, *v
	t.Fatalf("%s", v.String()) // no pointers, no times: rapid compares it as it shrinks
}

// rapidCase draws a case of p and runs it, recorded, with rapid taking
// every decision through the Rapid decider, wrapped by wrap when set (the
// tests keep the decisions so). A draw that ran out of rapid's bits
// panics again here, once the run has returned.
func rapidCase(t *rapid.T, p *harness.Protocol, o *Options, wrap func(sim.Decider) sim.Decider) (shape, engine.Result, error) {
	sh := draw(rapidSource{t}, p, o)
	d := Rapid(t)
	var dec sim.Decider = d
	if wrap != nil {
		dec = wrap(d)
	}
	res, err := sh.run(p, dec, true)
	d.Rethrow()
	return sh, res, err
}

// finding is the last failing case, shrunk to 1-minimal.
func (s *search) finding() *Finding {
	return newFinding(s.p, s.shape.Config, &s.res, s.bad, s.shape.String(), s.cases)
}
