package linearize_test

import (
	"fmt"
	"io"

	"github.com/paxsim/paxsim/checker/linearize"
)

// Three clients propose v1, v2 and v3; client 3's replica never answers.
// Clients 1 and 2 are both told v1: linearizable. Had client 2 been told v2,
// two clients would disagree on the decided value.
func ExampleCheck() {
	ops := []linearize.Op{
		{Client: 1, Node: 1, Value: 1, Invoke: 0, Return: 30, Output: 1},
		{Client: 2, Node: 2, Value: 2, Invoke: 10, Return: 40, Output: 1},
		{Client: 3, Node: 3, Value: 3, Invoke: 20, Return: -1}, // outcome unknown
	}
	fmt.Println(linearize.Check(ops, linearize.DefaultBudget))

	ops[1].Output = 2
	fmt.Println(linearize.Check(ops, linearize.DefaultBudget))
	// Output:
	// ok
	// illegal
}

// Explain draws an illegal history with the faults of its run; a caller
// writes the page to a file (os.Create) and opens it in a browser.
func ExampleExplain() {
	ops := []linearize.Op{
		{Client: 1, Node: 1, Value: 1, Invoke: 0, Return: 40, Output: 1},
		{Client: 2, Node: 2, Value: 2, Invoke: 60, Return: 120, Output: 2},
	}
	faults := []linearize.Annotation{
		{Start: 50, End: 130, Kind: "partition", Description: "{1} | {2,3}"},
		{Start: 55, End: -1, Kind: "crash", Node: 1}, // never restarted
	}
	verdict, err := linearize.Explain(ops, faults, linearize.DefaultBudget, io.Discard)
	fmt.Println(verdict, err)
	// Output:
	// illegal <nil>
}

// A client's append("x", "a") is retried after its replica crashed, and the
// service executes it twice: the next append's answer shows "aa". Each
// retried command is one operation, from its first attempt to its answer.
func ExampleCheckKV() {
	ops := []linearize.KVOp{
		{Client: 1, Node: 1, Kind: linearize.KVAppend, Key: "x", Value: "a", Invoke: 0, Return: 50, Output: "a"},
		{Client: 2, Node: 2, Kind: linearize.KVAppend, Key: "x", Value: "b", Invoke: 60, Return: 70, Output: "ab"},
		{Client: 3, Node: 3, Kind: linearize.KVGet, Key: "y", Invoke: 10, Return: -1}, // outcome unknown
	}
	fmt.Println(linearize.CheckKV(ops, linearize.DefaultBudget))

	ops[1].Output = "aab"
	fmt.Println(linearize.CheckKV(ops, linearize.DefaultBudget))
	// Output:
	// ok
	// illegal
}
