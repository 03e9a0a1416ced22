package checker

import (
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// The exactly-once table answers as a plain map of (replica, command)
// would, whether replicas agree on where a command first applied (one
// shared record) or not (records of their own), across clones.
func TestFirstTableIsAMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var table firstTable
		plain := map[nodeCmd]firstApply{}
		for range rapid.IntRange(1, 300).Draw(t, "steps") {
			node := rapid.SampledFrom([]int{0, 1, 2, 3, 63, 64, -1}).Draw(t, "node")
			cmd := Value(rapid.IntRange(1, 4).Draw(t, "cmd"))
			if rapid.IntRange(0, 20).Draw(t, "clone") == 0 {
				var c firstTable
				table.cloneInto(&c)
				table = c
			}
			if rapid.Bool().Draw(t, "set") {
				f := firstApply{instance: int64(rapid.IntRange(1, 3).Draw(t, "instance")), effect: rapid.Bool().Draw(t, "effect")}
				table.set(node, cmd, f)
				plain[nodeCmd{node, cmd}] = f
			}
			got, ok := table.get(node, cmd)
			want, wantOK := plain[nodeCmd{node, cmd}]
			if got != want || ok != wantOK {
				t.Fatalf("get(%d, %v) = %+v %v, want %+v %v", node, cmd, got, ok, want, wantOK)
			}
		}
		seen := map[nodeCmd]firstApply{}
		table.each(func(node int, cmd Value, f firstApply) { seen[nodeCmd{node, cmd}] = f })
		if !reflect.DeepEqual(seen, plain) || table.len() != len(plain) {
			t.Fatalf("each lists %v (len %d), want %v", seen, table.len(), plain)
		}
	})
}
