package paxos

import (
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
)

// Protocol is the adapter bound to every verb.
func Protocol() *harness.Protocol { return harness.New[protocol.Msg, protocol.Durable](Adapter{}) }
