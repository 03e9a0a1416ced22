package model

import (
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/fingerprint"
)

// judge is the checker state a model keeps with every world: what was
// accepted, chosen and applied on the way to a state, which the replicas'
// state no longer shows, decides the verdicts after it. It holds the
// checkers a run has (engine.NewCheckers) and, for a KeyValue workload,
// the clients' turns: how many of each client's requests have their
// answer (not delivered again) and how many were sent (turns.go).
type judge struct {
	// contract judges the form of the observations first: one that
	// breaks it is reported as such (broken), never judged.
	contract checker.Contract
	broken   *checker.Violation // immutable once set: copies share it
	safety   *checker.Safety
	log      *checker.LogChecker // nil for a single decree
	answers  bool                // the turns are kept (a KeyValue workload)
	answered turns               // per client: its requests answered
	invoked  turns               // per client: its requests sent
}

// CloneInto copies j into dst (allocated when nil) and returns it.
func (j *judge) CloneInto(dst *judge) *judge {
	if dst == nil {
		dst = &judge{}
	}
	dst.answers, dst.answered, dst.invoked = j.answers, j.answered, j.invoked
	dst.contract, dst.broken = j.contract, j.broken
	dst.safety = j.safety.CloneInto(dst.safety)
	if j.log != nil {
		dst.log = j.log.CloneInto(dst.log)
	}
	return dst
}

// Fingerprint writes what decides the verdicts after the state.
func (j *judge) Fingerprint(h *fingerprint.Hasher) {
	j.contract.Fingerprint(h)
	h.Bool(j.broken != nil)
	j.safety.Fingerprint(h)
	if j.log != nil {
		j.log.Fingerprint(h)
	}
	if j.answers {
		h.Uint64(uint64(j.answered))
		h.Uint64(uint64(j.invoked))
	}
}

// observe feeds an observation to every checker.
func (j *judge) observe(node int, o checker.Observation) {
	if j.broken != nil {
		return
	}
	if rule, why := j.contract.Observe(node, o); rule != "" {
		v := engine.ContractBreach(rule, why)
		j.broken = &v
		return
	}
	j.safety.Observe(node, o)
	if j.log != nil {
		j.log.Observe(node, o)
	}
}

// local reports whether observation o by node, judged now, is judged the
// same whatever other nodes observe before or after it, and changes only
// what the checkers keep of node (checker.Safety.Local). The log checker
// judges no promise; the contract judges each observation alone, but for
// the instance numbering, which any order sets alike unless one breaks
// it, and a breach is a violation, which a reduced expansion never takes.
func (j *judge) local(node int, o checker.Observation) bool {
	return j.broken == nil && j.safety.Local(node, o)
}

// Violation is the safety checker's first violation, else the log
// checker's, as a run reports them.
func (j *judge) Violation() *checker.Violation {
	if j.broken != nil {
		return j.broken
	}
	if v := j.safety.Violation(); v != nil {
		return v
	}
	if j.log != nil {
		return j.log.Violation()
	}
	return nil
}

// Violations are the first violation of each property, the safety
// checker's first.
func (j *judge) Violations() []checker.Violation {
	var out []checker.Violation
	if j.broken != nil {
		out = append(out, *j.broken)
	}
	out = append(out, j.safety.Violations()...)
	if j.log != nil {
		out = append(out, j.log.Violations()...)
	}
	return out
}

// firstOf returns the first of vs that is a panic, a breach of the
// observation contract (after which nothing is judged) or, when props is
// not empty, a violation of one of props; nil when there is none.
func firstOf(vs []checker.Violation, props []checker.Property) *checker.Violation {
	for i := range vs {
		if p := vs[i].Property; len(props) == 0 || slices.Contains(props, p) || p == panicProperty || p == checker.ContractProperty {
			return &vs[i]
		}
	}
	return nil
}
