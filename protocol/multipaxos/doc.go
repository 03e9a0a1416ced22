// Package multipaxos is paxsim's reference Multi-Paxos: a replicated log
// with reconfiguration, serving a key-value store, written as a
// deterministic state machine for package sim (no goroutines, clocks or
// I/O; randomness only from Env.Rand; no map decides anything).
//
// It follows the Multi-Paxos half of the seed notes (shared/paxos-notes.md):
// "each log entry maps to a Paxos instance", "batch prepare request",
// "normally 1 roundtrip to commit a value on the leader", "log entry has
// more content than Raft: highest seen ballot, accepted value ballot,
// value", "unlike Raft, log entry could be modified", and "reconfiguration:
// add view information into each log entry". Every replica (Node) is
// proposer, acceptor and learner of every instance, and a replica of the
// service.
//
// # The log
//
// Instances are numbered from 1. An Entry holds the accepted ballot, the
// accepted value (a Command), the view the entry belongs to, and whether
// the replica knows it chosen. The highest promised ballot, which the notes
// list among an entry's contents, is shared by all entries: one per
// acceptor (Durable.Promised), covering every instance. A prepare for the
// instances from i on raises it, and the acceptor reports what it holds
// from i on; instances below i are chosen, as far as the proposer knows,
// and a refused accept there loses nothing. Instances 1..prefix are chosen and
// applied: that prefix never changes again, which is what lets it be
// persisted without copying (see Durability).
//
// # Leader election and recovery
//
// A member that hears from no leader for a random time in [E, 2E)
// (ElectionTicks) campaigns: it picks a ballot (round, id) above every
// ballot it promised or saw refused, promises it itself, and sends ONE
// Prepare(ballot, from) to every node, for all instances from its prefix+1
// on. An acceptor promises any ballot not below its promise and answers
// with its chosen prefix length and its entries from that instance on:
// chosen ones (at most 64 of its prefix; the rest the candidate fetches by
// catching up) and accepted ones. It refuses a lower ballot with a Nack,
// which makes a candidate or leader below it step down; a candidate whose
// ballot fails retries after a randomized timeout that grows with each
// failed attempt ([E, E + E*2^min(k,4))), so duelling candidates settle.
//
// The candidate learns every chosen entry reported and keeps, per
// instance, the accepted entry of the highest ballot. It leads once a
// majority of the view of its next instance promised (phase-1 and phase-2
// majorities need not be the same set, as the notes say). Then, instance
// by instance, it re-proposes the value of the highest accepted ballot,
// restamped with its own ballot, and fills every instance below the
// highest one reported that nobody reported with a no-op (gaps would stall
// replicas, which apply in order). Restamping is what the notes' question
// "(v1, 1) accepted on replica 1, (v1, 3) on replica 2: is v1 chosen?"
// is about: a value chosen is one a majority accepted in the same ballot,
// and a value re-proposed at its old ballot can be chosen at that ballot
// behind the back of a higher one (the variant no-restamp shows how).
//
// # Steady state
//
// A leader proposes a client command at the next free instance: it
// accepts it itself (a local call) and sends one Accept, carrying every
// entry it proposes in that step, to each acceptor of the entries' views;
// each acceptor answers with one Accepted naming the instances it accepted
// (a bit mask). A majority of the entry's view accepting in the leader's
// ballot makes the value chosen: one round trip per command, pipelined up
// to Alpha instances past the applied log. The commit notifications that
// follow (each names the instance and the chosen value) ride on the next
// Accept, or go in a Heartbeat after CommitTicks when there is none, so a
// loaded leader sends nothing but accepts and replies for its commands.
// A proposal unanswered for RetryTicks goes again to the acceptors that
// did not answer.
//
// An acceptor accepts an entry, overwriting whatever it accepted there
// before, when the message's ballot is not below its promise and it is a
// member of the entry's view. Only a chosen entry never changes: an
// acceptor that knows an entry chosen answers an accept for it with the
// chosen entry instead. Overwriting is what lets a new leader finish an
// instance that an old one left half accepted; without it an instance can
// become undecidable (the variant no-overwrite).
//
// # Learning and catching up
//
// A replica applies its log in order, from the prefix on, as entries
// become known chosen: from its own quorum as leader, from commit
// notifications, or from Learn messages. A Heartbeat (every
// HeartbeatTicks, to every node) and an Accept carry the leader's chosen
// prefix; a replica that lags it for CatchupTicks sends a LearnReq, and
// the peer answers with up to 64 chosen entries, asked again while the
// answers help. A restarted replica asks every peer at once. A replica
// that hears no leader and may not campaign asks a random peer each
// election timeout: a lagging replica may be a member of the view that
// needs a leader without knowing it yet.
//
// # Reconfiguration
//
// A configuration (View: an epoch and a member set of node ids 1..N) is
// changed by a command in the log (Reconfig). Following Lamport's alpha
// rule, the view of instance i is the one chosen at or before instance
// i-Alpha: a reconfiguration chosen at j governs the instances from
// j+Alpha on. So a proposer knows an instance's view exactly when it has
// applied the log through i-Alpha, which bounds how far proposals run
// ahead of a pending change; every entry is stamped with its view, and
// its quorums, in both phases, are majorities of that view. Nodes outside
// a view take no part in its instances (they do not accept its entries)
// but learn every chosen entry, so that they can be added; only a member
// of the view of its next undecided instance campaigns. A leader that has
// applied a reconfiguration fills its window with no-ops when idle, so
// that the new view governs soon; a leader that is not a member of the
// next instance's view resigns once its proposals are decided. Adding and
// removing replicas works while faults continue (the tests do both, with
// successive views whose majorities are disjoint). Proposing with the
// proposer's current configuration instead of the entry's view lets two
// leaders choose in one instance with disjoint quorums (the variant
// no-view).
//
// # Durability
//
// A replica persists (writes and syncs) its promise and its log (Durable)
// before anything leaves it that depends on them, a message or an
// observation, and at the end of every handler that changed them: a crash
// inside a handler (sim's torn crash) never takes back what the replica
// told anyone. (Variant accept-before-persist persists at the end of the
// handler only, after its replies; variant no-sync writes without
// syncing.) A persisted Durable is never mutated afterwards, because worlds
// cloned by a model checker may share it: Prefix shares the node's log
// array, but clipped to its length and over entries that never change;
// Tail, the entries past the prefix, is a copy in the node's arena, whose
// runs are written once (internal/arena). A node never writes into an array that a
// persisted Durable may share, and CloneInto does not reuse one. Volatile state (leadership, proposals,
// queues, the service) is rebuilt: a restarted replica replays its chosen
// prefix into the service silently, since every entry of it was applied,
// and reported, in the handler that persisted it. A harness feeding
// checker.LogChecker need not report restarts: replicas never apply an
// instance twice.
//
// # The service
//
// The state machine is a key-value store: Get returns the key's value (""
// when unset), Put sets it and returns "OK", Append appends to it and
// returns the new value. Reconfig returns "OK epoch E {members} from iN",
// or "error: ..." for a member set outside the cluster (which changes
// nothing). A dedup table, part of the replicated state, keeps per client
// the last seq executed and its output: a command already executed takes
// no effect again and answers with the recorded output. All state is in
// sorted slices; its digest (reported in Applied observations) is a sum of
// hashes per key, session and view, updated at each change.
//
// # Clients
//
// Command ids are defined in one place (see CommandID): client<<32 | seq,
// with bit 62 set for reconfigurations, and 0 for the no-op. A client
// sends requests built by Get, Put, Append or Reconfig from sim.External
// (World.Request) to any replica, one request at a time, numbering them
// 1, 2, 3, ... The replica forwards it to the leader it knows (there is
// no redirect: it holds the request until it knows one, and hands what it
// holds to each new leader), and answers it, with a Returned observation
// (Client, Value: the command id, Output), when it applies the command.
// A client that gets no answer sends the same request (same seq) again,
// to the same or another replica: the leader does not propose a command
// that is executed or in flight, and a second copy that reaches the log
// anyway takes no effect. Several replicas that were asked may each
// answer, with the same output; a replica asked for a command it already
// executed answers at once.
//
// # Observations
//
// Replicas report, in checker terms, with Instance set: Promised (one per
// instance where the promise reports an accepted value), Proposed and
// Accepted (Value: the command id; State: the member set of the entry's
// view, bit i for node i, so that a view-aware checker can count the
// entry's quorum), Learned (once per instance and replica), Applied
// (Value: the command id, State: the service digest after it, Effect:
// false for a no-op or a duplicate), and Returned (Client, Value, Output).
// checker.Safety counts majorities of all nodes: it judges agreement
// exactly only while every view's majority is also a majority of the
// cluster (all nodes, or N-1 of an odd N); with smaller views a harness
// must count quorums per view (the tests do, from the State of Accepted
// observations). A harness using checker.Safety reports an Invoked of
// NoOp (value 0): leaders propose it themselves.
//
// # Variants
//
// Variants lists deliberate bugs, each a precomputed bit tested where it
// deviates (marked "variant NAME" in the code): commit-index-only,
// leader-skips-recovery, no-dedup, no-gap-fill, no-overwrite, no-restamp,
// no-view; each names the property it breaks. The tests pin seeds (or, for
// no-restamp, a step-by-step schedule) on which each one breaks it while
// the correct protocol does not.
//
// # Model checking
//
// A *Node is a sim.Cloner: CloneInto copies it deeply, reusing the
// destination's memory where no persisted state shares it, and
// Fingerprint writes every field that decides what it does next (node ids
// through Hasher.Node and NodeSet; the service is left out, being a
// function of the chosen prefix, which is written). Durable and Msg are
// sim.Fingerprinters. Messages are small values whose slices are built for
// each message and never mutated.
//
// # Limits
//
// The log is never compacted: replicas keep every entry, and catching up
// transfers entries, not a snapshot of the service. Alpha is at most 64
// (one Accepted mask covers one window). Reads go through the log (no
// leases).
package multipaxos
