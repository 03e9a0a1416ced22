package paxtest

import (
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/engine"
)

// judge says which of a run's failures count: the properties a suite
// checks, and whether its runs heal, so that their liveness must be judged.
type judge struct {
	only     []checker.Property // nil: every property
	liveness bool               // the runs heal and run the liveness phase
}

// counts reports whether a violation of p fails a run. A panic and a
// broken observation contract always do: every verdict is moot then.
func (j judge) counts(p checker.Property) bool {
	return j.only == nil || p == engine.PanicProperty || p == checker.ContractProperty || slices.Contains(j.only, p)
}

// failure is what fails the run, or nil: its first violation that counts;
// else, when liveness counts, a run that healed but stopped before its
// liveness could be judged with no violation to explain why (a pass would
// be a silent one); else, when linearizability counts, a client history
// the check could not judge within its budget (unknown is never a pass).
func (j judge) failure(res *engine.Result) *checker.Violation {
	for i := range res.Violations {
		if j.counts(res.Violations[i].Property) {
			v := res.Violations[i]
			return &v
		}
	}
	notJudged := func(p checker.Property, msg string) *checker.Violation {
		return &checker.Violation{Property: p, Time: res.Time, Event: res.Events, Message: msg}
	}
	switch {
	case j.liveness && j.counts(checker.Liveness) && !res.LivenessChecked && !res.Failed():
		return notJudged(checker.Liveness, "liveness was not judged: the run stopped by "+res.Stop+
			" before its liveness deadline, and no violation explains why")
	case j.counts(checker.Linearizability) && res.Linearizability == string(linearize.Unknown):
		return notJudged(checker.Linearizability, "the clients' history was not judged: the linearizability check "+
			"spent its budget, and unknown is never a pass")
	}
	return nil
}
