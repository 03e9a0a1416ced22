package trace_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// panicky is single-decree Paxos whose replicas draw a number and then
// panic in the handler of their first accept: protocol code that crashes.
func panicky() paxos.Wrapped {
	return paxos.Wrapped{Wrap: func(n paxos.Node) paxos.Node { return panickyNode{n} }}
}

type panickyNode struct{ paxos.Node }

func (n panickyNode) Deliver(env *protocol.Env, from sim.NodeID, m protocol.Msg) {
	if m.Type == protocol.Accept {
		panic(fmt.Sprintf("accept drew %d", env.Rand(1000)))
	}
	n.Node.Deliver(env, from, m)
}

// TestAPanicReplays: the decision trace of a run that panicked in protocol
// code replays to the same panic, also when the panicking handler was one
// a torn crash could cut (whose step the world writes down only once the
// handler returns), and with the draws the handler made before it.
func TestAPanicReplays(t *testing.T) {
	p := panicky()
	info := p.Info()
	for _, torn := range []float64{0, 1} {
		c := engine.Default()
		c.Protocol, c.TornCrash = info.Name, torn
		c.Crash, c.Drop, c.Dup, c.Redeliver, c.Partition, c.Slow = 0, 0, 0, 0, 0, 0
		for seed := range uint64(20) {
			res, err := engine.Run(p, &info, c, seed, engine.Options{Record: true})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Failed() || res.Violations[0].Property != engine.PanicProperty {
				t.Fatalf("torn %v, seed %d: %v, want the panic", torn, seed, res.Violations)
			}
			again, err := trace.Replay(p, &info, trace.FromResult(c, &res), engine.Options{})
			if err != nil {
				t.Fatalf("torn %v, seed %d: %v", torn, seed, err)
			}
			if !again.Failed() || panicOf(again) != panicOf(res) {
				t.Fatalf("torn %v, seed %d: the replay gives %v, the run %v\n%s", torn, seed, again.Violations, res.Violations, trace.FromResult(c, &res))
			}
		}
	}
}

var panicStep = regexp.MustCompile(`#\d+ (.*)$`)

// panicOf is the step a run's panic was raised in and its value: the
// panic's message without its time, nominal in a replay.
func panicOf(res engine.Result) string {
	v := res.Violations[0]
	if v.Property != engine.PanicProperty {
		return ""
	}
	return v.Check + " " + panicStep.FindString(v.Message)
}
