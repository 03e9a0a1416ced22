package checker_test

import (
	"fmt"

	"github.com/paxsim/paxsim/checker"
)

// Two majorities of a three-acceptor cluster accept different values in
// different ballots: the checker reports the first accept of the second
// value, above the ballot that chose the first (safe-proposal), and then
// the broken agreement, with the acceptors that made each majority.
func ExampleSafety() {
	c := checker.NewSafety(3)
	c.Observe(0, checker.Observation{Kind: checker.Invoked, Client: 1, Value: 1})
	c.Observe(0, checker.Observation{Kind: checker.Invoked, Client: 2, Value: 2})
	accept := func(node int, round uint32, proposer int32, v checker.Value) {
		c.Observe(node, checker.Observation{Kind: checker.Accepted, Ballot: checker.Ballot{Round: round, Node: proposer}, Value: v})
	}
	c.At(10, 4)
	accept(1, 1, 1, 1)
	accept(2, 1, 1, 1)
	c.At(25, 9)
	accept(2, 2, 3, 2)
	accept(3, 2, 3, 2)
	for _, v := range c.Violations() {
		fmt.Println(v.String())
	}
	// Output:
	// safe-proposal violated at t=25 (event #9): node 2 accepts v2 at ballot 2.3, above ballot 1.1, which chose v1: a value chosen at a ballot binds every higher one
	//   v1 chosen at ballot 1.1: accepted by {1,2}, a majority (2 of 3)
	// agreement violated at t=25 (event #9): two values chosen: v1 and v2
	//   v1 chosen at ballot 1.1: accepted by {1,2}, a majority (2 of 3)
	//   v2 chosen at ballot 2.3: accepted by {2,3}, a majority (2 of 3)
}
