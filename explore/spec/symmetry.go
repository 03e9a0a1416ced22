package spec

import (
	"math/bits"

	"github.com/paxsim/paxsim/fingerprint"
)

// Fingerprints.
//
// Without symmetry a state is written as its acceptor variables, 12 bits
// per acceptor (maxBal+1, maxVBal+1, maxVal+1, 4 bits each), then the
// message words in use.
//
// With symmetry it is written as its canonical encoding: the least, in
// lexicographic order of words, of the encodings of all its images under
// permutations of the acceptors and of the values. That encoding is
//
//	shared word: the 1a messages (bits 0..7) and 2a messages (bit 8+b*V+v)
//	one record per acceptor, in acceptor order: its maxBal+1, maxVBal+1 and
//	maxVal+1 (4 bits each), its 2b votes (bit 12+b*V+v) and its 1b
//	messages (bit 12+B*V+rel1b(b)+code)
//
// Nothing in the shared word names an acceptor, so permuting the
// acceptors only reorders the records, and the least order is the sorted
// one: for each of the |Value|! permutations of the values, the records
// are built under it (the tables below map every message bit to its
// place) and sorted, and the least result over the value permutations is
// the canonical form. It determines the state up to symmetry, so an exact
// Hasher's key separates orbits exactly.

// recordWords bounds an acceptor's record: 12 + B*V + rel1b(B) bits.
const recordWords = 4

// canonWords bounds the canonical encoding.
const canonWords = 1 + MaxAcceptors*recordWords

func (m *Model) buildSymmetry() {
	l := &m.l
	m.dec = make([]msgBit, l.nbits)
	for i := range m.dec {
		m.dec[i] = l.decode(i)
	}
	recBits := 12 + l.B*l.V + l.rel1b(l.B)
	m.recWords = (recBits + 63) / 64
	if m.recWords > recordWords {
		panic("spec: record does not fit") // excluded by the bounds of Config
	}
	perms := permutations(l.V)
	m.valp1 = make([][MaxValues + 1]uint8, len(perms))
	m.pos = make([][]uint16, len(perms))
	m.tgt = make([][]uint16, len(perms))
	for p, pi := range perms {
		for v := 0; v < l.V; v++ {
			m.valp1[p][v+1] = uint8(pi[v] + 1)
		}
		m.pos[p] = make([]uint16, l.nbits)
		for i, d := range m.dec {
			var pos int
			switch d.kind {
			case kind1a:
				pos = int(d.b)
			case kind2a:
				pos = 8 + int(d.b)*l.V + pi[d.x]
			case kind2b:
				pos = 12 + int(d.b)*l.V + pi[d.x]
			case kind1b:
				code := int(d.x)
				if code > 0 {
					mbal, mval := (code-1)/l.V, (code-1)%l.V
					code = code1b(l.V, mbal, pi[mval])
				}
				pos = 12 + l.B*l.V + l.rel1b(int(d.b)) + code
			}
			m.pos[p][i] = uint16(pos)
		}
		if m.recWords == 1 {
			// The word of canonical1's candidate each bit goes to, times
			// 256, plus the bit.
			m.tgt[p] = make([]uint16, l.nbits)
			for i, d := range m.dec {
				slot := 0
				if d.kind == kind1b || d.kind == kind2b {
					slot = 1 + int(d.a)
				}
				m.tgt[p][i] = uint16(slot<<8) | m.pos[p][i]
			}
		}
	}
}

// permutations lists the permutations of 0..n-1, the identity first.
func permutations(n int) [][]int {
	var out [][]int
	p := make([]int, n)
	used := make([]bool, n)
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			out = append(out, append([]int(nil), p...))
			return
		}
		for i := 0; i < n; i++ {
			if !used[i] {
				used[i] = true
				p[k] = i
				rec(k + 1)
				used[i] = false
			}
		}
	}
	rec(0)
	return out
}

// acceptorWord packs acceptor a's variables in 12 bits, maxVal mapped by
// the value permutation p.
func (m *Model) acceptorWord(s *State, a, p int) uint64 {
	return uint64(s.maxBal[a]+1) | uint64(s.maxVBal[a]+1)<<4 | uint64(m.valp1[p][s.maxVal[a]+1])<<8
}

// Fingerprint writes s to h; with symmetry, its canonical encoding under
// permutations of acceptors and values (see above).
func (m *Model) Fingerprint(h *fingerprint.Hasher, s State, symmetry bool) {
	if !symmetry {
		var w uint64
		k := 0
		for a := 0; a < m.l.A; a++ {
			w |= m.acceptorWord(&s, a, 0) << (12 * k)
			if k++; k == 5 {
				h.Uint64(w)
				w, k = 0, 0
			}
		}
		if k > 0 {
			h.Uint64(w)
		}
		for _, x := range s.msgs[:m.nw] {
			h.Uint64(x)
		}
		return
	}
	var best [canonWords]uint64
	n := m.canonical(&s, &best)
	for _, x := range best[:n] {
		h.Uint64(x)
	}
}

// canonical writes s's canonical encoding to out and returns its length
// in words.
func (m *Model) canonical(s *State, out *[canonWords]uint64) int {
	A, rw := m.l.A, m.recWords
	if rw == 1 {
		return m.canonical1(s, out)
	}
	n := 1 + A*rw
	var cand [canonWords]uint64
	for p := range m.pos {
		pos := m.pos[p]
		var shared uint64
		var recs [MaxAcceptors][recordWords]uint64
		for a := 0; a < A; a++ {
			recs[a][0] = m.acceptorWord(s, a, p)
		}
		for w, x := range s.msgs[:m.nw] {
			for ; x != 0; x &= x - 1 {
				i := 64*w + bits.TrailingZeros64(x)
				d, q := m.dec[i], pos[i]
				if d.kind == kind1a || d.kind == kind2a {
					shared |= 1 << q
				} else {
					recs[d.a][q>>6] |= 1 << (q & 63)
				}
			}
		}
		if p > 0 && shared > out[0] {
			continue
		}
		// Insertion sort of the records.
		for i := 1; i < A; i++ {
			for j := i; j > 0 && lessWords(recs[j][:rw], recs[j-1][:rw]); j-- {
				recs[j], recs[j-1] = recs[j-1], recs[j]
			}
		}
		cand[0] = shared
		for a := 0; a < A; a++ {
			copy(cand[1+a*rw:1+(a+1)*rw], recs[a][:rw])
		}
		if p == 0 || lessWords(cand[:n], out[:n]) {
			copy(out[:n], cand[:n])
		}
	}
	return n
}

// canonical1 is canonical for records of one word.
func (m *Model) canonical1(s *State, out *[canonWords]uint64) int {
	A := m.l.A
	n := 1 + A
	for p := range m.pos {
		var cand [1 + MaxAcceptors]uint64
		recs := cand[1 : 1+A]
		for a := range recs {
			recs[a] = m.acceptorWord(s, a, p)
		}
		tgt := m.tgt[p]
		for w, x := range s.msgs[:m.nw] {
			for ; x != 0; x &= x - 1 {
				t := tgt[64*w+bits.TrailingZeros64(x)]
				cand[t>>8&15] |= 1 << (t & 63)
			}
		}
		if p > 0 && cand[0] > out[0] {
			continue
		}
		for i := 1; i < A; i++ {
			for j := i; j > 0 && recs[j] < recs[j-1]; j-- {
				recs[j], recs[j-1] = recs[j-1], recs[j]
			}
		}
		if p == 0 || lessWords(cand[:n], out[:n]) {
			copy(out[:n], cand[:n])
		}
	}
	return n
}

// lessWords orders equal-length word strings lexicographically.
func lessWords(x, y []uint64) bool {
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// permute returns the image of s under the permutation acc of the
// acceptors and val of the values (acc[a] is a's image).
func (m *Model) permute(s State, acc, val []int) State {
	l := &m.l
	n := s
	n.msgs = [stateWords]uint64{}
	for a := 0; a < l.A; a++ {
		b := acc[a]
		n.maxBal[b], n.maxVBal[b] = s.maxBal[a], s.maxVBal[a]
		n.maxVal[b] = -1
		if s.maxVal[a] >= 0 {
			n.maxVal[b] = int8(val[s.maxVal[a]])
		}
	}
	for i := 0; i < l.nbits; i++ {
		if !s.has(i) {
			continue
		}
		d := m.dec[i]
		switch d.kind {
		case kind1b:
			d.a = uint8(acc[d.a])
			if d.x > 0 {
				mbal, mval := (int(d.x)-1)/l.V, (int(d.x)-1)%l.V
				d.x = uint8(code1b(l.V, mbal, val[mval]))
			}
		case kind2a:
			d.x = uint8(val[d.x])
		case kind2b:
			d.a, d.x = uint8(acc[d.a]), uint8(val[d.x])
		}
		n.set(l.encode(d))
	}
	return n
}
