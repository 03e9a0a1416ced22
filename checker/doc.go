// Package checker judges a run from what its nodes observably did.
//
// Nodes report Observations (an acceptor promised or accepted, a learner
// learned, a client invoked or got an answer); the checker never reads node
// internals. Agreement is judged omnisciently, from acceptor observations:
// a value is chosen when a majority of acceptors accepted it in the same
// ballot, whatever any learner claims.
//
// The checker is incremental: Safety.Observe checks the invariants at every
// observation and records the first violation with its evidence, so a run can
// stop at the step that broke safety. Liveness is judged separately, after
// faults heal, by Liveness.
//
// Observation, Ballot and Value are the vocabulary in which any Paxos
// implementation under test reports what it does: the reference protocol in
// package protocol uses them, and so can a user's.
package checker
