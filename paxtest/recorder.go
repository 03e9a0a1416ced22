package paxtest

import (
	"fmt"
	"strings"
)

// recorder is a rapid.TB that keeps what rapid reports instead of failing
// a test, so that rapid's search and shrinking run in full and Find can
// return what they found: rapid.Check accepts any rapid.TB. A property
// reports from its own goroutine only: the suites start none.
type recorder struct {
	name   string
	failed bool
	errors []string
	log    func(format string, args ...any) // where rapid's logs go, if anywhere
}

// stopped is the panic with which a recorder stops a check, as FailNow
// stops a test; run recovers it.
type stopped struct{}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return r.name }

// Logf and Log pass rapid's logs on to log, if set: by default they are
// dropped, as the draws of a failing case are what its decision trace
// words better.
func (r *recorder) Logf(format string, args ...any) {
	if r.log != nil {
		r.log(format, args...)
	}
}
func (r *recorder) Log(args ...any) { r.Logf("%s", fmt.Sprintln(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any) {
	r.Errorf("%s", strings.TrimSuffix(fmt.Sprintln(args...), "\n"))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(stopped{})
}
func (r *recorder) Fatal(args ...any) {
	r.Error(args...)
	panic(stopped{})
}
func (r *recorder) Skipf(string, ...any) { panic(stopped{}) }
func (r *recorder) Skip(...any)          { panic(stopped{}) }
func (r *recorder) SkipNow()             { panic(stopped{}) }
func (r *recorder) FailNow()             { r.Fail(); panic(stopped{}) }
func (r *recorder) Fail()                { r.failed = true }
func (r *recorder) Failed() bool         { return r.failed }

// run calls f with r, recovering the panic with which r stops.
func (r *recorder) run(f func()) {
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(stopped); !ok {
				panic(p)
			}
		}
	}()
	f()
}

// reproduce is rapid's own hint: the flags that run the failing case
// again (-run=... -rapid.seed=N, or -rapid.failfile=...), or "".
func (r *recorder) reproduce() string {
	for _, e := range r.errors {
		for _, l := range strings.Split(e, "\n") {
			if strings.HasPrefix(l, "To reproduce") {
				return "rapid: " + l
			}
		}
	}
	return ""
}
