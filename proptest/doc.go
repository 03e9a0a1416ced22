// Package proptest holds paxsim's property suites: rapid
// (pgregory.net/rapid) and Go's native fuzzing explore schedules of the
// reference single-decree Paxos on purpose, and what they find shrinks to
// the few decisions that matter.
//
// # Deciders
//
// A run of scenarios.RunChoice is a pure function of its config and its
// decisions: which replica each client asks, then, step by step, which
// enabled action runs next (deliver, drop or duplicate a message, fire a
// timer, crash or restart a replica), and the handlers' random draws.
// Rapid(t) takes every one of them as a draw from a *rapid.T, so rapid sees
// the whole schedule and shrinks it; nothing is fed to a hidden PRNG (the
// liveness phase after the heal excepted: it runs timed, with a seed the
// suites draw too). Every draw shrinks toward 0, and 0 is the uneventful
// choice: the first message in sending order, no fault. RunChoice here
// wraps scenarios.RunChoice for a property. Bytes(data) reads the same
// decisions from a fuzzer's bytes.
//
// # The suites
//
// The tests of this package (go test ./proptest):
//
//   - TestAgreement, TestValidity, TestLearnerIntegrity,
//     TestLivenessAfterHealing and TestLinearizability: one property each,
//     on the correct protocol. rapid draws the cluster (1 to 5 replicas, 1
//     to as many clients, each asking a drawn replica), the scheduler's bounds (20 to 150 steps,
//     drops or not, up to 3 duplicates, up to 2 crashes) and every
//     decision; faults then heal and a timed liveness phase follows. A
//     failure prints the violation and the run's decision trace, which
//     `paxsim replay FILE` runs again step by step.
//   - TestPower: for every built-in buggy variant (protocol.Variants) rapid
//     finds a violation of the property the variant breaks and shrinks it
//     to a schedule of a measured length; delta debugging
//     (scenarios.Shrink) takes it to a 1-minimal one.
//   - FuzzSchedule: a native fuzz target over the correct protocol's
//     schedules, with a seed corpus in testdata/fuzz/FuzzSchedule.
//
// # Long runs and other knobs
//
// A plain go test runs 10,000 cases per property and the power test from
// one fixed seed, about 25 s in all on two cores. PAXSIM_LONG=1 runs
// 1,000,000 cases per property and the power test from 20 seeds:
//
//	PAXSIM_LONG=1 go test -timeout 2h ./proptest
//
// rapid's own flags (after the package) and their environment variables
// work as documented by rapid: -rapid.checks=N (RAPID_CHECKS) sets the
// cases per property and overrides both; -rapid.seed=N starts from a seed;
// -rapid.failfile=FILE replays a fail file; -rapid.nofailfile writes none;
// -rapid.v logs every case. For example:
//
//	go test ./proptest -run TestAgreement -rapid.checks=200000
//
// To fuzz:
//
//	go test -run '^$' -fuzz FuzzSchedule -fuzztime 5m ./proptest
//
// # Fail files
//
// When a property fails, rapid writes the shrunk case's draws to
// testdata/rapid/TEST/TEST-TIME-PID.fail, says so with the command that
// reproduces it (-rapid.failfile=... or -rapid.seed=...), and before every
// later search it replays every testdata/rapid/TEST/TEST-*.fail. A fail
// file is rapid's bits, not a schedule: it replays the same schedule as
// long as the property draws the same way (every test here draws through
// the same helper, in the same order) and the code takes the same
// decisions. Commit one to keep a failure, or an interesting schedule, as
// a regression test. The committed ones:
//
//   - testdata/rapid/TestAgreement/TestAgreement-value-recovery.fail: the
//     shortest schedule rapid found in which the correct protocol recovers a
//     value from a promise and gets it chosen (what ignore-promised-values
//     gets wrong). rapid replays it on every run of TestAgreement, where it
//     must pass; TestRegressionFailFile checks that it still replays whole
//     and still recovers a value.
//   - testdata/rapid/TestPower_VARIANT/TestPower_VARIANT-shrunk.fail: the
//     shrunk counterexample of each buggy variant, which TestPower has rapid
//     replay and expects to fail.
//
// Their comments show the decision trace each one replays as.
// PAXSIM_UPDATE_TESTDATA=1 go test ./proptest rewrites them, and the seed
// corpus of FuzzSchedule, after a change to the protocol or to the draws
// made them stale; the tests say when that is.
package proptest
