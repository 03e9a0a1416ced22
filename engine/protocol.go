package engine

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// Protocol is everything the harness needs from a Paxos implementation:
// the adapter a user writes to put their own code under every paxsim verb.
// M is the implementation's message type and D its durable state; nodes
// report what they do as checker.Observation values (the observation
// contract, checker.Contract, says which and when).
//
// paxsim's own single-decree Paxos and Multi-Paxos are two adapters of
// this interface (packages adapter/paxos and adapter/multipaxos),
// registered with harness.New exactly as a user's is.
type Protocol[M sim.Message, D any] interface {
	// Info describes the protocol: its name, variants, knobs, workload
	// and the properties that apply to it. It is called once, when the
	// protocol is bound (harness.New), and must not change.
	Info() Info
	// NewNodes returns the node factory of one run: NewNode(id, durable)
	// builds node id from what it last persisted (D's zero value at
	// first boot). A bad Setup (an unknown variant or a bad parameter)
	// returns an error naming it.
	NewNodes(s Setup) (sim.NewNode[M, D, checker.Observation], error)
	// Request turns a client's operation into the message a client sends
	// a replica, and the Value under which the replicas will report the
	// command in their Proposed and Accepted observations (what validity
	// checks a chosen value against). It is called again, with the same
	// Request, when the client retries: it must return the same message.
	Request(r Request) (M, checker.Value)
	// Answer recognises a client's answer among a node's observations:
	// the operation it answers (client and sequence number) and what it
	// returned. A replica answers a client with a checker.Returned
	// observation (the observation contract), and the engine asks Answer
	// of those only; ok is false for one that answers no client.
	Answer(o checker.Observation) (a Answer, ok bool)
	// DescribeDurable words a node's durable state for readable traces,
	// diagrams and scenario printouts, on one line.
	DescribeDurable(d D) string
}

// Info is a protocol's static description.
type Info struct {
	// Name is what --protocol selects: lower case, no spaces.
	Name string
	// Summary says what the protocol is, in one line, for help text.
	Summary string
	// Variants are the protocol's named, deliberate bugs, which paxsim
	// mutants must catch. The correct protocol, Correct ("none"), is
	// implicit and must not be listed.
	Variants []Variant
	// Knobs are the protocol's own parameters (a pipeline window, say):
	// each becomes a flag, a key of Config.Params and, when it has a Draw,
	// a knob of swarm testing.
	Knobs []Knob
	// Workload is what the clients do.
	Workload Workload
	// Properties are the checks that apply, the rest being switched off:
	// a protocol with no dedup table leaves out checker.ExactlyOnce, say.
	// nil means every property the observations allow.
	Properties checker.Properties
	// Timers names the timer tags, by tag, for scenario scripts ("timer 2
	// election") and the diagrams; a tag without a name is written as its
	// number.
	Timers []string
	// NoOps are values the protocol may choose that no client proposed: a
	// new leader's gap filler. Validity accepts them.
	NoOps []checker.Value
	// Assertions declares the assertions the protocol's code makes
	// (Assertion): what a campaign requires some run to reach or hold.
	Assertions []Assertion
	// CatchUp, for a replicated log, is the most chosen entries one
	// catch-up reply carries: the coverage then asks for a replica that
	// fell further behind and caught up (caught_up_past_catchup_window).
	// 0 asks for none. A knob marked Knob.CatchUp sets it per run
	// (Info.CatchUpOf).
	CatchUp int
	// Roles, for a protocol whose proposers, acceptors and learners are
	// separate nodes, says which nodes of a cluster of nodes play which
	// part (Roles): quorums are then majorities of the acceptors (or
	// Quorums' sets of them), clients ask proposers, and liveness waits
	// for learners. It must give every part a node for every cluster size
	// a run may have: those Nodes lists (a swarm draws among them), or 3
	// to 5 when Nodes is nil. nil means every node plays every part.
	Roles func(nodes int) Roles
	// Nodes are the cluster sizes the protocol is run at: the first is
	// the default of --nodes (of run, campaign and check), and a swarm
	// draws among them, a size listed twice twice as often. nil means 3,
	// 3, 3, 4, 5, 5 (3 by default) for runs and campaigns, but 1 to 5 for
	// paxtest's property suites (Properties, Fuzz: Options.MaxNodes): a
	// protocol that cannot decide on one or two replicas (a leader that
	// counts its own vote only when a peer's reply arrives) lists its
	// sizes. A protocol whose roles are separate nodes lists sizes that
	// give each role enough nodes to duel.
	Nodes []int
	// Quorums, for a protocol whose quorums are not majorities of the
	// acceptors (Flexible Paxos's phase-1 and phase-2 quorums, say): the
	// safety checker takes a value as chosen by a phase-2 quorum, and the
	// liveness phase heals a core that holds a quorum of each phase. The
	// zero value is majorities.
	Quorums checker.Quorums
	// QuorumsOf, when set, gives a run's quorums from its setup, in place
	// of Quorums: for a protocol whose quorum sizes are a setting (a knob
	// of Setup.Params, Flexible Paxos's phase-2 quorum say). Info.QuorumsIn
	// is a run's quorums either way.
	QuorumsOf func(s Setup) checker.Quorums
}

// QuorumsIn is the quorums of a run with setup s: QuorumsOf's, or
// Quorums.
func (info *Info) QuorumsIn(s Setup) checker.Quorums {
	if info.QuorumsOf != nil {
		return info.QuorumsOf(s)
	}
	return info.Quorums
}

// Correct is the variant name of the correct protocol.
const Correct = "none"

// Variant is a named, deliberate bug of a protocol.
type Variant struct {
	Name    string
	Summary string           // what the deviation is, in one line
	Breaks  checker.Property // the property it is expected to break first
}

// Setup is what one run's nodes are built for.
type Setup struct {
	Nodes   int
	Variant string // Correct or one of Info.Variants
	// MaxDelay is the top of the run's delay range (--delay MIN-MAX), in
	// ticks: what a protocol's timeouts should scale with (a retry sooner
	// than a round trip only duels). It is not a bound on every delay:
	// with a long tail (--delay tail:MIN-MAX) one delay in ten gets up to
	// 9*MaxDelay more, a slowed receiver's delays are multiplied by its
	// factor, and the long-delay fault holds a message past elections. A
	// protocol must stay safe whatever the delays, and live once faults
	// heal, within the liveness bound (LivenessBound). Under
	// Config.Mistune the network's delays are that many times longer than
	// MaxDelay says: timers scaled with it fire before a round trip.
	MaxDelay sim.Time
	// Params holds the values of Info.Knobs, by name, each validated by
	// its knob; a knob not set is absent.
	Params map[string]string
	// Explore is set when the nodes run in the exhaustive explorer, which
	// judges safety only: a protocol may leave out what exists for
	// liveness alone and only multiplies states. A reply that refuses (a
	// reject, a nack) is not such a message when its receiver counts or
	// acts on it: a proposer that takes an acceptor's refusal carrying
	// the new ballot for an accept of it is a safety bug that the search
	// cannot reach once the refusals are left out.
	Explore bool
}

// Request is one client operation, as the client sends it.
type Request struct {
	Client int // 1..Config.Clients
	Seq    int // the client's operations are numbered 1, 2, 3, ...
	Op     Op
}

// Answer is a client's answer, recognised by Protocol.Answer.
type Answer struct {
	Client int
	Seq    int
	// Value is what a consensus object's propose returned: the value
	// decided. Output is what a key-value operation returned.
	Value  checker.Value
	Output string
}

// RequestBuilder is implemented by a protocol that builds one run's client
// requests into memory of the run's own (an arena, whose write-once runs
// the run's messages share), so that an operation allocates nothing of its
// own. NewRequests is called once a run; the function it returns builds
// what Protocol.Request builds, and the run's clients use it instead.
type RequestBuilder[M sim.Message] interface {
	NewRequests() func(r Request) (M, checker.Value)
}

// MessageParser is implemented by a protocol whose messages' text can be
// read back: a scenario script may then put a hand-written message in
// flight ("send 1->2 Prepare(3.1)"), and a decision trace's messages are
// checked when the file is read, not when the replay reaches them.
type MessageParser[M sim.Message] interface {
	// ParseMessage reads a message as M.String writes it.
	ParseMessage(text string) (M, error)
}

// Explorer is implemented by a protocol that helps the exhaustive
// explorer bound and reduce its search.
type Explorer[D any] interface {
	// Symmetric reports whether replicas that no client asks are
	// interchangeable: renaming them maps the protocol's steps onto
	// themselves (true when only replicas a client asked ever propose).
	Symmetric() bool
	// ExploreTimer reports whether the explorer fires timer tag at all
	// (ticks: CheckConfig.Ticks, the user asked for the periodic ones).
	ExploreTimer(tag sim.TimerTag, ticks bool) bool
	// MaxDepth is the explorer's depth bound when the user sets none: 0
	// for none, or the depth that holds the protocol's known
	// counterexamples where its state space runs to millions.
	MaxDepth() int
}
