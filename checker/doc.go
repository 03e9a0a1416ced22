// Package checker judges a run from what its nodes observably did.
//
// Nodes report Observations (an acceptor promised or accepted, a learner
// learned, a replica applied a log entry or answered a client); the
// checker never reads node internals. Agreement is judged omnisciently,
// from acceptor observations: a value is chosen when a majority of
// acceptors accepted it in the same ballot, whatever any learner claims.
// The acceptors are every node, or those that a protocol whose roles are
// separate nodes names (Safety.SetAcceptors, from engine.Info.Roles); a
// protocol whose quorums are not majorities says which sets are
// (Quorums, Safety.SetQuorums, from engine.Info.Quorums), and a value is
// chosen by a phase-2 quorum of them.
// Safety checks agreement, validity, learner integrity and the early
// checks (promise integrity and monotonicity, one value per ballot,
// promise kept, view integrity, chosen integrity) at every observation; LogChecker checks a replicated log and
// the service applied from it; Contract checks that observations are well
// formed at all. Each records the first violation of each property, with
// its evidence, so that a run stops at the step that broke it.
//
// # The observation contract
//
// Observation, Ballot and Value are the vocabulary in which any Paxos
// implementation under test reports what it does. A node reports through
// its environment (sim.Env.Observe), in the handler where the thing
// happens, after it happened: an acceptor reports Accepted once it has
// accepted (and, if it persists, persisted), not when it means to.
//
//	Kind      who        when                                  fields
//	Invoked   harness    a client sends a new request          Client, Value (the command's value, as the adapter's Request returns it)
//	Proposed  proposer   it sends phase 2a for (Ballot, Value) Instance, Ballot, Value; State: the view's members, 0 for all
//	Promised  acceptor   it promises Ballot (phase 1b)         Instance, Ballot; Prior, Value: what it had accepted there (zero, None: nothing);
//	                                                             AllInstances: one promise for its whole log from Instance on (no Prior, Value)
//	Accepted  acceptor   it accepts (Ballot, Value) (2b)       Instance, Ballot, Value; State: the view's members, 0 for all
//	Learned   learner    it learns the value chosen            Instance, Value; one value per instance and node (the same again, as after a restart, is no breach);
//	                                                             Ballot: the ballot it was chosen in, when the node knows
//	                                                             it (a leader that counted the votes, a learner told by
//	                                                             it), else zero
//	Applied   replica    it applies a log entry to its service Instance, Value (the command; the no-op is 0), State (a digest of
//	                                                             the service after it), Effect (false for a duplicate or a no-op)
//	Returned  replica    it answers a client                   Client, Value (single decree: the value decided; a log: the command's),
//	                                                             Output (what a service's operation returned)
//	Restarted harness    a node restarts from its durable      (no fields)
//	                     state, before its Start runs
//
// The rules, each checked by Contract or the harness, which reports a
// breach as property "contract" naming the rule (never a wrong verdict
// built on a malformed report):
//
//   - known-kind: Kind is one of the above.
//   - invoked-by-harness: nodes never report Invoked; the harness does, for
//     the requests its clients send.
//   - instance-numbering: a single decree reports instance 0 only; a log
//     numbers its instances 1, 2, 3, ... and never reports instance 0
//     (Applied always names an instance from 1). One run never mixes them.
//     A log whose first slot is 1 (Paxos Made Moderately Complex's
//     slot_in and slot_out start there) reports its slots as they are; one
//     whose first slot is 0 reports slot s as instance s+1, in every kind
//     alike. Ballot rounds may start at 0 or 1: only the zero Ballot, of
//     no node, is not a ballot.
//   - ballot-set, ballot-owner: Proposed, Promised and Accepted carry a
//     ballot (not the zero Ballot), owned by a node of the cluster:
//     Ballot.Node is the proposer's id, 1..N, which is what makes ballots
//     of different proposers distinct. A Learned's ballot, when it names
//     one, is owned by a node too.
//   - role: for a protocol whose proposers, acceptors and learners are
//     separate nodes (engine.Info.Roles, Contract.SetRoles), only
//     proposers report Proposed, only acceptors Promised and Accepted, and
//     only learners Learned; ballot-owner then holds a ballot's owner to
//     the proposers. Any node may answer a client (Returned). Without
//     roles every node plays every part.
//   - send-to-node, timer-tag: a node sends only to nodes 1..N and uses
//     timer tags 0..7 (sim.MisuseError).
//   - durable-ownership: Persist and Write take ownership of the durable
//     state they are given; the node must not write to it in place later
//     (a slice it goes on appending to or assigning into), or a crash
//     would keep what it never wrote. Checked at each crash, on a sample
//     of the writes, for a durable state that is a sim.Fingerprinter
//     (sim.MisuseError).
//   - message-ownership: Send takes ownership of the message, as a real
//     network that serializes it does; a message's Digest at its delivery
//     is the one it had when sent (checked on a sample of the messages,
//     sim.MisuseError).
//   - cloner, identity (the explorer's audits, sim.Cloner): a node's copy
//     fingerprints and steps as its original; one fingerprint (a node's,
//     a durable state's, a message's or its Digest) never stands for two
//     states that differ in what they do or show.
//
// A promise that reports an accepted ballot above the one it promises is
// not a contract breach but a safety one, named by what happened: the
// acceptor that did accept that ballot promised below its own vote
// (promise-monotonicity, a bug of the protocol: an acceptor that accepts
// without raising its promise, or compares ballots by round alone), and
// one that never accepted it reports what it did not do
// (promise-integrity).
//
// What the rules cannot check, and every protocol must do for its verdicts
// to mean anything:
//
//   - A leader's own vote: a replica that proposes and accepts its own
//     proposal reports both, Proposed and then Accepted, through the same
//     Observe calls as any acceptor; quorums are counted from Accepted
//     observations only, so an acceptor's vote that is not reported is not
//     counted, and a vote reported but not made breaks agreement.
//   - Restart: a crashed node is rebuilt from its durable state and reports
//     only what it does after the restart. It does not report again what it
//     promised, accepted or learned before (its durable state holds that);
//     a replica that replays its log into its service on restart does so
//     silently, or, if it reports the Applied observations again, it must
//     apply from an instance at or below the one after its last: the
//     harness reports Restarted for the node before its Start, which lets
//     the log checker take that replay (LogChecker.Restart).
//   - Durability: a promise or vote is reported once it is durable, after
//     the write and sync (or Persist) that keeps it, as it would be told
//     to a peer. A crash inside a handler (a torn crash) lets the handler's
//     effects before it happen, observations included: a vote reported
//     before its write is a vote a crash takes back, which breaks the
//     promise rules when the restarted node acts against it.
//   - Clients: a replica reports Returned only for a request a client
//     sent; the harness's adapter recognises which one (engine.Protocol's
//     Answer). The harness reports Invoked before any node can accept the
//     command, so that a value chosen before its client asked breaks
//     validity.
//   - Views: with reconfiguration, Proposed and Accepted carry the entry's
//     view in State, so that quorums are majorities of that view. An
//     instance has one view (view-integrity): a protocol whose configuration
//     belongs to a ballot rather than to an instance (Vertical Paxos) breaks
//     it by design and must leave ViewIntegrity out of its mask.
//   - Claims: a Learned observation that names a ballot claims that a
//     majority of that ballot's view accepted the value in that ballot, by
//     the time it is reported (chosen-integrity). A node that learned the
//     value from a peer that did not say the ballot, from a catch-up, or
//     from a count across ballots, reports the zero Ballot: such a claim is
//     judged against the omniscient choice only (learner-integrity), so a
//     protocol that never reports ballots on Learned gets no false alarm
//     from this check.
package checker
