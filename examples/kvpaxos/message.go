package main

import (
	"fmt"
	"hash/crc64"
	"strings"

	"github.com/paxsim/paxsim/checker"
)

// Ballot numbers a leader's term: rounds are ordered, and ties are broken
// by the id of the node that owns the ballot.
type Ballot struct{ N, ID int }

// Less reports whether b orders before o.
func (b Ballot) Less(o Ballot) bool { return b.N < o.N || b.N == o.N && b.ID < o.ID }

func (b Ballot) String() string { return fmt.Sprintf("%d.%d", b.N, b.ID) }

// obs is the ballot as paxsim's observations carry it.
func (b Ballot) obs() checker.Ballot { return checker.Ballot{Round: uint32(b.N), Node: int32(b.ID)} }

// Cmd is a client's operation on the store. The zero Cmd is the no-op
// with which a new leader fills a slot that nobody reported.
type Cmd struct {
	Client, Seq  int
	Op, Key, Arg string // Op is get, put or append
}

// ID names the command in observations: client<<32 | seq, 0 for the
// no-op. A client's retry has its original's ID.
func (c Cmd) ID() checker.Value { return checker.Value(c.Client)<<32 | checker.Value(c.Seq) }

func (c Cmd) String() string {
	if c.Client == 0 {
		return "noop"
	}
	return strings.TrimSpace(fmt.Sprintf("c%d#%d %s %s %s", c.Client, c.Seq, c.Op, c.Key, c.Arg))
}

// Entry is one slot of a log: the command accepted there, the ballot it
// was accepted at, and whether it is known to be decided.
type Entry struct {
	Bal  Ballot
	Cmd  Cmd
	Done bool
}

// Kind is what a message asks or says.
type Kind string

// The messages. Slot is the slot an Accept or Accepted is about; where a
// Prepare asks promises to report from, and where a Promise's or Learn's
// Log starts; the leader's commit index in a Heartbeat; the first slot a
// Need asks for.
const (
	Request   Kind = "Request"   // a client's Cmd, or one forwarded to the leader
	Prepare   Kind = "Prepare"   // a candidate asks for promises for Bal (phase 1a)
	Promise   Kind = "Promise"   // an acceptor promises Bal and reports its Log (1b)
	Accept    Kind = "Accept"    // the leader proposes Cmd at Slot (2a)
	Accepted  Kind = "Accepted"  // an acceptor accepted Slot at Bal (2b)
	Learn     Kind = "Learn"     // decided commands, from Slot on
	Heartbeat Kind = "Heartbeat" // the leader is alive, and decided up to Slot
	Need      Kind = "Need"      // a follower asks for decided commands from Slot on
)

// Msg is a message between replicas, or from a client.
type Msg struct {
	Kind Kind
	Bal  Ballot
	Slot int
	Cmd  Cmd
	Log  []Entry
}

// CarriedBallot is the message's ballot (its log entries' are no
// higher): what bounds paxsim check's ballots.
func (m Msg) CarriedBallot() checker.Ballot { return m.Bal.obs() }

// String writes the fields the kind uses. paxsim's decision traces name
// messages by their text: two messages that differ must read differently.
func (m Msg) String() string {
	var f []string
	if m.Bal != (Ballot{}) {
		f = append(f, m.Bal.String())
	}
	if m.Kind != Request {
		f = append(f, fmt.Sprintf("@%d", m.Slot))
	}
	if m.Kind == Request || m.Kind == Accept {
		f = append(f, m.Cmd.String())
	}
	for _, e := range m.Log {
		f = append(f, fmt.Sprintf("[%s %s %t]", e.Bal, e.Cmd, e.Done))
	}
	return fmt.Sprintf("%s(%s)", m.Kind, strings.Join(f, " "))
}

// Digest hashes the message's text.
func (m Msg) Digest() uint64 { return hash(m.String()) }

var crcTable = crc64.MakeTable(crc64.ECMA)

func hash(s string) uint64 { return crc64.Checksum([]byte(s), crcTable) }
