package proptest_test

import (
	"fmt"
	"strings"
	"sync"
)

// recorder is a rapid.TB that keeps what rapid reports instead of failing a
// test: the power test runs rapid.Check on one to see a property fail.
type recorder struct {
	name   string
	mu     sync.Mutex
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
