package sim

import "fmt"

// MisuseError is what a node did wrong through its Env: a message to a
// node that does not exist, a timer tag out of range. The world panics
// with it (a node cannot go on as if the call had worked), and a harness
// that recovers it reports the node's protocol as breaking the contract,
// with the rule's name, instead of a crash of its own.
type MisuseError struct {
	Rule string // the rule broken, one or two words
	Msg  string
}

func (e *MisuseError) Error() string { return fmt.Sprintf("sim: %s: %s", e.Rule, e.Msg) }

// misuse panics with a *MisuseError.
func misuse(rule, format string, args ...any) {
	panic(&MisuseError{Rule: rule, Msg: fmt.Sprintf(format, args...)})
}
