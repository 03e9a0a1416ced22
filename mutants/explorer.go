package mutants

import (
	"slices"
	"strings"
	"time"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/model"
)

// ExplorerMaxStates bounds each of the explorer's searches of a variant.
// Every single-decree variant the explorer finds is found in fewer than
// 2,000 distinct states (ignore-promised-values, the largest, in 1,894); a
// search that finds nothing costs 0.15-0.3 s on two cores.
const ExplorerMaxStates = 5000

// explorerBounds are the searches tried for a variant, in order, until
// one finds a violation, each from the protocol's default search
// (model.DefaultCheck: three replicas, two clients, one ballot each) with
// its default depth bound (model.DefaultDepth), and at most
// ExplorerMaxStates distinct states. The first two leave the timers off
// (no retries: the retry-driven bugs need more ballots than fit): the
// first allows one crash (no-persist needs a restart); the second sends a
// replica's messages to itself through the network, where they can be
// duplicated (count-duplicates needs its own Accepted reply twice); the
// third is check's restart follow-up without timers, a proposer asked by
// both clients restarting with its messages to itself in flight (a round
// persisted late, or not at all, shows in 3,103 states). The fourth is an
// even cluster, for a protocol that runs one of 4 replicas by default of
// another size: a quorum miscounted as half the nodes (n/2, or (n+1)/2)
// is a majority of an odd cluster under most slips, and the variants'
// campaigns run the default cluster only. The last fires the timers,
// which a protocol whose leader is elected by a timer needs to do
// anything at all.
var explorerBounds = []ExplorerBound{
	{"no timers, 1 crash", "--no-timers --crashes 1", func(c *model.CheckConfig) { c.NoTimers, c.Crashes = true, 1 }, nil},
	{"no timers, network-self", "--no-timers --network-self", func(c *model.CheckConfig) { c.NoTimers, c.NetworkSelf = true, true }, nil},
	{"no timers, restart", "--no-timers --crashes 1 --network-self --shared-proposer", func(c *model.CheckConfig) {
		c.NoTimers, c.Crashes, c.NetworkSelf, c.SharedProposer = true, 1, true, true
	}, nil},
	{"no timers, 4 nodes", "--no-timers --nodes 4", func(c *model.CheckConfig) { c.NoTimers, c.Config.Nodes = true, 4 }, runsFour},
	{"timers", "", func(*model.CheckConfig) {}, nil},
}

// runsFour reports whether a protocol runs a cluster of 4 other than its
// default one.
func runsFour(info *engine.Info) bool {
	return info.DefaultNodes() != 4 && (len(info.Nodes) == 0 || slices.Contains(info.Nodes, 4))
}

// ExplorerBound is one search the explorer tries on a variant.
type ExplorerBound struct {
	Name  string
	Flags string // the same bounds as flags of paxsim check (with --max-states ExplorerMaxStates)
	edit  func(*model.CheckConfig)
	// applies, when set, says which protocols the search is for.
	applies func(*engine.Info) bool
}

// ExplorerBounds lists the searches tried on each variant the explorer
// can judge, in order.
func ExplorerBounds() []ExplorerBound { return append([]ExplorerBound(nil), explorerBounds...) }

// explore1 runs the explorer on one variant: each bound in turn, until one
// finds a violation. The explorer judges safety only: a variant that
// breaks linearizability is not searched, and one that breaks liveness
// only is left to the campaigns with the model's note. progress, when not
// nil, is called as each search starts and about once a second within it
// (explore.Options.Progress): a watchdog can tell a search that makes
// progress from a handler that hangs.
func explore1(t Target, workers int, progress func()) Explorer {
	if t.Breaks == checker.Linearizability {
		return Explorer{Verdict: NotJudged, Bounds: "safety only"}
	}
	var e Explorer
	began := time.Now()
	p := t.Protocol
	for _, b := range explorerBounds {
		if b.applies != nil && !b.applies(p.Info()) {
			continue
		}
		c := model.DefaultCheck(p.Info())
		c.Config.Variant = t.Variant
		b.edit(&c)
		opts := explore.Options{MaxStates: ExplorerMaxStates, MaxDepth: p.DefaultDepth(), Workers: workers}
		if progress != nil {
			progress()
			opts.Progress = func(explore.Progress) { progress() }
		}
		rep, err := p.Check(c, opts)
		e.Bounds = b.Name
		e.Distinct += rep.Distinct
		if err != nil {
			e.Verdict, e.Error = NotFound, err.Error()
			break
		}
		if rep.Verdict == explore.VerdictViolation {
			e.Verdict, e.Property = Found, string(rep.Property)
			e.Depth, e.Steps = len(rep.Labels)+1, countSteps(rep.Lines)
			break
		}
		if rep.Note != "" {
			e.Verdict, e.Bounds, e.Note = NotJudged, "safety only", rep.Note
			break
		}
		e.Verdict = NotFound
	}
	e.WallSeconds = time.Since(began).Seconds()
	return e
}

// countSteps counts a counterexample's lines as a decision trace's steps:
// its random draws are not steps.
func countSteps(lines []string) int {
	n := 0
	for _, l := range lines {
		if l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "rand ") {
			n++
		}
	}
	return n
}
