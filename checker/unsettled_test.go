package checker

import "testing"

// TestUnsettled: the lowest instance a log owes a chosen value is the
// first, up to the highest voted in, that has none: a vote no majority
// joined, or a hole below one.
func TestUnsettled(t *testing.T) {
	b := Ballot{Round: 1, Node: 1}
	vote := func(c *Safety, node int, instance int64) {
		c.Observe(node, Observation{Kind: Accepted, Instance: instance, Ballot: b, Value: Value(instance)})
	}
	type want struct {
		instance, top int64
		ok            bool
	}
	for _, tc := range []struct {
		name  string
		votes [][2]int64 // node, instance
		want  want
	}{
		{"nothing voted", nil, want{}},
		{"all chosen", [][2]int64{{1, 1}, {2, 1}, {1, 2}, {2, 2}}, want{0, 2, false}},
		{"a lone vote", [][2]int64{{1, 1}, {2, 1}, {3, 2}}, want{2, 2, true}},
		{"a hole below a chosen instance", [][2]int64{{1, 1}, {2, 1}, {1, 3}, {2, 3}}, want{2, 3, true}},
		{"nothing at instance 1", [][2]int64{{1, 2}, {2, 2}}, want{1, 2, true}},
		{"a single decree's instance 0", [][2]int64{{1, 0}, {2, 0}}, want{0, 0, false}},
		{"a single decree's lone vote", [][2]int64{{1, 0}}, want{0, 0, true}},
	} {
		c := NewSafety(3)
		for _, v := range tc.votes {
			vote(c, int(v[0]), v[1])
		}
		if i, top, ok := c.Unsettled(); (want{i, top, ok}) != tc.want {
			t.Errorf("%s: Unsettled() = %d, %d, %v; want %+v", tc.name, i, top, ok, tc.want)
		}
	}
}
