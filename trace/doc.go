// Package trace holds decision traces: a run written as the steps it
// took, one a line, so that it replays in a Choice world whatever the
// delays, seeds or unrelated code were, for any protocol. A trace starts
// with its format line, the run's configuration and the seed of its
// liveness phase; then come client steps ("client 1 proposes v1 to 2",
// "client 2 put a 2.1 to 3", "client 2 retry to 1"), scheduling steps
// ("deliver 1->2 Prepare(1.1)", "drop ...", "dup ...", "timer 2 0",
// "crash 3", "restart 3"), "heal" and the random draws of handlers ("rand
// 2 17"). A run's liveness phase is recorded like the rest: its replay
// takes the same steps after the heal and fails the same way. The heal
// names the replicas it leaves cut off for good ("heal cut-off 3"), and
// a final "deadline" line asks the replay to judge liveness where the
// run's phase reached its deadline. A trace that ends with "liveness" at
// the heal instead has its replay run the liveness phase again, timed,
// from where the steps left the cluster, with the trace's seed: what a
// Choice world's run did (property tests, fuzzing: engine.RunChoice),
// step for step, and what traces written before the liveness phase was
// recorded ask. Shrink turns a liveness failure into that form: its steps
// after the heal are one schedule that shows it, not its cause.
//
// Record a trace with engine.Options.Record (FromResult), Replay it step
// by step, and Shrink a failing one to a 1-minimal trace that still fails.
package trace
