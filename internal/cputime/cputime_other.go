//go:build !unix

package cputime

// Seconds is not measured here: benchmarks leave out their CPU-time
// metrics.
func Seconds() float64 { return 0 }
