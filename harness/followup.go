package harness

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/sim"
)

// DeepenTo is how many distinct states a default search of a protocol
// with a depth bound (engine.Explorer.MaxDepth) may reach by going deeper
// than that bound (explore.Options.DeepenTo): a protocol whose states are
// few is searched whole, whatever depth its author guessed. Multi-Paxos's
// defaults stay at depth 14 (408,449 states; depth 15 would take some
// 900,000).
const DeepenTo = 500_000

// WholeTo is how many distinct states a default search of a protocol
// without a depth bound may reach: it searches the whole space while the
// next level is predicted to fit, so that a space too large for the
// machine ends in a search to the depth that fits, followed by the
// follow-up searches, rather than at the memory cap minutes later with
// no verdict. paxsim's single-decree defaults (317,716 states) and the
// rolepaxos example's (5,357,673) are searched whole.
const WholeTo = 10_000_000

// DeepenLimit is the deepest level a default search deepens to: far past
// what a small cluster's search needs (single-decree Paxos's whole space
// is 27 levels deep, Multi-Paxos's defaults stop at 14), reached only
// when the levels stay small for ever: a counter in the nodes' state that
// grows without bound (a retry count, a message tally, a clock) makes
// every step a new state. The report then says so (DeepenedTooFar).
const DeepenLimit = 500

// DefaultDepthBound sets o's depth bound to that of a search without
// --max-depth, and how far past it the search deepens
// (explore.Options.MaxDepth, DeepenTo and DeepenLimit): the protocol's own
// bound (engine.Explorer.MaxDepth), deepened within DeepenTo states, or,
// for a protocol without one, the whole space within WholeTo; never past
// DeepenLimit.
//
// A protocol's bound is a ceiling too: a search whose next level is
// predicted to take it past WholeTo states stops short of it, as a search
// without a bound does (explore.Options.ShallowTo), and says so
// (ShallowerThanBound), rather than run into the memory cap minutes later
// with no verdict and no follow-up searches.
func (h *Protocol) DefaultDepthBound(o *explore.Options) {
	o.MaxDepth, o.DeepenTo, o.DeepenLimit = 1, WholeTo, DeepenLimit
	if d := h.DefaultDepth(); d > 0 {
		o.MaxDepth, o.DeepenTo, o.ShallowTo = d, DeepenTo, WholeTo
	}
}

// ShallowerThanBound is what the report rep of a search with options o
// says when it stopped short of the protocol's depth bound because the
// next level would not fit (explore.Options.ShallowTo); "" for any other
// search. A counterexample deeper than the level reached is not searched
// for: the note says how to search to the bound.
func ShallowerThanBound(o explore.Options, rep *model.Report) string {
	if o.ShallowTo == 0 || rep.Stop != explore.StopMaxDepth || rep.Depth >= o.MaxDepth {
		return ""
	}
	return fmt.Sprintf("the first search stopped at depth %d, short of the protocol's depth bound %d (engine.Explorer.MaxDepth): "+
		"its next level was predicted to take it past %d states, more than fit a default search; --max-depth %d searches to the bound "+
		"(with --max-memory as it allows), and a smaller MaxDepth makes this the default", rep.Depth, o.MaxDepth, o.ShallowTo, o.MaxDepth)
}

// DeepenedTooFar is what the report rep of a search with options o says
// when the default depth bound stopped it at DeepenLimit: why the depth is
// so large, and what to do; "" for any other search.
func DeepenedTooFar(o explore.Options, rep *model.Report) string {
	depth := rep.Depth
	if o.DeepenLimit == 0 || depth < o.DeepenLimit || rep.Stop != explore.StopMaxDepth {
		return ""
	}
	return fmt.Sprintf("the default search went %d levels deep and new states kept coming: a counter in the nodes' state "+
		"that grows without bound (a retry count, a tally of messages, a clock) makes every step a new state, so no depth "+
		"covers the space; leave it out of Fingerprint if no step depends on it, bound it, or set --max-depth", depth)
}

// followUpBudget is how many states a follow-up search explores at most
// (fewer with explore.Options.MaxStates): a crash search takes the long
// way (a copy of the world a step), some 60,000 states a second, and the
// bugs a widened bound shows show early (the durability variants within
// 1,000 states of a crash search, a third party's reply before persist
// within 24,000; a proposer that counts its earlier ballot's promises
// within 72,000 of a round more; a third party's learner that applies
// undecided entries within 68,000 with the ticks). A reconfiguration's
// search runs as fast as the first, and a view's bugs show later (no-view
// within 117,000 states, a leader's window one instance too wide within
// 130,000): reconfigBudget. A bug in the value a third ballot adopts needs
// a round more and more states: one proposer's retry over two first
// ballots, each accepted at one acceptor (a lowest-ballot adoption within
// 780,000 states, paxos's and a third party's alike): roundsBudget.
// A restart's search (network self-deliveries and a crash) is the
// slowest, some 15,000 states a second, and a ballot reused after a
// restart shows within 12,515 states (paxos with its round persisted
// late): restartBudget. A crash that forgets a vote a chosen value
// counted on shows only after the choice: Multi-Paxos's defaults reach
// that depth (11) at some 160,000 states of a crash search (a log tail
// persisted without its accepted entries, found at 159,604), so the
// crash search, the follow-up for the commonest bugs (what a restart
// forgets), has crashBudget (about 3 s on two cores).
const (
	restartBudget  = 50_000
	crashBudget    = 250_000
	followUpBudget = 100_000
	reconfigBudget = 200_000
	roundsBudget   = 1_000_000
	// walksBudget is the walks follow-up's, in walks (explore.Random) of
	// DefaultWalkDepth states: a new leader that keeps the first of two
	// same-round reports of an instance, which no search of every state
	// reached, showed at walk 4,029 (Multi-Paxos, some 10,000 walks take
	// 5 s).
	walksBudget = explore.DefaultWalks
)

// A followUp widens one bound of the first search's model, when the user
// did not set it: flag is the check flag that sets it, and widen returns
// the widened model and the flags that ask for it, or false where the
// widening does not apply.
type followUp struct {
	name, flag string
	budget     int64 // states; for random walks, walks
	walks      bool  // random walks (explore.Random), not a search of every state
	widen      func(c model.CheckConfig, h *Protocol) (model.CheckConfig, string, bool)
}

// followUpSearches are the default check's follow-up searches, in order:
// one crash (a restart from durable state), so that the defaults find a
// protocol that replies before it persists, or forgets a promise; a
// replica's messages to itself through the network, where they may be
// duplicated and reordered like any (a proposer that counts its own
// promise or vote twice: a third party's counted duplicate promises
// within 89,000 states, paxsim's count-duplicates within 4,793); a
// restart of a proposer that every client asks, its
// messages to itself in flight, so that they find a proposer that sends
// its ballot before it persists it and reuses it, with another client's
// value, after the restart; an even
// cluster, one node more, where a quorum miscounted as half the nodes
// lets two halves decide apart (a majority of an odd cluster is the same
// under most slips); one round more per replica, so that they find a bug
// on the path a proposer takes when it retries (state of its earlier
// ballot kept, counted, or compared without the node's tiebreak), which a
// first ballot never takes; the ticks, for a protocol with timers a search
// leaves out unless asked (a leader's resends); the ticks with a round
// more, for a protocol whose ticks are what start a higher ballot (an
// election on a silent leader); for a protocol that takes
// reconfigurations, the last client's reconfiguration to every replica
// but the last, so that they find a view or window rule broken; and last
// random walks with a round more (explore.Random), as deep as no search
// of every state gets, so that they find a bug that needs several
// leaders' ballots to overlap.
var followUpSearches = []followUp{
	{"one crash", "crashes", crashBudget, false, func(c model.CheckConfig, _ *Protocol) (model.CheckConfig, string, bool) {
		ok := c.Crashes == 0 && !c.NoRestarts
		c.Crashes = 1
		return c, "--crashes 1", ok
	}},
	{"self-sends", "network-self", followUpBudget, false, func(c model.CheckConfig, _ *Protocol) (model.CheckConfig, string, bool) {
		ok := !c.NetworkSelf
		c.NetworkSelf = true
		return c, "--network-self", ok
	}},
	{"restart", "crashes", restartBudget, false, func(c model.CheckConfig, h *Protocol) (model.CheckConfig, string, bool) {
		ok := c.Crashes == 0 && !c.NoRestarts && !c.SharedProposer && c.Effective(h.Info()).Clients > 1
		c.Crashes, c.NetworkSelf, c.SharedProposer = 1, true, true
		return c, "--crashes 1 --network-self --shared-proposer", ok
	}},
	{"nodes+1", "nodes", followUpBudget, false, func(c model.CheckConfig, h *Protocol) (model.CheckConfig, string, bool) {
		c.Config.Nodes++
		sizes := h.Info().Nodes
		ok := c.Config.Nodes%2 == 0 && c.Config.Nodes <= model.MaxNodes && (len(sizes) == 0 || slices.Contains(sizes, c.Config.Nodes))
		return c, fmt.Sprintf("--nodes %d", c.Config.Nodes), ok
	}},
	{"rounds+1", "max-ballot", roundsBudget, false, func(c model.CheckConfig, _ *Protocol) (model.CheckConfig, string, bool) {
		ok := c.MaxBallot > 0 // 0: no bound to widen
		c.MaxBallot++
		return c, fmt.Sprintf("--max-ballot %d", c.MaxBallot), ok
	}},
	{"ticks", "ticks", followUpBudget, false, func(c model.CheckConfig, h *Protocol) (model.CheckConfig, string, bool) {
		c.Ticks = true
		return c, "--ticks", !c.NoTimers && h.HasTicks()
	}},
	{"elections", "ticks", roundsBudget, false, func(c model.CheckConfig, h *Protocol) (model.CheckConfig, string, bool) {
		ok := !c.NoTimers && h.HasTicks() && c.MaxBallot > 0
		c.Ticks = true
		c.MaxBallot++
		return c, fmt.Sprintf("--ticks --max-ballot %d", c.MaxBallot), ok
	}},
	{"reconfig", "reconfig", reconfigBudget, false, func(c model.CheckConfig, h *Protocol) (model.CheckConfig, string, bool) {
		ok := h.Info().Workload.Reconfig && len(c.Reconfig) == 0 && c.Config.Nodes > 1
		c.Reconfig = nil
		for id := 1; id < c.Config.Nodes; id++ {
			c.Reconfig = append(c.Reconfig, sim.NodeID(id))
		}
		return c, "--reconfig " + FormatMembers(c.Reconfig), ok
	}},
	{"walks", "max-ballot", walksBudget, true, func(c model.CheckConfig, _ *Protocol) (model.CheckConfig, string, bool) {
		ok := c.MaxBallot > 0
		c.MaxBallot++
		return c, fmt.Sprintf("--strategy random --max-ballot %d", c.MaxBallot), ok
	}},
}

// Deep is a check with its follow-up searches: the model the verdict is
// of (the first search's, or the follow-up's that found a violation), its
// report, and the follow-ups run.
type Deep struct {
	Config    model.CheckConfig
	Report    model.Report
	FollowUps []model.FollowUp
	// WallSeconds and CPUSeconds are the whole check's: the first search
	// and its follow-ups.
	WallSeconds, CPUSeconds float64
}

// CheckDeep is `paxsim check` without --refine: a search of c, and, when
// it is safe and not cut short by a bound of states or time (complete,
// bounded by depth, or stopped by the memory cap, which a protocol of
// large states meets before any level bound: its follow-ups, each within
// a budget, may still find what the first search could not reach, and
// the check stays incomplete if none does), follow-up searches, each the same
// model with one bound widened that set (the check flags the user gave;
// nil for none) does not name, within a budget of states, so that the
// defaults find a protocol that replies before it persists (one crash), a
// duplicate of its own message counted twice (self-sends), a ballot
// reused after a restart (restart), a quorum miscounted (an even
// cluster), a retry that reuses its last ballot's state (a round more),
// or a bug that only a periodic timer's
// resend, an election or a reconfiguration shows. They stop at the first
// violation, which becomes the result's, with the model it was found in.
func (h *Protocol) CheckDeep(c model.CheckConfig, o explore.Options, set func(flag string) bool) (Deep, error) {
	first, err := h.Check(c, o)
	d := Deep{Config: c, Report: first, WallSeconds: first.Elapsed.Seconds(), CPUSeconds: first.CPUSeconds}
	done := first.Complete || first.Stop == explore.StopMaxDepth || first.Stop == explore.StopMaxMemory
	if err != nil || first.Verdict != explore.VerdictOK || !done || o.Strategy != explore.BFS {
		return d, err
	}
	for _, f := range followUpSearches {
		wider, flags, ok := f.widen(c, h)
		if !ok || (set != nil && set(f.flag)) {
			continue
		}
		budget := f.budget
		if o.MaxStates > 0 {
			budget = min(budget, o.MaxStates)
		}
		bounded := o
		bounded.MaxStates = budget
		if o.DeepenTo > 0 { // the default depth bound: none, as deep as the budget reaches
			bounded.MaxDepth, bounded.DeepenTo = 0, 0
		}
		if f.walks { // as many walks, as deep as --max-depth or a walk's default
			bounded.Strategy, bounded.Walks, bounded.MaxStates = explore.Random, int(f.budget), o.MaxStates
			bounded.MaxDepth, bounded.DeepenTo, bounded.ShallowTo = o.MaxDepth, 0, 0
			if o.DeepenTo > 0 || o.MaxDepth == 0 {
				bounded.MaxDepth = explore.DefaultWalkDepth
			}
		}
		rep, err := h.Check(wider, bounded)
		if err != nil {
			return d, err
		}
		d.WallSeconds, d.CPUSeconds = d.WallSeconds+rep.Elapsed.Seconds(), d.CPUSeconds+rep.CPUSeconds
		d.FollowUps = append(d.FollowUps, model.FollowUp{Name: f.name, Flags: flags, Verdict: rep.Verdict, Distinct: rep.Distinct, Complete: rep.Complete, Stop: rep.Stop, Budget: budget, Decided: rep.Decided,
			WallSeconds: rep.Elapsed.Seconds(), CPUSeconds: rep.CPUSeconds})
		switch {
		case rep.Verdict == explore.VerdictViolation:
			d.Config, d.Report = wider, rep
			return d, nil
		case rep.Stop == explore.StopInterrupted: // ^C: the check as a whole was cut short
			d.Report.Complete, d.Report.Stop = false, explore.StopInterrupted
			return d, nil
		}
	}
	return d, nil
}

// Undecided is what d says of a safe check whose first search reached no
// state with a value chosen (model.Undecided): gap when no follow-up did
// either. "" when the first search reached one, or found a violation.
func (d *Deep) Undecided() (note string, gap bool) { return model.Undecided(&d.Report, d.FollowUps) }

// FormatMembers writes members as the --reconfig flag takes them: 1+2+3.
func FormatMembers(members []sim.NodeID) string {
	parts := make([]string, len(members))
	for i, id := range members {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, "+")
}
