package explore

import "time"

// WithClock returns o with now as the search's clock, in place of the
// wall clock, so a test can step time by hand.
func WithClock(o Options, now func() time.Time) Options {
	o.now = now
	return o
}
