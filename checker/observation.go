package checker

import (
	"fmt"
	"strconv"
)

// Ballot is a distinguished proposal number: rounds are totally ordered and
// ties are broken by the proposing replica's id, so no two proposers ever
// use the same ballot. The zero Ballot means "none" and is below all others.
type Ballot struct {
	Round uint32
	Node  int32
}

// Less reports whether b orders before o.
func (b Ballot) Less(o Ballot) bool {
	if b.Round != o.Round {
		return b.Round < o.Round
	}
	return b.Node < o.Node
}

// IsZero reports whether b is the "no ballot" value.
func (b Ballot) IsZero() bool { return b == Ballot{} }

// String renders a ballot as ROUND.NODE, or "-" for none.
func (b Ballot) String() string {
	if b.IsZero() {
		return "-"
	}
	return fmt.Sprintf("%d.%d", b.Round, b.Node)
}

// Value is a proposed value. Clients propose unique positive values; 0 means
// "no value". A value at or above 1<<32 is a command id of a replicated
// log (protocol/multipaxos defines them): client<<32 | seq, with bit 62
// set for a reconfiguration.
type Value int64

// None is the absent value.
const None Value = 0

// String renders a value as vN, a command id as cC#S (reconfig cC#S), or
// "-" for none.
func (v Value) String() string {
	switch {
	case v == None:
		return "-"
	case v >= 1<<32:
		u := uint64(v)
		id := "c" + strconv.FormatUint(u>>32&(1<<30-1), 10) + "#" + strconv.FormatUint(u&(1<<32-1), 10)
		if u&(1<<62) != 0 {
			return "reconfig " + id
		}
		return id
	}
	return "v" + strconv.FormatInt(int64(v), 10)
}

// Kind says what an Observation reports.
type Kind uint8

// The kinds of observation.
const (
	// Invoked: a client asked a replica to propose Value. Reported by the
	// harness that drives the clients, not by the node.
	Invoked Kind = iota + 1
	// Returned: a replica answered a client's proposal of Client's value
	// with the decided Value.
	Returned
	// Proposed: a proposer asked acceptors to accept (Ballot, Value) (2a).
	Proposed
	// Promised: an acceptor promised Ballot and reported its accepted
	// (Prior, Value), Prior zero when it accepted nothing (1b).
	Promised
	// Accepted: an acceptor accepted (Ballot, Value) (2b).
	Accepted
	// Learned: a learner learned Value.
	Learned
	// Applied: a replica applied log Instance, holding command Value (0 for
	// a no-op), to its service; State is a digest of the service state
	// after it, and Effect says whether the command took effect (false
	// when the replica's dedup table already held it). Multi-Paxos only.
	Applied
	// Restarted: the node restarted from its durable state, before its
	// Start runs. Reported by the harness (sim.World.SetRestartObservation),
	// not by the node: a replica may then replay its log into a service
	// rebuilt from that state, reporting the instances Applied again
	// (LogChecker.Restart).
	Restarted
)

var kindNames = [...]string{
	Invoked: "invoked", Returned: "returned", Proposed: "proposed",
	Promised: "promised", Accepted: "accepted", Learned: "learned",
	Applied: "applied", Restarted: "restarted",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Observation is one thing a node (or the harness, for Invoked) reports.
// It is a plain value: reporting it allocates nothing.
type Observation struct {
	Kind     Kind
	Instance int64  // the log instance; 0 for single-decree Paxos
	Ballot   Ballot // Proposed, Promised, Accepted; Learned: the ballot it was chosen in, if known (zero if not)
	Prior    Ballot // Promised: the ballot of the value reported
	Value    Value
	Client   int // Invoked, Returned: the client; its proposal is Value(Client) by convention of the harness
	// State is, for Applied, a digest of the replica's service state after
	// the command; for Proposed and Accepted in a protocol with
	// configurations, the members of the entry's view (bit per node id),
	// whose majorities are its quorums; 0 means every node.
	State  uint64
	Effect bool   // Applied: the command took effect (it was not a duplicate)
	Output string // Returned, for a service: what the operation returned
	// AllInstances marks a Promised that binds every instance: a
	// Multi-Paxos acceptor promises one ballot for its whole log (a
	// batched prepare, or an accept of a higher ballot). It reports no
	// value; Instance is where the prepare's report starts.
	AllInstances bool
}

func (o Observation) String() string {
	switch o.Kind {
	case Invoked:
		return fmt.Sprintf("client %d invokes propose(%s)", o.Client, o.Value)
	case Returned:
		return fmt.Sprintf("client %d gets %s", o.Client, o.Value)
	case Proposed:
		return fmt.Sprintf("proposes (%s, %s)", o.Ballot, o.Value)
	case Promised:
		if o.AllInstances {
			return fmt.Sprintf("promises %s for every instance", o.Ballot)
		}
		return fmt.Sprintf("promises %s, reports (%s, %s)", o.Ballot, o.Prior, o.Value)
	case Accepted:
		return fmt.Sprintf("accepts (%s, %s)", o.Ballot, o.Value)
	case Learned:
		if o.Instance != 0 {
			return fmt.Sprintf("learns %s in instance %d", o.Value, o.Instance)
		}
		return fmt.Sprintf("learns %s", o.Value)
	case Applied:
		if o.Value == None {
			return fmt.Sprintf("applies instance %d: a no-op (state %016x)", o.Instance, o.State)
		}
		effect := ""
		if !o.Effect {
			effect = ", a duplicate: no effect"
		}
		return fmt.Sprintf("applies instance %d: %s (state %016x%s)", o.Instance, o.Value, o.State, effect)
	}
	return o.Kind.String()
}
