// Package trace holds decision traces: a run written as the steps it
// took, one a line, so that it replays in a Choice world whatever the
// delays, seeds or unrelated code were, for any protocol. A trace starts
// with its format line, the run's configuration and the seed of its
// liveness phase; then come client steps ("client 1 proposes v1 to 2",
// "client 2 put a 2.1 to 3", "client 2 retry to 1"), scheduling steps
// ("deliver 1->2 Prepare(1.1)", "drop ...", "dup ...", "timer 2 0",
// "crash 3", "restart 3"), "heal" and the random draws of handlers ("rand
// 2 17"). A final "liveness" line asks the replay to heal and run the
// liveness phase in timed mode from where the steps left the cluster.
//
// Record a trace with engine.Options.Record (FromResult), Replay it step
// by step, and Shrink a failing one to a 1-minimal trace that still fails.
package trace
