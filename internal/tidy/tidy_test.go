package tidy

import (
	"fmt"
	"sync"
	"testing"
)

var (
	repoOnce sync.Once
	repo     *Module
	repoErr  error
)

// loadRepo loads this repository's module once for all the tests.
func loadRepo(t *testing.T) *Module {
	t.Helper()
	repoOnce.Do(func() { repo, repoErr = Load("../..") })
	if repoErr != nil {
		t.Fatal(repoErr)
	}
	return repo
}

// policy is where this repository holds the determinism rules: every
// package but these, every function but these. Parallelism and the wall
// clock are allowed only around runs (a campaign's or the mutation
// score's workers, the explorer's level workers), never in a run or a
// verdict.
var policy = Policy{
	Free: []Free{
		{Dir: "cmd", Why: "the command line's main: it calls package cli"},
		{Dir: "cli", Why: "the command line: flags, files, signals, and wall-clock figures for the user; every run and verdict it prints comes from the packages checked here"},
		{Dir: "deploy", Why: "deployment manifests and their tooling: no simulation runs there"},
	},
	Waivers: []Waiver{
		{Dir: "campaign", Func: "Run", Rules: []string{Clock},
			Why: "the clock times the campaign only (wall_seconds, rates)"},
		{Dir: "campaign", Func: "runSeeds", Rules: []string{Go},
			Why: "workers run seeds in parallel, between runs: each run is one goroutine's pure function of config and seed, and the tallies merge by sums and a sort by seed (TestSameHashForAnyWorkersAndGOMAXPROCS); the clock times the campaign only (wall_seconds, rates)"},
		{Dir: "campaign", Func: "explainFailures", Rules: []string{Clock},
			Why: "the clock fills shrink_seconds only"},
		{Dir: "campaign", Func: "explainer.run", Rules: []string{Go},
			Why: "failures are shrunk in parallel, each into its own slot, grouped afterwards in seed order; a worker the watchdog abandons is replaced, and its group takes what it had reached (TestExplainingAFailureThatHangs)"},
		{Dir: "campaign", Func: "startProgress", Rules: []string{Go, Clock, Select},
			Why: "the progress line is printed on a ticker beside the workers; it reads counters and decides nothing"},
		{Dir: "watchdog", Func: "Watch", Rules: []string{Go, Clock, Select},
			Why: "the watchdog reads the wall clock on a ticker beside the workers, outside every run: it reads a run's step count and abandons a run that hangs, and never changes a step or a verdict of one that does not (TestWatchdogLeavesACampaignAlone)"},
		{Dir: "watchdog", Func: "Run", Rules: []string{Go, Select},
			Why: "the watched work runs on one goroutine, as it would on the caller's, which waits for it or for the watchdog's word that it hangs"},
		{Dir: "explore", Func: "clock", Rules: []string{Clock},
			Why: "the wall clock is the default clock of a search, read for Elapsed and the pacing of Progress only (tests inject one: TestProgress)"},
		{Dir: "explore", Func: "search.expandLevel", Rules: []string{Go},
			Why: "workers expand one BFS level's chunks, each into its own slot; the successors are admitted in chunk order afterwards (TestWorkersDoNotChangeTheResult)"},
		{Dir: "explore", Func: "search.markFresh", Rules: []string{Go},
			Why: "one goroutine per shard of the visited set adds the level's candidates that fall in it, each shard in frontier order: which candidate is first of its key does not depend on the shards (TestWorkersDoNotChangeTheResult)"},
		{Dir: "mutants", Func: "firstFailure", Rules: []string{Go},
			Why: "workers run a variant's seeds in parallel, between runs, and keep the lowest failing seed, which does not depend on the workers (TestFirstFailureAnyWorkers)"},
		{Dir: "mutants", Func: "Run", Rules: []string{Clock}, Why: "the clock fills the report's wall_seconds only"},
		{Dir: "mutants", Func: "runTarget", Rules: []string{Clock}, Why: "the clock fills a row's wall_seconds only"},
		{Dir: "mutants", Func: "explore1", Rules: []string{Clock}, Why: "the clock fills the explorer's wall_seconds only"},
		{Dir: "mutants", Func: "TimeToFind", Rules: []string{Clock}, Why: "the clock fills the time-to-find report's wall_seconds only"},
		{Dir: "mutants", Func: "findRow", Rules: []string{Go},
			Why: "workers run a variant's searches in parallel, each search's seeds one after another on one goroutine into its own slot; the seeds to each first failure do not depend on the workers (TestTimeToFindOfAFastVariant)"},
		{Dir: "mutants", Func: "search.run", Rules: []string{Clock}, Why: "the clock times one search for its millis, a figure and never a verdict"},
		{Dir: "mutants/srcmut", Func: "Run", Rules: []string{Clock}, Why: "the clock fills the report's seconds only"},
		{Dir: "mutants/srcmut", Func: "judge.one", Rules: []string{Clock},
			Why: "a mutant's judgement runs in a child process under a wall-clock timeout (a mutant that hangs is killed), and the clock fills its seconds; the verdict itself is the child's pure function of the code"},
		{Dir: "mutants/srcmut", Func: "Report.judgeAll", Rules: []string{Go},
			Why: "workers wait on child processes, each judging one mutant into its own slot; results are reported in mutant order"},
		{Dir: "checker/linearize", Func: "searchVerbose", Rules: []string{Clock},
			Why: "porcupine's verbose search with no timeout (0): the step budget (Budget) bounds it, counted per key; the visualisation needs the verbose form"},
	},
}

// TestDeterminismRules holds every package of the module that runs inside a
// simulation (all but policy.Free) to the determinism rules: no wall clock,
// no random source the run did not seed, no goroutines, no select, no
// iteration in a map's order. Uses are resolved by type, so a renamed or
// dot import, a method value or a map declared in another package is seen.
func TestDeterminismRules(t *testing.T) {
	m := loadRepo(t)
	findings, stale, err := m.Lint(policy)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("%s (in %s)", f, or(f.Func, "a package-level declaration"))
	}
	for _, w := range stale {
		t.Errorf("stale waiver: %s does not break %v any more: remove that from policy.Waivers", w.Dir+"."+w.Func, w.Rules)
	}
}

// offenders are the functions longer than MaxFuncLines when the limit came
// in, at their lengths then: a ratchet. An entry may only go down; a new
// function over the limit is an error.
var offenders = []FuncLength{
	{Dir: "campaign", Func: "add", Lines: 73},
}

// TestFunctionLength fails on a function of more than MaxFuncLines lines
// (from its func keyword to its closing brace, both included; doc comment
// left out; function literals count toward their declaration), in every
// package's non-test code, unless offenders lists it at its length or more.
func TestFunctionLength(t *testing.T) {
	m := loadRepo(t)
	all, err := m.FuncLengths()
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range ratchet(all, offenders, MaxFuncLines) {
		t.Error(msg)
	}
}

// ratchet compares measured lengths with the offenders list.
func ratchet(all, offenders []FuncLength, limit int) []string {
	key := func(f FuncLength) string { return f.Dir + ": " + f.Func }
	measured := map[string]FuncLength{}
	for _, f := range all {
		if old, ok := measured[key(f)]; !ok || f.Lines > old.Lines {
			measured[key(f)] = f
		}
	}
	listed := map[string]int{}
	var msgs []string
	for _, o := range offenders {
		listed[key(o)] = o.Lines
		f, ok := measured[key(o)]
		switch {
		case !ok:
			msgs = append(msgs, fmt.Sprintf("%s is listed in offenders but no longer exists: remove its entry", key(o)))
		case f.Lines <= limit:
			msgs = append(msgs, fmt.Sprintf("%s (%s) is %d lines now, within the limit of %d: remove its entry from offenders", key(o), f.File, f.Lines, limit))
		case f.Lines > o.Lines:
			msgs = append(msgs, fmt.Sprintf("%s (%s) grew from %d to %d lines; offenders may only shrink: shorten it to %d lines or fewer", key(o), f.File, o.Lines, f.Lines, limit))
		case f.Lines < o.Lines:
			msgs = append(msgs, fmt.Sprintf("%s (%s) shrank from %d to %d lines: lower its entry in offenders to %d", key(o), f.File, o.Lines, f.Lines, f.Lines))
		}
	}
	for _, f := range all {
		if _, ok := listed[key(f)]; !ok && f.Lines > limit {
			msgs = append(msgs, fmt.Sprintf("%s (%s) is %d lines, over the limit of %d: split it", key(f), f.File, f.Lines, limit))
		}
	}
	return msgs
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
