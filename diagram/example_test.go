package diagram_test

import (
	"os"

	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/sim"
)

// A Builder takes a run's trace entries, sends, observations and states in
// the order the run makes them; Mermaid writes the result for an issue.
// scenarios.Drawing does this for paxsim's runs.
func ExampleMermaid() {
	b := diagram.NewBuilder(diagram.Lanes(2, 1)) // client 1, replicas 1 and 2
	b.Request(1, 1, "Request(client 1, v1)", 0)
	b.Entry(sim.TraceEntry{Time: 1, Kind: "request", From: sim.External, To: 1, Msg: "Request(client 1, v1)"})
	b.Entry(sim.TraceEntry{Time: 1, Kind: "send", From: 1, To: 2, Msg: "Prepare(1.1)"})
	b.Entry(sim.TraceEntry{Time: 1, Kind: "send", From: 1, To: 2, Msg: "Prepare(1.1)"})
	b.Entry(sim.TraceEntry{Time: 1, Kind: "drop", From: 1, To: 2, Msg: "Prepare(1.1)"}) // met at sending
	b.Entry(sim.TraceEntry{Time: 2, Kind: "crash", From: 2, To: 2})
	b.Entry(sim.TraceEntry{Time: 3, Kind: "restart", From: 2, To: 2})
	b.Entry(sim.TraceEntry{Time: 4, Kind: "deliver", From: 1, To: 2, Msg: "Prepare(1.1)"})
	b.Observe(2, "promises 1.1, reports (-, -)")
	b.State(2, "promised 1.1, accepted (-, -)")
	d := b.Diagram()
	d.Title = "a small run"
	diagram.Mermaid(os.Stdout, d)
	// Output:
	// %% a small run
	// sequenceDiagram
	//     participant C1 as client 1
	//     participant R1 as replica 1
	//     participant R2 as replica 2
	//     C1->>R1: Request(client 1, v1)
	//     R1-xR2: Prepare(1.1) (dropped)
	//     Note over R2: crash
	//     Note over R2: restart
	//     R1->>R2: Prepare(1.1)
	//     Note over R2: promises 1.1, reports (-, -)
}
