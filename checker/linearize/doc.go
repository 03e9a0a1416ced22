// Package linearize checks that the client history of a single-decree Paxos
// run is linearizable, with porcupine (github.com/anishathalye/porcupine),
// and draws porcupine's HTML picture of a history annotated with the
// simulator's faults.
//
// Seen from its clients, single-decree Paxos is a consensus object: Propose(v)
// returns the decided value. Its sequential specification (Model) has one
// piece of state, the decided value or none: the first Propose linearized
// decides its own value and returns it; every later Propose returns the
// decided value. A history is linearizable when every operation can be given
// a point inside its [Invoke, Return] interval such that the operations, run
// in the order of their points, follow that specification.
//
// It judges only what clients were told and trusts none of the observations
// a node reports about its acceptors and learners, which the omniscient checks
// of package checker rely on. So it also covers a node under test whose
// observations are wrong or missing, and bugs between learning and answering:
// two clients told different values, a client told a value nobody proposed,
// or told a value before anyone had proposed it.
//
// Check is the plain verdict; Explain also writes the HTML visualization of a
// history, meant for an Illegal one, with the faults of the run (Annotation)
// drawn on their own lanes under the clients'.
//
// Times are the caller's: paxsim passes virtual ticks. Only their order
// matters to the check, and the visualization spaces distinct times evenly
// whatever their unit, showing the original numbers in its tooltips.
//
// Linearizability checking is NP-hard, so every entry point takes a Budget,
// a count of the search's steps, and answers Unknown when the search spends
// it. A budget of steps rather than of time keeps every verdict, Unknown
// included, a pure function of the history and the budget, the same on any
// machine under any load. Treat Unknown as "not judged", never as a pass.
package linearize
