package sim

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// DecisionKind says what a decision is about.
type DecisionKind uint8

// The decisions a World takes. Protocols take DecideJitter through Env.Rand;
// a harness may use DecideWorkload for what its clients do, and DecideStart
// for when a client starts at a node (a scheduler may answer it).
const (
	DecideDelay           DecisionKind = iota + 1 // a message's delay in ticks
	DecideDrop                                    // whether a message is dropped
	DecideDup                                     // whether a message is duplicated
	DecideRedeliver                               // whether an old message is re-delivered
	DecideRedeliverPick                           // which old message is re-delivered
	DecideFault                                   // whether any random fault starts this interval
	DecideCrash                                   // whether a node crashes now
	DecideDowntime                                // how long a crashed node stays down
	DecideSlow                                    // whether a node is slowed or paused now
	DecideSlowKind                                // slowed (0) or paused (1)
	DecideSlowFactor                              // how much a slowed node is stretched
	DecideSlowLength                              // how long a slowdown or pause lasts
	DecidePartition                               // whether a partition starts now
	DecidePartitionShape                          // which nodes it cuts off
	DecidePartitionKind                           // symmetric (0) or one-way (1)
	DecidePartitionLength                         // how long it lasts
	DecideJitter                                  // a node's random draw (backoff jitter)
	DecideWorkload                                // a client workload draw
	DecideAction                                  // choice mode: which enabled action runs next
	DecideTornCrash                               // whether a torn crash waits for a node's next handler
	DecideTornPoint                               // between which two of its effects it falls
	DecideLoseUnsynced                            // whether a node crashes losing unsynced writes
	DecideUnsyncedKept                            // how many of them it keeps
	DecideStart                                   // when a client starts: a harness's workload draw, at a node
	DecideLongDelay                               // whether a message takes a long delay, and how long
	DecideDepose                                  // whether the current leader is deposed now
	DecideDeposeKind                              // cut off (0) or paused (1)
	DecideLag                                     // whether a node is cut off to lag now, and which
	DecideOutlive                                 // whether a message reaching a down node waits for its restart
	numDecisionKinds
)

var decisionNames = [numDecisionKinds]string{
	DecideDelay:           "delay",
	DecideDrop:            "drop",
	DecideDup:             "dup",
	DecideRedeliver:       "redeliver",
	DecideRedeliverPick:   "redeliver-pick",
	DecideFault:           "fault",
	DecideCrash:           "crash",
	DecideDowntime:        "downtime",
	DecideSlow:            "slow",
	DecideSlowKind:        "slow-kind",
	DecideSlowFactor:      "slow-factor",
	DecideSlowLength:      "slow-length",
	DecidePartition:       "partition",
	DecidePartitionShape:  "partition-shape",
	DecidePartitionKind:   "partition-kind",
	DecidePartitionLength: "partition-length",
	DecideJitter:          "jitter",
	DecideWorkload:        "workload",
	DecideAction:          "action",
	DecideTornCrash:       "torn-crash",
	DecideTornPoint:       "torn-point",
	DecideLoseUnsynced:    "lose-unsynced",
	DecideUnsyncedKept:    "unsynced-kept",
	DecideStart:           "start",
	DecideLongDelay:       "long-delay",
	DecideDepose:          "depose",
	DecideDeposeKind:      "depose-kind",
	DecideLag:             "lag",
	DecideOutlive:         "outlive",
}

func (k DecisionKind) String() string {
	if k > 0 && k < numDecisionKinds {
		return decisionNames[k]
	}
	return fmt.Sprintf("decision(%d)", uint8(k))
}

// Decision is the context of one decision: its kind and the nodes it
// concerns (zero when none). It is passed by value and costs nothing to
// build, so deciders that record traces can describe what they chose.
type Decision struct {
	Kind DecisionKind
	Node NodeID // the node concerned, or the sender of a message
	Peer NodeID // the receiver of a message, when there is one
}

func (d Decision) String() string {
	switch {
	case d.Peer != 0 || (d.Node != 0 && isMessageDecision(d.Kind)):
		return fmt.Sprintf("%s %s->%s", d.Kind, d.Node, d.Peer)
	case d.Node != 0:
		return fmt.Sprintf("%s %s", d.Kind, d.Node)
	default:
		return d.Kind.String()
	}
}

func isMessageDecision(k DecisionKind) bool {
	return k == DecideDelay || k == DecideDrop || k == DecideDup || k == DecideRedeliver
}

// Decider takes every nondeterministic decision of a run. Implementations
// are a seeded PRNG (Random), a recorded trace, rapid's draws, fuzz bytes or
// an exhaustive explorer; the World cannot tell them apart.
type Decider interface {
	// Intn returns a value in [0, n). n is at least 1.
	Intn(d Decision, n int) int
	// Chance returns true with probability p, 0 < p < 1. The World never
	// asks when p is 0 or 1, so those answers cost no draw.
	Chance(d Decision, p float64) bool
}

// Random is a Decider that draws from a PCG generator seeded by one number.
// It reads raw 64-bit outputs from math/rand/v2's PCG, whose sequence the
// package promises to keep, and maps them to ranges with its own fixed
// arithmetic (Lemire's multiply-shift), so the same seed gives the same
// decisions on every machine and every Go release, whatever becomes of
// rand.Rand's helpers.
type Random struct {
	pcg rand.PCG
}

// NewRandom returns a Random decider for seed.
func NewRandom(seed uint64) *Random {
	r := new(Random)
	r.Seed(seed)
	return r
}

// Seed restarts r as the decider NewRandom(seed) returns: what a harness
// that runs seed after seed does instead of making a decider a seed.
func (r *Random) Seed(seed uint64) { r.pcg.Seed(seed, seed^0x9e3779b97f4a7c15) }

// asRandom is d if it is a Random, or nil.
func asRandom(d Decider) *Random {
	r, _ := d.(*Random)
	return r
}

// Intn implements Decider: uniform in [0, n), without modulo bias.
func (r *Random) Intn(_ Decision, n int) int {
	bound := uint64(n)
	hi, lo := bits.Mul64(r.pcg.Uint64(), bound)
	if lo < bound {
		threshold := -bound % bound
		for lo < threshold {
			hi, lo = bits.Mul64(r.pcg.Uint64(), bound)
		}
	}
	return int(hi)
}

// Chance implements Decider: true with probability p, from 53 random bits.
func (r *Random) Chance(_ Decision, p float64) bool {
	return float64(r.pcg.Uint64()>>11)*0x1p-53 < p
}

// Taken is one decision and its outcome, as a Recorder keeps it.
type Taken struct {
	Decision
	N     int // the range of an Intn; 0 for a Chance
	Value int // the Intn result, or 1/0 for a Chance
}

func (t Taken) String() string {
	if t.N == 0 {
		return fmt.Sprintf("%s = %t", t.Decision, t.Value == 1)
	}
	return fmt.Sprintf("%s = %d/%d", t.Decision, t.Value, t.N)
}

// Recorder wraps a Decider and keeps every decision it takes, in order.
type Recorder struct {
	Inner Decider
	Taken []Taken
}

// Intn implements Decider.
func (r *Recorder) Intn(d Decision, n int) int {
	v := r.Inner.Intn(d, n)
	r.Taken = append(r.Taken, Taken{Decision: d, N: n, Value: v})
	return v
}

// Chance implements Decider.
func (r *Recorder) Chance(d Decision, p float64) bool {
	ok := r.Inner.Chance(d, p)
	v := 0
	if ok {
		v = 1
	}
	r.Taken = append(r.Taken, Taken{Decision: d, Value: v})
	return ok
}
