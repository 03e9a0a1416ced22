package checker

// scanMax is how many votes (or ballots) Safety scans before it indexes
// them: below it a scan beats a map, and the small checkers an explorer
// clones by the million carry no index at all.
const scanMax = 16

// voteKey names one vote: a (ballot, value) accepted in an instance.
type voteKey struct {
	instance int64
	ballot   Ballot
	value    Value
}

// ballotKey names one ballot of one instance.
type ballotKey struct {
	instance int64
	ballot   Ballot
}

// safetyIndex finds Safety's vote of an (instance, ballot, value) and the
// value of an (instance, ballot) in O(1) amortised: their positions in
// Safety.votes and Safety.ballots, each of which holds one entry per key.
// It is a cache of those slices, not state: it catches up with them at
// each lookup (votes and ballots are only ever appended to), and a clone
// starts without it.
type safetyIndex struct {
	voteAt   map[voteKey]int
	ballotAt map[ballotKey]int
	nvotes   int // Safety.votes[:nvotes] are indexed
	nballots int // Safety.ballots[:nballots] are indexed
}

// reset empties the index, keeping its maps' memory.
func (ix *safetyIndex) reset() {
	clear(ix.voteAt)
	clear(ix.ballotAt)
	ix.nvotes, ix.nballots = 0, 0
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
	if ix.voteAt == nil {
		ix.voteAt = make(map[voteKey]int, 2*len(c.votes))
	}
	for ; ix.nvotes < len(c.votes); ix.nvotes++ {
		v := &c.votes[ix.nvotes]
		ix.voteAt[voteKey{v.instance, v.ballot, v.value}] = ix.nvotes
	}
	if i, ok := ix.voteAt[voteKey{instance, b, val}]; ok {
		return i
	}
	return -1
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
	if ix.ballotAt == nil {
		ix.ballotAt = make(map[ballotKey]int, 2*len(c.ballots))
	}
	for ; ix.nballots < len(c.ballots); ix.nballots++ {
		bv := &c.ballots[ix.nballots]
		ix.ballotAt[ballotKey{bv.instance, bv.ballot}] = ix.nballots
	}
	if i, ok := ix.ballotAt[ballotKey{instance, b}]; ok {
		return i
	}
	return -1
}
