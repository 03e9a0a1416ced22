package main

import (
	"fmt"
	"hash/crc64"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
)

// Ballot is a proposal number: rounds are ordered, and ties go to the
// proposer with the higher id.
type Ballot struct{ N, ID int }

// Less reports whether b orders before o.
func (b Ballot) Less(o Ballot) bool { return b.N < o.N || b.N == o.N && b.ID < o.ID }

func (b Ballot) String() string { return fmt.Sprintf("%d.%d", b.N, b.ID) }

// obs is the ballot as paxsim's observations carry it.
func (b Ballot) obs() checker.Ballot { return checker.Ballot{Round: uint32(b.N), Node: int32(b.ID)} }

// Type is what a message asks or says.
type Type uint8

// The messages, after Paxos Made Simple (section 2.2 and 2.3).
const (
	Propose  Type = iota + 1 // a client asks a proposer to propose Val
	Prepare                  // 1a: proposer -> acceptors
	Promise                  // 1b: acceptor -> proposer, with what it accepted (Prev, Val)
	Reject                   // acceptor -> proposer: Bal is below what I promised (Prev)
	Accept                   // 2a: proposer -> acceptors
	Accepted                 // 2b: acceptor -> learners
	Decided                  // learner -> proposers and learners: Val is chosen
	Ask                      // a learner that learned nothing asks the others
)

var typeNames = [...]string{"?", "Propose", "Prepare", "Promise", "Reject", "Accept", "Accepted", "Decided", "Ask"}

// Msg is a message between nodes, or from a client. Client is set on a
// Propose only.
type Msg struct {
	Type   Type
	Bal    Ballot
	Prev   Ballot
	Val    int64
	Client int
}

// CarriedBallot is the highest ballot the message carries: what bounds
// paxsim check's search.
func (m Msg) CarriedBallot() checker.Ballot {
	if m.Bal.Less(m.Prev) {
		return m.Prev.obs()
	}
	return m.Bal.obs()
}

// String names the message in traces. Two messages that differ read
// differently.
func (m Msg) String() string {
	s := typeNames[m.Type] + "("
	switch m.Type {
	case Propose:
		s += fmt.Sprintf("c%d v%d", m.Client, m.Val)
	case Prepare:
		s += m.Bal.String()
	case Promise:
		s += fmt.Sprintf("%s prev %s v%d", m.Bal, m.Prev, m.Val)
	case Reject:
		s += fmt.Sprintf("%s promised %s", m.Bal, m.Prev)
	case Accept, Accepted:
		s += fmt.Sprintf("%s v%d", m.Bal, m.Val)
	case Decided:
		s += fmt.Sprintf("v%d", m.Val)
	}
	return s + ")"
}

// write writes the ballot for paxsim's explorer, its proposer's id as a
// node id, which symmetry reduction may rename.
func (b Ballot) write(h *fingerprint.Hasher) {
	h.Int(int64(b.N))
	h.Node(b.ID)
}

// Fingerprint writes the message for paxsim's explorer.
func (m Msg) Fingerprint(h *fingerprint.Hasher) {
	h.Uint64(uint64(m.Type))
	m.Bal.write(h)
	m.Prev.write(h)
	h.Int(m.Val)
	h.Int(int64(m.Client))
}

// Digest hashes the message's text.
func (m Msg) Digest() uint64 { return hash(m.String()) }

// Disk is what a node keeps across crashes: a proposer its last round, an
// acceptor its promise and its vote, a learner what it learned.
type Disk struct {
	Round    int
	Promised Ballot
	VotedBal Ballot
	VotedVal int64
	Learned  int64
}

// String words what is on the disk, "-" for nothing.
func (d Disk) String() string {
	var s []string
	if d.Round > 0 {
		s = append(s, fmt.Sprintf("round %d", d.Round))
	}
	if d.Promised != (Ballot{}) {
		s = append(s, fmt.Sprintf("promised %s", d.Promised))
	}
	if d.VotedVal != 0 {
		s = append(s, fmt.Sprintf("voted (%s, v%d)", d.VotedBal, d.VotedVal))
	}
	if d.Learned != 0 {
		s = append(s, fmt.Sprintf("learned v%d", d.Learned))
	}
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ", ")
}

var crcTable = crc64.MakeTable(crc64.ECMA)

func hash(s string) uint64 { return crc64.Checksum([]byte(s), crcTable) }
