package protocol

import (
	"fmt"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// Ballot and Value are the checker's: the protocol reports in its terms.
type (
	Ballot = checker.Ballot
	Value  = checker.Value
)

// MsgType names a Paxos message.
type MsgType uint8

// The single-decree messages.
const (
	Request  MsgType = iota + 1 // client -> replica: propose Value for Client
	Prepare                     // 1a: proposer -> all
	Promise                     // 1b: acceptor -> proposer, with its accepted (Prior, Value)
	Accept                      // 2a: proposer -> all
	Accepted                    // 2b: acceptor -> proposer
	Nack                        // acceptor -> proposer: Ballot is what it promised, higher than asked
	Commit                      // proposer -> all: Value is chosen
	LearnReq                    // learner -> all: tell me the chosen value
)

var msgNames = [...]string{
	Request: "Request", Prepare: "Prepare", Promise: "Promise", Accept: "Accept",
	Accepted: "Accepted", Nack: "Nack", Commit: "Commit", LearnReq: "LearnReq",
}

func (t MsgType) String() string {
	if int(t) < len(msgNames) && msgNames[t] != "" {
		return msgNames[t]
	}
	return fmt.Sprintf("MsgType(%d)", uint8(t))
}

// Msg is a single-decree Paxos message: a small value, cheap to copy.
type Msg struct {
	Type   MsgType
	Ballot Ballot
	Prior  Ballot // Promise: the ballot of the accepted value reported
	Value  Value
	Client int32 // Request: the client asking
}

// CarriedBallot is the highest ballot the message carries: what bounds an
// exhaustive search's ballots (model.BallotCarrier).
func (m Msg) CarriedBallot() checker.Ballot {
	if m.Ballot.Less(m.Prior) {
		return m.Prior
	}
	return m.Ballot
}

// Digest implements sim.Message.
func (m Msg) Digest() uint64 {
	h := uint64(m.Type) | uint64(uint32(m.Client))<<8
	h = h*0x9e3779b97f4a7c15 ^ (uint64(m.Ballot.Round)<<32 | uint64(uint32(m.Ballot.Node)))
	h = h*0x9e3779b97f4a7c15 ^ (uint64(m.Prior.Round)<<32 | uint64(uint32(m.Prior.Node)))
	h = h*0x9e3779b97f4a7c15 ^ uint64(m.Value)
	return h
}

// String implements sim.Message.
func (m Msg) String() string {
	switch m.Type {
	case Request:
		return fmt.Sprintf("Request(client %d, %s)", m.Client, m.Value)
	case Prepare:
		return fmt.Sprintf("Prepare(%s)", m.Ballot)
	case Promise:
		return fmt.Sprintf("Promise(%s, accepted=(%s, %s))", m.Ballot, m.Prior, m.Value)
	case Accept:
		return fmt.Sprintf("Accept(%s, %s)", m.Ballot, m.Value)
	case Accepted:
		return fmt.Sprintf("Accepted(%s, %s)", m.Ballot, m.Value)
	case Nack:
		return fmt.Sprintf("Nack(promised %s)", m.Ballot)
	case Commit:
		return fmt.Sprintf("Commit(%s)", m.Value)
	case LearnReq:
		return "LearnReq"
	}
	return m.Type.String()
}

// Durable is what a replica persists: everything that survives a crash.
type Durable struct {
	Promised       Ballot // acceptor: the highest ballot promised
	AcceptedBallot Ballot // acceptor: the ballot of the accepted value
	AcceptedValue  Value  // acceptor: the accepted value
	Round          uint32 // proposer: the highest round used, never reused
	Learned        Value  // learner: the chosen value, once learned
}

// Env is the environment a Paxos node runs in.
type Env = sim.Env[Msg, Durable, checker.Observation]
