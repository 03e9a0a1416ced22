// Package fingerprint hashes model states for an explorer's visited set:
// 128 bits, deterministic on every machine, with an optional renaming of
// node ids so that a state and its image under a permutation of
// interchangeable replicas can be fingerprinted alike (symmetry reduction).
//
// A Hasher is fed 64-bit words. Each of its two lanes folds a word in with a
// different xxHash64-style round, a bijection of the lane for each word, so
// two sequences of equal length that differ in one word always differ in
// the lane right after it; the final avalanche mixes both lanes and the
// length. With n distinct states, the probability
// that any two share a fingerprint is about n²/2¹²⁹ (Estimate).
//
// In exact mode a Hasher also keeps every word it is fed, and Key returns
// them as a string: a visited set keyed by it cannot conflate two states.
package fingerprint

import (
	"math"
	"math/bits"
)

// Key is a 128-bit fingerprint.
type Key [2]uint64

// Less orders keys, for picking the least of several (canonical forms).
func (k Key) Less(o Key) bool { return k[0] < o[0] || (k[0] == o[0] && k[1] < o[1]) }

// Hasher computes a fingerprint. Make one with New, or Reset a zero value
// before use (a zero value that is not Reset hashes from other seeds);
// Reset starts over.
type Hasher struct {
	a, b  uint64
	n     uint64
	exact bool
	words []uint64
	// rename maps node ids (up to 63) to their image; nil means identity.
	rename *[64]uint8
}

const (
	seedA = 0x243f6a8885a308d3
	seedB = 0x13198a2e03707344

	prime1 = 0x9e3779b185ebca87 // xxHash64's
	prime2 = 0xc2b2ae3d27d4eb4f
	prime3 = 0xff51afd7ed558ccd // Murmur3's fmix64 constants
	prime4 = 0xc4ceb9fe1a85ec53
)

// New returns a Hasher; exact Hashers also keep the words for Key.
func New(exact bool) *Hasher {
	h := &Hasher{exact: exact}
	h.Reset()
	return h
}

// Reset forgets what was written and any renaming.
func (h *Hasher) Reset() {
	h.a, h.b, h.n = seedA, seedB, 0
	h.words = h.words[:0]
	h.rename = nil
}

// SetRenaming makes Node and NodeSet write node id i as perm[i] from now
// on; nil restores the identity. perm must be a permutation of the ids in
// use that maps 0 to 0.
func (h *Hasher) SetRenaming(perm *[64]uint8) { h.rename = perm }

// Renaming is the renaming in force, nil for the identity.
func (h *Hasher) Renaming() *[64]uint8 { return h.rename }

// Uint64 writes one word. Each lane takes it in with an xxHash64 round
// (add the word times a prime, rotate, multiply by another), each with its
// own primes and rotation: a bijection of the lane for a fixed word, and a
// different word gives a different lane.
func (h *Hasher) Uint64(x uint64) {
	h.a = bits.RotateLeft64(h.a+x*prime2, 31) * prime1
	h.b = bits.RotateLeft64(h.b+x*prime4, 27) * prime3
	h.n++
	if h.exact {
		h.words = append(h.words, x)
	}
}

// Int writes a signed integer.
func (h *Hasher) Int(x int64) { h.Uint64(uint64(x)) }

// Bool writes a flag.
func (h *Hasher) Bool(b bool) {
	if b {
		h.Uint64(1)
	} else {
		h.Uint64(0)
	}
}

// String writes a string: its length, then its bytes eight at a time, so
// that no two strings, nor two sequences of strings, write the same words.
// In exact mode the words are the string itself.
func (h *Hasher) String(s string) {
	h.Uint64(uint64(len(s)))
	for len(s) > 0 {
		var w uint64
		for i := 0; i < 8 && i < len(s); i++ {
			w |= uint64(s[i]) << (8 * i)
		}
		h.Uint64(w)
		s = s[min(8, len(s)):]
	}
}

// Node writes a node id, renamed.
func (h *Hasher) Node(id int) {
	if h.rename != nil && id >= 0 && id < 64 {
		id = int(h.rename[id])
	}
	h.Uint64(uint64(id))
}

// MapNode returns id renamed.
func (h *Hasher) MapNode(id int) int {
	if h.rename != nil && id >= 0 && id < 64 {
		return int(h.rename[id])
	}
	return id
}

// NodeSet writes a set of node ids (bit i for node i), renamed.
func (h *Hasher) NodeSet(mask uint64) { h.Uint64(h.MapNodeSet(mask)) }

// MapNodeSet returns the set mask renamed.
func (h *Hasher) MapNodeSet(mask uint64) uint64 {
	if h.rename == nil {
		return mask
	}
	var out uint64
	for i := 0; mask != 0; i++ {
		if mask&1 != 0 {
			out |= 1 << h.rename[i]
		}
		mask >>= 1
	}
	return out
}

// Sum returns the fingerprint of everything written since the last Reset.
func (h *Hasher) Sum() Key {
	return Key{Mix64(h.a ^ h.n*prime3), mixB(h.b ^ Mix64(h.a) ^ h.n)}
}

// Words returns what an exact Hasher was fed, as a string: an exact key.
// It is empty for a Hasher that is not exact.
func (h *Hasher) Words() string {
	if !h.exact {
		return ""
	}
	b := make([]byte, 8*len(h.words))
	for i, w := range h.words {
		for j := 0; j < 8; j++ {
			b[8*i+j] = byte(w >> (8 * j))
		}
	}
	return string(b)
}

// Exact reports whether the Hasher keeps its words.
func (h *Hasher) Exact() bool { return h.exact }

// Element hashes one member of a set or multiset, independently of the
// Hasher, for combining with others in an order-independent way: add the
// members' Elements lane by lane (Key.Add) and write the sum (Hasher.Key).
// Adding keeps multiplicities, so it fingerprints multisets as well.
func Element(xs ...uint64) Key {
	a, b := uint64(0x452821e638d01377), uint64(0xbe5466cf34e90c6c)
	for _, x := range xs {
		a = mixB(a ^ x)
		b = Mix64(b + x*0xc2b2ae3d27d4eb4f)
	}
	n := uint64(len(xs))
	return Key{Mix64(a + n), mixB(b ^ n)}
}

// Add returns the lane-wise sum of k and o.
func (k Key) Add(o Key) Key { return Key{k[0] + o[0], k[1] + o[1]} }

// Key writes a 128-bit key as two words.
func (h *Hasher) Key(k Key) {
	h.Uint64(k[0])
	h.Uint64(k[1])
}

// SplitMix64 is one step of the SplitMix64 generator: the state x advanced
// by the golden gamma, then mixed (Mix64). Iterating x = SplitMix64(x)
// gives a seeded stream of well-spread words.
func SplitMix64(x uint64) uint64 { return Mix64(x + 0x9e3779b97f4a7c15) }

// Mix64 is the finalizer of SplitMix64, a bijection on 64-bit words that
// avalanches: every bit of x moves about half the bits of the result. It is
// the one 64-bit mixer of the module (trace hashes, message digests and
// index keys use it too).
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// mixB is Murmur3's fmix64, another bijection.
func mixB(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// Estimate is the probability that a search which generated states and
// found distinct of them missed one because its fingerprint equalled that
// of a state already seen: about distinct * (generated - distinct) / 2^128,
// the "optimistic" estimate TLC prints for its 64-bit fingerprints.
func Estimate(distinct, generated int64) float64 {
	d, g := float64(distinct), float64(generated)
	if g < d {
		g = d
	}
	return d * (g - d) / math.Pow(2, 128)
}
