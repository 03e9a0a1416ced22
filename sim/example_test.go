package sim_test

import (
	"fmt"

	"github.com/paxsim/paxsim/sim"
)

// value is the message of the node under test: a small value type with a
// content digest and a readable form.
type value struct{ V int64 }

func (m value) Digest() uint64 { return uint64(m.V) * 0x9e3779b97f4a7c15 }
func (m value) String() string { return fmt.Sprintf("value(%d)", m.V) }

// learned is what a node reports to the checker: it now holds V.
type learned struct{ V int64 }

// maxNode is a user's own implementation put under test: a grow-only max
// register that spreads by gossip. It keeps its value durable (an int64 is
// its whole durable state) and gossips to a peer chosen with env.Rand, so
// the run's Decider chooses the peer too.
type maxNode struct{ max int64 }

type env = sim.Env[value, int64, learned]

const gossip sim.TimerTag = 0

func (n *maxNode) Start(e *env) { e.SetTimer(gossip, 10) }

func (n *maxNode) Deliver(e *env, from sim.NodeID, m value) {
	if m.V <= n.max {
		return
	}
	n.max = m.V
	e.Persist(n.max) // durable before anything else happens
	e.Observe(learned{n.max})
}

func (n *maxNode) Fire(e *env, _ sim.TimerTag) {
	if peer := sim.NodeID(1 + e.Rand(e.Nodes())); peer != e.ID() && n.max > 0 {
		e.Send(peer, value{n.max})
	}
	e.SetTimer(gossip, 5+sim.Time(e.Rand(10)))
}

// run puts five maxNodes on a faulty network for 2000 ticks, and returns
// what each node last reported and the run's trace hash.
func run(seed uint64, trace func(sim.TraceEntry)) (final [6]int64, restarts int64, hash uint64) {
	crash, _ := sim.ParseFault("crash:3@50-400")
	cfg := sim.Config{
		Nodes:   5,
		Network: sim.NetworkConfig{Delay: sim.Delay{Min: 1, Max: 10}, DropRate: 0.1, DupRate: 0.05},
		Faults: sim.FaultConfig{
			CrashRate: 0.01, PartitionRate: 0.01,
			Schedule: []sim.ScheduledFault{crash},
		},
		HealAt: 1000, // after 1000 the network is reliable and every node is up
	}
	newNode := func(id sim.NodeID, durable int64) sim.Node[value, int64, learned] {
		return &maxNode{max: durable} // a restart starts from what was persisted
	}
	observe := func(id sim.NodeID, o learned) { final[id] = o.V }
	w, err := sim.New(cfg, sim.NewRandom(seed), newNode, observe)
	if err != nil {
		panic(err)
	}
	w.SetTracer(trace) // nil: no readable trace, only the hash
	// Clients write to three different nodes.
	w.Request(10, 1, value{7})
	w.Request(20, 4, value{42})
	w.Request(30, 2, value{13})
	for w.Now() < 2000 && w.Step() {
	}
	return final, w.Stats().Faults[sim.FaultRestart], w.Hash()
}

// Example puts a small user-defined node under test: five replicas of a
// gossiped max register on a network that drops, duplicates and reorders
// messages, with crashes and partitions until the heal at t=1000. Every
// replica must end up holding the largest value written, and a run is a
// pure function of its seed.
func Example() {
	// The readable trace, on demand: here only node 3's crashes and restarts.
	final, restarts, hash := run(1, func(e sim.TraceEntry) {
		if (e.Kind == "crash" || e.Kind == "restart") && e.From == 3 {
			fmt.Println(e)
		}
	})
	for id := 1; id <= 5; id++ {
		fmt.Printf("node %d holds %d\n", id, final[id])
	}
	fmt.Println("restarts from durable state:", restarts)
	_, _, again := run(1, nil)
	fmt.Println("same seed, same hash:", again == hash)
	_, _, other := run(2, nil)
	fmt.Println("other seed, other hash:", other != hash)
	// Output:
	// t=50 #31 crash 3
	// t=400 #215 restart 3
	// node 1 holds 42
	// node 2 holds 42
	// node 3 holds 42
	// node 4 holds 42
	// node 5 holds 42
	// restarts from durable state: 5
	// same seed, same hash: true
	// other seed, other hash: true
}
