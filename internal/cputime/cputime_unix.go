//go:build unix

package cputime

import "syscall"

// Seconds is the CPU time, user and system, the process has used on
// all its threads (the garbage collector's included): a measure of work
// that other processes on a shared machine do not inflate, as they do
// wall time.
func Seconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6 + float64(ru.Stime.Sec) + float64(ru.Stime.Usec)/1e6
}
