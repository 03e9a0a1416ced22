package model

import (
	"math/bits"
	"slices"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/fingerprint"
)

// symmetryGroup lists the renamings of replica ids that map the protocol's
// transitions onto themselves, for a protocol whose replicas that no
// client asks are interchangeable (engine.Explorer.Symmetric): the
// permutations of replicas asked+1..nodes. A ballot is (round, proposer
// id) and the order of two ballots of one round depends on their ids, so
// renaming replicas that propose would change which ballot wins; replicas
// that never propose own no ballot, and whatever they do is the same under
// any renaming of them. With roles on separate nodes (engine.Info.Roles)
// only nodes that play the same parts are interchangeable: a renaming
// maps each free node to one of its own parts.
func symmetryGroup(nodes, asked int, roles engine.Roles) []*[64]uint8 {
	free := make([]uint8, 0, nodes)
	for id := 1; id <= nodes; id++ {
		if roles.Proposers&(1<<uint(id)) == 0 || bits.OnesCount64(roles.Proposers&(1<<uint(id)-1)) >= asked {
			free = append(free, uint8(id)) // not one of the first asked proposers
		}
	}
	from := slices.Clone(free)
	var out []*[64]uint8
	permute(free, 0, func(p []uint8) {
		if len(out) == 0 {
			out = append(out, nil) // the identity: no renaming, cached fingerprints
			return
		}
		var perm [64]uint8
		for i := range perm {
			perm[i] = uint8(i)
		}
		for i, id := range p {
			if partsOf(roles, from[i]) != partsOf(roles, id) {
				return // would turn a node into another part
			}
			perm[from[i]] = id
		}
		out = append(out, &perm)
	})
	return out
}

// partsOf is the parts node id plays: a bit each for proposer, acceptor
// and learner.
func partsOf(roles engine.Roles, id uint8) int {
	parts := 0
	for i, mask := range []uint64{roles.Proposers, roles.Acceptors, roles.Learners} {
		if mask&(1<<id) != 0 {
			parts |= 1 << i
		}
	}
	return parts
}

// permute calls fn with every permutation of xs[k:] (xs[:k] fixed), the
// identity first.
func permute(xs []uint8, k int, fn func([]uint8)) {
	if k >= len(xs) {
		fn(xs)
		return
	}
	for i := k; i < len(xs); i++ {
		xs[k], xs[i] = xs[i], xs[k]
		permute(xs, k+1, fn)
		xs[k], xs[i] = xs[i], xs[k]
	}
}

// Fingerprint implements explore.Model: the world (nodes, durable state,
// network, timers) and the checkers' state. With symmetry it writes the
// renaming of the state whose fingerprint is least among the group's.
func (m *Model[M, D]) Fingerprint(h *fingerprint.Hasher, s *State[M, D], symmetry bool) {
	sc := s
	if !s.isLive() && !h.Exact() && (!symmetry || len(m.perms) == 1) {
		if sc := s.pending(); sc != nil { // from the parent's parts and the step
			m.steps.Fingerprint(h, sc.of.snap, &sc.layout, sc.step, s.net, sc.added)
			h.Key(s.judgeKey)
			h.Bool(s.fault != "")
			return
		}
		net := s.net // what write writes, from the stored keys
		if !s.netOK {
			net = m.pool.NetKey(s.snap)
		}
		m.pool.FingerprintNet(h, s.snap, net)
		h.Key(s.judgeKey)
		h.Bool(s.fault != "")
		return
	}
	if !s.isLive() {
		sc = m.live(s, m.newState())
	}
	if symmetry && len(m.perms) > 1 {
		var sub fingerprint.Hasher
		var best fingerprint.Key
		bestPerm := m.perms[0]
		for i, p := range m.perms {
			sub.Reset()
			sub.SetRenaming(p)
			m.write(&sub, sc)
			if k := sub.Sum(); i == 0 || k.Less(best) {
				best, bestPerm = k, p
			}
		}
		h.SetRenaming(bestPerm)
		defer h.SetRenaming(nil)
	}
	m.write(h, sc)
}

func (m *Model[M, D]) write(h *fingerprint.Hasher, s *State[M, D]) {
	s.world.Fingerprint(h)
	switch {
	case h.Exact():
		s.judge.Fingerprint(h)
	case h.Renaming() == nil:
		h.Key(m.judgeFingerprint(s))
	default: // the form of the cached key, under the renaming
		var sub fingerprint.Hasher
		sub.Reset()
		sub.SetRenaming(h.Renaming())
		s.judge.Fingerprint(&sub)
		h.Key(sub.Sum())
	}
	h.Bool(s.fault != "")
}
