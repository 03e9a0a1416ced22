// Package cputime reads the CPU time a process has used: what benchmarks
// on a shared machine report beside wall time, which other processes'
// work inflates.
package cputime
