package campaign

import (
	"time"

	"github.com/paxsim/paxsim/watchdog"
)

// Hang is a seed whose run took no step for a whole timeout
// (Options.HangTimeout): protocol code that loops forever or blocks. Go
// cannot stop the goroutine stuck in it, so the campaign stops there, as a
// failure of that seed, and reports where the code was stuck.
type Hang struct {
	Seed uint64 `json:"seed"`
	// Seconds is how long the run took no step when the watchdog gave up
	// on it; Steps is how many it had taken.
	Seconds float64 `json:"seconds"`
	Steps   int64   `json:"steps"`
	// Stack is the stuck goroutine's stack at that moment: the protocol's
	// function and line it loops or blocks in.
	Stack string `json:"stack"`
}

func newHang(h *watchdog.Hang) *Hang {
	return &Hang{Seed: h.Seed, Seconds: h.After.Seconds(), Steps: h.Steps, Stack: h.Stack}
}

// hangTimeout is the watchdog's timeout: Options.HangTimeout, its default,
// or 0 (none) for a negative one.
func (o *Options) hangTimeout() time.Duration {
	switch {
	case o.HangTimeout < 0:
		return 0
	case o.HangTimeout == 0:
		return watchdog.DefaultTimeout
	}
	return o.HangTimeout
}

// lowestHang is the hang of the lowest seed among the shards', nil when
// none hung.
func lowestHang(parts []Summary) *Hang {
	var low *Hang
	for i := range parts {
		if h := parts[i].Hang; h != nil && (low == nil || h.Seed < low.Seed) {
			c := *h
			low = &c
		}
	}
	return low
}
