// Package protocol holds paxsim's reference Paxos implementations, written as
// deterministic state machines for package sim: no goroutines, no clocks, no
// I/O; all randomness comes from the environment.
//
// Single-decree Paxos (Node) gives every replica the three roles. As a
// proposer it runs phase 1 (prepare, promise) and phase 2 (accept, accepted)
// with distinguished ballots (round, replica id) and retries with a higher
// ballot after a randomized, growing timeout. As an acceptor it keeps two
// numbers, the highest ballot promised and the ballot of the accepted value,
// and persists them before it replies. As a learner it learns the value that
// a majority accepted in one ballot, from a commit broadcast or by asking.
//
// Buggy variants (see Variants) are small named deviations selected per run,
// so that the harness can prove it catches each one: the catalogue of the
// seed notes' wrong answers (one-ballot, no-promise, value-only-learner)
// and of classic Paxos bugs (a proposer that adopts the wrong value, skips
// or miscounts a quorum, reuses stale promises or never randomizes its
// backoff; an acceptor that skips its promise check or forgets its state).
// A Node tests its variant as one precomputed bit per deviation, and every
// deviating line in paxos.go is marked "variant NAME".
package protocol
