//go:build !unix

package scenarios

// cpuSeconds is not measured here: benchmarks leave out their CPU-time
// metrics.
func cpuSeconds() float64 { return 0 }
