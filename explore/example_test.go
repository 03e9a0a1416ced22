package explore_test

import (
	"fmt"

	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/fingerprint"
)

// counters is a model of two counters, a and b, that count to 2 one step at
// a time, in either order. Its invariant, when limit is set, is a+b <
// limit.
type counters struct{ limit int }

func (counters) Init() [][2]int { return [][2]int{{0, 0}} }

func (counters) Next(s [2]int, emit func([2]int)) {
	for i := range s {
		if s[i] < 2 {
			next := s
			next[i]++
			emit(next)
		}
	}
}

func (m counters) Check(s [2]int) string {
	if m.limit > 0 && s[0]+s[1] >= m.limit {
		return fmt.Sprintf("a+b = %d", s[0]+s[1])
	}
	return ""
}

func (counters) Fingerprint(h *fingerprint.Hasher, s [2]int, symmetry bool) {
	h.Int(int64(s[0]))
	h.Int(int64(s[1]))
}

func (counters) Label(s [2]int, i int) string {
	var names []string
	for c, name := range []string{"a++", "b++"} {
		if s[c] < 2 {
			names = append(names, name)
		}
	}
	return names[i]
}

// Explore every state of a model: 9 states (a and b from 0 to 2), 12
// steps between them and the initial state generated, and a longest
// shortest path of 4 steps, from (0, 0) to (2, 2).
func ExampleRun() {
	res, err := explore.Run[[2]int](counters{}, explore.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d distinct, %d generated, depth %d, complete %v\n",
		res.Verdict, res.Distinct, res.Generated, res.Depth, res.Complete)
	// Output:
	// ok: 9 distinct, 13 generated, depth 5, complete true
}

// Breadth first, the counterexample is a shortest path to a bad state.
func ExampleRun_counterexample() {
	res, err := explore.Run[[2]int](counters{limit: 3}, explore.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %s\n", res.Verdict, res.Violation)
	fmt.Println(res.Path[0])
	for i, label := range res.Labels {
		fmt.Println(label, "->", res.Path[i+1])
	}
	// Output:
	// violation: a+b = 3
	// [0 0]
	// a++ -> [1 0]
	// a++ -> [2 0]
	// b++ -> [2 1]
}
