// Package multipaxos adapts paxsim's reference Multi-Paxos (package
// protocol/multipaxos), a replicated key-value log with reconfiguration,
// to the harness: the engine.Protocol that `--protocol multipaxos` runs,
// registered exactly as a user's own protocol is.
package multipaxos

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/internal/arena"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// Name is the protocol's name, what --protocol selects.
const Name = "multipaxos"

// Adapter is Multi-Paxos as an engine.Protocol: clients of a key-value
// service, and an operator that reconfigures the cluster.
type Adapter struct{}

var (
	_ engine.Protocol[mp.Msg, mp.Durable] = Adapter{}
	_ engine.Explorer[mp.Durable]         = Adapter{}
	_ engine.RequestBuilder[mp.Msg]       = Adapter{}
)

// DefaultAlpha is Lamport's window when --alpha is not set.
const DefaultAlpha = 8

// ExploreAlpha is Lamport's window in the explorer when --alpha is not
// set: a leader proposes up to two instances past its applied log, which
// is what no-view needs (with 1 an entry's view is always the latest
// applied), and fills a reconfiguration's window with one no-op, not
// seven.
const ExploreAlpha = 2

// Info describes Multi-Paxos.
func (Adapter) Info() engine.Info {
	info := engine.Info{
		Name:     Name,
		Summary:  "Multi-Paxos: a replicated key-value log with reconfiguration (Lamport's alpha)",
		Workload: engine.Workload{Kind: engine.KeyValue, Clients: 3, Commands: 4, Reconfig: true},
		Knobs:    []engine.Knob{alphaKnob(), catchUpKnob()},
		NoOps:    []checker.Value{mp.NoOp},
		Assertions: []engine.Assertion{
			{Name: mp.AssertAppliesInOrder, Kind: sim.AssertAlways},
			{Name: mp.AssertReproposedRecovered, Kind: sim.AssertReachable, Needs: []string{engine.Contention}},
			{Name: mp.AssertCaughtUpByAsking, Kind: sim.AssertSometimes, Needs: []string{"drop", "crash", "partition"}},
		},
		CatchUp: mp.CatchUpEntries,
	}
	for tag := sim.TimerTag(0); ; tag++ {
		name := mp.TimerName(tag)
		if _, ok := mp.LookupTimer(name); !ok {
			break
		}
		info.Timers = append(info.Timers, name)
	}
	for _, v := range mp.Variants() {
		info.Variants = append(info.Variants, engine.Variant{Name: v.Name, Summary: v.Summary, Breaks: v.Breaks})
	}
	return info
}

// alphaKnob is Lamport's window, --alpha.
func alphaKnob() engine.Knob {
	k := engine.IntKnob("alpha",
		"Lamport's window `N`: a reconfiguration chosen at instance i governs from i+N on; also the leader's pipeline depth (1..64)",
		DefaultAlpha, 1, 64)
	k.Explore = strconv.Itoa(ExploreAlpha)
	k.Window = true
	// Small windows fill: a swarm draws 1 to 4 mostly, the default now
	// and then.
	k.Draw = func(intn func(n int) int) string { return []string{"1", "2", "2", "3", "4", "8"}[intn(6)] }
	return k
}

// catchUpKnob is how many chosen entries a promise or a catch-up reply
// carries, --catchup.
func catchUpKnob() engine.Knob {
	k := engine.IntKnob("catchup",
		"`N` chosen entries at most in a promise or a catch-up reply: a replica further behind asks again (1..64)",
		mp.CatchUpEntries, 1, mp.CatchUpEntries)
	k.CatchUp = true
	// Small replies make a lagging replica catch up in many: a swarm
	// draws 4 to 16 as often as the default.
	k.Draw = func(intn func(n int) int) string { return []string{"4", "8", "16", "64", "64", "64"}[intn(6)] }
	return k
}

// NewNodes builds the replicas: every node a member of the first view.
func (a Adapter) NewNodes(s engine.Setup) (sim.NewNode[mp.Msg, mp.Durable, checker.Observation], error) {
	v, err := mp.LookupVariant(s.Variant)
	if err != nil {
		return nil, err
	}
	alpha, err := intParam(s.Params, "alpha", DefaultAlpha)
	if err != nil {
		return nil, err
	}
	catchUp, err := intParam(s.Params, "catchup", mp.CatchUpEntries)
	if err != nil {
		return nil, err
	}
	return mp.NewNodes(s.Nodes, mp.Config{Variant: v, Alpha: alpha, CatchUp: catchUp}), nil
}

// intParam is the whole number params holds for knob name, or def.
func intParam(params map[string]string, name string, def int) (int, error) {
	text, ok := params[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return 0, fmt.Errorf("%s %q: %v", name, text, err)
	}
	return n, nil
}

// Request is a client's key-value operation or the operator's
// reconfiguration; its Value is the command id.
func (Adapter) Request(r engine.Request) (mp.Msg, checker.Value) { return request(nil, r) }

// NewRequests builds a run's requests as Request does, each entry a
// write-once run of one arena (engine.RequestBuilder): a run's operations
// allocate once per chunk of them.
func (Adapter) NewRequests() func(r engine.Request) (mp.Msg, checker.Value) {
	var entries arena.Slice[mp.Entry]
	return func(r engine.Request) (mp.Msg, checker.Value) { return request(&entries, r) }
}

// request builds r's message, its entry from a (a fresh one when a is nil).
func request(a *arena.Slice[mp.Entry], r engine.Request) (mp.Msg, checker.Value) {
	var cmd mp.Command
	switch r.Op.Kind {
	case engine.OpGet:
		cmd = mp.GetCommand(r.Client, r.Seq, r.Op.Key)
	case engine.OpPut:
		cmd = mp.PutCommand(r.Client, r.Seq, r.Op.Key, r.Op.Arg)
	case engine.OpAppend:
		cmd = mp.AppendCommand(r.Client, r.Seq, r.Op.Key, r.Op.Arg)
	case engine.OpReconfig:
		cmd = mp.ReconfigCommand(r.Client, r.Seq, r.Op.Members...)
	default:
		panic(fmt.Sprintf("multipaxos: no %s operation", r.Op.Kind))
	}
	return mp.RequestFrom(a, cmd), cmd.ID
}

// Answer recognises a replica's answer to a client: the command id names
// the client and its request.
func (Adapter) Answer(o checker.Observation) (engine.Answer, bool) {
	if o.Kind != checker.Returned {
		return engine.Answer{}, false
	}
	client, seq, _ := mp.DecodeID(o.Value)
	return engine.Answer{Client: client, Seq: seq, Value: o.Value, Output: o.Output}, true
}

// DescribeDurable words what a replica persisted: its promise and its
// log, the chosen prefix as a range and the entries past it.
func (Adapter) DescribeDurable(d mp.Durable) string {
	var b strings.Builder
	fmt.Fprintf(&b, "promised %s", d.Promised)
	if n := len(d.Prefix); n > 0 {
		fmt.Fprintf(&b, "; i1..i%d chosen and applied", n)
	}
	const most = 8
	for i, e := range d.Tail {
		if i == most {
			fmt.Fprintf(&b, "; and %d more entries", len(d.Tail)-most)
			break
		}
		fmt.Fprintf(&b, "; %s", e)
	}
	return b.String()
}

// Symmetric: every replica may lead, and a ballot names its replica.
func (Adapter) Symmetric() bool { return false }

// tickTimer is a replica's tick: a leader's heartbeat and
// retransmissions, a candidate's resent prepares.
const tickTimer sim.TimerTag = 0

// ExploreTimer leaves the tick out unless asked for: in a set network it
// adds nothing but states (CheckConfig.Ticks).
func (Adapter) ExploreTimer(tag sim.TimerTag, ticks bool) bool { return tag != tickTimer || ticks }

// exploreDepth is the explorer's default depth bound: every path of up to
// 13 steps, which holds each safety variant's shortest counterexample at
// the default bounds (the deepest, no-view's, ends at depth 14). Even one
// leader and two commands reach millions of states (every order in which
// two followers take the accepts, heartbeats, commit notifications and
// catch-up replies sent them).
const exploreDepth = 14

// MaxDepth is the explorer's default depth bound.
func (Adapter) MaxDepth() int { return exploreDepth }
