package paxtest

import (
	"fmt"
	"strings"
	"sync"
)

// recorder is a rapid.TB that keeps what rapid reports instead of failing
// a test, so that rapid's search and shrinking run in full and Find can
// return what they found: rapid.Check accepts any rapid.TB.
type recorder struct {
	name   string
	mu     sync.Mutex // rapid's T may report from the property's goroutines
	failed bool
	errors []string
	logs   []string
}

// stopped is the panic with which a recorder stops a check, as FailNow
// stops a test; run recovers it.
type stopped struct{}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return r.name }
func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) Log(args ...any) { r.Logf("%s", fmt.Sprintln(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
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
func (r *recorder) Skipf(format string, args ...any) { r.Logf(format, args...); panic(stopped{}) }
func (r *recorder) Skip(args ...any)                 { r.Log(args...); panic(stopped{}) }
func (r *recorder) SkipNow()                         { panic(stopped{}) }
func (r *recorder) FailNow()                         { r.Fail(); panic(stopped{}) }
func (r *recorder) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

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
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.errors {
		for _, l := range strings.Split(e, "\n") {
			if strings.HasPrefix(l, "To reproduce") {
				return "rapid: " + l
			}
		}
	}
	return ""
}

// complaint is what rapid reported, for a failure that is no
// counterexample (too many invalid cases, a flaky property).
func (r *recorder) complaint() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n")
}
