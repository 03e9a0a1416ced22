// Package scenarios assembles runs: a Config names a cluster, its workload,
// its faults and the protocol variant under test; Run executes one seed of
// it with the checkers attached and returns a Result with the verdict.
//
// A run has two phases, as in TigerBeetle's VOPR. Until HealAt, faults are
// injected and only safety is judged, at every step. At HealAt every fault
// heals; from then on the cluster must also make progress within
// Config.Liveness ticks (single-decree: a value chosen and learned by every
// replica of the healed core; Multi-Paxos: every client operation
// answered and every replica caught up), or the run reports a liveness violation, kept apart from
// safety.
//
// The same runs can be driven other ways: RunChoice lets a Decider pick
// every step (rapid, fuzzing); a single-decree run records its decisions
// as a Trace (Options.Record) that Replay runs again and Shrink cuts down
// (Multi-Paxos runs record none); named scripted schedules, the seed
// notes' Q&A items among them, are scenarios (ParseScenario, RunScenario,
// testdata/scenarios) for both protocols; and Check explores either
// protocol's real code exhaustively (NewCheckModel, NewMPCheckModel).
package scenarios
