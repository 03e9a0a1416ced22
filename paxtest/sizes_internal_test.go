package paxtest

import (
	"slices"
	"testing"

	"github.com/paxsim/paxsim/engine"
)

// TestSizesAreTheProtocolsOwn: a case draws among the cluster sizes a
// protocol lists (engine.Info.Nodes), bounded by MaxNodes when it is set
// (the smallest size is kept when none fits), and from 1 to MaxNodes for
// a protocol that lists none.
func TestSizesAreTheProtocolsOwn(t *testing.T) {
	info := &engine.Info{Nodes: []int{7, 7, 5, 9}}
	for _, tt := range []struct {
		max  int
		want []int
	}{{0, []int{5, 7, 9}}, {7, []int{5, 7}}, {3, []int{5}}} {
		o := Options{MaxNodes: tt.max}
		if got := o.sizes(info); !slices.Equal(got, tt.want) {
			t.Errorf("MaxNodes %d: sizes %v, want %v", tt.max, got, tt.want)
		}
	}
	if got := (&Options{}).sizes(&engine.Info{}); got != nil {
		t.Errorf("a protocol with no sizes of its own: %v, want nil (1 to MaxNodes)", got)
	}
}
