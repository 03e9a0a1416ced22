package multipaxos

import (
	"github.com/paxsim/paxsim/harness"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
)

// Protocol is the adapter bound to every verb.
func Protocol() *harness.Protocol { return harness.New[mp.Msg, mp.Durable](Adapter{}) }
