package checker

// This file keeps the naive reference for naiveSafety: the checker as it was
// before its votes and ballots were indexed, scanning every naiveVote of every
// instance at each observation (quadratic in a run's length). The rapid
// property TestSafetyMatchesNaive checks the indexed checker against it on
// random observation streams: same verdicts, same violations, same
// choices. Only its lookups are naive; the rest is the checker's logic as
// it was, so that any difference is the index's.

import (
	"fmt"
	"math/bits"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// naiveVote gathers the acceptors that accepted one (ballot, value) in one
// instance.
type naiveVote struct {
	instance int64
	ballot   Ballot
	value    Value
	voters   uint64
	view     uint64
}

// naiveBallotValue is the one value that a ballot of one instance carries.
type naiveBallotValue struct {
	instance int64
	ballot   Ballot
	value    Value
	node     int  // who first proposed or accepted it, for evidence
	kind     Kind // Proposed or Accepted
}

// naiveSafety checks agreement, validity, learner integrity and the early
// checks at every observation. The zero value is not usable; call newNaiveSafety.
type naiveSafety struct {
	nodes  int
	quorum int

	votes   []naiveVote
	ballots []naiveBallotValue // the value of each (instance, ballot) proposed or accepted
	// The highest ballot each acceptor promised or accepted, per instance:
	// by node id for instance 0 (the only one of single-decree Paxos, on
	// the hot path), in a map for the others.
	highest0 []Ballot
	highest  map[learnKey]Ballot
	floor    []Ballot // by node id: the ballot promised for every instance
	chosen   map[int64]Choice
	views    map[int64]viewStamp // each instance's first view
	invoked  map[Value]int64     // when each value's client first asked
	learned  map[learnKey]Value
	violated *Violation
	all      []Violation // the first violation of each property
	now      int64
	event    int64
}

// newNaiveSafety returns a checker for a cluster of nodes acceptors, where a
// quorum is a majority.
func newNaiveSafety(nodes int) *naiveSafety {
	return &naiveSafety{
		nodes:    nodes,
		quorum:   nodes/2 + 1,
		chosen:   make(map[int64]Choice),
		views:    make(map[int64]viewStamp),
		invoked:  make(map[Value]int64),
		learned:  make(map[learnKey]Value),
		highest0: make([]Ballot, nodes+1),
		highest:  make(map[learnKey]Ballot),
		floor:    make([]Ballot, nodes+1),
	}
}

// At sets the virtual time and event index that the next observations are
// stamped with. An Invoked observation is stamped with its invoke time,
// which may lie ahead: a value chosen before then breaks validity.
func (c *naiveSafety) At(now, event int64) { c.now, c.event = now, event }

// Violation returns the first violation found, or nil.
func (c *naiveSafety) Violation() *Violation { return c.violated }

// Chosen returns the value chosen in instance, if any.
func (c *naiveSafety) Chosen(instance int64) (Choice, bool) {
	ch, ok := c.chosen[instance]
	return ch, ok
}

// Learned returns what node learned in instance, if anything.
func (c *naiveSafety) Learned(node int, instance int64) (Value, bool) {
	v, ok := c.learned[learnKey{node, instance}]
	return v, ok
}

// Observe checks one observation reported by node. After the first
// violation it keeps recording but reports nothing new.
func (c *naiveSafety) Observe(node int, o Observation) {
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

// promised checks a promise: it reports what its acceptor accepted
// (PromiseIntegrity) and does not go below an earlier promise or accept
// (PromiseMonotonicity).
func (c *naiveSafety) promised(node int, o Observation) {
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
	voted := Ballot{}
	for _, v := range c.votes {
		if v.instance == o.Instance && v.voters&(1<<uint(node)) != 0 && voted.Less(v.ballot) {
			voted = v.ballot
		}
	}
	if _, chosen := c.chosen[o.Instance]; !chosen && o.Prior.Less(voted) {
		c.violate(PromiseIntegrity, "promise-omits-vote", o.Instance, omitsVote(node, o, voted), c.acceptedBy(node, o.Instance))
	}
	c.raise(node, o)
}

// kept checks that an accept respects the acceptor's promise for every
// instance (PromiseKept). It is judged against whole-log promises only: a
// single-decree acceptor that accepts below its promise (the variant
// accept-below-promise) is left to break agreement, which is what the
// property suites and the explorer are shown to find.
func (c *naiveSafety) kept(node int, o Observation) {
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
func (c *naiveSafety) highestBallot(node int, instance int64) Ballot {
	var b Ballot
	if instance == 0 && node >= 0 && node < len(c.highest0) {
		b = c.highest0[node]
	} else {
		b = c.highest[learnKey{node, instance}]
	}
	if node >= 0 && node < len(c.floor) && b.Less(c.floor[node]) {
		b = c.floor[node]
	}
	return b
}

// raise records that node promised or accepted o.Ballot.
func (c *naiveSafety) raise(node int, o Observation) {
	if !c.highestBallot(node, o.Instance).Less(o.Ballot) {
		return
	}
	if o.Instance == 0 && node >= 0 && node < len(c.highest0) {
		c.highest0[node] = o.Ballot
		return
	}
	c.highest[learnKey{node, o.Instance}] = o.Ballot
}

// oneValue checks that o's ballot carries no other value than the one it
// was first proposed or accepted with (OneValuePerBallot).
func (c *naiveSafety) oneValue(node int, o Observation) {
	for i := len(c.ballots) - 1; i >= 0; i-- {
		b := &c.ballots[i]
		if b.ballot != o.Ballot || b.instance != o.Instance {
			continue
		}
		if b.value != o.Value {
			c.violate(OneValuePerBallot, "ballot-two-values", o.Instance,
				fmt.Sprintf("ballot %s carries two values: %s and %s", o.Ballot, b.value, o.Value),
				fmt.Sprintf("node %d %s: (%s, %s)", b.node, b.kind, b.ballot, b.value),
				fmt.Sprintf("node %d %s", node, o))
		}
		return
	}
	c.ballots = append(c.ballots, naiveBallotValue{instance: o.Instance, ballot: o.Ballot, value: o.Value, node: node, kind: o.Kind})
}

// safeProposal checks that a proposal or accept above the ballot that
// chose its instance's value carries that value (SafeProposal).
func (c *naiveSafety) safeProposal(node int, o Observation) {
	if ch, ok := c.chosen[o.Instance]; ok && ch.Ballot.Less(o.Ballot) && ch.Value != o.Value {
		c.unsafeProposal(ch, naiveBallotValue{instance: o.Instance, ballot: o.Ballot, value: o.Value, node: node, kind: o.Kind})
	}
}

func (c *naiveSafety) unsafeProposal(ch Choice, b naiveBallotValue) {
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
func (c *naiveSafety) acceptedBy(node int, instance int64) string {
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

func (c *naiveSafety) accepted(node int, o Observation) {
	i := c.findVote(o.Instance, o.Ballot, o.Value)
	if i < 0 {
		c.oneValue(node, o) // a (ballot, value) not seen accepted yet
		c.votes = append(c.votes, naiveVote{instance: o.Instance, ballot: o.Ballot, value: o.Value, view: o.State})
		i = len(c.votes) - 1
	}
	v := &c.votes[i]
	v.voters |= 1 << uint(node)
	// A majority of the cluster, or, for an entry of a configuration
	// (Multi-Paxos views), a majority of its members.
	quorum, votes := c.quorum, bits.OnesCount64(v.voters)
	if o.State != 0 {
		quorum, votes = bits.OnesCount64(o.State)/2+1, bits.OnesCount64(v.voters&o.State)
	}
	if votes < quorum {
		return
	}
	prev, ok := c.chosen[o.Instance]
	if !ok {
		c.chosen[o.Instance] = Choice{Value: o.Value, Ballot: o.Ballot, Voters: v.voters, View: o.State, Time: c.now}
		for _, b := range c.ballots { // a higher ballot's value, proposed before the choice completed
			if b.instance == o.Instance && o.Ballot.Less(b.ballot) && b.value != o.Value {
				c.unsafeProposal(Choice{Value: o.Value, Ballot: o.Ballot, Voters: v.voters, View: o.State}, b)
				break
			}
		}
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

func (c *naiveSafety) findVote(instance int64, b Ballot, val Value) int {
	for i := range c.votes {
		v := &c.votes[i]
		if v.ballot == b && v.value == val && v.instance == instance {
			return i
		}
	}
	return -1
}

func (c *naiveSafety) learn(node int, o Observation) {
	defer c.claimed(node, o)
	key := learnKey{node, o.Instance}
	if prev, ok := c.learned[key]; ok {
		if prev == o.Value {
			return // the same value again: no breach
		}
		c.violate(LearnerIntegrity, "learns-twice", o.Instance, fmt.Sprintf("node %d learns a second time: %s after %s", node, o.Value, prev))
		return
	}
	c.learned[key] = o.Value
	ch, ok := c.chosen[o.Instance]
	switch {
	case !ok:
		c.violate(LearnerIntegrity, "learns-unchosen", o.Instance, fmt.Sprintf("node %d learns %s, but no value is chosen", node, o.Value),
			c.acceptorEvidence(o.Instance)...)
	case ch.Value != o.Value:
		c.violate(LearnerIntegrity, "learns-other-than-chosen", o.Instance, fmt.Sprintf("node %d learns %s, but %s is chosen", node, chosenValue(o.Value), chosenValue(ch.Value)),
			c.choiceEvidence(ch))
	}
}

// members is the member set of a State, every node for 0.
func (c *naiveSafety) members(state uint64) uint64 {
	if state != 0 {
		return state
	}
	var all uint64
	for n := 1; n <= c.nodes; n++ {
		all |= 1 << uint(n)
	}
	return all
}

func (c *naiveSafety) stamped(node int, o Observation) {
	view := c.members(o.State)
	first, ok := c.views[o.Instance]
	if !ok {
		c.views[o.Instance] = viewStamp{view: view, node: node, kind: o.Kind, ballot: o.Ballot, value: o.Value}
		return
	}
	if first.view != view {
		c.violate(ViewIntegrity, "instance-two-views", o.Instance,
			fmt.Sprintf("instance %d carries two views: {%s} and {%s}", o.Instance, formatMask(first.view), formatMask(view)),
			fmt.Sprintf("node %d %s (%s, %s) in view {%s}", first.node, first.kind, first.ballot, chosenValue(first.value), formatMask(first.view)),
			fmt.Sprintf("node %d %s (%s, %s) in view {%s}", node, o.Kind, o.Ballot, chosenValue(o.Value), formatMask(view)))
	}
}

func (c *naiveSafety) claimed(node int, o Observation) {
	if o.Ballot.IsZero() {
		return
	}
	var voters uint64
	view := c.members(0)
	if first, ok := c.views[o.Instance]; ok {
		view = first.view
	}
	if i := c.findVote(o.Instance, o.Ballot, o.Value); i >= 0 {
		voters, view = c.votes[i].voters, c.members(c.votes[i].view)
	}
	if bits.OnesCount64(voters&view) >= bits.OnesCount64(view)/2+1 {
		return
	}
	var evidence []string
	for _, v := range c.votes {
		if v.instance == o.Instance && v.ballot == o.Ballot {
			evidence = append(evidence, fmt.Sprintf("(%s, %s) accepted by {%s}", v.ballot, chosenValue(v.value), formatMask(v.voters)))
		}
	}
	if len(evidence) == 0 {
		evidence = append(evidence, fmt.Sprintf("no acceptor accepted anything at ballot %s", o.Ballot))
	}
	c.violate(ChosenIntegrity, "chosen-without-majority", o.Instance,
		fmt.Sprintf("node %d claims %s chosen at ballot %s, but only {%s} of view {%s} accepted it there (%d of %d)",
			node, chosenValue(o.Value), o.Ballot, formatMask(voters&view), formatMask(view), bits.OnesCount64(voters&view), bits.OnesCount64(view)),
		evidence...)
}

func (c *naiveSafety) violate(p Property, check string, instance int64, msg string, evidence ...string) {
	for _, v := range c.all {
		if v.Property == p {
			return // the first violation of each property is the one to see
		}
	}
	c.all = append(c.all, Violation{Property: p, Check: check, Time: c.now, Event: c.event, Instance: instance, Message: msg, Evidence: evidence})
	if c.violated == nil {
		c.violated = &c.all[0]
	}
}

// Violations returns the first violation of each property, in the order
// they happened. A run stops at the first; a scenario that goes on past it
// (to show an early check and the broken agreement it announced) sees all.
func (c *naiveSafety) Violations() []Violation { return c.all }

func (c *naiveSafety) choiceEvidence(ch Choice) string {
	if ch.View != 0 {
		return fmt.Sprintf("%s chosen at ballot %s: accepted by {%s}, a majority of view {%s} (%d of %d)",
			chosenValue(ch.Value), ch.Ballot, formatMask(ch.Voters&ch.View), formatMask(ch.View), bits.OnesCount64(ch.Voters&ch.View), bits.OnesCount64(ch.View))
	}
	return fmt.Sprintf("%s chosen at ballot %s: accepted by {%s}, a majority (%d of %d)",
		chosenValue(ch.Value), ch.Ballot, formatMask(ch.Voters), bits.OnesCount64(ch.Voters), c.nodes)
}

// acceptorEvidence lists every (ballot, value) accepted in instance, in the
// order first accepted.
func (c *naiveSafety) acceptorEvidence(instance int64) []string {
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

// CheckLiveness judges single-decree liveness at the end of the grace
// period that followed the heal: a value must be chosen, and every node in
// live must have learned it. healAt and deadline are virtual times, for the
// message. It returns nil when the property holds.
func (c *naiveSafety) CheckLiveness(live []int, healAt, deadline int64) *Violation {
	v := &Violation{Property: Liveness, Time: c.now, Event: c.event}
	ch, ok := c.chosen[0]
	if !ok {
		v.Check = "not-chosen"
		v.Message = fmt.Sprintf("no value chosen by t=%d, %d ticks after every fault healed at t=%d",
			deadline, deadline-healAt, healAt)
		v.Evidence = c.acceptorEvidence(0)
		return v
	}
	var missing []string
	for _, n := range live {
		if _, ok := c.learned[learnKey{n, 0}]; !ok {
			missing = append(missing, fmt.Sprint(n))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	v.Check = "not-learned"
	v.Message = fmt.Sprintf("%s chosen, but node(s) %s had not learned it by t=%d, %d ticks after the heal at t=%d",
		ch.Value, strings.Join(missing, ","), deadline, deadline-healAt, healAt)
	v.Evidence = []string{c.choiceEvidence(ch)}
	return v
}

// TestSafetyMatchesNaive checks the indexed checker against the naive one
// on random observation streams, violating ones included (few values,
// ballots and instances, so that ballots carry two values, promises report
// what was never accepted and two values get chosen): after every
// observation both report the same violations, and at the end the same
// choices, learned values and liveness verdict. The index is exercised
// from its first entry (scanMax 0) and past a scan, and across clones, one
// of them into a checker whose stale index must not leak into the copy; a
// checker reset after another run must judge as a new one.
func TestSafetyMatchesNaive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nodes := rapid.IntRange(1, 5).Draw(t, "nodes")
		c, naive := NewSafety(nodes), newNaiveSafety(nodes)
		if rapid.Bool().Draw(t, "reused") {
			// A checker that judged another cluster's run first, then
			// was reset for this one.
			c = NewSafety(rapid.IntRange(1, 7).Draw(t, "formerNodes"))
			for range rapid.IntRange(0, 100).Draw(t, "formerSteps") {
				s := drawStep(t, 7)
				c.Observe(s.node, s.o)
			}
			c.Reset(nodes)
		}
		c.scanMax = rapid.SampledFrom([]int{0, 1, 4, scanMax}).Draw(t, "scanMax")
		// The first clone's target: a checker of another stream, whose
		// index the copy must not inherit.
		spare := NewSafety(nodes)
		spare.scanMax = c.scanMax
		for range rapid.IntRange(0, 100).Draw(t, "spareSteps") {
			s := drawStep(t, nodes)
			spare.Observe(s.node, s.o)
		}
		steps := rapid.IntRange(1, 300).Draw(t, "steps")
		for i := range steps {
			s := drawStep(t, nodes)
			now := int64(rapid.IntRange(0, 1000).Draw(t, "now"))
			c.At(now, int64(i))
			naive.At(now, int64(i))
			c.Observe(s.node, s.o)
			naive.Observe(s.node, s.o)
			if a, b := c.Violations(), naive.Violations(); (len(a) > 0 || len(b) > 0) && !reflect.DeepEqual(a, b) {
				t.Fatalf("after %s by node %d:\nindexed %v\nnaive   %v", s.o, s.node, c.Violations(), naive.Violations())
			}
			if (c.Violation() == nil) != (naive.Violation() == nil) {
				t.Fatalf("after %s by node %d: Violation %v, naive %v", s.o, s.node, c.Violation(), naive.Violation())
			}
			if rapid.IntRange(0, 30).Draw(t, "clone") == 0 {
				spare, c = c, c.CloneInto(spare)
			}
		}
		sameOutcome(t, nodes, c, naive)
	})
}

// sameOutcome compares what the two checkers chose, learned and judge of
// liveness.
func sameOutcome(t *rapid.T, nodes int, c *Safety, naive *naiveSafety) {
	live := make([]int, 0, nodes)
	for n := 1; n <= nodes; n++ {
		live = append(live, n)
	}
	if a, b := c.CheckLiveness(live, 10, 20), naive.CheckLiveness(live, 10, 20); !reflect.DeepEqual(a, b) {
		t.Fatalf("liveness %v, naive %v", a, b)
	}
	for _, i := range drawnInstances {
		a, aok := c.Chosen(i)
		b, bok := naive.Chosen(i)
		if a != b || aok != bok {
			t.Fatalf("instance %d: chosen %+v %v, naive %+v %v", i, a, aok, b, bok)
		}
		for n := 0; n <= nodes; n++ {
			a, aok := c.Learned(n, i)
			b, bok := naive.Learned(n, i)
			if a != b || aok != bok {
				t.Fatalf("node %d instance %d: learned %v %v, naive %v %v", n, i, a, aok, b, bok)
			}
		}
	}
}

// drawnInstances are the instances streams use: mostly a few, so that
// observations collide, and some far out (kept apart from the dense ones).
var drawnInstances = []int64{0, 1, 2, 3, 0, 1, 2, 3, denseReach + 7, 1 << 40, -1}

// drawStep draws one observation of a small cluster: few instances,
// ballots and values, so that streams collide and break properties.
func drawStep(t *rapid.T, nodes int) step {
	ballot := func(label string) Ballot {
		r := rapid.IntRange(0, 4).Draw(t, label+"Round")
		if r == 0 {
			return Ballot{}
		}
		return Ballot{Round: uint32(r), Node: int32(rapid.IntRange(1, nodes).Draw(t, label+"Node"))}
	}
	o := Observation{
		Kind:     rapid.SampledFrom([]Kind{Invoked, Proposed, Promised, Accepted, Accepted, Learned, Applied}).Draw(t, "kind"),
		Instance: rapid.SampledFrom(drawnInstances).Draw(t, "instance"),
		Ballot:   ballot("ballot"),
		Value:    Value(rapid.IntRange(0, 4).Draw(t, "value")),
	}
	switch o.Kind {
	case Invoked:
		o.Client = int(o.Value)
	case Promised:
		o.Prior = ballot("prior")
		o.AllInstances = rapid.IntRange(0, 3).Draw(t, "all") == 0
	case Proposed, Accepted:
		if rapid.Bool().Draw(t, "view") {
			o.State = rapid.Uint64Range(1, 1<<uint(nodes+1)-1).Draw(t, "members") &^ 1
		}
	}
	node := rapid.IntRange(0, nodes+1).Draw(t, "node") // 0 and nodes+1: out of the cluster
	if o.Kind == Invoked {
		node = 0
	}
	return step{node, o}
}

// appliesChosen checks that a replica applies, at an instance, the value
// chosen there (LearnerIntegrity): applying is a claim that it is chosen,
// with no ballot named, judged against the acceptors' votes as a Learned
// is. A no-op (None) claims only that something is chosen there: a
// protocol may report its no-op by another value (Info.NoOps).
func (c *naiveSafety) appliesChosen(node int, o Observation) {
	ch, ok := c.chosen[o.Instance]
	switch {
	case !ok:
		c.violate(LearnerIntegrity, "applies-unchosen", o.Instance, fmt.Sprintf("node %d applies %s at instance %d, but nothing is chosen there", node, chosenValue(o.Value), o.Instance),
			c.acceptorEvidence(o.Instance)...)
	case o.Value != None && ch.Value != o.Value:
		c.violate(LearnerIntegrity, "applies-other-than-chosen", o.Instance, fmt.Sprintf("node %d applies %s at instance %d, but %s is chosen there", node, chosenValue(o.Value), o.Instance, chosenValue(ch.Value)),
			c.choiceEvidence(ch))
	}
}
