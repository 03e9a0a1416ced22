package fingerprint

import (
	"testing"

	"pgregory.net/rapid"
)

// TestStringTellsSequencesApart: two different sequences of strings never
// write the same words (so an exact key tells them apart), and equal ones
// always do.
func TestStringTellsSequencesApart(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.SliceOfN(rapid.String(), 0, 4).Draw(t, "a")
		b := rapid.SliceOfN(rapid.String(), 0, 4).Draw(t, "b")
		words := func(ss []string) []uint64 {
			h := New(true)
			for _, s := range ss {
				h.String(s)
			}
			return append([]uint64(nil), h.words...)
		}
		wa, wb := words(a), words(b)
		same := len(a) == len(b)
		for i := 0; same && i < len(a); i++ {
			same = a[i] == b[i]
		}
		equal := len(wa) == len(wb)
		for i := 0; equal && i < len(wa); i++ {
			equal = wa[i] == wb[i]
		}
		if same != equal {
			t.Fatalf("%q and %q: same %v, same words %v", a, b, same, equal)
		}
	})
}
