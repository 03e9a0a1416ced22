package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for paxsim in a second process,
// which --check-determinism runs (paxsimExecutable is the test binary
// then): started with PAXSIM_TEST_AS_CLI set, it is the CLI. A test makes
// that second process differ from the first with PAXSIM_TEST_CLI_EXTRA,
// flags it appends to its arguments, and sees what it ran in the file
// PAXSIM_TEST_CLI_LOG names, a line of arguments per process. With
// PAXSIM_RUN_MAIN=1 it runs paxsim's main itself, to see what a signal
// does to it.
func TestMain(m *testing.M) {
	if os.Getenv("PAXSIM_RUN_MAIN") == "1" {
		main()
		return
	}
	if os.Getenv("PAXSIM_TEST_AS_CLI") == "" {
		os.Setenv("PAXSIM_TEST_AS_CLI", "1") // for the second processes of the tests
		os.Exit(m.Run())
	}
	args := append(os.Args[1:], strings.Fields(os.Getenv("PAXSIM_TEST_CLI_EXTRA"))...)
	if log := os.Getenv("PAXSIM_TEST_CLI_LOG"); log != "" {
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Fprintln(f, strings.Join(args, " "))
		f.Close()
	}
	os.Exit(Run(context.Background(), args, os.Stdout, os.Stderr))
}
