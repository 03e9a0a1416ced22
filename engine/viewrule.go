package engine

import (
	"fmt"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// The window rule of a protocol that reconfigures with Lamport's alpha
// (a Knob.Window): a reconfiguration applied at instance j governs the
// instances from j+alpha on, so every entry proposed at instance i carries
// the members of the last reconfiguration that took effect (was applied,
// Effect set) at or below i-alpha, or every node before any. An entry
// stamped with an older view (a reconfiguration refused, lost, or put in
// force one instance late) or a newer one breaks view-integrity at the
// Proposed observation that carries it, long before its quorums fail to
// intersect: view-integrity alone sees only two views in one instance,
// which a view that every proposer gets wrong the same way never shows.

// viewFrom is a reconfiguration in force: members from instance start on.
type viewFrom struct {
	start   int64
	members uint64
	at      int64 // the instance it was applied at
}

// reconfigApplied follows an Applied observation: a reconfiguration that
// took effect at o.Instance governs from o.Instance+window.
func (s *Session[M, D]) reconfigApplied(o checker.Observation) {
	d := &s.deep
	if d.window == 0 || !o.Effect {
		return
	}
	members, ok := s.clients.reconfigMembers(o.Value)
	if !ok {
		return
	}
	start := o.Instance + d.window
	k, found := slices.BinarySearchFunc(d.views, start, func(v viewFrom, st int64) int { return int(v.start - st) })
	if !found {
		d.views = slices.Insert(d.views, k, viewFrom{start: start, members: members, at: o.Instance})
	}
}

// viewOf is the members that govern instance i: every node before any
// reconfiguration.
func (d *deepCover) viewOf(i int64, nodes int) (viewFrom, bool) {
	k, found := slices.BinarySearchFunc(d.views, i, func(v viewFrom, st int64) int { return int(v.start - st) })
	if found {
		return d.views[k], true
	}
	if k == 0 {
		return viewFrom{members: everyNode(nodes)}, false
	}
	return d.views[k-1], true
}

// everyNode is the member set of every node of a cluster of n.
func everyNode(n int) uint64 {
	if n >= sim.MaxNodes {
		return ^uint64(1)
	}
	return uint64(1)<<uint(n+1) - 2
}

// checkView judges a Proposed observation against the window rule.
func (s *Session[M, D]) checkView(node sim.NodeID, o checker.Observation) {
	d := &s.deep
	j := &s.judge
	if d.window == 0 || j.staleView != nil || !s.applies(checker.ViewIntegrity) {
		return
	}
	want, reconfigured := d.viewOf(o.Instance, s.cfg.Nodes)
	got := o.State
	if got == 0 {
		got = everyNode(s.cfg.Nodes)
	}
	if got == want.members {
		return
	}
	why := "no reconfiguration governs it yet: every node is a member"
	if reconfigured {
		why = fmt.Sprintf("the reconfiguration to {%s} applied at instance %d governs from instance %d (window %d)",
			sim.FormatNodes(want.members), want.at, want.start, d.window)
	}
	j.staleView = &checker.Violation{
		Property: checker.ViewIntegrity, Check: "window-rule", Time: int64(s.world.Now()), Event: s.world.Events(),
		Message: fmt.Sprintf("node %d proposed instance %d in view {%s}, but %s", node, o.Instance, sim.FormatNodes(got), why),
	}
	j.failed = true
}

// applies reports whether the protocol's properties include p.
func (s *Session[M, D]) applies(p checker.Property) bool {
	return s.info.Properties == nil || slices.Contains(s.info.Properties, p)
}
