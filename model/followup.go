package model

import (
	"fmt"

	"github.com/paxsim/paxsim/explore"
)

// FollowUp is one of check's follow-up searches: the first search's model
// with one bound the user did not set widened (one crash, a second round,
// the periodic timers), within a budget of states. They run in order
// after a first search that is safe and not cut short by a bound of states
// or memory, and stop at the first violation, which is then the report's.
type FollowUp struct {
	Name     string `json:"name"`  // "one crash", "two rounds", "ticks"
	Flags    string `json:"flags"` // what widens the bound: "--crashes 1"
	Verdict  string `json:"verdict"`
	Distinct int64  `json:"distinct"`
	Complete bool   `json:"complete"`
	Stop     string `json:"stop,omitempty"`
	Budget   int64  `json:"budget"`
	// Decided: some state the search reached has a value chosen
	// (Report.Decided).
	Decided bool `json:"decided"`
	// WallSeconds and CPUSeconds are what the search took: a default
	// check's time goes mostly to its follow-ups.
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	// Continue, for a search its budget cut short, is the command that
	// runs it on with ten times the states (set by the command line).
	Continue string `json:"continue,omitempty"`
}

// String says what the search found, for the text report.
func (c *FollowUp) String() string {
	s := c.said()
	if c.Verdict == explore.VerdictOK && !c.Decided {
		s += "; no value chosen in any of its states"
	}
	return s
}

// said is String but for the note of a search that chose no value.
func (c *FollowUp) said() string {
	switch {
	case c.Verdict == explore.VerdictViolation:
		return fmt.Sprintf("a follow-up search, %s, found the violation below in %d states", c.Flags, c.Distinct)
	case c.Complete:
		return fmt.Sprintf("safe in every one of %d states (a follow-up search, %s)", c.Distinct, c.Flags)
	case c.Stop == explore.StopMaxStates && c.Continue != "":
		return fmt.Sprintf("safe in the %d states a follow-up search, %s, explored within its budget (not complete: a bound, not a pass; "+
			"search on: %s)", c.Distinct, c.Flags, c.Continue)
	case c.Stop == explore.StopMaxStates:
		return fmt.Sprintf("safe in the %d states a follow-up search, %s, explored within its budget (not complete: a bound, not a pass)", c.Distinct, c.Flags)
	case c.Stop == explore.StopMaxDepth:
		return fmt.Sprintf("safe in the %d states a follow-up search, %s, explored to its depth bound (not complete)", c.Distinct, c.Flags)
	case c.Stop == explore.StopWalks:
		return fmt.Sprintf("safe on the %d random walks of a follow-up search, %s (%d states: a sample, not every one)", c.Budget, c.Flags, c.Distinct)
	case c.Stop == explore.StopInterrupted:
		return fmt.Sprintf("safe in the %d states a follow-up search, %s, explored before it was interrupted (not complete)", c.Distinct, c.Flags)
	}
	return fmt.Sprintf("safe in the %d states a follow-up search, %s, explored before --%s stopped it (not complete)", c.Distinct, c.Flags, c.Stop)
}
