package arena

import (
	"strconv"
	"testing"
)

// Runs handed out are never written again: later runs, a chunk boundary
// crossed and a run longer than a chunk leave every earlier run as it was.
func TestSliceRunsAreWriteOnce(t *testing.T) {
	var a Slice[int]
	var runs [][]int
	var want [][]int
	for i := range 3 * sliceChunk {
		xs := make([]int, 1+i%7)
		if i == sliceChunk {
			xs = make([]int, 2*sliceChunk+1)
		}
		for k := range xs {
			xs[k] = i*1000 + k
		}
		run := a.Copy(xs)
		if cap(run) != len(run) {
			t.Fatalf("run %d: cap %d, len %d: appending to it would write into the arena", i, cap(run), len(run))
		}
		runs, want = append(runs, run), append(want, xs)
		one := a.One(-i)
		if len(one) != 1 || cap(one) != 1 || one[0] != -i {
			t.Fatalf("One(%d) = %v (cap %d)", -i, one, cap(one))
		}
		runs, want = append(runs, one), append(want, []int{-i})
	}
	for i := range runs {
		for k := range want[i] {
			if runs[i][k] != want[i][k] {
				t.Fatalf("run %d changed: %v, want %v", i, runs[i], want[i])
			}
		}
	}
	if a.Copy(nil) != nil {
		t.Fatal("a copy of nothing is not nil")
	}
}

// Strings handed out keep their bytes, and many short strings take few
// allocations.
func TestTextStrings(t *testing.T) {
	var x Text
	var got []string
	var buf []byte
	for i := range 2000 {
		buf = strconv.AppendInt(append(buf[:0], '+'), int64(i), 10)
		if i == 1000 {
			buf = append(buf, make([]byte, 3*textChunk)...)
		}
		got = append(got, x.String(buf))
		buf[0] = '!' // the caller's bytes are its own
	}
	for i, s := range got {
		want := "+" + strconv.Itoa(i)
		if i == 1000 {
			want += string(make([]byte, 3*textChunk))
		}
		if s != want {
			t.Fatalf("string %d = %q, want %q", i, s[:min(len(s), 20)], want[:min(len(want), 20)])
		}
	}
	allocs := testing.AllocsPerRun(10, func() {
		for i := range 1000 {
			buf = strconv.AppendInt(buf[:0], int64(i), 10)
			x.String(buf)
		}
	})
	if allocs > 3 {
		t.Errorf("%v allocations for 1000 short strings", allocs)
	}
}
