package script

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// stepKind is everything the interpreter knows of one kind of step: its
// syntax, which Parse checks without knowing the protocol; what Check
// validates against the protocol (nil: nothing); and how a run takes it,
// once both passed (Execute checks the run first).
type stepKind struct {
	syntax func(args []string, nodes int) error
	check  func(c ctx, line string, args []string) error
	take   func(r runner, c ctx, line string, args []string) error
}

// ctx is what a step is checked and taken against: the protocol and the
// run's cluster.
type ctx struct {
	info  *engine.Info
	nodes int
}

// runner is a run in progress, as the step handlers drive it (Execute's
// interpreter, generic over the protocol, implements it).
type runner interface {
	// client takes a client step.
	client(st engine.ClientStep) error
	// act takes the enabled action of kind on link l (for a message: of
	// type or text msg, any when ""; for a timer: tag).
	act(kind sim.ActionKind, l link, tag sim.TimerTag, msg string) error
	// send puts a hand-written message in flight.
	send(l link, msg string) error
	// crashNext makes the next action a crash of the kind c says: a torn
	// crash of the delivery or timer taken next, or a crash that loses
	// unsynced writes (c.Unsynced < 0: however many the node has).
	crashNext(c sim.Crash)
	// deliverAll delivers every message in flight until none is left.
	deliverAll()
	// settle heals every fault and runs the liveness phase.
	settle()
}

const stepNames = "client, deliver, drop, dup, send, timer, crash, restart, deliver-all, rand or settle"

// stepKinds are the steps, by verb: one handler each.
var stepKinds = map[string]stepKind{
	"client":      {syntax: anyArgs, check: checkClient, take: takeClient},
	"deliver":     {syntax: messageSyntax(false), take: takeMessage(sim.ActDeliver)},
	"drop":        {syntax: messageSyntax(false), take: takeMessage(sim.ActDrop)},
	"dup":         {syntax: messageSyntax(false), take: takeMessage(sim.ActDup)},
	"send":        {syntax: messageSyntax(true), take: takeMessage(0)},
	"timer":       {syntax: timerSyntax, check: checkTimer, take: takeTimer},
	"restart":     {syntax: nodeSyntax, take: takeNode(sim.ActRestart)},
	"deliver-all": {syntax: noArgs, take: func(r runner, _ ctx, _ string, _ []string) error { r.deliverAll(); return nil }},
	"settle":      {syntax: noArgs, take: func(r runner, _ ctx, _ string, _ []string) error { r.settle(); return nil }},
	// A draw is taken by the step before it (Execute's decider reads it);
	// one that no draw took is skipped, as a decision trace's replay does.
	"rand": {syntax: randSyntax, take: func(runner, ctx, string, []string) error { return nil }},
}

// kindOf returns the kind of step line and its arguments.
func kindOf(line string) (stepKind, []string, error) {
	f := strings.Fields(line)
	k, ok := stepKinds[f[0]]
	if !ok {
		return k, nil, fmt.Errorf("unknown step %q (want %s)", f[0], stepNames)
	}
	return k, f[1:], nil
}

// stepSyntax checks a step line as far as it can without the protocol.
func stepSyntax(line string, nodes int) error {
	k, args, err := kindOf(line)
	if err != nil {
		return err
	}
	return k.syntax(args, nodes)
}

func anyArgs([]string, int) error { return nil }

func noArgs(args []string, _ int) error {
	if len(args) > 0 {
		return errors.New("the step takes no arguments")
	}
	return nil
}

// node reads a node id of a cluster of nodes.
func node(s string, nodes int) (sim.NodeID, error) {
	id, err := strconv.Atoi(s)
	if err != nil || id < 1 || id > nodes {
		return 0, fmt.Errorf("node %s does not exist (nodes are 1..%d)", s, nodes)
	}
	return sim.NodeID(id), nil
}

func nodeSyntax(args []string, nodes int) error {
	if len(args) != 1 {
		return errors.New("want one node")
	}
	_, err := node(args[0], nodes)
	return err
}

func takeNode(kind sim.ActionKind) func(runner, ctx, string, []string) error {
	return func(r runner, c ctx, _ string, args []string) error {
		id, _ := node(args[0], c.nodes)
		return r.act(kind, link{to: id}, 0, "")
	}
}

// Client steps.

func checkClient(c ctx, line string, _ []string) error {
	_, err := engine.ParseClientStep(line, c.nodes, c.info.Workload)
	return err
}

func takeClient(r runner, c ctx, line string, _ []string) error {
	st, _ := engine.ParseClientStep(line, c.nodes, c.info.Workload)
	return r.client(st)
}

// Message steps.

// link is a message step's FROM->TO; from is sim.External for a client.
type link struct{ from, to sim.NodeID }

func (l link) String() string { return l.from.String() + "->" + l.to.String() }

// parseLink reads FROM->TO, FROM a node or "client" (sim.ParseLink).
func parseLink(s string, nodes int) (link, error) {
	from, to, err := sim.ParseLink(s, nodes)
	return link{from, to}, err
}

// messageSyntax checks "LINK [MESSAGE]"; need: the message is required.
func messageSyntax(need bool) func([]string, int) error {
	return func(args []string, nodes int) error {
		switch {
		case len(args) == 0:
			return errors.New("want a link FROM->TO")
		case need && len(args) == 1:
			return errors.New("want a link FROM->TO and a message")
		}
		_, err := parseLink(args[0], nodes)
		return err
	}
}

// takeMessage takes a message step of kind, a send when kind is 0: the
// message is the text after the link.
func takeMessage(kind sim.ActionKind) func(runner, ctx, string, []string) error {
	return func(r runner, c ctx, line string, args []string) error {
		l, _ := parseLink(args[0], c.nodes)
		_, rest, _ := strings.Cut(line, "->")
		_, msg, _ := strings.Cut(rest, " ")
		if kind == 0 {
			return r.send(l, strings.TrimSpace(msg))
		}
		return r.act(kind, l, 0, strings.TrimSpace(msg))
	}
}

// Timer steps.

func timerSyntax(args []string, nodes int) error {
	if len(args) < 1 || len(args) > 2 {
		return errors.New("want timer NODE [NAME|TAG]")
	}
	_, err := node(args[0], nodes)
	return err
}

// timerTag reads a timer step's tag: a name of info.Timers, or a number;
// tag 0 when none is given.
func timerTag(info *engine.Info, args []string) (sim.TimerTag, error) {
	if len(args) < 2 {
		return 0, nil
	}
	for tag, name := range info.Timers {
		if name == args[1] && name != "" {
			return sim.TimerTag(tag), nil
		}
	}
	if n, err := strconv.Atoi(args[1]); err == nil && n >= 0 && n < sim.MaxTimerTags {
		return sim.TimerTag(n), nil
	}
	want := fmt.Sprintf("a tag 0..%d", sim.MaxTimerTags-1)
	if len(info.Timers) > 0 {
		want = strings.Join(info.Timers, ", ") + " or " + want
	}
	return 0, fmt.Errorf("timer %q: want %s", args[1], want)
}

func checkTimer(c ctx, _ string, args []string) error {
	_, err := timerTag(c.info, args)
	return err
}

func takeTimer(r runner, c ctx, _ string, args []string) error {
	id, _ := node(args[0], c.nodes)
	tag, _ := timerTag(c.info, args)
	return r.act(sim.ActTimer, link{to: id}, tag, "")
}

// Random draws.

func randSyntax(args []string, nodes int) error {
	_, _, err := trace.ParseRand(args, nodes)
	return err
}
