package report

import "fmt"

// The exit codes: one per kind of outcome, so that a script or a CI job
// tells "you called me wrong" from "a bug was found" from "the campaign did
// not test what it claims" from "it stopped before the end" (as
// TigerBeetle's VOPR gives each kind of failure its own code). Every
// command of paxsim ends with one of these; Statuses explains them, and
// the help, the README and the JSON reports (verdict, exit_code) take
// their words from it.
const (
	ExitOK          = 0 // a pass: every invariant held, and a campaign exercised what it enabled
	ExitViolation   = 1 // a violation, a nondeterministic seed, or a reproducer that no longer reproduces
	ExitUsage       = 2 // bad usage or bad input: a flag, a command, a file
	ExitCoverageGap = 3 // a campaign that ran to the end but did not test what it claims
	ExitIncomplete  = 4 // stopped before the end: interrupted, or a search cut short
	ExitInternal    = 5 // a bug in paxsim itself
)

// Status is one exit code: its verdict, the word the JSON reports carry,
// and what it means.
type Status struct {
	Code    int
	Verdict string
	Meaning string
}

// Statuses is the table of exit codes, in order.
var Statuses = []Status{
	{ExitOK, "ok", "every invariant held (and a campaign exercised what it enabled)"},
	{ExitViolation, "violation", "a violation was found, a seed was nondeterministic, or a reproducer no longer reproduces"},
	{ExitUsage, "usage", "bad usage or bad input: a flag value, an unknown command or protocol, an unreadable or malformed file, an unusable --out"},
	{ExitCoverageGap, "coverage-gap", "a campaign of at least 200 seeds ran to the end but did not test what it claims: a fault kind on but never fired, a sometimes property possible but never held, or nothing judged at all"},
	{ExitIncomplete, "incomplete", "stopped before the end, so not a pass: an interrupted command (SIGINT, SIGTERM), a campaign stopped by --max-memory or a merge of one, a check cut short by --max-states or --max-memory"},
	{ExitInternal, "internal-error", "a bug in paxsim (please report it)"},
}

// VerdictOf is the verdict word of an exit code.
func VerdictOf(code int) string {
	for _, s := range Statuses {
		if s.Code == code {
			return s.Verdict
		}
	}
	return fmt.Sprintf("exit-%d", code)
}
