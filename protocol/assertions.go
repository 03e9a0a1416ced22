package protocol

// The assertions the protocol's code makes through its Env (sim.Env.Always,
// Sometimes, Reachable), by name; adapter/paxos declares them to the
// harness, so that a campaign that never reaches one says so.
const (
	// AssertPhase2OnQuorum: a proposer moves to phase 2 only once a
	// quorum has promised its ballot (Always).
	AssertPhase2OnQuorum = "a proposer starts phase 2 on a quorum of promises"
	// AssertAdoptedReported: a proposer proposed a value that a promise
	// reported as accepted, not its own (Sometimes).
	AssertAdoptedReported = "a proposer adopted a value reported in a promise"
	// AssertReaccepted: an acceptor accepted in a new ballot over a value
	// it had accepted in an earlier one (Sometimes).
	AssertReaccepted = "an acceptor accepted over an earlier ballot's vote"
	// AssertLearnerBallot: a learner that asked and heard nothing ran a
	// ballot of its own to recover the value (Reachable).
	AssertLearnerBallot = "a learner ran a ballot of its own to recover the value"
)
