package checker

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Property names an invariant. The names are stable: they appear in JSON
// output, reproducers and campaign summaries.
type Property string

// The properties the checker judges.
const (
	// Agreement: at most one value is chosen per instance.
	Agreement Property = "agreement"
	// Validity: a chosen value was proposed by a client.
	Validity Property = "validity"
	// LearnerIntegrity: a learner learns one value per instance (the same
	// one again is no breach), and only a value that is chosen.
	LearnerIntegrity Property = "learner-integrity"
	// Liveness: once faults heal, a value is chosen and every live replica
	// learns it within a bound.
	Liveness Property = "liveness"
	// Linearizability: the clients' history is that of a consensus object,
	// in which every propose returns the value of the first one (checked by
	// package linearize).
	Linearizability Property = "linearizability"

	// The early checks: invariants that correct Paxos keeps at every
	// acceptor and proposer. A bug that breaks agreement usually breaks one
	// of them first, at the step that explains it; each is judged at the
	// observation that breaks it, so that step is the one reported.

	// PromiseIntegrity: a promise reports an accepted (ballot, value) that
	// the promising acceptor did accept, or nothing (zero ballot, no
	// value). A promise reporting a ballot its acceptor never accepted at
	// misleads the proposer's choice of value (the one-ballot bug). And a
	// promise for one instance reports the acceptor's latest vote there,
	// while the instance is not yet chosen: one that reports an older
	// vote, or nothing, hides a vote from the proposer (a vote a crash took
	// back because it was reported, or replied, before it was durable).
	PromiseIntegrity Property = "promise-integrity"
	// OneValuePerBallot: at most one value is proposed or accepted per
	// ballot, since a ballot belongs to one proposer, which proposes once.
	OneValuePerBallot Property = "one-value-per-ballot"
	// PromiseMonotonicity: an acceptor's promises never decrease: it never
	// promises a ballot below one it promised or accepted before, crashes
	// and restarts included (a forgetful acceptor breaks it).
	PromiseMonotonicity Property = "promise-monotonicity"
	// PromiseKept: an acceptor accepts no ballot below one it promised for
	// every instance (the guard of Paxos's phase 2b, for a Multi-Paxos
	// acceptor's one promise that binds its whole log). A leader
	// that re-proposes a recovered value under its old ballot makes
	// acceptors break it (the no-restamp bug), well before two values are
	// chosen.
	PromiseKept Property = "promise-kept"
	// SafeProposal: once a value is chosen in an instance at ballot b,
	// every value proposed or accepted there at a ballot above b is that
	// value (Paxos's invariant P2b). A proposer that picks another value
	// (a recovery that keeps the wrong one of the reports, a leader that
	// fills an instance it was not told is chosen, a retry that forgets
	// what its promises reported) breaks it at its proposal, before a
	// second value is chosen, which a run may never reach.
	SafeProposal Property = "safe-proposal"
)

// Violation is a broken property with the evidence that shows it.
type Violation struct {
	Property Property `json:"property"`
	// Check names the check that fired, one of the property's ways to
	// break, with none of the run's values in it ("two-values-chosen",
	// "executes-twice", a contract rule, the function a panic was raised
	// in): what a campaign groups failures by, across seeds and runs.
	Check    string   `json:"check,omitempty"`
	Time     int64    `json:"time"`  // virtual time of the step that broke it
	Event    int64    `json:"event"` // index of that step
	Instance int64    `json:"instance"`
	Message  string   `json:"message"`
	Evidence []string `json:"evidence,omitempty"`
}

func (v *Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s violated at t=%d (event #%d): %s", v.Property, v.Time, v.Event, v.Message)
	for _, e := range v.Evidence {
		b.WriteString("\n  ")
		b.WriteString(e)
	}
	return b.String()
}

// Choice is a value chosen in one instance: the first ballot in which a
// majority accepted it.
type Choice struct {
	Value  Value
	Ballot Ballot
	Voters uint64 // the acceptors (bit per node id) that made the majority
	View   uint64 // the members whose majority it was (bit per node id), 0 for every node
	Time   int64  // when it became chosen
}

// vote gathers the acceptors that accepted one (ballot, value) in one
// instance.
type vote struct {
	instance int64
	ballot   Ballot
	value    Value
	voters   uint64
	view     uint64 // the State of its first Accepted: the members whose majority chooses it, 0 for all
}

// ballotValue is the one value that a ballot of one instance carries.
type ballotValue struct {
	instance int64
	ballot   Ballot
	value    Value
	node     int  // who first proposed or accepted it, for evidence
	kind     Kind // Proposed or Accepted
}

type learnKey struct {
	node     int
	instance int64
}

// Safety checks agreement, validity, learner integrity and the early
// checks at every observation. The zero value is not usable; call NewSafety.
type Safety struct {
	nodes     int
	acceptors uint64  // the nodes whose quorums choose, a bit per id; 0 for every node (SetAcceptors)
	quorums   Quorums // which of them are a quorum: majorities by default (SetQuorums)

	votes   []vote               // one per (instance, ballot, value) accepted, in order
	ballots []ballotValue        // the value of each (instance, ballot) proposed or accepted, in order
	index   safetyIndex          // finds them
	scanMax int                  // votes or ballots scanned before they are indexed
	highest nodeTable[Ballot]    // the highest ballot each acceptor promised or accepted, per instance
	voted   nodeTable[Ballot]    // the highest ballot each acceptor accepted, per instance
	floor   []Ballot             // by node id: the ballot promised for every instance
	chosen  nodeTable[Choice]    // by instance, in the one column of node 0
	top     nodeTable[Ballot]    // by instance, in the one column of node 0: the highest ballot proposed or accepted
	views   nodeTable[viewStamp] // by instance, in the one column of node 0: its entries' first view
	invoked map[Value]int64      // when each value's client first asked
	learned nodeTable[Value]     // what each learner learned, per instance
	record
}

// NewSafety returns a checker for a cluster of nodes acceptors, where a
// quorum is a majority.
func NewSafety(nodes int) *Safety {
	c := &Safety{
		nodes:   nodes,
		scanMax: scanMax,
		invoked: make(map[Value]int64),
		floor:   make([]Ballot, nodes+1),
	}
	c.highest.reset(nodes)
	c.voted.reset(nodes)
	c.learned.reset(nodes)
	c.chosen.reset(0)
	c.top.reset(0)
	c.views.reset(0)
	return c
}

// SetAcceptors makes quorums majorities of acceptors (a bit per node id)
// instead of the whole cluster, for a protocol whose acceptors are some of
// its nodes; 0 (the default, and after Reset) is every node. A view's
// members (an observation's State) still make its quorums.
func (c *Safety) SetAcceptors(acceptors uint64) {
	c.acceptors = acceptors
}

// quorumOf reports whether voters (bit per node id) make a phase-2
// quorum of the members state names (members): by default a majority of
// the cluster, counting every voter.
func (c *Safety) quorumOf(voters, state uint64) bool {
	if c.quorums.Phase2 == nil && state == 0 && c.acceptors == 0 {
		return bits.OnesCount64(voters) >= c.nodes/2+1
	}
	return c.quorums.Accept(voters, c.members(state))
}

// SetQuorums makes q the quorums that choose a value (Quorums.Accept),
// for a protocol whose quorums are not majorities.
func (c *Safety) SetQuorums(q Quorums) {
	c.quorums = q
}

// Reset makes c a checker for a cluster of nodes acceptors, as NewSafety
// does, keeping its memory for what the next run records: a harness that
// judges run after run reuses one checker instead of allocating each.
// Violations it returned before are left as they were.
func (c *Safety) Reset(nodes int) {
	votes, ballots, index := c.votes[:0], c.ballots[:0], c.index
	chosen, top, invoked, learned, highest, voted, views := c.chosen, c.top, c.invoked, c.learned, c.highest, c.voted, c.views
	floor := zeroed(c.floor, nodes+1)
	*c = Safety{
		nodes: nodes, scanMax: scanMax,
		votes: votes, ballots: ballots, index: index, floor: floor,
		chosen: chosen, top: top, invoked: clearOrMake(invoked), learned: learned, highest: highest, voted: voted, views: views,
	}
	c.index.reset()
	c.highest.reset(nodes)
	c.voted.reset(nodes)
	c.learned.reset(nodes)
	c.chosen.reset(0)
	c.top.reset(0)
	c.views.reset(0)
}

// zeroed returns n zero values, in s's array if it is big enough.
func zeroed[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// clearOrMake empties m, or makes it.
func clearOrMake[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return make(map[K]V)
	}
	clear(m)
	return m
}

// Chosen returns the value chosen in instance, if any.
func (c *Safety) Chosen(instance int64) (Choice, bool) {
	return c.chosen.get(0, instance)
}

// Decided reports whether a value is chosen in some instance: what a
// search that judges a protocol's decisions must reach somewhere, or its
// ok judges none.
func (c *Safety) Decided() bool { return c.chosen.len() > 0 }

// ChosenInstances counts the instances in which a value is chosen.
func (c *Safety) ChosenInstances() int { return c.chosen.len() }

// Unsettled returns the lowest instance that has no chosen value though
// the log must settle it: one in which some acceptor voted, or one below
// such an instance (a hole), counting from the lower of 1 and the lowest
// instance voted in. ok is false when every such instance has a chosen
// value, or nothing was voted.
func (c *Safety) Unsettled() (instance, top int64, ok bool) {
	if len(c.votes) == 0 {
		return 0, 0, false
	}
	lo, top := int64(1), c.votes[0].instance
	for _, v := range c.votes {
		lo, top = min(lo, v.instance), max(top, v.instance)
	}
	for i := lo; i <= top; i++ {
		if _, chosen := c.Chosen(i); !chosen {
			return i, top, true
		}
	}
	return 0, top, false
}

// Learned returns what node learned in instance, if anything.
func (c *Safety) Learned(node int, instance int64) (Value, bool) {
	return c.learned.get(node, instance)
}

// Observe checks one observation reported by node. After the first
// violation it keeps recording but reports nothing new.
func (c *Safety) Observe(node int, o Observation) {
	switch o.Kind {
	case Invoked:
		if at, ok := c.invoked[o.Value]; !ok || c.now < at {
			c.invoked[o.Value] = c.now
		}
	case Proposed:
		c.stamped(node, o)
		c.oneValue(node, o)
		c.safeProposal(node, o)
	case Promised:
		c.promised(node, o)
	case Accepted:
		c.stamped(node, o)
		c.kept(node, o)
		c.raise(node, o)
		c.accepted(node, o)
		c.safeProposal(node, o)
	case Learned:
		c.learn(node, o)
	case Applied:
		c.appliesChosen(node, o)
	}
}

// Local reports whether observation o by node, judged now, reads and
// writes only what the checker keeps of node itself: then its verdicts
// and its effect are the same whatever other nodes observe before or
// after it, which is what a partial-order reduction needs to reorder it
// (model's persistent sets). A promise is, unless it reports a vote below
// one the node cast: promise-omits-vote then asks whether a value is
// chosen, which every node's votes decide. Every other kind reads or
// writes what the nodes share: the votes and the values chosen.
func (c *Safety) Local(node int, o Observation) bool {
	if o.Kind != Promised {
		return false
	}
	if o.AllInstances {
		return true
	}
	h, _ := c.voted.get(node, o.Instance)
	return !o.Prior.Less(h)
}

// promised checks a promise: it reports what its acceptor accepted
// (PromiseIntegrity) and does not go below an earlier promise or accept
// (PromiseMonotonicity).
func (c *Safety) promised(node int, o Observation) {
	if o.AllInstances {
		if node < 0 || node >= len(c.floor) {
			return
		}
		if o.Ballot.Less(c.floor[node]) {
			c.violate(PromiseMonotonicity, "promise-below-floor", o.Instance,
				fmt.Sprintf("node %d promises %s for every instance after promising %s", node, o.Ballot, c.floor[node]))
			return
		}
		c.floor[node] = o.Ballot
		return
	}
	if !o.Prior.IsZero() || o.Value != None {
		i := c.findVote(o.Instance, o.Prior, o.Value)
		if i < 0 || c.votes[i].voters&(1<<uint(node)) == 0 {
			c.violate(PromiseIntegrity, "promise-reports-unaccepted", o.Instance,
				fmt.Sprintf("node %d promises %s reporting (%s, %s) accepted, but it never accepted %s at %s",
					node, o.Ballot, o.Prior, o.Value, o.Value, o.Prior),
				c.acceptedBy(node, o.Instance))
		}
	}
	if prev := c.highestBallot(node, o.Instance); o.Ballot.Less(prev) {
		c.violate(PromiseMonotonicity, "promise-lowered", o.Instance,
			fmt.Sprintf("node %d promises %s after promising or accepting %s", node, o.Ballot, prev))
	}
	if h, _ := c.voted.get(node, o.Instance); o.Prior.Less(h) {
		if _, chosen := c.chosen.get(0, o.Instance); !chosen {
			c.violate(PromiseIntegrity, "promise-omits-vote", o.Instance, omitsVote(node, o, h), c.acceptedBy(node, o.Instance))
		}
	}
	c.raise(node, o)
}

// omitsVote words a promise o of node that reports less than its latest
// vote, at ballot voted: a vote it lost (reported before it was durable,
// or not synced) or left out, which a proposer counting on the promise
// cannot see. (Once the instance is chosen an acceptor may report the
// chosen value under another ballot, or forget it as a decided slot: the
// other checks judge that.)
func omitsVote(node int, o Observation, voted Ballot) string {
	reported := "nothing accepted"
	if !o.Prior.IsZero() || o.Value != None {
		reported = fmt.Sprintf("(%s, %s) accepted", o.Prior, o.Value)
	}
	return fmt.Sprintf("node %d promises %s reporting %s, but it accepted at %s there: a promise reports the acceptor's latest vote, "+
		"or the proposer may choose another value over it", node, o.Ballot, reported, voted)
}

// kept checks that an accept respects the acceptor's promise for every
// instance (PromiseKept). It is judged against whole-log promises only: a
// single-decree acceptor that accepts below its promise (the variant
// accept-below-promise) is left to break agreement, which is what the
// property suites and the explorer are shown to find.
func (c *Safety) kept(node int, o Observation) {
	if node < 0 || node >= len(c.floor) {
		return
	}
	if prev := c.floor[node]; o.Ballot.Less(prev) {
		c.violate(PromiseKept, "accepts-below-promise", o.Instance,
			fmt.Sprintf("node %d accepts (%s, %s) after promising %s for every instance", node, o.Ballot, o.Value, prev),
			c.acceptedBy(node, o.Instance))
	}
}

// highestBallot is the highest ballot node promised or accepted in
// instance, zero for none.
func (c *Safety) highestBallot(node int, instance int64) Ballot {
	b, _ := c.highest.get(node, instance)
	if node >= 0 && node < len(c.floor) && b.Less(c.floor[node]) {
		b = c.floor[node]
	}
	return b
}

// raise records that node promised or accepted o.Ballot.
func (c *Safety) raise(node int, o Observation) {
	if !c.highestBallot(node, o.Instance).Less(o.Ballot) {
		return
	}
	c.highest.set(node, o.Instance, o.Ballot)
}

// oneValue checks that o's ballot carries no other value than the one it
// was first proposed or accepted with (OneValuePerBallot).
func (c *Safety) oneValue(node int, o Observation) {
	if i := c.findBallot(o.Instance, o.Ballot); i >= 0 {
		b := &c.ballots[i]
		if b.value != o.Value {
			c.violate(OneValuePerBallot, "ballot-two-values", o.Instance,
				fmt.Sprintf("ballot %s carries two values: %s and %s", o.Ballot, b.value, o.Value),
				fmt.Sprintf("node %d %s: (%s, %s)", b.node, b.kind, b.ballot, b.value),
				fmt.Sprintf("node %d %s", node, o))
		}
		return
	}
	c.ballots = append(c.ballots, ballotValue{instance: o.Instance, ballot: o.Ballot, value: o.Value, node: node, kind: o.Kind})
	if top, _ := c.top.get(0, o.Instance); top.Less(o.Ballot) {
		c.top.set(0, o.Instance, o.Ballot)
	}
}

// safeProposal checks that o, a proposal or an accept, carries the value
// chosen in its instance if its ballot is above the one that chose it
// (SafeProposal).
func (c *Safety) safeProposal(node int, o Observation) {
	if ch, ok := c.chosen.get(0, o.Instance); ok && ch.Ballot.Less(o.Ballot) && ch.Value != o.Value {
		c.unsafeProposal(ch, ballotValue{instance: o.Instance, ballot: o.Ballot, value: o.Value, node: node, kind: o.Kind})
	}
}

// proposedAbove checks, as ch becomes the choice of its instance, the
// values already proposed or accepted there at ballots above ch's
// (SafeProposal): the choice may complete after a higher ballot's
// proposal, which must then carry its value too.
func (c *Safety) proposedAbove(ch Choice, instance int64) {
	if top, _ := c.top.get(0, instance); !ch.Ballot.Less(top) {
		return
	}
	for _, b := range c.ballots {
		if b.instance == instance && ch.Ballot.Less(b.ballot) && b.value != ch.Value {
			c.unsafeProposal(ch, b)
			return
		}
	}
}

// unsafeProposal reports b, a value proposed or accepted above the ballot
// of ch, the choice of its instance, that is not ch's value.
func (c *Safety) unsafeProposal(ch Choice, b ballotValue) {
	verb, check := "proposes", "proposes-other-than-chosen"
	if b.kind == Accepted {
		verb, check = "accepts", "accepts-other-than-chosen"
	}
	c.violate(SafeProposal, check, b.instance,
		fmt.Sprintf("node %d %s %s at ballot %s, above ballot %s, which chose %s: a value chosen at a ballot binds every higher one",
			b.node, verb, chosenValue(b.value), b.ballot, ch.Ballot, chosenValue(ch.Value)),
		c.choiceEvidence(ch))
}

// acceptedBy lists what node accepted in instance, as evidence.
func (c *Safety) acceptedBy(node int, instance int64) string {
	var parts []string
	for _, v := range c.votes {
		if v.instance == instance && v.voters&(1<<uint(node)) != 0 {
			parts = append(parts, fmt.Sprintf("(%s, %s)", v.ballot, v.value))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("node %d accepted nothing", node)
	}
	return fmt.Sprintf("node %d accepted %s", node, strings.Join(parts, ", "))
}

func (c *Safety) accepted(node int, o Observation) {
	i := c.findVote(o.Instance, o.Ballot, o.Value)
	if i < 0 {
		c.oneValue(node, o) // a (ballot, value) not seen accepted yet
		c.votes = append(c.votes, vote{instance: o.Instance, ballot: o.Ballot, value: o.Value, view: o.State})
		i = len(c.votes) - 1
	}
	v := &c.votes[i]
	v.voters |= 1 << uint(node)
	if h, _ := c.voted.get(node, o.Instance); h.Less(o.Ballot) {
		c.voted.set(node, o.Instance, o.Ballot)
	}
	// A phase-2 quorum (a majority, by default) of the acceptors, or, for
	// an entry of a configuration (Multi-Paxos views), of its members.
	if !c.quorumOf(v.voters, o.State) {
		return
	}
	prev, ok := c.chosen.get(0, o.Instance)
	if !ok {
		c.chosen.set(0, o.Instance, Choice{Value: o.Value, Ballot: o.Ballot, Voters: v.voters, View: o.State, Time: c.now})
		c.proposedAbove(Choice{Value: o.Value, Ballot: o.Ballot, Voters: v.voters, View: o.State}, o.Instance)
		at, ok := c.invoked[o.Value]
		switch {
		case !ok:
			c.violate(Validity, "chosen-unproposed", o.Instance, fmt.Sprintf("%s is chosen but no client proposed it", o.Value),
				c.choiceEvidence(Choice{Value: o.Value, Ballot: o.Ballot, Voters: v.voters, View: o.State}))
		case at > c.now:
			c.violate(Validity, "chosen-before-proposed", o.Instance, fmt.Sprintf("%s is chosen at t=%d, before its client proposed it at t=%d", o.Value, c.now, at),
				c.choiceEvidence(Choice{Value: o.Value, Ballot: o.Ballot, Voters: v.voters, View: o.State}))
		}
		return
	}
	if prev.Value != o.Value {
		c.violate(Agreement, "two-values-chosen", o.Instance, fmt.Sprintf("two values chosen: %s and %s", chosenValue(prev.Value), chosenValue(o.Value)),
			c.choiceEvidence(prev),
			c.choiceEvidence(Choice{Value: o.Value, Ballot: o.Ballot, Voters: v.voters, View: o.State}))
	}
}

// learn checks a learner's claim: it learns one value per instance
// (LearnerIntegrity), a value that is chosen (LearnerIntegrity), and, if
// it names the ballot, chosen in that ballot (ChosenIntegrity). Learning
// the same value again (a learner that kept it in memory only, after a
// restart) is no violation: only another value is.
func (c *Safety) learn(node int, o Observation) {
	defer c.claimed(node, o)
	if prev, ok := c.learned.get(node, o.Instance); ok {
		if prev != o.Value {
			c.violate(LearnerIntegrity, "learns-twice", o.Instance, fmt.Sprintf("node %d learns a second time: %s after %s", node, o.Value, prev))
		}
		return
	}
	c.learned.set(node, o.Instance, o.Value)
	ch, ok := c.chosen.get(0, o.Instance)
	switch {
	case !ok:
		c.violate(LearnerIntegrity, "learns-unchosen", o.Instance, fmt.Sprintf("node %d learns %s, but no value is chosen", node, o.Value),
			c.acceptorEvidence(o.Instance)...)
	case ch.Value != o.Value:
		c.violate(LearnerIntegrity, "learns-other-than-chosen", o.Instance, fmt.Sprintf("node %d learns %s, but %s is chosen", node, chosenValue(o.Value), chosenValue(ch.Value)),
			c.choiceEvidence(ch))
	}
}

func (c *Safety) choiceEvidence(ch Choice) string {
	if ch.View != 0 {
		return fmt.Sprintf("%s chosen at ballot %s: accepted by {%s}, a majority of view {%s} (%d of %d)",
			chosenValue(ch.Value), ch.Ballot, formatMask(ch.Voters&ch.View), formatMask(ch.View), bits.OnesCount64(ch.Voters&ch.View), bits.OnesCount64(ch.View))
	}
	if c.acceptors != 0 {
		return fmt.Sprintf("%s chosen at ballot %s: accepted by {%s}, a majority of the acceptors {%s} (%d of %d)",
			chosenValue(ch.Value), ch.Ballot, formatMask(ch.Voters), formatMask(c.acceptors), bits.OnesCount64(ch.Voters&c.acceptors), bits.OnesCount64(c.acceptors))
	}
	return fmt.Sprintf("%s chosen at ballot %s: accepted by {%s}, a majority (%d of %d)",
		chosenValue(ch.Value), ch.Ballot, formatMask(ch.Voters), bits.OnesCount64(ch.Voters), c.nodes)
}

// acceptorEvidence lists every (ballot, value) accepted in instance, in the
// order first accepted.
func (c *Safety) acceptorEvidence(instance int64) []string {
	var out []string
	for _, v := range c.votes {
		if v.instance == instance {
			out = append(out, fmt.Sprintf("(%s, %s) accepted by {%s}", v.ballot, v.value, formatMask(v.voters)))
		}
	}
	if len(out) == 0 {
		out = append(out, "no acceptor accepted anything")
	}
	return out
}

// chosenValue renders a chosen value; the absent value is only ever
// chosen as a Multi-Paxos leader's gap-filling no-op.
func chosenValue(v Value) string {
	if v == None {
		return "noop"
	}
	return v.String()
}

func formatMask(mask uint64) string {
	var parts []string
	for m := mask; m != 0; m &= m - 1 {
		parts = append(parts, strconv.Itoa(bits.TrailingZeros64(m)))
	}
	return strings.Join(parts, ",")
}

// appliesChosen checks that a replica applies, at an instance, the value
// chosen there (LearnerIntegrity): applying is a claim that it is chosen,
// with no ballot named, judged against the acceptors' votes as a Learned
// is. A no-op (None) claims only that something is chosen there: a
// protocol may report its no-op by another value (Info.NoOps).
func (c *Safety) appliesChosen(node int, o Observation) {
	ch, ok := c.chosen.get(0, o.Instance)
	switch {
	case !ok:
		c.violate(LearnerIntegrity, "applies-unchosen", o.Instance, fmt.Sprintf("node %d applies %s at instance %d, but nothing is chosen there", node, chosenValue(o.Value), o.Instance),
			c.acceptorEvidence(o.Instance)...)
	case o.Value != None && ch.Value != o.Value:
		c.violate(LearnerIntegrity, "applies-other-than-chosen", o.Instance, fmt.Sprintf("node %d applies %s at instance %d, but %s is chosen there", node, chosenValue(o.Value), o.Instance, chosenValue(ch.Value)),
			c.choiceEvidence(ch))
	}
}
