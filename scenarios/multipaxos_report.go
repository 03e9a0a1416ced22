package scenarios

import (
	"strconv"
	"strings"

	mp "github.com/paxsim/paxsim/protocol/multipaxos"
)

// Effective returns c with the defaults a run fills in written out, for
// reports: a Multi-Paxos c's zero Clients and Commands and empty Reconfig
// become 3, 4 and "0.005". Running c and c.Effective() is the same run
// (the same trace hash); a single-decree c is returned as it is.
func (c Config) Effective() Config {
	if c.Protocol != MultiPaxos {
		return c
	}
	if c.Clients == 0 {
		c.Clients = defaultClients
	}
	if c.Commands == 0 {
		c.Commands = defaultCommands
	}
	if strings.TrimSpace(c.Reconfig) == "" {
		c.Reconfig = strconv.FormatFloat(defaultReconfig, 'g', -1, 64)
	}
	return c
}

// ServiceSummary sums up what a Multi-Paxos run's clients and replicated
// log did: what a single-decree run's Chosen and Learners say for one
// value. Commands and reconfigurations count as committed once some
// replica applied them (applying follows being chosen, which the safety
// checker confirms at every step).
type ServiceSummary struct {
	Operations int `json:"operations"` // key-value operations the clients invoked
	Answered   int `json:"answered"`   // of them, the ones answered
	// Commands is how many distinct key-value commands were committed: a
	// retried command committed at two instances (and executed at one)
	// counts once.
	Commands         int `json:"commands"`
	Reconfigs        int `json:"reconfigs"`         // distinct reconfigurations committed
	ReconfigsInvoked int `json:"reconfigs_invoked"` // reconfigurations the operator asked for
	// Instances is the length of the applied log: commands,
	// reconfigurations, no-ops and retried duplicates.
	Instances int64 `json:"instances"`
	// CaughtUp is how many replicas applied the whole log.
	CaughtUp int `json:"caught_up"`
}

// serviceSummary is the run's ServiceSummary, from the client history and
// the log checker's record of what was applied.
func (r *mpRunner) serviceSummary() *ServiceSummary {
	s := &ServiceSummary{Operations: len(r.res.KVOps)}
	for _, op := range r.res.KVOps {
		if op.Return >= 0 {
			s.Answered++
		}
	}
	if r.operator != nil {
		s.ReconfigsInvoked = r.operator.seq
	}
	var seen map[mp.Value]bool
	for i := int64(1); ; i++ {
		id, ok := r.log.Command(i)
		if !ok {
			break
		}
		s.Instances = i
		if id == mp.NoOp || seen[id] {
			continue
		}
		if seen == nil {
			seen = make(map[mp.Value]bool)
		}
		seen[id] = true
		if _, _, reconfig := mp.DecodeID(id); reconfig {
			s.Reconfigs++
		} else {
			s.Commands++
		}
	}
	for node := 1; node <= r.cfg.Nodes; node++ {
		if r.log.AppliedIndex(node) == s.Instances {
			s.CaughtUp++
		}
	}
	return s
}
