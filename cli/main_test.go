package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/report"
)

// registry is paxsim's own protocols, as cmd/paxsim registers them.
var registry = func() *harness.Registry {
	r, err := harness.NewRegistry(builtin.Protocols()...)
	if err != nil {
		panic(err)
	}
	return r
}()

// The exit codes, as the tests name them.
const (
	exitOK          = report.ExitOK
	exitViolation   = report.ExitViolation
	exitUsage       = report.ExitUsage
	exitCoverageGap = report.ExitCoverageGap
	exitIncomplete  = report.ExitIncomplete
)

// TestMain lets the test binary stand in for paxsim in a second process,
// which --check-determinism runs (paxsimExecutable is the test binary
// then): started with PAXSIM_TEST_AS_CLI set, it is the CLI. A test makes
// that second process differ from the first with PAXSIM_TEST_CLI_EXTRA,
// flags it appends to its arguments, and sees what it ran in the file
// PAXSIM_TEST_CLI_LOG names, a line of arguments per process. With
// PAXSIM_RUN_MAIN=1 it runs Main itself, as paxsim's main does, to see
// what a signal does to it. A worker that go test -fuzz starts has
// PAXSIM_TEST_AS_CLI set too, from the test binary it is a child of, and
// runs the tests.
func TestMain(m *testing.M) {
	if os.Getenv("PAXSIM_RUN_MAIN") == "1" {
		os.Exit(Main(builtin.Protocols()...))
	}
	if os.Getenv("PAXSIM_TEST_AS_CLI") == "" || fuzzWorker() {
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
	os.Exit(Run(context.Background(), registry, args, os.Stdout, os.Stderr))
}

// fuzzWorker reports whether this process is a worker that go test -fuzz
// started: a test binary's child that must run the tests, not the CLI.
func fuzzWorker() bool {
	for _, a := range os.Args[1:] {
		if a == "-test.fuzzworker" || strings.HasPrefix(a, "-test.fuzzworker=") {
			return true
		}
	}
	return false
}

// readReproducer reads a reproducer of one of paxsim's own protocols.
func readReproducer(path string) (campaign.Reproducer, error) {
	r, _, err := campaign.ReadReproducer(path, registry.Lookup)
	return r, err
}

// defaultConfig is `paxsim run`'s configuration of protocol name.
func defaultConfig(t *testing.T, name string) engine.Config {
	t.Helper()
	p, err := registry.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return newOptions(registry, p, nil).cfg
}

// testInvocation is an invocation over paxsim's own protocols.
var testInvocation = &invocation{reg: registry, program: "paxsim"}
