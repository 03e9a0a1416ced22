package model

import (
	"slices"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
)

// TestRememberedStepsAreTheStepsTaken: a search that takes its local
// steps from memory (sim.LocalSteps) finds what one that runs every step
// finds: the same counts, verdict and counterexample, for the correct
// protocol and every variant, with crashes and timers, within the first
// 20,000 states (no-sync's search runs to millions).
func TestRememberedStepsAreTheStepsTaken(t *testing.T) {
	crash := smallCheck(engine.Correct, 3, 1, 1, true)
	crash.Crashes = 1
	cases := map[string]CheckConfig{"correct/crash": crash, "correct/timers": smallCheck(engine.Correct, 3, 1, 1, false)}
	for _, v := range paxosInfo.Variants {
		cases[v.Name] = smallCheck(v.Name, 3, 2, 1, true)
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			opts := explore.Options{Workers: 2, MaxStates: 20000}
			fast := mustCheck(t, paxos.Adapter{}, c, opts)
			rememberSteps = false
			defer func() { rememberSteps = true }()
			slow := mustCheck(t, paxos.Adapter{}, c, opts)
			if countsOfReport(fast) != countsOfReport(slow) || fast.Violation != slow.Violation || !slices.Equal(fast.Labels, slow.Labels) {
				t.Fatalf("remembered: %+v %q\nrun: %+v %q", countsOfReport(fast), fast.Labels, countsOfReport(slow), slow.Labels)
			}
		})
	}
}
