package paxtest

import (
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/engine"
)

// TestJudgeCountsWhatTheSuiteChecks: a run fails on its first violation
// of a property that counts (a panic and a broken contract always do), on
// liveness left unjudged after a heal with nothing to explain it, and on
// a client history the check could not judge.
func TestJudgeCountsWhatTheSuiteChecks(t *testing.T) {
	violation := func(ps ...checker.Property) engine.Result {
		res := engine.Result{LivenessChecked: true, Linearizability: string(linearize.Ok)}
		for _, p := range ps {
			res.Violations = append(res.Violations, checker.Violation{Property: p})
		}
		return res
	}
	unjudged := violation()
	unjudged.LivenessChecked, unjudged.Stop = false, engine.StopMaxEvents
	unknown := violation()
	unknown.Linearizability = string(linearize.Unknown)
	agreementOnly := judge{only: []checker.Property{checker.Agreement}, liveness: true}
	for _, tt := range []struct {
		name string
		j    judge
		res  engine.Result
		want checker.Property // "" for a pass
	}{
		{"a pass", judge{liveness: true}, violation(), ""},
		{"the first violation", judge{liveness: true}, violation(checker.Validity, checker.Agreement), checker.Validity},
		{"the first that counts", agreementOnly, violation(checker.Validity, checker.Agreement), checker.Agreement},
		{"none that counts", agreementOnly, violation(checker.Validity), ""},
		{"a panic always counts", agreementOnly, violation(engine.PanicProperty), engine.PanicProperty},
		{"a broken contract always counts", agreementOnly, violation(checker.ContractProperty), checker.ContractProperty},
		{"liveness not judged", judge{liveness: true}, unjudged, checker.Liveness},
		{"liveness not judged, safety only", judge{}, unjudged, ""},
		{"liveness not judged, not counted", agreementOnly, unjudged, ""},
		{"linearizability unknown", judge{liveness: true}, unknown, checker.Linearizability},
		{"linearizability unknown, not counted", agreementOnly, unknown, ""},
	} {
		v := tt.j.failure(&tt.res)
		switch {
		case v == nil && tt.want != "":
			t.Errorf("%s: passes, want a failure of %s", tt.name, tt.want)
		case v != nil && v.Property != tt.want:
			t.Errorf("%s: fails %s (%s), want %q", tt.name, v.Property, v.Message, tt.want)
		}
	}
}
