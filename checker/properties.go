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

// OrderFree reports whether every property of ps (nil: every property)
// is judged on which observations a run made, whatever the order in
// which different nodes made them, given that the clients' invocations
// come first, as in a search: agreement (two values chosen in an
// instance, each by a quorum of votes) and validity (a value chosen that
// no client proposed). The other checks judge a claim against what other
// nodes had reported when it was made (a learner's value chosen by then,
// a promise that omits a vote unless a value is chosen, a proposal safe
// given the values chosen below its ballot), so the interleaving decides
// them; a partial-order reduction keeps their verdicts only if it never
// reorders two nodes' observations (model's persistent sets).
func OrderFree(ps Properties) bool {
	if ps == nil {
		return false
	}
	for _, p := range ps {
		if p != Agreement && p != Validity {
			return false
		}
	}
	return true
}

// AllProperties lists every property the checkers and the harness judge,
// in a fixed order: what an expectation or a --properties list may name.
func AllProperties() Properties {
	return Properties{
		Agreement, Validity, LearnerIntegrity, PromiseIntegrity, OneValuePerBallot, SafeProposal,
		PromiseMonotonicity, PromiseKept, ViewIntegrity, ChosenIntegrity, LogConsistency, StateConsistency, ExactlyOnce,
		Linearizability, Liveness,
	}
}
