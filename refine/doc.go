// Package refine checks an implementation of single-decree Paxos against
// Lamport's Paxos.tla (package explore/spec) through a refinement mapping,
// and measures how much of Paxos.tla's state space a campaign's runs reach.
//
// The mapping is the protocol adapter's (engine.Refiner): each replica's
// durable state gives its acceptor's maxBal, maxVBal and maxVal, ballots
// numbered through their total order, and the 1a, 1b, 2a and 2b messages
// the replicas ever sent give msgs. An implementation step is one handler
// run, and with a replica's messages to itself delivered as local calls it
// may take several Paxos.tla actions (a proposer's prepare is Phase1a, then
// its own acceptor's Phase1b). A step refines when each message it sends,
// in the order sent, is sent by an enabled action of Next from the state
// the messages before it led to (a message already in msgs changes
// nothing), and the acceptors' variables after those actions are the ones
// the replicas persisted. A step that sends nothing of Paxos.tla and
// changes no acceptor is a stutter.
//
// Check searches every state of a small cluster (package model) with that
// check at every step: the product of the implementation's states with
// the mapped states, whose msgs is a history of what was sent. Coverage
// collects the distinct Paxos.tla states a campaign's runs pass through.
package refine
