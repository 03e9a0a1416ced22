// Package engine is paxsim's one run engine, generic over a protocol: the
// public interface a Paxos implementation is put under test through
// (Protocol, an adapter of a few functions), the configuration of a run
// (Config), and the Session that runs it: a simulated world of the
// protocol's nodes, the checkers that judge them at every step, and the
// clients of the protocol's workload.
//
// A run has two phases, as in TigerBeetle's VOPR. Until Config.HealAt,
// faults are injected and only safety is judged, at every observation.
// At HealAt a random quorum core heals (the rest stays as it is, for
// good); from then on the core must also make progress: every client
// answered, every replica of the core caught up, within the liveness
// bound (LivenessBound: Config.Liveness grown with the workload and the
// cluster), or the run reports a liveness violation, kept apart from
// safety.
//
// Every verb of paxsim drives this one engine: Run a timed run (campaigns,
// paxsim run), RunChoice a run whose every scheduling decision a Decider
// takes (property tests, fuzzing); package trace replays and shrinks
// decision traces through a Session, package script runs scenario
// scripts through one, and package model explores a protocol's states
// with the same checkers. Package harness binds a Protocol to all of them
// behind one non-generic handle.
package engine
