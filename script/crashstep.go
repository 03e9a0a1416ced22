package script

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/sim"
)

// Crash steps: "crash N"; "crash N losing L" (or "... losing L of U
// unsynced writes", as a decision trace writes it): a crash that loses
// the last L of node N's unsynced writes; "crash N after effect K of
// STEP", STEP a deliver to node N or a timer of node N: a torn crash that
// lets the first K effects of that step's handler happen.

// A torn crash's step is a step of its own kind, which the crash step
// looks up: it joins stepKinds once they exist.
func init() {
	stepKinds["crash"] = stepKind{syntax: crashSyntax, check: checkCrash, take: takeCrash}
}

const crashForms = "crash N, crash N losing L [of U unsynced writes], or crash N after effect K of STEP"

// crashArgs is a crash step read: the node, how it crashes (Unsynced -1:
// not given), and the torn crash's step.
type crashArgs struct {
	id    sim.NodeID
	crash sim.Crash
	inner string
}

func parseCrashArgs(args []string, nodes int) (crashArgs, error) {
	if len(args) == 0 {
		return crashArgs{}, fmt.Errorf("want %s", crashForms)
	}
	id, err := node(args[0], nodes)
	if err != nil || len(args) == 1 {
		return crashArgs{id: id}, err
	}
	rest := strings.Join(args[1:], " ")
	switch {
	case args[1] == "losing":
		return parseLosing(id, args[2:])
	case len(args) > 5 && strings.HasPrefix(rest, "after effect ") && args[4] == "of":
		k, err := strconv.Atoi(args[3])
		if err != nil || k < 0 {
			return crashArgs{}, fmt.Errorf("effect %q: want a count from 0", args[3])
		}
		return crashArgs{id: id, crash: sim.Crash{Torn: true, Cut: k}, inner: strings.Join(args[5:], " ")}, nil
	}
	return crashArgs{}, fmt.Errorf("%q: want %s", "crash "+strings.Join(args, " "), crashForms)
}

// parseLosing reads "L" or "L of U unsynced writes".
func parseLosing(id sim.NodeID, args []string) (crashArgs, error) {
	c := sim.Crash{Lost: true, Unsynced: -1}
	var err error
	if len(args) == 0 {
		return crashArgs{}, errors.New("crash N losing L: want how many writes it loses")
	}
	if c.Lose, err = strconv.Atoi(args[0]); err != nil || c.Lose < 0 {
		return crashArgs{}, fmt.Errorf("losing %q: want a count from 0", args[0])
	}
	switch {
	case len(args) == 1:
	case len(args) == 5 && args[1] == "of" && strings.Join(args[3:], " ") == "unsynced writes":
		if c.Unsynced, err = strconv.Atoi(args[2]); err != nil || c.Unsynced < c.Lose {
			return crashArgs{}, fmt.Errorf("losing %d of %q: want a count from %d", c.Lose, args[2], c.Lose)
		}
	default:
		return crashArgs{}, fmt.Errorf("want crash N losing L [of U unsynced writes]")
	}
	return crashArgs{id: id, crash: c}, nil
}

func crashSyntax(args []string, nodes int) error {
	a, err := parseCrashArgs(args, nodes)
	if err != nil || a.inner == "" {
		return err
	}
	k, inner, err := kindOf(a.inner)
	if err != nil {
		return err
	}
	if verb := strings.Fields(a.inner)[0]; verb != "deliver" && verb != "timer" {
		return fmt.Errorf("a crash falls inside a deliver or a timer, not a %s", verb)
	}
	if err := k.syntax(inner, nodes); err != nil {
		return err
	}
	if to := innerNode(a.inner, nodes); to != a.id {
		return fmt.Errorf("%q runs on node %d, not on node %d", a.inner, to, a.id)
	}
	return nil
}

// innerNode is the node a deliver or timer step runs on.
func innerNode(step string, nodes int) sim.NodeID {
	f := strings.Fields(step)
	if f[0] == "timer" {
		id, _ := node(f[1], nodes)
		return id
	}
	l, _ := parseLink(f[1], nodes)
	return l.to
}

func checkCrash(c ctx, _ string, args []string) error {
	a, _ := parseCrashArgs(args, c.nodes)
	if a.inner == "" {
		return nil
	}
	k, inner, _ := kindOf(a.inner)
	if k.check == nil {
		return nil
	}
	return k.check(c, a.inner, inner)
}

func takeCrash(r runner, c ctx, _ string, args []string) error {
	a, _ := parseCrashArgs(args, c.nodes)
	if a.inner != "" {
		r.crashNext(a.crash)
		k, inner, _ := kindOf(a.inner)
		return k.take(r, c, a.inner, inner)
	}
	r.crashNext(a.crash)
	return r.act(sim.ActCrash, link{to: a.id}, 0, "")
}
