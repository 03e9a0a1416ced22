package engine

import (
	"github.com/paxsim/paxsim/fingerprint"
	"math"
	"strconv"
	"testing"
)

// roundRateSlow is the formatting round trip roundRate computes without
// formatting: the double nearest the three significant digits that
// FormatFloat prints.
func roundRateSlow(r float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(r, 'g', 3, 64), 64)
	return v
}

// TestRoundRateIsTheRoundTrip: roundRate's arithmetic is the formatting
// round trip it replaces, on random rates across the range swarms draw
// and past it, near ties and near powers of ten.
func TestRoundRateIsTheRoundTrip(t *testing.T) {
	x := uint64(1)
	check := func(r float64) {
		if got, want := roundRate(r), roundRateSlow(r); got != want {
			t.Fatalf("roundRate(%v) = %v, want %v", r, got, want)
		}
	}
	for range 200_000 {
		x = fingerprint.SplitMix64(x)
		u := float64(x>>11) / (1 << 53)
		check(math.Exp2(-40 + 40*u))
	}
	for _, r := range []float64{1e-22, 1e-9, 0.001, 0.01, 0.1, 0.0995, 0.09995, 0.1235, 0.0012345, 0.00999, 0.5, 0.9999, 1, 2, 0} {
		check(r)
		check(math.Nextafter(r, 0))
		check(math.Nextafter(r, 1))
	}
}
