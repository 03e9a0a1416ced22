package multipaxos

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/internal/catalogue"
)

// Variant is a named, deliberate deviation from correct Multi-Paxos: a bug
// the harness must catch. The zero Variant is the correct protocol.
type Variant struct {
	Name    string
	Summary string           // what the deviation is, in one line
	Breaks  checker.Property // the property it is expected to break
	bug     bug              // the deviation, as the Node tests it
}

// bug is a deviation, one bit each, so that a Node tests a precomputed bit
// instead of comparing variant names. Every deviating line in the code is
// marked "variant NAME".
type bug uint16

const (
	bugNoOverwrite bug = 1 << iota
	bugNoRestamp
	bugNoView
	bugCommitIndexOnly
	bugNoGapFill
	bugNoDedup
	bugLeaderSkipsRecovery
	bugAcceptBeforePersist
	bugNoSync
)

// Correct is the name of the correct protocol.
const Correct = catalogue.Correct

// The buggy variants.
var (
	// AcceptBeforePersist: a replica persists at the end of each handler,
	// after its replies have left (the reference's order before torn
	// crashes could show it): an acceptor sends Accepted, then writes its
	// votes. A crash inside the handler, between the two, takes back
	// votes the leader counted, and a later leader hears nothing of them.
	AcceptBeforePersist = Variant{
		Name:    "accept-before-persist",
		Summary: "an acceptor replies Accepted before its vote is durable: a crash between the two takes the vote back",
		Breaks:  checker.PromiseMonotonicity,
		bug:     bugAcceptBeforePersist,
	}
	// NoSync: a replica writes its promise and log but never syncs them.
	// A crash that loses unsynced writes (a power cut) takes back promises
	// and votes it reported.
	NoSync = Variant{
		Name:    "no-sync",
		Summary: "promises and votes are written but never synced: a power cut takes them back",
		Breaks:  checker.PromiseMonotonicity,
		bug:     bugNoSync,
	}
	// CommitIndexOnly: a commit notification names only the instance, and
	// a replica that hears it marks whatever it accepted there as chosen.
	// An acceptor that accepted an older ballot's value, since overwritten
	// elsewhere, learns and applies the wrong command.
	CommitIndexOnly = Variant{
		Name:    "commit-index-only",
		Summary: "a commit names only an instance, and a replica applies its local accepted entry there",
		Breaks:  checker.LearnerIntegrity,
		bug:     bugCommitIndexOnly,
	}
	// LeaderSkipsRecovery: a new leader ignores the accepted values that
	// promises report and proposes its own commands (or no-ops) in their
	// instances, overwriting values that may be chosen.
	LeaderSkipsRecovery = Variant{
		Name:    "leader-skips-recovery",
		Summary: "a new leader does not re-propose the accepted values its promises report",
		Breaks:  checker.SafeProposal,
		bug:     bugLeaderSkipsRecovery,
	}
	// NoDedup: replicas execute every command the log holds, and answer
	// none from the dedup table: a client's retry of a command that was
	// already executed is proposed and executed again.
	NoDedup = Variant{
		Name:    "no-dedup",
		Summary: "no dedup table: a retried command executes twice",
		Breaks:  checker.ExactlyOnce,
		bug:     bugNoDedup,
	}
	// NoGapFill: a new leader leaves the instances that no promise
	// reported empty instead of filling them with no-ops; replicas apply in
	// order, so the log stalls at the first gap.
	NoGapFill = Variant{
		Name:    "no-gap-fill",
		Summary: "a new leader leaves gaps in the log instead of filling them with no-ops: the log stalls",
		Breaks:  checker.Liveness,
		bug:     bugNoGapFill,
	}
	// NoOverwrite: an acceptor refuses to replace an entry it accepted,
	// even by the same value at a higher ballot. A value accepted by some
	// acceptors when its leader crashed can then never be accepted by a
	// majority in one ballot: the instance is undecidable and the log
	// stalls.
	NoOverwrite = Variant{
		Name:    "no-overwrite",
		Summary: "acceptors refuse to overwrite an accepted entry: an instance becomes undecidable after a crash",
		Breaks:  checker.Liveness,
		bug:     bugNoOverwrite,
	}
	// NoRestamp: a new leader re-proposes a recovered value with the
	// ballot it was accepted at instead of its own. Acceptors that promised
	// the new leader's ballot then accept an older one (promise-kept, the
	// early check that catches it); a value gathers a majority across
	// leaders at an old ballot, a later leader that sees a higher ballot's
	// value elsewhere proposes that one, and two values are chosen (the
	// seed notes' "(v1, 1), (v1, 3), (v2, 2)" question).
	NoRestamp = Variant{
		Name:    "no-restamp",
		Summary: "a re-proposed value keeps its old ballot instead of the new leader's: acceptors break their promises, then agreement",
		Breaks:  checker.PromiseKept,
		bug:     bugNoRestamp,
	}
	// NoView: a proposer stamps every entry with, and takes its quorums
	// from, its current configuration (the latest one it applied) instead
	// of the entry's view (the one chosen at or before instance i-alpha).
	// Across a configuration change a leader that applied the change and
	// one that did not choose in the same instance with disjoint quorums.
	// The first sign is the instance's entries in two views
	// (view-integrity), before the second value is chosen.
	NoView = Variant{
		Name:    "no-view",
		Summary: "a proposer takes an entry's quorum from its current configuration, not the entry's view",
		Breaks:  checker.ViewIntegrity,
		bug:     bugNoView,
	}
)

var variants = []Variant{
	AcceptBeforePersist, CommitIndexOnly, LeaderSkipsRecovery, NoDedup, NoGapFill, NoOverwrite, NoRestamp, NoSync, NoView,
}

// Variants lists the buggy variants, sorted by name.
func Variants() []Variant { return append([]Variant(nil), variants...) }

// LookupVariant returns the variant called name; "" and "none" name the
// correct protocol.
func LookupVariant(name string) (Variant, error) {
	return catalogue.Lookup(variants, func(v Variant) string { return v.Name }, name)
}

// String is the variant's name, "none" for the correct protocol.
func (v Variant) String() string {
	if v.Name == "" {
		return Correct
	}
	return v.Name
}

// Is reports whether v is the variant o.
func (v Variant) Is(o Variant) bool { return v.Name == o.Name }

// bugOf returns v's deviation, looking it up by name when v was built from
// a name alone. It panics on an unknown name.
func bugOf(v Variant) bug {
	if v.bug != 0 || v.Name == "" || v.Name == Correct {
		return v.bug
	}
	found, err := LookupVariant(v.Name)
	if err != nil {
		panic("multipaxos: " + err.Error())
	}
	return found.bug
}
