package campaign

import (
	"fmt"
	"sort"
)

// CountError is a summary whose counts cannot all be true: a field, by its
// JSON key, and what is wrong with it. A summary read from a file (a
// shard's result) is checked before it is merged: a hand-edited or damaged
// one must not pass for a campaign's.
type CountError struct {
	Field string
	Msg   string
}

func (e *CountError) Error() string { return fmt.Sprintf("%s %s", e.Field, e.Msg) }

// Consistent checks that s's counts agree with one another as a campaign
// makes them: no count negative, no more seeds run than requested and
// fewer only when interrupted, each run counted once among the stops and
// the linearizability verdicts, no more runs judged, decided or covering
// a fault than ran, and one violation per failure.
func (s *Summary) Consistent() error {
	if s.Seeds > s.Requested {
		return &CountError{"seeds", fmt.Sprintf("is %d, more than the %d requested", s.Seeds, s.Requested)}
	}
	if s.Seeds < s.Requested && !s.Interrupted {
		return &CountError{"seeds", fmt.Sprintf("is %d of the %d requested, but interrupted is false", s.Seeds, s.Requested)}
	}
	for _, c := range []struct {
		field string
		n     int64
	}{
		{"events", s.Events}, {"violations", int64(s.Violations)}, {"workers", int64(s.Workers)},
		{"coverage.liveness_expected", s.Coverage.LivenessExpected},
	} {
		if c.n < 0 {
			return &CountError{c.field, fmt.Sprintf("is %d: a count cannot be negative", c.n)}
		}
	}
	if s.Violations != len(s.Failures) {
		return &CountError{"violations", fmt.Sprintf("is %d, but failures lists %d", s.Violations, len(s.Failures))}
	}
	for _, c := range []struct {
		field string
		n     uint64
	}{{"liveness_checked", s.LivenessChecked}, {"decided", s.Decided}} {
		if c.n > s.Seeds {
			return &CountError{c.field, fmt.Sprintf("is %d, more than the %d seeds run", c.n, s.Seeds)}
		}
	}
	if err := countsOfRuns("stops", s.Stops, s.Seeds); err != nil {
		return err
	}
	if err := countsOfRuns("linearizability", s.Linearizability, s.Seeds); err != nil {
		return err
	}
	if err := nonNegative("by_property", s.ByProperty); err != nil {
		return err
	}
	if err := nonNegative("faults", s.Faults); err != nil {
		return err
	}
	if err := s.Service.consistent(s.Seeds); err != nil {
		return err
	}
	return s.Coverage.consistent(s.Seeds)
}

// consistent checks a Multi-Paxos campaign's service totals (none for
// single-decree).
func (t *ServiceTotals) consistent(runs uint64) error {
	if t == nil {
		return nil
	}
	counts := map[string]int64{
		"operations": t.Operations, "answered": t.Answered, "commands": t.Commands, "reconfigs": t.Reconfigs,
		"reconfigs_invoked": t.ReconfigsInvoked, "instances": t.Instances,
	}
	if err := nonNegative("service", counts); err != nil {
		return err
	}
	if t.Answered > t.Operations {
		return &CountError{"service.answered", fmt.Sprintf("is %d, more than the %d operations", t.Answered, t.Operations)}
	}
	if t.CaughtUp > runs {
		return &CountError{"service.caught_up", fmt.Sprintf("is %d, more than the %d seeds run", t.CaughtUp, runs)}
	}
	return nil
}

// countsOfRuns checks counts of which each run is in exactly one.
func countsOfRuns[N int | int64](field string, counts map[string]N, runs uint64) error {
	if err := nonNegative(field, counts); err != nil {
		return err
	}
	total := uint64(0)
	for _, n := range counts { // order-free: a sum
		total += uint64(n)
	}
	if total != runs {
		return &CountError{field, fmt.Sprintf("counts %d runs, not the %d seeds run", total, runs)}
	}
	return nil
}

// nonNegative checks that no count in counts is negative.
func nonNegative[N int | int64](field string, counts map[string]N) error {
	return bounded(field, counts, -1)
}

// bounded checks that every count in counts is at least 0 and, unless
// most is negative, at most most, naming the first key in sorted order
// that is not.
func bounded[N int | int64](field string, counts map[string]N, most int64) error {
	keys := make([]string, 0, len(counts))
	for k := range counts { // order-free: sorted below
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch n := int64(counts[k]); {
		case n < 0:
			return &CountError{field + "." + k, fmt.Sprintf("is %d: a count cannot be negative", n)}
		case most >= 0 && n > most:
			return &CountError{field + "." + k, fmt.Sprintf("is %d, more than the %d seeds run", n, most)}
		}
	}
	return nil
}

// consistent checks a coverage table of runs runs: no count negative, no
// more runs than ran.
func (c *Coverage) consistent(runs uint64) error {
	for _, m := range []struct {
		field  string
		counts map[string]int64
	}{
		{"coverage.faults_enabled", c.Enabled}, {"coverage.faults_inert", c.Inert},
		{"coverage.sometimes_expected", c.Expected}, {"coverage.sometimes_held", c.Held},
	} {
		if err := bounded(m.field, m.counts, int64(min(runs, 1<<62))); err != nil {
			return err
		}
	}
	for i, n := range c.Ballots {
		if n < 0 {
			return &CountError{fmt.Sprintf("coverage.ballots_per_decided_instance[%d]", i), fmt.Sprintf("is %d: a count cannot be negative", n)}
		}
	}
	for _, f := range []struct {
		field string
		n     int64
	}{{"coverage.decided_without_proposal", c.Unproposed},
		{"coverage.decided_without_promise", c.Unpromised}, {"coverage.decided_without_learning", c.Unlearned}} {
		if f.n < 0 {
			return &CountError{f.field, fmt.Sprintf("is %d: a count cannot be negative", f.n)}
		}
	}
	if uint64(c.LivenessExpected) > runs {
		return &CountError{"coverage.liveness_expected", fmt.Sprintf("is %d, more than the %d seeds run", c.LivenessExpected, runs)}
	}
	return nil
}
