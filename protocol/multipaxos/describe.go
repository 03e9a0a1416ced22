package multipaxos

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/sim"
)

// String words the replica's volatile state, which a crash loses: its
// role and ballot, the leader it follows, a leader's proposals in flight
// and the commands it holds (paxsim view shows it beside the durable
// state).
func (n *Node) String() string {
	var b strings.Builder
	b.WriteString(n.role.String())
	switch n.role {
	case candidate:
		fmt.Fprintf(&b, " %s: promises {%s}", n.ballot, sim.FormatNodes(n.promisedBy))
	case leader:
		fmt.Fprintf(&b, " %s: next instance %d, %d proposal(s) in flight", n.ballot, n.next, len(n.pending))
	default:
		if n.leader != 0 {
			fmt.Fprintf(&b, " of %s (%s)", n.leader, n.leaderBallot)
		}
	}
	if len(n.queue) > 0 || len(n.waiting) > 0 {
		fmt.Fprintf(&b, "; %d command(s) queued, %d client request(s) waiting", len(n.queue), len(n.waiting))
	}
	if n.ahead > n.prefix {
		fmt.Fprintf(&b, "; catching up to %d", n.ahead)
	}
	return b.String()
}
