package multipaxos

import (
	"fmt"
	"github.com/paxsim/paxsim/fingerprint"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// Ballot and Value are the checker's: the protocol reports in its terms.
// A Value in an observation is a command id (see CommandID).
type (
	Ballot = checker.Ballot
	Value  = checker.Value
)

// Env is the environment a Multi-Paxos node runs in.
type Env = sim.Env[Msg, Durable, checker.Observation]

// View is a configuration: its epoch (0 for the initial one, +1 per
// reconfiguration applied) and its member set, bit i for node i. Every log
// entry records the view it belongs to; its quorums are majorities of that
// view's members.
type View struct {
	Epoch   uint32
	Members uint64
}

// Has reports whether node id is a member of v.
func (v View) Has(id sim.NodeID) bool { return v.Members&(1<<uint(id)) != 0 }

func (v View) String() string { return fmt.Sprintf("e%d{%s}", v.Epoch, sim.FormatNodes(v.Members)) }

// Entry is one log instance as a replica keeps it, and as messages carry
// it. As an acceptor's entry, Ballot and Cmd are the accepted ballot and
// value (Ballot zero: nothing accepted); Chosen says the replica knows Cmd
// is chosen, after which the entry never changes. A replica that learns a
// chosen value other than the one it accepted keeps the value and zeroes
// Ballot: it no longer claims to have accepted anything there. The highest
// promised ballot is not per entry but one per acceptor (Durable.Promised),
// covering every instance (the seed notes allow sharing it).
type Entry struct {
	Instance int64
	Ballot   Ballot
	View     View
	Cmd      Command
	Chosen   bool
}

func (e Entry) String() string {
	s := fmt.Sprintf("i%d (%s, %s) %s", e.Instance, e.Ballot, e.Cmd, e.View)
	if e.Chosen {
		s += " chosen"
	}
	return s
}

// Durable is what a replica persists: its promise and its log. Prefix holds
// instances 1..len(Prefix), all chosen and applied; Tail holds the
// accepted or chosen entries past it, by instance.
//
// A persisted Durable is immutable, because a world may hand the same value
// to several copies of a node (model checking clones worlds): Prefix may
// share its backing array with the node's log, but only as a full slice
// expression clipped to its length, over entries that never change again
// (chosen and applied); Tail is a write-once run of the node's arena.
type Durable struct {
	Promised Ballot
	Prefix   []Entry
	Tail     []Entry
}

// MsgType names a Multi-Paxos message.
type MsgType uint8

// The messages. Self-addressed steps (a leader's own promise and accept)
// are local calls, never messages.
const (
	RequestMsg MsgType = iota + 1 // client -> replica, or replica -> leader (forwarded): Entries[0].Cmd
	Prepare                       // 1a, batched: Ballot, for every instance from From on
	Promise                       // 1b: Ballot, From; Chosen (the acceptor's prefix); Entries, its accepted and chosen entries from From on
	Accept                        // 2a: Ballot; Entries (stamped with their ballot and view); Commits; Chosen (the leader's prefix)
	Accepted                      // 2b: Ballot; instances From+k for the bits k of Mask
	Nack                          // a refusal: Ballot is what the sender promised, higher than asked
	Heartbeat                     // leader -> all: Ballot, Chosen (the leader's prefix), Commits
	LearnReq                      // learner -> peer: send me chosen entries from From on
	Learn                         // peer -> learner: chosen Entries; Chosen (the sender's prefix)
)

var msgNames = [...]string{
	RequestMsg: "Request", Prepare: "Prepare", Promise: "Promise", Accept: "Accept", Accepted: "Accepted",
	Nack: "Nack", Heartbeat: "Heartbeat", LearnReq: "LearnReq", Learn: "Learn",
}

func (t MsgType) String() string {
	if int(t) < len(msgNames) && msgNames[t] != "" {
		return msgNames[t]
	}
	return fmt.Sprintf("MsgType(%d)", uint8(t))
}

// Msg is a Multi-Paxos message: a small value. Its slices are built fresh
// for each message and never mutated after sending, so copies in the
// network may share them.
type Msg struct {
	Type    MsgType
	Ballot  Ballot
	From    int64  // Prepare, Promise, LearnReq: the first instance covered; Accepted: the base of Mask
	Chosen  int64  // Promise, Accept, Heartbeat, Learn: the sender's chosen prefix
	Mask    uint64 // Accepted
	Entries []Entry
	// Commits are commit notifications, each naming an instance and the
	// value chosen there (the variant commit-index-only names the
	// instance alone).
	Commits []Entry
}

// CarriedBallot is the highest ballot the message carries (its entries'
// are no higher): what bounds an exhaustive search's ballots
// (model.BallotCarrier).
func (m Msg) CarriedBallot() Ballot { return m.Ballot }

// Digest implements sim.Message: a hash of the whole content.
func (m Msg) Digest() uint64 {
	h := fingerprint.Mix64(uint64(m.Type)<<56 ^ uint64(len(m.Entries))<<28 ^ uint64(len(m.Commits)))
	h = fingerprint.Mix64(h ^ ballotWord(m.Ballot))
	h = fingerprint.Mix64(h ^ uint64(m.From))
	h = fingerprint.Mix64(h ^ uint64(m.Chosen))
	h = fingerprint.Mix64(h ^ m.Mask)
	for i := range m.Entries {
		h = entryDigest(h, &m.Entries[i])
	}
	for i := range m.Commits {
		h = entryDigest(h, &m.Commits[i])
	}
	return h
}

func entryDigest(h uint64, e *Entry) uint64 {
	h = fingerprint.Mix64(h ^ uint64(e.Instance))
	h = fingerprint.Mix64(h ^ ballotWord(e.Ballot))
	h = fingerprint.Mix64(h ^ uint64(e.View.Epoch) ^ e.View.Members<<1)
	if e.Chosen {
		h = fingerprint.Mix64(h ^ 1)
	}
	return commandDigest(h, &e.Cmd)
}

func commandDigest(h uint64, c *Command) uint64 {
	h = fingerprint.Mix64(h ^ uint64(c.ID))
	h = fingerprint.Mix64(h ^ uint64(c.Op) ^ c.Members<<8)
	h = hashString(h, c.Key)
	return hashString(h, c.Arg)
}

func ballotWord(b Ballot) uint64 { return uint64(b.Round)<<32 | uint64(uint32(b.Node)) }

// String implements sim.Message: readable and stable.
func (m Msg) String() string {
	switch m.Type {
	case RequestMsg:
		if len(m.Entries) == 1 {
			return fmt.Sprintf("Request(%s)", m.Entries[0].Cmd)
		}
	case Prepare:
		return fmt.Sprintf("Prepare(%s, from i%d)", m.Ballot, m.From)
	case Promise:
		return fmt.Sprintf("Promise(%s, from i%d, chosen %d%s)", m.Ballot, m.From, m.Chosen, entryList(", ", m.Entries))
	case Accept:
		s := fmt.Sprintf("Accept(%s%s", m.Ballot, entryList(", ", m.Entries))
		if len(m.Commits) > 0 {
			s += ", commit " + instances(m.Commits)
		}
		return s + ")"
	case Accepted:
		return fmt.Sprintf("Accepted(%s, %s)", m.Ballot, formatInstances(maskInstances(m.From, m.Mask)))
	case Nack:
		return fmt.Sprintf("Nack(promised %s)", m.Ballot)
	case Heartbeat:
		s := fmt.Sprintf("Heartbeat(%s, chosen %d", m.Ballot, m.Chosen)
		if len(m.Commits) > 0 {
			s += ", commit " + instances(m.Commits)
		}
		return s + ")"
	case LearnReq:
		return fmt.Sprintf("LearnReq(from i%d)", m.From)
	case Learn:
		return fmt.Sprintf("Learn(chosen %d%s)", m.Chosen, entryList(", ", m.Entries))
	}
	return m.Type.String()
}

func entryList(sep string, es []Entry) string {
	if len(es) == 0 {
		return ""
	}
	return sep + instances(es)
}

func instances(es []Entry) string {
	ins := make([]int64, len(es))
	for i := range es {
		ins[i] = es[i].Instance
	}
	return formatInstances(ins)
}

// Describe renders every entry a message carries, one per line: for
// debugging a trace, where String shows only the instances.
func (m Msg) Describe() string {
	var b strings.Builder
	b.WriteString(m.String())
	for _, e := range m.Entries {
		b.WriteString("\n  ")
		b.WriteString(e.String())
	}
	for _, e := range m.Commits {
		b.WriteString("\n  commit ")
		b.WriteString(e.String())
	}
	return b.String()
}

// hashString folds s into h: FNV-1a over the bytes, then its length, mixed.
func hashString(h uint64, s string) uint64 {
	f := uint64(0xcbf29ce484222325)
	for i := 0; i < len(s); i++ {
		f ^= uint64(s[i])
		f *= 0x100000001b3
	}
	return fingerprint.Mix64(h ^ f ^ uint64(len(s))<<40)
}
