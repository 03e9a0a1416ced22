package fingerprint_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/paxsim/paxsim/fingerprint"
)

func sum(words ...uint64) fingerprint.Key {
	h := fingerprint.New(false)
	for _, w := range words {
		h.Uint64(w)
	}
	return h.Sum()
}

// TestSumIsPinned: fingerprints are compared across runs and machines (a
// visited set, a regression number), so the function must not change by
// accident. A deliberate change updates these.
func TestSumIsPinned(t *testing.T) {
	for _, tc := range []struct {
		words []uint64
		want  fingerprint.Key
	}{
		{nil, fingerprint.Key{0xe9e0033e3badaf36, 0x87a741abaf7cc36a}},
		{[]uint64{1, 2, 3, 0xdeadbeef, 1 << 63}, fingerprint.Key{0xbb83d6aefd074440, 0x63b0a09b98d68dfa}},
	} {
		if got := sum(tc.words...); got != tc.want {
			t.Errorf("Sum(%#x) = %#x, want %#x", tc.words, got, tc.want)
		}
	}
	if got, want := fingerprint.Element(1, 2, 3), (fingerprint.Key{0x3809b0dde31eaf07, 0x0b3fe9a94ba5d4f9}); got != want {
		t.Errorf("Element(1, 2, 3) = %#x, want %#x", got, want)
	}
}

// TestSumIsDeterministic: the same words give the same key, whatever the
// Hasher, its mode or its history.
func TestSumIsDeterministic(t *testing.T) {
	words := []uint64{7, 0, 1 << 40, math.MaxUint64, 3}
	want := sum(words...)
	exact := fingerprint.New(true)
	reused := fingerprint.New(false)
	reused.Uint64(99) // forgotten by Reset
	reused.SetRenaming(&[64]uint8{})
	reused.Reset()
	for _, h := range []*fingerprint.Hasher{exact, reused} {
		for _, w := range words {
			h.Uint64(w)
		}
		if got := h.Sum(); got != want {
			t.Errorf("exact=%v: %#x, want %#x", h.Exact(), got, want)
		}
		if h.Sum() != want {
			t.Errorf("Sum changed the Hasher")
		}
	}
	// Bool, Int and Key are words.
	a, b := fingerprint.New(false), fingerprint.New(false)
	a.Bool(true)
	a.Bool(false)
	a.Int(-1)
	a.Key(fingerprint.Key{5, 6})
	for _, w := range []uint64{1, 0, math.MaxUint64, 5, 6} {
		b.Uint64(w)
	}
	if a.Sum() != b.Sum() {
		t.Error("Bool, Int and Key do not write the words they stand for")
	}
}

// TestSumsDiffer: every sequence of up to 3 words from a small alphabet,
// and every one-bit change of any word of a longer sequence, has a
// fingerprint of its own: order, length and trailing zeros count.
func TestSumsDiffer(t *testing.T) {
	alphabet := []uint64{0, 1, 2, 1 << 63}
	seen := map[fingerprint.Key][]uint64{}
	add := func(words []uint64) {
		t.Helper()
		k := sum(words...)
		if prev, ok := seen[k]; ok {
			t.Fatalf("%#x and %#x share the fingerprint %#x", prev, words, k)
		}
		seen[k] = append([]uint64(nil), words...)
	}
	var gen func(prefix []uint64)
	gen = func(prefix []uint64) {
		add(prefix)
		if len(prefix) == 3 {
			return
		}
		for _, w := range alphabet {
			gen(append(prefix, w))
		}
	}
	gen(nil)
	if len(seen) != 1+4+16+64 {
		t.Fatalf("%d sequences", len(seen))
	}
	base := []uint64{0x0123456789abcdef, 42, 0, math.MaxUint64}
	add(base)
	for i := range base {
		for bit := range 64 {
			w := append([]uint64(nil), base...)
			w[i] ^= 1 << bit
			add(w)
		}
	}
}

// swap23 renames node 2 to 3 and 3 to 2.
func swap23() *[64]uint8 {
	var p [64]uint8
	for i := range p {
		p[i] = uint8(i)
	}
	p[2], p[3] = 3, 2
	return &p
}

func TestRenaming(t *testing.T) {
	perm := swap23()
	for _, tc := range []struct {
		id, want int
	}{{0, 0}, {1, 1}, {2, 3}, {3, 2}, {4, 4}, {63, 63}, {64, 64}, {-1, -1}} {
		h := fingerprint.New(false)
		h.SetRenaming(perm)
		if got := h.MapNode(tc.id); got != tc.want {
			t.Errorf("MapNode(%d) = %d, want %d", tc.id, got, tc.want)
		}
		h.Node(tc.id)
		if h.Sum() != sum(uint64(tc.want)) {
			t.Errorf("Node(%d) under the renaming does not write %d", tc.id, tc.want)
		}
	}
	for _, tc := range []struct {
		mask, want uint64
	}{
		{0, 0},
		{1 << 2, 1 << 3},
		{1<<2 | 1<<3, 1<<2 | 1<<3},
		{1<<1 | 1<<2 | 1<<5, 1<<1 | 1<<3 | 1<<5},
		{1 << 63, 1 << 63},
	} {
		h := fingerprint.New(false)
		h.SetRenaming(perm)
		if got := h.MapNodeSet(tc.mask); got != tc.want {
			t.Errorf("MapNodeSet(%#b) = %#b, want %#b", tc.mask, got, tc.want)
		}
		h.NodeSet(tc.mask)
		if h.Sum() != sum(tc.want) {
			t.Errorf("NodeSet(%#b) under the renaming does not write %#b", tc.mask, tc.want)
		}
	}

	// Without a renaming (nil, reset, or the zero value) ids are written as
	// they are.
	h := fingerprint.New(false)
	if h.Renaming() != nil {
		t.Fatal("a new Hasher renames")
	}
	h.SetRenaming(perm)
	if h.Renaming() != perm {
		t.Fatal("Renaming is not the renaming set")
	}
	h.SetRenaming(nil)
	h.Node(2)
	h.NodeSet(1 << 2)
	if h.Sum() != sum(2, 1<<2) {
		t.Error("SetRenaming(nil) does not restore the identity")
	}
	h.SetRenaming(perm)
	h.Reset()
	if h.Renaming() != nil || h.MapNode(2) != 2 || h.MapNodeSet(1<<2) != 1<<2 {
		t.Error("Reset keeps the renaming")
	}
	var zero fingerprint.Hasher
	if zero.MapNode(3) != 3 || zero.MapNodeSet(1<<3) != 1<<3 {
		t.Error("the zero Hasher renames")
	}

	// A state and its image under the renaming fingerprint alike when one
	// of them is written renamed: node 2 holding {1, 2} and node 3 holding
	// {3}, against node 3 holding {1, 3} and node 2 holding {2}.
	write := func(h *fingerprint.Hasher, nodes [][2]uint64) {
		for _, n := range nodes {
			h.Node(int(n[0]))
			h.NodeSet(n[1])
		}
	}
	a, b := fingerprint.New(false), fingerprint.New(false)
	a.SetRenaming(perm)
	write(a, [][2]uint64{{2, 1<<1 | 1<<2}, {3, 1 << 3}})
	write(b, [][2]uint64{{3, 1<<1 | 1<<3}, {2, 1 << 2}})
	if a.Sum() != b.Sum() {
		t.Error("a state renamed and its image differ")
	}
}

// TestElement: the sum of Elements fingerprints a multiset, whatever the
// order of its members; an Element itself is ordered.
func TestElement(t *testing.T) {
	members := [][]uint64{{1, 2}, {3}, {1, 2}, {}, {0}, {0, 0}}
	total := func(order []int) fingerprint.Key {
		var s fingerprint.Key
		for _, i := range order {
			s = s.Add(fingerprint.Element(members[i]...))
		}
		return s
	}
	want := total([]int{0, 1, 2, 3, 4, 5})
	for _, order := range [][]int{{5, 4, 3, 2, 1, 0}, {2, 0, 4, 1, 5, 3}, {3, 5, 1, 4, 0, 2}} {
		if got := total(order); got != want {
			t.Errorf("order %v: %#x, want %#x", order, got, want)
		}
	}
	if total([]int{0, 1, 3, 4, 5}) == want {
		t.Error("a multiset and the set of its members fingerprint alike")
	}
	distinct := map[fingerprint.Key]string{}
	for name, k := range map[string]fingerprint.Key{
		"()":    fingerprint.Element(),
		"(0)":   fingerprint.Element(0),
		"(0,0)": fingerprint.Element(0, 0),
		"(1,2)": fingerprint.Element(1, 2),
		"(2,1)": fingerprint.Element(2, 1),
		"(3)":   fingerprint.Element(3),
	} {
		if other, ok := distinct[k]; ok {
			t.Errorf("Element%s = Element%s", name, other)
		}
		distinct[k] = name
	}
	if fingerprint.Element(1, 2) != fingerprint.Element(1, 2) {
		t.Error("Element is not deterministic")
	}
	// Add is lane-wise with wraparound.
	if got := (fingerprint.Key{math.MaxUint64, 1}).Add(fingerprint.Key{2, 3}); got != (fingerprint.Key{1, 4}) {
		t.Errorf("Add: %#x", got)
	}
}

func TestLess(t *testing.T) {
	for _, tc := range []struct {
		a, b fingerprint.Key
		less bool
	}{
		{fingerprint.Key{1, 9}, fingerprint.Key{2, 0}, true},
		{fingerprint.Key{2, 0}, fingerprint.Key{1, 9}, false},
		{fingerprint.Key{1, 1}, fingerprint.Key{1, 2}, true},
		{fingerprint.Key{1, 2}, fingerprint.Key{1, 1}, false},
		{fingerprint.Key{1, 1}, fingerprint.Key{1, 1}, false},
	} {
		if got := tc.a.Less(tc.b); got != tc.less {
			t.Errorf("%v.Less(%v) = %v", tc.a, tc.b, got)
		}
	}
}

// TestWords: an exact Hasher keeps what it is fed, little-endian, and
// forgets it on Reset; another keeps nothing.
func TestWords(t *testing.T) {
	h := fingerprint.New(true)
	if !h.Exact() || h.Words() != "" {
		t.Fatalf("new exact Hasher: Exact %v, Words %q", h.Exact(), h.Words())
	}
	words := []uint64{0x0102030405060708, 0, math.MaxUint64}
	for _, w := range words {
		h.Uint64(w)
	}
	var want []byte
	for _, w := range words {
		want = binary.LittleEndian.AppendUint64(want, w)
	}
	if h.Words() != string(want) {
		t.Fatalf("Words = %x, want %x", h.Words(), want)
	}
	h.SetRenaming(swap23())
	h.Node(2)
	if got := h.Words()[len(want):]; got != string(binary.LittleEndian.AppendUint64(nil, 3)) {
		t.Fatalf("a renamed node is kept as %x, want its image 3", got)
	}
	h.Reset()
	if h.Words() != "" || !h.Exact() {
		t.Fatalf("after Reset: Words %q, Exact %v", h.Words(), h.Exact())
	}
	// Exact keys tell lengths apart.
	h.Uint64(0)
	one := h.Words()
	h.Uint64(0)
	if one == h.Words() {
		t.Fatal("(0) and (0,0) have one exact key")
	}

	f := fingerprint.New(false)
	f.Uint64(1)
	if f.Exact() || f.Words() != "" {
		t.Fatalf("Hasher that is not exact: Exact %v, Words %q", f.Exact(), f.Words())
	}
}

func TestEstimate(t *testing.T) {
	for _, tc := range []struct {
		distinct, generated int64
		want                float64
	}{
		{0, 0, 0},
		{10, 10, 0},
		{10, 5, 0}, // generated below distinct counts as equal
		{1 << 20, 1 << 21, math.Ldexp(1, 40-128)},
		{1 << 30, 1 << 30 * 3, math.Ldexp(2, 60-128)},
	} {
		if got := fingerprint.Estimate(tc.distinct, tc.generated); got != tc.want {
			t.Errorf("Estimate(%d, %d) = %g, want %g", tc.distinct, tc.generated, got, tc.want)
		}
	}
	prev := 0.0
	for g := int64(1000); g <= 1e9; g *= 10 {
		e := fingerprint.Estimate(1000, g)
		if e < prev || e >= 1 {
			t.Fatalf("Estimate(1000, %d) = %g after %g", g, e, prev)
		}
		prev = e
	}
	// A billion distinct states of ten billion generated: still far below
	// one chance in a billion.
	if e := fingerprint.Estimate(1e9, 1e10); e <= 0 || e > 1e-9 {
		t.Fatalf("Estimate(1e9, 1e10) = %g", e)
	}
}

func BenchmarkHasher(b *testing.B) {
	h := fingerprint.New(false)
	for b.Loop() {
		h.Reset()
		for i := range uint64(16) {
			h.Uint64(i)
		}
		_ = h.Sum()
	}
}
