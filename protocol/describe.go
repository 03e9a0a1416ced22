package protocol

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/sim"
)

var phaseNames = [...]string{idle: "idle", preparing: "preparing", accepting: "accepting"}

// String words the replica's volatile state, which a crash loses: the
// proposer's phase, ballot and votes, and the clients it owes an answer
// (paxsim view shows it beside the durable state).
func (n *Node) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "proposer %s", phaseNames[n.phase])
	switch n.phase {
	case preparing:
		fmt.Fprintf(&b, " %s with %s: promises {%s}", n.ballot, n.value, sim.FormatNodes(n.promises))
		if n.highest != (Ballot{}) {
			fmt.Fprintf(&b, ", highest reported (%s, %s)", n.highest, n.adopted)
		}
	case accepting:
		fmt.Fprintf(&b, " %s: accepted by {%s}", n.ballot, sim.FormatNodes(n.accepts))
	default:
		if n.value != 0 {
			fmt.Fprintf(&b, ", holds %s", n.value)
		}
	}
	if len(n.clients) > 0 {
		fmt.Fprintf(&b, "; owes %d client(s) an answer", len(n.clients))
	}
	return b.String()
}
