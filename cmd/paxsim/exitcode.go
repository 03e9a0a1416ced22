package main

import (
	"errors"
	"fmt"
	"strings"
)

// The exit codes: one per kind of outcome, so that a script or a CI job
// tells "you called me wrong" from "a bug was found" from "the campaign did
// not test what it claims" from "it stopped before the end" (as
// TigerBeetle's VOPR gives each kind of failure its own code). Every
// command ends with one of these; exitStatuses explains them, and the help,
// the README and the JSON reports (verdict, exit_code) take their words
// from it.
const (
	exitOK          = 0 // a pass: every invariant held, and a campaign exercised what it enabled
	exitViolation   = 1 // a violation, a nondeterministic seed, or a reproducer that no longer reproduces
	exitUsage       = 2 // bad usage or bad input: a flag, a command, a file
	exitCoverageGap = 3 // a campaign that ran to the end but did not test what it claims
	exitIncomplete  = 4 // stopped before the end: interrupted, or a search cut short
	exitInternal    = 5 // a bug in paxsim itself
)

// exitStatus is one exit code: its verdict, the word the JSON reports
// carry, and what it means.
type exitStatus struct {
	code    int
	verdict string
	meaning string
}

// exitStatuses is the table of exit codes, in order.
var exitStatuses = []exitStatus{
	{exitOK, "ok", "every invariant held (and a campaign exercised what it enabled)"},
	{exitViolation, "violation", "a violation was found, a seed was nondeterministic, or a reproducer no longer reproduces"},
	{exitUsage, "usage", "bad usage or bad input: a flag value, an unknown command, an unreadable or malformed file, an unusable --out"},
	{exitCoverageGap, "coverage-gap", "a campaign of at least 200 seeds ran to the end but did not test what it claims: a fault kind on but never fired, a sometimes property possible but never held, or nothing judged at all"},
	{exitIncomplete, "incomplete", "stopped before the end, so not a pass: an interrupted campaign (SIGINT, SIGTERM) or merge of one, a check cut short by --max-states or --max-memory"},
	{exitInternal, "internal-error", "a bug in paxsim (please report it)"},
}

// verdictOf is the verdict word of an exit code.
func verdictOf(code int) string {
	for _, s := range exitStatuses {
		if s.code == code {
			return s.verdict
		}
	}
	return fmt.Sprintf("exit-%d", code)
}

// exitStatusText is the "Exit status" paragraph of the help.
func exitStatusText() string {
	var b strings.Builder
	b.WriteString("Exit status, the same for every command (campaign, merge and check --json\nreport it too, as verdict and exit_code):\n")
	for _, s := range exitStatuses {
		for i, line := range wrap(s.meaning, 60) {
			if i == 0 {
				fmt.Fprintf(&b, "  %d %-15s %s\n", s.code, s.verdict, line)
			} else {
				fmt.Fprintf(&b, "    %-15s %s\n", "", line)
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// codeOf is the exit code err ends a command with (exitOK for nil).
func codeOf(err error) int {
	if err == nil {
		return exitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitUsage
}
