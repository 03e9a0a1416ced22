package linearize

import (
	"cmp"
	"math"
	"slices"

	"github.com/anishathalye/porcupine"
)

// Budget bounds porcupine's search by work rather than by time: it is the
// most calls of the Model's Step the search may make in each partition of
// a history (each key of a key-value history; the whole history of a
// consensus object). Past it every step fails, so the search backtracks
// to its end without trying anything new, and a search cut short that way
// without finding a linearization answers Unknown. A search is sequential
// within a partition, so the steps it takes, and the verdict, are a pure
// function of the history and the budget: unlike a timeout, they do not
// depend on the machine or its load.
//
// A budget of 0 or less allows no step: any history with an operation is
// Unknown (a malformed one is Illegal all the same).
type Budget int64

const (
	// DefaultBudget is the budget paxsim gives the check of every run:
	// 2^22 steps, about half a second of search per key on the machines
	// of BENCHMARKS.md (a run of 300 clients of 10 commands, Unknown on
	// its 3 keys, takes 1.5 s of CPU).
	//
	// Measured with porcupine v1.3.1 (scenarios.TestLinearizabilityBudgetMargin
	// with PAXSIM_BUDGET_SEEDS): the default swarm campaigns take at most
	// 269 steps per key in 100,000 Multi-Paxos seeds (at most 188 in
	// 1,500 seeds of each Multi-Paxos variant, 15 for a single-decree
	// history that linearize.Decide rejects), so every run of them is
	// judged, with a margin of 15,000. Bigger histories: 20 clients of 20
	// commands take at most 19,000 steps per key, 30 clients of 100
	// commands 700,000; of 24 keys of 50 clients of 10 commands, 16 are
	// judged within the default (the hardest took 12 million steps); 300
	// clients of 10 commands are Unknown even with 30 million.
	DefaultBudget Budget = 1 << 22
	// Unlimited lets a search run to its end, however long it takes.
	Unlimited Budget = math.MaxInt64
)

// meter counts the steps of one partition's search against a budget.
type meter struct {
	steps, limit int64
}

// spent says whether the search was cut short: it asked for a step past
// the budget.
func (m *meter) spent() bool { return m.steps > m.limit }

// metered is model with a Step that counts its calls on the meter of the
// input's partition (named by partition) and fails every call past the
// budget. meters must hold every partition's meter before the search
// starts: porcupine searches partitions in parallel, and each touches
// only its own meter. Visualize must get the plain model: it replays the
// partial linearizations through Step.
func metered(model porcupine.Model, partition func(input any) string, meters map[string]*meter) porcupine.Model {
	step := model.Step
	model.Step = func(state, input, output any) (bool, any) {
		m := meters[partition(input)]
		m.steps++
		if m.steps > m.limit {
			return false, state
		}
		return step(state, input, output)
	}
	return model
}

// newMeters makes a meter with budget for every partition of history.
func newMeters(history []porcupine.Operation, partition func(input any) string, budget Budget) map[string]*meter {
	limit := max(int64(budget), 0)
	meters := map[string]*meter{}
	for _, op := range history {
		if k := partition(op.Input); meters[k] == nil {
			meters[k] = &meter{limit: limit}
		}
	}
	return meters
}

// judge is the verdict on one partition: Ok when porcupine found a
// linearization, Unknown when it found none but was cut short, Illegal
// when it searched everything.
func judge(linearizable bool, m *meter) Verdict {
	switch {
	case linearizable:
		return Ok
	case m != nil && m.spent():
		return Unknown
	}
	return Illegal
}

// worst combines the verdicts of partitions: a history is linearizable
// exactly when each partition is, so one Illegal partition makes it
// Illegal, and otherwise one Unknown makes it Unknown.
func worst(a, b Verdict) Verdict {
	switch {
	case a == Illegal || b == Illegal:
		return Illegal
	case a == Unknown || b == Unknown:
		return Unknown
	}
	return Ok
}

// partitions splits history as porcupine does: by model.Partition, or
// not at all.
func partitions(model porcupine.Model, history []porcupine.Operation) [][]porcupine.Operation {
	if model.Partition != nil {
		return model.Partition(history)
	}
	return [][]porcupine.Operation{history}
}

// search checks history with model under budget, one partition at a time
// in the order of model.Partition, and stops at the first Illegal one.
// partition names an input's partition as model.Partition groups them.
// Searching one partition at a time, rather than all at once as porcupine
// does, keeps the verdict deterministic: porcupine stops every search at
// the first that fails, wherever the others are.
func search(model porcupine.Model, history []porcupine.Operation, partition func(input any) string, budget Budget) Verdict {
	verdict := Ok
	for _, part := range partitions(model, history) {
		if len(part) == 0 {
			continue
		}
		meters := newMeters(part, partition, budget)
		linearizable := porcupine.CheckOperations(metered(model, partition, meters), part)
		verdict = worst(verdict, judge(linearizable, meters[partition(part[0].Input)]))
		if verdict == Illegal {
			break
		}
	}
	return verdict
}

// searchVerbose checks history like search, all partitions at once, and
// returns what porcupine.Visualize draws, with the partial linearizations
// of each partition in a canonical order. porcupine collects them from a
// map, in an order that varies from run to run; sorted, the page is the
// same bytes on every run of the same history.
func searchVerbose(
	model porcupine.Model, history []porcupine.Operation, partition func(input any) string, budget Budget,
) (Verdict, porcupine.LinearizationInfo) {
	meters := newMeters(history, partition, budget)
	_, info := porcupine.CheckOperationsVerbose(metered(model, partition, meters), history, 0)
	partials := info.PartialLinearizations()
	verdict := Ok
	for i, part := range partitions(model, history) {
		if len(part) == 0 || i >= len(partials) {
			continue
		}
		slices.SortFunc(partials[i], comparePartials)
		// porcupine's documented contract: a linearizable partition has a
		// complete linearization among its partial ones.
		complete := slices.ContainsFunc(partials[i], func(p []int) bool { return len(p) == len(part) })
		verdict = worst(verdict, judge(complete, meters[partition(part[0].Input)]))
	}
	return verdict, info
}

// comparePartials orders partial linearizations the longest first, as
// porcupine draws them, and then by their operations.
func comparePartials(a, b []int) int {
	if c := cmp.Compare(len(b), len(a)); c != 0 {
		return c
	}
	return slices.Compare(a, b)
}
