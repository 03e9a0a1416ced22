// Package paxtest gives any Paxos implementation bound to the harness
// (harness.New) paxsim's property suites in a go test, one call each:
//
//	func TestMyPaxos(t *testing.T)     { paxtest.Properties(t, myPaxos(), paxtest.Options{}) }
//	func FuzzMyPaxos(f *testing.F)     { paxtest.Fuzz(f, myPaxos(), paxtest.Options{}) }
//	func TestMyCampaign(t *testing.T)  { paxtest.Campaign(t, myPaxos(), paxtest.CampaignOptions{}) }
//	func TestMyCheck(t *testing.T)     { paxtest.Check(t, myPaxos(), paxtest.CheckOptions{}) }
//
// paxsim's own protocols run through the same calls (this package's tests).
//
// # The suites
//
// Properties has rapid (pgregory.net/rapid) draw schedules of the
// protocol in a Choice world: the cluster (1 to 5 replicas), the clients
// (a consensus workload's, 1 to one a replica, each asking a drawn
// replica; a key-value workload's, and their operations), the
// scheduler's bounds (20 to 150 decisions, drops or not, up to 3
// duplicates, up to 2 crashes, and with crashes the durability faults: a
// torn crash 1 to 3 effects into a handler, a crash that loses unsynced
// writes) and every decision: which message is delivered, dropped or
// duplicated, which timer fires, which replica crashes (plainly, inside
// the handler of a delivery or timer, or losing its last unsynced writes)
// or restarts. A reply sent before the vote it reports is persisted is
// thus a schedule rapid can draw and shrink. Faults then heal and a timed liveness phase
// follows, with a seed rapid draws too. Every property counts: safety at
// every step, linearizability of the clients' history, the observation
// contract, no panic of protocol code, and liveness, which must be
// judged. A failure shrinks twice, by rapid over its draws and then by
// delta debugging (harness.Protocol.Shrink) over the decision trace, and
// shows the 1-minimal trace, which `paxsim replay FILE --protocol NAME`
// runs again step by step.
//
// Find runs the same search for a test that expects a bug, and returns
// what it found. Fuzz is the native fuzz target over the same schedules,
// read from the fuzzer's bytes. Campaign runs seeds of timed runs, every
// fault drawn by the seed, each judged with the healed-core liveness
// phase; FindInCampaign returns its first failure. Check is `paxsim
// check`: the exhaustive search of the protocol's code, breadth first,
// then its follow-up searches (harness.Protocol.CheckDeep), failing on a
// violation with its shortest path as a decision trace; FindInCheck
// returns that violation.
//
// # Deciders
//
// A Choice run is a pure function of its config and its decisions. Rapid(t)
// takes every one of them as a draw from a *rapid.T, so that rapid sees the
// whole schedule and shrinks it; nothing is fed to a hidden PRNG (the
// liveness phase after the heal excepted: it runs timed, with a seed
// rapid draws). Every draw shrinks toward 0, and 0 is the uneventful
// choice: the first message in sending order, no fault. Bytes(data) reads
// the same decisions from a fuzzer's bytes.
//
// # Knobs
//
// Options.Checks sets the cases of Properties and Find (DefaultChecks, so
// that a go test stays fast); CampaignOptions.Seeds the seeds of a
// campaign (DefaultSeeds). rapid starts from a fixed seed (Options.Seed,
// 1 by default), so that a go test gives the same verdict every time.
// PAXSIM_LONG=1 multiplies both by LongFactor and lets rapid draw its
// seed, for a nightly run:
//
//	PAXSIM_LONG=1 go test -timeout 2h ./...
//
// rapid's own flags (after the package) and their environment variables
// work as rapid documents them, and override Options: -rapid.checks=N
// (RAPID_CHECKS) sets the cases; -rapid.seed=N starts from a seed;
// -rapid.failfile=FILE replays a fail file; -rapid.nofailfile writes
// none; -rapid.v logs every case. rapid reads its settings from those
// flags, so Properties and Find set them for their own duration: like
// t.Setenv, they are not for parallel tests. To fuzz:
//
//	go test -run '^$' -fuzz FuzzMyPaxos -fuzztime 5m .
//
// # Fail files
//
// When Properties fails, rapid writes the shrunk case's draws to
// testdata/rapid/TEST/TEST-TIME-PID.fail and, before every later search
// of TEST, replays every testdata/rapid/TEST/TEST-*.fail. A fail file is
// rapid's bits, not a schedule: it replays the same schedule as long as
// the suites draw the same way and the protocol takes the same
// decisions. Commit one to keep a failure, or an interesting schedule, as
// a regression test. Find replays them too, but writes none.
//
// paxsim's own committed ones (this package's testdata):
//
//   - testdata/rapid/TestPaxosProperties/TestPaxosProperties-value-recovery.fail:
//     the shortest schedule rapid found in which the correct single-decree
//     protocol recovers a value from a promise and gets it chosen (what
//     ignore-promised-values gets wrong). TestPaxosProperties replays it,
//     where it must pass; TestRegressionFailFile checks that it still
//     replays whole and still recovers a value.
//   - testdata/rapid/TestPower_PROTOCOL_VARIANT/TestPower_PROTOCOL_VARIANT-shrunk.fail:
//     the shrunk counterexample of each buggy variant, which TestPower has
//     Find replay and expects to fail.
//
// Their comments show the counterexample's decision trace.
// PAXSIM_UPDATE_TESTDATA=1 go test ./paxtest rewrites them, and the seed
// corpus of FuzzSchedule, after a change to a protocol or to the draws
// made them stale; the tests say when that is.
package paxtest
