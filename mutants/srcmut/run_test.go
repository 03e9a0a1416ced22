package srcmut

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/mutants"
)

// TestSlowerSurvivorIsKilled: a mutant that passed every campaign and
// search but costs more than the original code on the same seeds is
// killed by its performance; one as fast survives, and a kill by
// another technique stays that kill.
func TestSlowerSurvivorIsKilled(t *testing.T) {
	figures := func(x ...float64) *mutants.PerRun { return &mutants.PerRun{Messages: x, Wait: x, Recovery: x} }
	fast := mutants.Performance{Protocol: "p", Runs: 4, Operations: 10, Answered: 10, PerRun: figures(10, 11, 9, 12)}
	slow := fast
	slow.PerRun = figures(10, 11, 9, 12)
	slow.PerRun.Messages = []float64{30, 32, 28, 35}
	control := mutants.Verdict{Performance: []mutants.Performance{fast}}
	judged := func(status string, p mutants.Performance) Result {
		r := Result{Status: status, Verdict: mutants.Verdict{Performance: []mutants.Performance{p}}}
		r.Killed = status == Killed
		r.judgePerformance(control)
		return r
	}
	if r := judged(Survived, fast); r.Status != Survived || r.Killed || !strings.Contains(r.Nearest, "equal to the original") {
		t.Errorf("as fast as the original: %+v, want survived, its figures equal to the original's", r)
	}
	r := judged(Survived, slow)
	if r.Status != Killed || !r.Killed || r.By != "performance" || !strings.Contains(r.Message, "messages per operation") {
		t.Errorf("three times the messages: %+v, want killed by performance, naming the messages", r)
	}
	if r.DropPerRun(); r.Performance[0].PerRun != nil {
		t.Error("a judged mutant keeps its per-run figures")
	}
	if r := judged(Killed, slow); r.By == "performance" {
		t.Errorf("a kill by a campaign became %+v", r)
	}
}
