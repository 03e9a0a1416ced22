package checker

import "slices"

// Properties is a set of properties, a protocol's mask: the checks that
// apply to it. The nil set holds every property.
type Properties []Property

// has reports whether p is in the set.
func (ps Properties) has(p Property) bool { return ps == nil || slices.Contains(ps, p) }

// AcceptorEvidence words what each acceptor accepted in instance, one
// line per acceptor: the evidence of a liveness failure in which nothing
// was chosen.
func (c *Safety) AcceptorEvidence(instance int64) []string { return c.acceptorEvidence(instance) }

// AllProperties lists every property the checkers and the harness judge,
// in a fixed order: what an expectation or a --properties list may name.
func AllProperties() Properties {
	return Properties{
		Agreement, Validity, LearnerIntegrity, PromiseIntegrity, OneValuePerBallot, SafeProposal,
		PromiseMonotonicity, PromiseKept, ViewIntegrity, ChosenIntegrity, LogConsistency, StateConsistency, ExactlyOnce,
		Linearizability, Liveness,
	}
}
