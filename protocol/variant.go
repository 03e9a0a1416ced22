package protocol

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/internal/catalogue"
)

// Variant is a named, deliberate deviation from correct Paxos: a bug the
// harness must catch. The zero Variant is the correct protocol.
//
// Breaks is the property the harness reports first for the variant's runs:
// where one of the checker's early checks (a promise reporting a ballot
// its acceptor never accepted at, two values in one ballot, a promise that
// decreases) fires before agreement breaks, it is that early check.
type Variant struct {
	Name    string
	Summary string           // what the deviation is, in one line
	Breaks  checker.Property // the property it is expected to break
	bug     bug              // the deviation, as the Node tests it
}

// bug is a deviation, one bit each, so that a Node tests a precomputed
// bit per message instead of comparing variant names.
type bug uint16

const (
	bugIgnorePromisedValues bug = 1 << iota
	bugReplyOwnValue
	bugOneBallot
	bugNoPromise
	bugValueOnlyLearner
	bugLowestBallotValue
	bugEarlyAccept
	bugMinorityQuorum
	bugStalePromises
	bugAcceptBelowPromise
	bugNoPersist
	bugCountDuplicates
	bugFixedBackoff
	bugReplyBeforePersist
	bugNoSync
)

// Correct is the name of the correct protocol.
const Correct = catalogue.Correct

// The buggy variants.
var (
	// IgnorePromisedValues: the proposer always proposes its own value,
	// ignoring the accepted values that promises report.
	IgnorePromisedValues = Variant{
		Name:    "ignore-promised-values",
		Summary: "the proposer always proposes its own value, ignoring values reported in promises",
		Breaks:  checker.SafeProposal,
		bug:     bugIgnorePromisedValues,
	}
	// ReplyOwnValue: a replica answers its clients with its own value as
	// soon as it asks acceptors to accept it, before it is chosen.
	ReplyOwnValue = Variant{
		Name:    "reply-own-value",
		Summary: "a replica answers its clients with the value it proposes in phase 2, before that value is chosen",
		Breaks:  checker.Linearizability,
		bug:     bugReplyOwnValue,
	}
	// OneBallot: an acceptor keeps one number, used both as its promise and
	// as the ballot of its accepted value, and reports that number with its
	// value in promises (the seed notes: "can each server keep only one
	// ballot number instead of two? no"). A proposer then cannot tell an old
	// accepted value from a recent one. The first symptom is a promise
	// reporting its value at a ballot it was never accepted at.
	OneBallot = Variant{
		Name:    "one-ballot",
		Summary: "an acceptor keeps one ballot number, its promise, and reports it as the ballot of its accepted value",
		Breaks:  checker.PromiseIntegrity,
		bug:     bugOneBallot,
	}
	// NoPromise: the acceptor records only the ballot it accepted at, no
	// promise: a prepare raises nothing, and an accept is checked against
	// the accepted ballot only. The first symptom is a promise below one the
	// acceptor gave earlier.
	NoPromise = Variant{
		Name:    "no-promise",
		Summary: "an acceptor records no promise: prepare raises nothing, accept is checked against the accepted ballot only",
		Breaks:  checker.PromiseMonotonicity,
		bug:     bugNoPromise,
	}
	// ValueOnlyLearner: acceptors tell every learner what they accept, and
	// a learner counts acceptors per value, whatever the ballot: the same
	// value accepted by a majority across different ballots is taken as
	// chosen (the seed notes' (v1, 1), (v1, 3), (v2, 2) question).
	ValueOnlyLearner = Variant{
		Name:    "value-only-learner",
		Summary: "a learner counts acceptors per value across ballots and learns a value a majority accepted in different ballots",
		Breaks:  checker.LearnerIntegrity,
		bug:     bugValueOnlyLearner,
	}
	// LowestBallotValue: the proposer adopts the value reported with the
	// lowest ballot in its promises instead of the highest.
	LowestBallotValue = Variant{
		Name:    "lowest-ballot-value",
		Summary: "the proposer adopts the value reported with the lowest ballot in promises, not the highest",
		Breaks:  checker.SafeProposal,
		bug:     bugLowestBallotValue,
	}
	// EarlyAccept: the proposer sends accept after the first promise,
	// before a majority promised.
	EarlyAccept = Variant{
		Name:    "early-accept",
		Summary: "the proposer sends accept after its first promise, before a majority promised",
		Breaks:  checker.SafeProposal,
		bug:     bugEarlyAccept,
	}
	// MinorityQuorum: the proposer's quorum, in both phases, is n/2
	// acceptors instead of n/2+1. It declares a value chosen that a
	// minority accepted: a learner learns a value that is not chosen.
	MinorityQuorum = Variant{
		Name:    "minority-quorum",
		Summary: "the proposer's quorum in both phases is n/2 acceptors instead of n/2+1",
		Breaks:  checker.LearnerIntegrity,
		bug:     bugMinorityQuorum,
	}
	// StalePromises: a retrying proposer keeps the promises (and the
	// values they reported) of its earlier ballots and counts promises for
	// any of its ballots toward the current one.
	StalePromises = Variant{
		Name:    "stale-promises",
		Summary: "a retrying proposer counts promises given to its earlier ballots toward the new one",
		Breaks:  checker.SafeProposal,
		bug:     bugStalePromises,
	}
	// AcceptBelowPromise: the acceptor accepts whatever ballot it is asked
	// to, skipping the check against its promise.
	AcceptBelowPromise = Variant{
		Name:    "accept-below-promise",
		Summary: "an acceptor accepts a ballot below its promise (no ballot >= promise check on accept)",
		Breaks:  checker.SafeProposal,
		bug:     bugAcceptBelowPromise,
	}
	// NoPersist: the acceptor's promise and accepted value are not durable:
	// a restarted acceptor has forgotten them. The proposer's round and the
	// learned value stay durable, so that the failure is the acceptor's.
	// The first symptom is a restarted acceptor promising below what it
	// promised (or accepted) before its crash.
	NoPersist = Variant{
		Name:    "no-persist",
		Summary: "an acceptor's promise and accepted value are not persisted: a restart forgets them",
		Breaks:  checker.PromiseMonotonicity,
		bug:     bugNoPersist,
	}
	// CountDuplicates: the proposer counts Accepted replies instead of the
	// acceptors that sent them, so a duplicated reply counts twice.
	CountDuplicates = Variant{
		Name:    "count-duplicates",
		Summary: "the proposer counts accepted replies, not acceptors: a duplicated reply counts twice",
		Breaks:  checker.LearnerIntegrity,
		bug:     bugCountDuplicates,
	}
	// FixedBackoff: proposers retry on a short fixed timer (RetryTicks/4,
	// about one average round trip) that is never randomized and never
	// grows. A ballot needs two round trips, so each retry pre-empts the
	// ballot before it, a rival's or the proposer's own: ballots duel
	// forever and, after the heal, no proposer sees one through (a value
	// may even be accepted by a majority, but nobody learns it). The
	// correct protocol survives so short a base: its random, growing
	// timeout soon outlasts both phases.
	// ReplyBeforePersist: the acceptor sends its Promise or Accepted, then
	// persists. A crash inside the handler, between the reply and the
	// write, takes back what the reply said: the restarted acceptor
	// promises, or accepts, against it.
	ReplyBeforePersist = Variant{
		Name:    "reply-before-persist",
		Summary: "an acceptor replies before it persists: a crash between the two takes the promise or vote back",
		Breaks:  checker.PromiseMonotonicity,
		bug:     bugReplyBeforePersist,
	}
	// NoSync: the acceptor writes its promise and vote but never syncs
	// them: a crash that loses unsynced writes (a power cut) takes back
	// what it replied.
	NoSync = Variant{
		Name:    "no-sync",
		Summary: "an acceptor writes its state but never syncs it: a power cut takes its promises and votes back",
		Breaks:  checker.PromiseMonotonicity,
		bug:     bugNoSync,
	}
	FixedBackoff = Variant{
		Name:    "fixed-backoff",
		Summary: "proposers retry on a short fixed timer, never randomized or grown: each retry pre-empts the last ballot, forever",
		Breaks:  checker.Liveness,
		bug:     bugFixedBackoff,
	}
)

var variants = []Variant{
	AcceptBelowPromise, CountDuplicates, EarlyAccept, FixedBackoff,
	IgnorePromisedValues, LowestBallotValue, MinorityQuorum, NoPersist,
	NoPromise, NoSync, OneBallot, ReplyBeforePersist, ReplyOwnValue, StalePromises, ValueOnlyLearner,
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

// bugOf returns v's deviation, looking it up by name when v was built
// from a name alone. It panics on an unknown name: a Variant that is not
// in the catalogue is a programming error, not a correct protocol.
func bugOf(v Variant) bug {
	if v.bug != 0 || v.Name == "" || v.Name == Correct {
		return v.bug
	}
	found, err := LookupVariant(v.Name)
	if err != nil {
		panic("protocol: " + err.Error())
	}
	return found.bug
}
