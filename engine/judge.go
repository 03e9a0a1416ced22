package engine

import (
	"fmt"
	"slices"

	"github.com/paxsim/paxsim/checker"
)

// judge is a run's checkers: checker.Safety always, checker.LogChecker
// for a protocol that keeps a replicated log, each told which properties
// apply.
type judge struct {
	contract *checker.Contract
	broken   *checker.Violation // the first observation that broke the contract
	asserted *checker.Violation // the first Always assertion that did not hold
	// staleView is the first entry proposed against the window rule
	// (Session.checkView).
	staleView *checker.Violation
	safety    *checker.Safety
	log       *checker.LogChecker // nil for a single decree
	now       int64
	event     int64
	// failed is set once a checker found a violation (a broken contract
	// counts): what the run checks after every step.
	failed bool
}

// logProperties are the properties only a replicated log's observations
// (Applied) can break.
var logProperties = []checker.Property{checker.LogConsistency, checker.StateConsistency, checker.ExactlyOnce}

// newJudge builds the checkers a protocol's properties call for, in the
// memory of safety, a spare checker, when it is not nil: each is told
// which properties apply, safety the run's quorums and the protocol's
// no-ops.
func newJudge(info *Info, nodes int, quorums checker.Quorums, safety *checker.Safety) judge {
	if safety == nil {
		safety = checker.NewSafety(nodes)
	} else {
		safety.Reset(nodes)
	}
	contract := NewContract(info, nodes)
	if roles := info.RolesOf(nodes); roles.Separate() { // quorums of the acceptors
		safety.SetAcceptors(roles.Acceptors)
	}
	safety.SetQuorums(quorums)
	if info.Properties != nil {
		safety.Only(info.Properties)
	}
	var log *checker.LogChecker
	if hasLog(info) {
		log = checker.NewLogChecker(nodes)
		if info.Properties != nil {
			log.Only(info.Properties)
		}
	}
	for _, v := range info.NoOps { // a leader's gap fillers are valid
		safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: v})
	}
	return judge{contract: contract, safety: safety, log: log}
}

// NewCheckers returns the checkers that judge a run with setup s of the
// protocol info describes, each told which properties apply:
// checker.Safety always, and a checker.LogChecker (else nil) for a
// protocol that keeps a replicated log. Safety already knows the run's
// quorums (Info.QuorumsIn) and the protocol's no-ops as valid values.
func NewCheckers(info *Info, s Setup) (*checker.Safety, *checker.LogChecker) {
	j := newJudge(info, s.Nodes, info.QuorumsIn(s), nil)
	return j.safety, j.log
}

// NewContract returns the observation contract's checker of a run of the
// protocol info describes on nodes replicas, told which nodes play which
// part.
func NewContract(info *Info, nodes int) *checker.Contract {
	c := checker.NewContract(nodes)
	if roles := info.RolesOf(nodes); roles.Separate() {
		c.SetRoles(roles.Proposers, roles.Acceptors, roles.Learners)
	}
	return c
}

// ContractBreach is the violation a broken rule of the observation
// contract is reported as.
func ContractBreach(rule, why string) checker.Violation {
	return checker.Violation{Property: checker.ContractProperty, Check: rule,
		Message: fmt.Sprintf("the protocol broke the observation contract, rule %s: %s", rule, why)}
}

// hasLog reports whether a protocol keeps a replicated log: it lists one
// of the log's properties, or (Properties nil) its clients run a
// key-value service.
func hasLog(info *Info) bool {
	if info.Properties == nil {
		return info.Workload.Kind == KeyValue
	}
	return slices.ContainsFunc(logProperties, func(p checker.Property) bool { return slices.Contains(info.Properties, p) })
}

// at stamps the next observations.
func (j *judge) at(now, event int64) {
	j.now, j.event = now, event
	j.safety.At(now, event)
	if j.log != nil {
		j.log.At(now, event)
	}
}

// observe feeds an observation, made at time now and event index event,
// to every checker, once the contract checker has seen it well formed:
// what breaks the contract is reported as such, never judged.
func (j *judge) observe(node int, o checker.Observation, now, event int64) {
	j.at(now, event)
	if j.broken != nil {
		return
	}
	if rule, why := j.contract.Observe(node, o); rule != "" {
		j.breach(rule, why)
		return
	}
	j.safety.Observe(node, o)
	if j.log != nil {
		j.log.Observe(node, o)
	}
	j.note()
}

// note sets failed when a checker has found a violation.
func (j *judge) note() {
	j.failed = j.failed || j.safety.Violation() != nil || j.log != nil && j.log.Violation() != nil
}

// breach records a broken rule of the observation contract.
func (j *judge) breach(rule, why string) {
	if j.broken == nil {
		v := ContractBreach(rule, why)
		v.Time, v.Event = j.now, j.event
		j.broken = &v
	}
	j.failed = true
}

// all is the first violation of each property, the safety checker's
// first.
func (j *judge) all() []checker.Violation {
	var out []checker.Violation
	if j.broken != nil {
		out = append(out, *j.broken)
	}
	if j.asserted != nil {
		out = append(out, *j.asserted)
	}
	if j.staleView != nil {
		out = append(out, *j.staleView)
	}
	out = append(out, j.safety.Violations()...)
	if j.log != nil {
		out = append(out, j.log.Violations()...)
	}
	return out
}

// appendLate appends to vs the first violation of each property the
// checkers found that vs lacks.
func (j *judge) appendLate(vs []checker.Violation) []checker.Violation {
	for _, v := range j.all() {
		if !slices.ContainsFunc(vs, func(w checker.Violation) bool { return w.Property == v.Property }) {
			vs = append(vs, v)
		}
	}
	return vs
}

// firstChoice is the lowest instance chosen, if any.
func (j *judge) firstChoice() (Chosen, bool) {
	for _, i := range []int64{0, 1} {
		if ch, ok := j.safety.Chosen(i); ok {
			return Chosen{Instance: i, Value: ch.Value, Ballot: ch.Ballot, Time: ch.Time}, true
		}
	}
	return Chosen{}, false
}
