package main

import (
	"os"
	"testing"
)

// TestMain lets a test run paxsim's main in a child process (the test
// binary itself, with PAXSIM_RUN_MAIN=1), to see what a signal does to it.
func TestMain(m *testing.M) {
	if os.Getenv("PAXSIM_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}
