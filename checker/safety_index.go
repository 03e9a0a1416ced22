package checker

import "github.com/paxsim/paxsim/fingerprint"

// scanMax is how many votes (or ballots) Safety scans before it indexes
// them: below it a scan beats hashing, and the small checkers an explorer
// clones by the million carry no index at all.
const scanMax = 16

// safetyIndex finds Safety's vote of an (instance, ballot, value) and the
// value of an (instance, ballot) in O(1) amortised: their positions in
// Safety.votes and Safety.ballots, each of which holds one entry per key.
// Each index is an open-addressing hash table of positions (plus one; 0
// is an empty slot), whose keys are the entries they point to: 8 bytes or
// so per entry, where a map keyed by the entries' fields took several
// times that. It is a cache of the slices, not state: it catches up with
// them at each lookup (votes and ballots are only ever appended to), and a
// clone starts without it.
type safetyIndex struct {
	voteSlots   []int32
	ballotSlots []int32
	nvotes      int // Safety.votes[:nvotes] are indexed
	nballots    int // Safety.ballots[:nballots] are indexed
}

// reset empties the index, keeping its memory.
func (ix *safetyIndex) reset() {
	clear(ix.voteSlots)
	clear(ix.ballotSlots)
	ix.nvotes, ix.nballots = 0, 0
}

func keyHash(instance int64, b Ballot, v Value) uint64 {
	return fingerprint.Mix64(uint64(instance)*0x9e3779b97f4a7c15 ^ (uint64(b.Round)<<32|uint64(uint32(b.Node)))*0xbf58476d1ce4e5b9 ^ uint64(v))
}

// findVote returns the position in c.votes of the vote for (instance, b,
// val), or -1.
func (c *Safety) findVote(instance int64, b Ballot, val Value) int {
	if len(c.votes) <= c.scanMax {
		for i := range c.votes {
			if v := &c.votes[i]; v.ballot == b && v.value == val && v.instance == instance {
				return i
			}
		}
		return -1
	}
	ix := &c.index
	for ; ix.nvotes < len(c.votes); ix.nvotes++ {
		if 2*(ix.nvotes+1) > len(ix.voteSlots) {
			ix.voteSlots = c.rehash(ix.voteSlots, ix.nvotes, c.voteHash)
		}
		insert(ix.voteSlots, c.voteHash(ix.nvotes), ix.nvotes)
	}
	mask := uint64(len(ix.voteSlots) - 1)
	for k := keyHash(instance, b, val) & mask; ; k = (k + 1) & mask {
		p := int(ix.voteSlots[k]) - 1
		if p < 0 {
			return -1
		}
		if v := &c.votes[p]; v.ballot == b && v.value == val && v.instance == instance {
			return p
		}
	}
}

// findBallot returns the position in c.ballots of the value of (instance,
// b), or -1.
func (c *Safety) findBallot(instance int64, b Ballot) int {
	if len(c.ballots) <= c.scanMax {
		for i := len(c.ballots) - 1; i >= 0; i-- {
			if bv := &c.ballots[i]; bv.ballot == b && bv.instance == instance {
				return i
			}
		}
		return -1
	}
	ix := &c.index
	for ; ix.nballots < len(c.ballots); ix.nballots++ {
		if 2*(ix.nballots+1) > len(ix.ballotSlots) {
			ix.ballotSlots = c.rehash(ix.ballotSlots, ix.nballots, c.ballotHash)
		}
		insert(ix.ballotSlots, c.ballotHash(ix.nballots), ix.nballots)
	}
	mask := uint64(len(ix.ballotSlots) - 1)
	for k := keyHash(instance, b, 0) & mask; ; k = (k + 1) & mask {
		p := int(ix.ballotSlots[k]) - 1
		if p < 0 {
			return -1
		}
		if bv := &c.ballots[p]; bv.ballot == b && bv.instance == instance {
			return p
		}
	}
}

func (c *Safety) voteHash(p int) uint64 {
	v := &c.votes[p]
	return keyHash(v.instance, v.ballot, v.value)
}

func (c *Safety) ballotHash(p int) uint64 {
	bv := &c.ballots[p]
	return keyHash(bv.instance, bv.ballot, 0)
}

// rehash returns a table twice the size (at least 64 slots) holding the
// positions 0..n-1.
func (c *Safety) rehash(slots []int32, n int, hash func(p int) uint64) []int32 {
	size := max(64, 2*len(slots))
	if cap(slots) >= size {
		slots = slots[:size]
		clear(slots)
	} else {
		slots = make([]int32, size)
	}
	for p := range n {
		insert(slots, hash(p), p)
	}
	return slots
}

// insert puts position p, of hash h, in the first free slot from h on.
func insert(slots []int32, h uint64, p int) {
	mask := uint64(len(slots) - 1)
	k := h & mask
	for slots[k] != 0 {
		k = (k + 1) & mask
	}
	slots[k] = int32(p + 1)
}
