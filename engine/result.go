package engine

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/sim"
)

// PanicProperty is reported when protocol code panics: a failure of the
// implementation, reported with its seed like any violation.
const PanicProperty checker.Property = "panic"

// Verdicts.
const (
	VerdictOK        = "ok"
	VerdictViolation = "violation"
)

// Why a run stopped.
const (
	StopDecided    = "decided"      // healed, the core caught up, every client answered
	StopViolation  = "violation"    // a property broke
	StopDeadline   = "deadline"     // the liveness deadline passed
	StopMaxTime    = "max-time"     // the time limit
	StopMaxEvents  = "max-events"   // the event limit
	StopQuiescent  = "quiescent"    // nothing left to run
	StopEndOfTrace = "end-of-trace" // a replayed trace ran out of steps
)

// Chosen describes the first instance decided.
type Chosen struct {
	Instance int64          `json:"instance"`
	Value    checker.Value  `json:"value"`
	Ballot   checker.Ballot `json:"ballot"`
	Time     int64          `json:"time"`
}

// Result is the outcome of one run.
type Result struct {
	Seed       uint64              `json:"seed"`
	Verdict    string              `json:"verdict"`
	Violations []checker.Violation `json:"violations"`
	Chosen     *Chosen             `json:"chosen,omitempty"`
	Learners   int                 `json:"learners"` // replicas that learned (applied) anything
	// LearnerNodes is how many nodes are learners, when the protocol's
	// roles are on separate nodes (Info.Roles); 0 when every node is one.
	LearnerNodes int `json:"learner_nodes,omitempty"`
	// LeftFaulty is the nodes the heal left down or cut off for good,
	// outside the core whose progress liveness judges.
	LeftFaulty []int `json:"left_faulty,omitempty"`
	// Coverage is what the run exercised: the sometimes properties that
	// held, and the ballots of its decided instances.
	Coverage Coverage `json:"coverage"`
	// Assertions tallies the assertions the protocol's code made
	// (sim.Env.Always, Sometimes, Reachable), in the order first reached.
	Assertions []sim.Assertion `json:"assertions,omitempty"`
	Events     int64           `json:"events"`
	Time       int64           `json:"virtual_time"`
	Stop       string          `json:"stop"`
	// LivenessChecked is false when the run ended before its liveness
	// deadline could be judged (no heal, or max-time or max-events first).
	LivenessChecked bool   `json:"liveness_checked"`
	TraceHash       uint64 `json:"-"`
	Stats           sim.Stats
	// CatchUp is how long restarted replicas took to learn again what
	// had been learned when they restarted.
	CatchUp CatchUp `json:"-"`
	// Ops is a Consensus workload's client history, KVOps a KeyValue
	// one's.
	Ops   []linearize.Op   `json:"ops,omitempty"`
	KVOps []linearize.KVOp `json:"kv_ops,omitempty"`
	// Service sums up a replicated log's run (nil for a single decree).
	Service *ServiceSummary `json:"service,omitempty"`
	// Linearizability is the verdict on the client history: "ok",
	// "illegal" (also reported as a violation) or "unknown" (the check ran
	// out of its budget: inconclusive, never a pass).
	Linearizability string `json:"linearizability"`
	// Lines is the run's decision trace, with Options.Record: its steps,
	// one a line (package trace writes and replays them).
	Lines []string `json:"-"`
}

// Failed reports whether the run found a violation.
func (r *Result) Failed() bool { return len(r.Violations) > 0 }

// Faults returns how often each fault kind happened, by name.
func (r *Result) Faults() map[string]int64 {
	m := make(map[string]int64, sim.NumFaultKinds)
	for k := sim.FaultKind(0); k < sim.NumFaultKinds; k++ {
		m[k.String()] = r.Stats.Faults[k]
	}
	return m
}

// ServiceSummary sums up what a replicated log's clients and log did:
// what a single decree's Chosen and Learners say for one value. Commands
// and reconfigurations count as committed once some replica applied them.
type ServiceSummary struct {
	Operations int `json:"operations"` // key-value operations the clients invoked
	Answered   int `json:"answered"`   // of them, the ones answered
	// Commands is how many distinct commands were committed: a retried
	// command committed at two instances (and executed at one) counts
	// once.
	Commands         int `json:"commands"`
	Reconfigs        int `json:"reconfigs"`         // distinct reconfigurations committed
	ReconfigsInvoked int `json:"reconfigs_invoked"` // reconfigurations the operator asked for
	// Instances is the length of the applied log: commands,
	// reconfigurations, no-ops and retried duplicates.
	Instances int64 `json:"instances"`
	// CaughtUp is how many replicas applied the whole log.
	CaughtUp int `json:"caught_up"`
}
