package multipaxos_test

import (
	"fmt"

	"github.com/paxsim/paxsim/checker"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// A client of a three-replica key-value service sends its requests, one
// at a time, to replica 2, which forwards them to the leader and answers
// each once applied. The third request is sent again (a retry): it takes
// no effect the second time, and its answer is the first one's.
func Example() {
	var w *sim.World[mp.Msg, mp.Durable, checker.Observation]
	requests := []mp.Msg{
		mp.Put(7, 1, "greeting", "hello"),
		mp.Append(7, 2, "greeting", ", world"),
		mp.Get(7, 3, "greeting"),
		mp.Get(7, 3, "greeting"), // a retry: same client, same seq
	}
	next := 0
	send := func() {
		w.Request(w.Now()+1, 2, requests[next])
		next++
	}
	w, _ = sim.New(sim.Config{Nodes: 3}, sim.NewRandom(1), mp.NewNodes(3, mp.Config{}),
		func(node sim.NodeID, o checker.Observation) {
			switch {
			case o.Kind == checker.Returned:
				client, seq, _ := mp.DecodeID(o.Value)
				fmt.Printf("replica %d answers client %d, request %d: %q\n", node, client, seq, o.Output)
				if next < len(requests) {
					send()
				}
			case o.Kind == checker.Applied && node == 2:
				fmt.Printf("replica 2 applies instance %d: %s (effect %v)\n", o.Instance, mp.FormatID(o.Value), o.Effect)
			}
		})
	send()
	for next < len(requests) || w.Now() < 2000 {
		w.Step()
	}
	// Output:
	// replica 2 applies instance 1: c7#1 (effect true)
	// replica 2 answers client 7, request 1: "OK"
	// replica 2 applies instance 2: c7#2 (effect true)
	// replica 2 answers client 7, request 2: "hello, world"
	// replica 2 applies instance 3: c7#3 (effect true)
	// replica 2 answers client 7, request 3: "hello, world"
	// replica 2 answers client 7, request 3: "hello, world"
}
