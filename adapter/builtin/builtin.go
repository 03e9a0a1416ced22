// Package builtin binds paxsim's own protocols, single-decree Paxos and
// Multi-Paxos, to the harness, through the same public API a user's
// protocol is bound with (harness.New).
package builtin

import (
	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
)

// Paxos is single-decree Paxos bound to every verb.
func Paxos() *harness.Protocol {
	return harness.New[protocol.Msg, protocol.Durable](paxos.Adapter{})
}

// MultiPaxos is Multi-Paxos bound to every verb.
func MultiPaxos() *harness.Protocol {
	return harness.New[mp.Msg, mp.Durable](multipaxos.Adapter{})
}

// Protocols lists both, single-decree Paxos (the default) first.
func Protocols() []*harness.Protocol { return []*harness.Protocol{Paxos(), MultiPaxos()} }
