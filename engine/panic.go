package engine

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// panicViolation reports a panic p in protocol code, raised while running
// event at, as a failure with the stack as evidence.
func panicViolation(at sim.TraceEntry, events int64, p any) checker.Violation {
	if m, ok := p.(*sim.MisuseError); ok { // not a crash: a call the contract rules out
		return checker.Violation{
			Property: checker.ContractProperty, Check: m.Rule, Time: int64(at.Time), Event: events,
			Message: fmt.Sprintf("the protocol broke the observation contract, rule %s, while running %s: %s", m.Rule, at, m.Msg),
		}
	}
	stack := stackEvidence()
	return checker.Violation{
		Property: PanicProperty, Check: panicSite(stack), Time: int64(at.Time), Event: events,
		Message:  fmt.Sprintf("panic while running %s: %v", at, p),
		Evidence: stack,
	}
}

// panicSite is the function a panic was raised in, the innermost frame of
// stack: what names a panic across seeds, whatever the values it met.
func panicSite(stack []string) string {
	if len(stack) == 0 {
		return "unknown"
	}
	at, _, _ := strings.Cut(strings.TrimPrefix(stack[0], "at "), " ")
	return at
}

// stackEvidence lists the panicking goroutine's frames as "function
// file:line", without addresses or goroutine ids, so that the report is the
// same on every run of the same binary.
func stackEvidence() []string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(4, pcs) // past Callers, stackEvidence, panicViolation and the deferred func
	frames := runtime.CallersFrames(pcs[:n])
	var out []string
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			out = append(out, fmt.Sprintf("at %s %s:%d", f.Function, filepath.Base(f.File), f.Line))
		}
		if !more || strings.Contains(f.Function, "engine.(*Session[") && strings.HasSuffix(f.Function, "]).Execute") || len(out) >= 16 {
			return out
		}
	}
}
