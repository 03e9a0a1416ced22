package main

import (
	"fmt"
	"hash/crc64"
	"strings"

	"github.com/paxsim/paxsim/checker"
)

// Ballot is the paper's ballot number: a round, and the leader that owns
// it, which breaks ties. The zero Ballot is the paper's ⊥, below every
// leader's; a leader's first is (0, itself).
type Ballot struct{ Round, Leader int }

// Less reports whether b orders before o.
func (b Ballot) Less(o Ballot) bool {
	return b.Round < o.Round || b.Round == o.Round && b.Leader < o.Leader
}

func (b Ballot) String() string { return fmt.Sprintf("%d.%d", b.Round, b.Leader) }

// obs is the ballot as paxsim's observations carry it.
func (b Ballot) obs() checker.Ballot {
	return checker.Ballot{Round: uint32(b.Round), Node: int32(b.Leader)}
}

// Cmd is a client's operation on the store: the paper's <κ, cid, op>.
type Cmd struct {
	Client, Seq  int
	Op, Key, Arg string // Op is get, put or append
}

// ID names the command in observations: client<<32 | seq. A client's
// retry has its original's ID.
func (c Cmd) ID() checker.Value { return checker.Value(c.Client)<<32 | checker.Value(c.Seq) }

func (c Cmd) String() string {
	return strings.TrimSpace(fmt.Sprintf("c%d#%d %s %s %s", c.Client, c.Seq, c.Op, c.Key, c.Arg))
}

// PValue is the paper's <b, s, c>: command c proposed at slot s in
// ballot b. A decision is a pvalue a majority accepted.
type PValue struct {
	Bal  Ballot
	Slot int
	Cmd  Cmd
}

func (p PValue) String() string { return fmt.Sprintf("<%s %d %s>", p.Bal, p.Slot, p.Cmd) }

// Kind is what a message asks or says.
type Kind string

// The messages: the paper's, and three it does without, because its
// links never lose a message (Ping, Pong and Status).
const (
	Request  Kind = "Request"  // a client's Cmd, to a replica
	Propose  Kind = "Propose"  // a replica asks the leaders for Cmd at Slot
	P1a      Kind = "P1a"      // a scout asks for promises of Bal
	P1b      Kind = "P1b"      // an acceptor's ballot Bal and its pvalues
	P2a      Kind = "P2a"      // a commander asks to accept <Bal, Slot, Cmd>
	P2b      Kind = "P2b"      // an acceptor's ballot Bal after a P2a of ballot Asked for Slot
	Decision Kind = "Decision" // decided pvalues, to the replicas
	Ping     Kind = "Ping"     // a preempted leader asks the leader of Bal if it is alive
	Pong     Kind = "Pong"     // ... which answers with its ballot
	Status   Kind = "Status"   // a replica's slot_out, for decisions it lacks
)

// Msg is a message between nodes, or from a client. A P2b names the
// ballot of the P2a it answers (Asked): the paper's commander is a
// process of its own, to which the answer goes; here it is the leader's
// state for one (ballot, slot), and an answer that says only the
// acceptor's ballot would count a refusal of an older ballot's P2a as a
// vote for the newer one.
type Msg struct {
	Kind  Kind
	Bal   Ballot
	Asked Ballot
	Slot  int
	Cmd   Cmd
	PVals []PValue
}

// String writes the fields the kind uses. paxsim's decision traces name
// messages by their text: two messages that differ must read differently.
func (m Msg) String() string {
	var f []string
	if m.Kind != Request && m.Kind != Propose && m.Kind != Decision && m.Kind != Status {
		f = append(f, m.Bal.String())
	}
	if m.Kind == Propose || m.Kind == P2a || m.Kind == P2b || m.Kind == Status {
		f = append(f, fmt.Sprintf("@%d", m.Slot))
	}
	if m.Kind == P2b && m.Asked != m.Bal {
		f = append(f, "for "+m.Asked.String())
	}
	if m.Kind == Request || m.Kind == Propose || m.Kind == P2a {
		f = append(f, m.Cmd.String())
	}
	for _, p := range m.PVals {
		f = append(f, p.String())
	}
	return fmt.Sprintf("%s(%s)", m.Kind, strings.Join(f, " "))
}

// Digest hashes the message's text.
func (m Msg) Digest() uint64 { return hash(m.String()) }

var crcTable = crc64.MakeTable(crc64.ECMA)

func hash(s string) uint64 { return crc64.Checksum([]byte(s), crcTable) }
