// Package watchdog tells a run that hangs inside protocol code (an endless
// loop, a handler that blocks on a channel or a lock) from one that is only
// slow. A run counts its steps as it takes them (engine.Options.Steps); a
// run whose count stands still for a whole timeout of wall time hangs,
// since no step of a simulation takes that long: a step is one handler of
// one replica, microseconds of work.
//
// The watchdog reads the wall clock, outside every simulation: a run's
// steps and verdict never depend on it. What it changes is whether a run
// that hangs is reported, with its seed and the stack of the goroutine
// stuck in it, or waited for forever. A run that hangs cannot be stopped
// (Go cannot stop a goroutine from outside): the caller abandons it and
// reports the hang, as a failure of the seed.
package watchdog

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

// DefaultTimeout is how long a run's step count may stand still before
// the run is said to hang: far past any step's work, and past what a
// loaded machine's scheduler holds a goroutine back.
const DefaultTimeout = 10 * time.Second

// Pulse is one worker's: the seed it runs and the steps that run took so
// far. The worker owns it; the watchdog reads it from another goroutine.
type Pulse struct {
	steps     atomic.Int64
	seed      atomic.Uint64
	state     atomic.Int32 // idle, running, or abandoned (hung)
	goroutine uint64       // the worker's goroutine, set by Bind
}

// The states of a Pulse.
const (
	idle int32 = iota
	running
	abandoned
)

// Bind records the calling goroutine as the pulse's worker, whose stack a
// hang reports. The worker calls it once, before its first run.
func (p *Pulse) Bind() { p.goroutine = currentGoroutine() }

// Begin marks the start of a run of seed: its steps count from zero.
// What the worker wrote before it, the watchdog may read once the run
// hangs.
func (p *Pulse) Begin(seed uint64) {
	p.steps.Store(0)
	p.seed.Store(seed)
	p.state.Store(running)
}

// End marks the end of the run. It reports false when the watchdog had
// abandoned the run as hung by then: the caller's result is no longer
// wanted, and the worker must stop.
func (p *Pulse) End() bool { return p.state.CompareAndSwap(running, idle) }

// Steps is the counter the run increments as it takes steps
// (engine.Options.Steps), and sets below zero once it took its last one
// (engine.StepsDone): what follows is not protocol code.
func (p *Pulse) Steps() *atomic.Int64 { return &p.steps }

// Hang is a run that took no step for a whole timeout.
type Hang struct {
	Seed  uint64
	After time.Duration // how long it stood still
	Steps int64         // the steps it had taken
	// Stack is the stuck goroutine's stack when the hang was seen: where
	// in the protocol's code it loops or blocks.
	Stack string
}

func (h *Hang) Error() string {
	return fmt.Sprintf("seed %d hangs: its run took no step for %s of wall time, after %d steps: protocol code loops or blocks", h.Seed, h.After, h.Steps)
}

// Watch checks pulses every tick (a tenth of timeout, at most a second)
// until stop is called, and calls hung, from its own goroutine, for each
// run whose steps stood still for timeout; that run is abandoned (its
// Pulse.End reports false). timeout <= 0 watches nothing.
func Watch(pulses []*Pulse, timeout time.Duration, hung func(Hang)) (stop func()) {
	if timeout <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(min(timeout/10, time.Second))
		defer tick.Stop()
		seen := make([]sighting, len(pulses))
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				for i, p := range pulses {
					if h, ok := seen[i].look(p, now, timeout); ok {
						hung(h)
					}
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// sighting is what the watchdog last saw of one pulse: its seed and
// steps, and since when they have stood still.
type sighting struct {
	seed  uint64
	steps int64
	since time.Time
}

// look compares p with what was seen of it before: a run whose steps
// stood still for timeout is abandoned and returned.
func (s *sighting) look(p *Pulse, now time.Time, timeout time.Duration) (Hang, bool) {
	if p.state.Load() != running {
		s.since = time.Time{}
		return Hang{}, false
	}
	seed, steps := p.seed.Load(), p.steps.Load()
	if steps < 0 { // the run took its last step (engine.StepsDone)
		s.since = time.Time{}
		return Hang{}, false
	}
	if s.since.IsZero() || seed != s.seed || steps != s.steps {
		*s = sighting{seed: seed, steps: steps, since: now}
		return Hang{}, false
	}
	if now.Sub(s.since) < timeout || !p.state.CompareAndSwap(running, abandoned) {
		return Hang{}, false
	}
	return Hang{Seed: seed, After: now.Sub(s.since).Round(time.Second), Steps: steps, Stack: stackOf(p.goroutine)}, true
}

// currentGoroutine is the calling goroutine's id, from the first line of
// its stack ("goroutine 17 [running]:"); 0 if that cannot be read.
func currentGoroutine() uint64 {
	var buf [64]byte
	line := buf[:runtime.Stack(buf[:], false)]
	line = bytes.TrimPrefix(line, []byte("goroutine "))
	id, _, _ := bytes.Cut(line, []byte(" "))
	n, _ := strconv.ParseUint(string(id), 10, 64)
	return n
}

// maxStackDump bounds the memory a dump of every goroutine's stack takes.
const maxStackDump = 16 << 20

// stackOf is goroutine id's stack, cut from a dump of every goroutine's;
// "" when it is not there (0: not bound).
func stackOf(id uint64) string {
	if id == 0 {
		return ""
	}
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= maxStackDump {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	head := []byte("goroutine " + strconv.FormatUint(id, 10) + " [")
	for block := range bytes.SplitSeq(buf, []byte("\n\n")) {
		if bytes.HasPrefix(block, head) {
			return string(bytes.TrimSpace(block))
		}
	}
	return ""
}

// Run runs run on a goroutine of its own and watches it: run's result, or
// the hang of a run that took no step for timeout (timeout <= 0: wait
// however long it takes). run counts its steps in its pulse's Steps
// (engine.Options.Steps, explore.Options.Steps); the pulse has begun seed,
// and run begins each further seed it runs (Pulse.Begin), so that a hang
// names the seed it is in. A run that hangs is abandoned, its goroutine
// left stuck: the caller reports the hang and goes on, or ends the
// process.
func Run[T any](timeout time.Duration, seed uint64, run func(p *Pulse) (T, error)) (T, *Hang, error) {
	type outcome struct {
		v   T
		err error
	}
	pulse := &Pulse{}
	done := make(chan outcome, 1)
	go func() {
		pulse.Bind()
		pulse.Begin(seed)
		v, err := run(pulse)
		pulse.End()
		done <- outcome{v, err}
	}()
	hung := make(chan Hang, 1)
	stop := Watch([]*Pulse{pulse}, timeout, func(h Hang) { hung <- h })
	defer stop()
	select {
	case out := <-done:
		return out.v, nil, out.err
	case h := <-hung:
		var zero T
		return zero, &h, nil
	}
}
