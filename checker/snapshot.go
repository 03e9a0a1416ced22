package checker

import (
	"maps"
	"slices"

	"github.com/paxsim/paxsim/fingerprint"
)

// CloneInto returns a deep copy of the checker, reusing dst's memory when
// dst is non-nil: an explorer keeps one checker per state, since what was
// accepted and chosen on the way to a state (the history the acceptors'
// current state no longer shows) decides the verdicts after it.
func (c *Safety) CloneInto(dst *Safety) *Safety {
	if dst == nil {
		dst = &Safety{}
	}
	votes, ballots, floor, rec := dst.votes[:0], dst.ballots[:0], dst.floor[:0], dst.record
	chosen, top, invoked, learned, highest, voted, views := dst.chosen, dst.top, dst.invoked, dst.learned, dst.highest, dst.voted, dst.views
	index := dst.index
	*dst = *c
	dst.index = index // a cache of votes and ballots: rebuilt for the copy as it is used
	dst.index.reset()
	dst.votes = append(votes, c.votes...)
	dst.ballots = append(ballots, c.ballots...)
	dst.floor = append(floor, c.floor...)
	dst.record = rec
	c.record.cloneInto(&dst.record)
	dst.chosen, dst.top, dst.views = chosen, top, views
	c.chosen.cloneInto(&dst.chosen)
	c.top.cloneInto(&dst.top) // derived from ballots: not fingerprinted
	c.views.cloneInto(&dst.views)
	dst.invoked = copyMap(invoked, c.invoked)
	dst.learned, dst.highest, dst.voted = learned, highest, voted
	c.learned.cloneInto(&dst.learned)
	c.highest.cloneInto(&dst.highest)
	c.voted.cloneInto(&dst.voted) // derived from votes: not fingerprinted
	return dst
}

func copyMap[K comparable, V any](dst, src map[K]V) map[K]V {
	if dst == nil {
		return maps.Clone(src)
	}
	clear(dst)
	maps.Copy(dst, src)
	return dst
}

// Fingerprint writes the checker's state as it bears on future verdicts:
// the votes of every (instance, ballot, value), the value of every ballot,
// each acceptor's highest ballot, the chosen and invoked values, what each
// learner learned, each instance's view, and which properties already
// broke. Times, event
// indices and evidence are left out; node ids go through h's renaming.
// Collections are written in an order that does not depend on the order
// things happened in.
func (c *Safety) Fingerprint(h *fingerprint.Hasher) {
	var elems []ghost
	if h.Exact() {
		elems = make([]ghost, 0, len(c.votes)+len(c.ballots)+c.highest.len()+c.chosen.len()+c.views.len()+len(c.invoked)+c.learned.len())
	}
	var sum fingerprint.Key
	add := func(g ghost) {
		if elems != nil {
			elems = append(elems, g)
			return
		}
		sum = sum.Add(fingerprint.Element(g[:]...))
	}
	ballot := func(b Ballot) uint64 { return uint64(b.Round)<<32 | uint64(h.MapNode(int(b.Node))) }
	for _, v := range c.votes {
		add(ghost{1, uint64(v.instance), ballot(v.ballot), uint64(v.value), h.MapNodeSet(v.voters)})
	}
	for _, b := range c.ballots {
		add(ghost{2, uint64(b.instance), ballot(b.ballot), uint64(b.value)})
	}
	for node, b := range c.floor {
		if !b.IsZero() {
			add(ghost{7, 0, uint64(h.MapNode(node)), ballot(b)})
		}
	}
	c.highest.each(func(node int, instance int64, b Ballot) {
		if !b.IsZero() {
			add(ghost{3, uint64(instance), uint64(h.MapNode(node)), ballot(b)})
		}
	})
	c.chosen.each(func(_ int, inst int64, ch Choice) {
		add(ghost{4, uint64(inst), uint64(ch.Value), ballot(ch.Ballot)})
	})
	c.views.each(func(_ int, inst int64, s viewStamp) {
		add(ghost{8, uint64(inst), h.MapNodeSet(s.view)})
	})
	// order-free: the elements are summed, or sorted when exact.
	for v := range c.invoked {
		add(ghost{5, uint64(v)})
	}
	c.learned.each(func(node int, instance int64, v Value) {
		add(ghost{6, uint64(instance), uint64(h.MapNode(node)), uint64(v)})
	})
	if elems != nil {
		slices.SortFunc(elems, func(a, b ghost) int { return slices.Compare(a[:], b[:]) })
		h.Uint64(uint64(len(elems)))
		for _, g := range elems {
			for _, w := range g {
				h.Uint64(w)
			}
		}
	} else {
		h.Key(sum)
	}
	props := make([]string, 0, len(c.all))
	for _, v := range c.all {
		props = append(props, string(v.Property))
	}
	slices.Sort(props)
	h.Uint64(uint64(len(props)))
	for _, p := range props {
		for i := 0; i < len(p); i++ {
			h.Uint64(uint64(p[i]))
		}
	}
}

// ghost is one element of the checker's state, as Fingerprint writes it:
// a kind tag and up to four words.
type ghost [5]uint64
