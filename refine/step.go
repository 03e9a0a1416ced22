package refine

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/explore/spec"
)

// Acceptor is one acceptor's variables of Paxos.tla: ballots through their
// total order and values 0-based, -1 for none.
type Acceptor struct{ MaxBal, MaxVBal, MaxVal int }

// Step maps one implementation step onto Paxos.tla: from the mapped state
// cur, the messages the step sent (in the order sent; messages Paxos.tla
// has none of left out) and the acceptors' variables after the step. It
// returns the state the step refines to and the actions taken, or why the
// step refines to no sequence of actions of Next: the action that failed
// and why, or the acceptor whose variables the actions do not explain.
func Step(m *spec.Model, cur spec.State, sent []spec.Message, after []Acceptor) (next spec.State, actions []string, why string) {
	next = cur
	for _, msg := range sent {
		if m.Has(next, msg) {
			continue
		}
		n, label, whyNot := m.Action(next, msg)
		if whyNot != "" {
			if label == "" {
				return cur, actions, "it sends " + msg.String() + ", which no action of Paxos.tla sends: " + whyNot
			}
			return cur, actions, "it sends " + msg.String() + ", but " + label + " is not enabled: " + whyNot
		}
		next = n
		actions = append(actions, label)
	}
	for a, v := range after {
		if !next.SameAcceptor(a, v.MaxBal, v.MaxVBal, v.MaxVal) {
			how := "no action"
			if len(actions) > 0 {
				how = strings.Join(actions, ", then ")
			}
			return cur, actions, fmt.Sprintf("acceptor a%d persisted (maxBal, maxVBal, maxVal) = %s, but %s leaves it %s",
				a+1, vars(v), how, vars(Acceptor{next.MaxBal(a), next.MaxVBal(a), next.MaxVal(a)}))
		}
	}
	return next, actions, ""
}

// vars prints an acceptor's variables as a tuple: (1, 0, v2).
func vars(v Acceptor) string {
	val := "None"
	if v.MaxVal >= 0 {
		val = fmt.Sprintf("v%d", v.MaxVal+1)
	}
	return fmt.Sprintf("(%d, %d, %s)", v.MaxBal, v.MaxVBal, val)
}
