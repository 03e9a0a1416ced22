package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// WorkloadKind says what a protocol's clients ask of it.
type WorkloadKind uint8

const (
	// Consensus clients each propose one distinct value (client c
	// proposes checker.Value(c)) to a distinct replica, at a random time
	// in the propose window, and ask again only when faults heal; every
	// answer must be the one value decided (a consensus object).
	Consensus WorkloadKind = iota
	// KeyValue clients each run Commands get, put and append operations
	// on a few keys, one at a time, each to a random replica, asking
	// another one when no answer comes in time; the history must be a
	// linearizable key-value store's.
	KeyValue
)

func (k WorkloadKind) String() string {
	if k == KeyValue {
		return "key-value"
	}
	return "consensus"
}

// Workload is what a protocol's clients do, and their defaults.
type Workload struct {
	Kind WorkloadKind
	// Clients and Commands are the defaults of Config.Clients and
	// Config.Commands (a Consensus client makes one proposal: Commands is
	// 1).
	Clients, Commands int
	// Reconfig: the protocol takes OpReconfig requests, so its runs may
	// have an operator client that changes the membership
	// (Config.Reconfig).
	Reconfig bool
}

// OpKind is what a client operation does.
type OpKind uint8

// The operations.
const (
	OpPropose  OpKind = iota + 1 // propose Proposal; returns the value decided
	OpGet                        // read Key
	OpPut                        // set Key to Arg
	OpAppend                     // append Arg to Key
	OpReconfig                   // change the membership to Members
)

var opNames = [...]string{OpPropose: "proposes", OpGet: "get", OpPut: "put", OpAppend: "append", OpReconfig: "reconfig"}

func (k OpKind) String() string {
	if int(k) < len(opNames) && opNames[k] != "" {
		return opNames[k]
	}
	return fmt.Sprintf("op(%d)", uint8(k))
}

// Op is one client operation.
type Op struct {
	Kind     OpKind
	Proposal checker.Value // OpPropose
	Key      string        // OpGet, OpPut, OpAppend
	Arg      string        // OpPut, OpAppend
	Members  []sim.NodeID  // OpReconfig
}

// String writes the operation as a client step writes it: "proposes v1",
// "get a", "put a 1.1", "append a +1.1", "reconfig 1+2+3".
func (o Op) String() string {
	switch o.Kind {
	case OpPropose:
		return "proposes " + o.Proposal.String()
	case OpGet:
		return "get " + o.Key
	case OpPut, OpAppend:
		return fmt.Sprintf("%s %s %s", o.Kind, o.Key, o.Arg)
	case OpReconfig:
		ids := make([]string, len(o.Members))
		for i, id := range o.Members {
			ids[i] = id.String()
		}
		return "reconfig " + strings.Join(ids, "+")
	}
	return o.Kind.String()
}

// ClientStep is a client line of a decision trace or a scenario: "client
// C OP to N" sends client C's next operation to replica N, "client C retry
// to N" sends its unanswered one again.
type ClientStep struct {
	Client int
	Op     Op // the zero Op for a retry
	To     sim.NodeID
}

// Retry reports whether the step resends the client's current request.
func (s ClientStep) Retry() bool { return s.Op.Kind == 0 }

func (s ClientStep) String() string {
	if s.Retry() {
		return fmt.Sprintf("client %d retry to %d", s.Client, s.To)
	}
	return fmt.Sprintf("client %d %s to %d", s.Client, s.Op, s.To)
}

// maxClients bounds a run's clients.
const maxClients = 1000

const clientSyntax = "client C proposes vC to N, client C put KEY VALUE to N, client C get KEY to N, " +
	"client C append KEY VALUE to N, client C reconfig 1+2+3 to N or client C retry to N"

// ParseClientStep reads a client line for a cluster of nodes replicas
// whose clients do kind of work.
func ParseClientStep(line string, nodes int, w Workload) (ClientStep, error) {
	var st ClientStep
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "client" || f[len(f)-2] != "to" {
		return st, fmt.Errorf("want %s", clientSyntax)
	}
	c, err := strconv.Atoi(f[1])
	if err != nil || c < 1 || c > maxClients {
		return st, fmt.Errorf("client %q: want a number 1..%d", f[1], maxClients)
	}
	to, err := strconv.Atoi(f[len(f)-1])
	if err != nil || to < 1 || to > nodes {
		return st, fmt.Errorf("node %s does not exist (nodes are 1..%d)", f[len(f)-1], nodes)
	}
	st.Client, st.To = c, sim.NodeID(to)
	if f[2] == "retry" && len(f) == 5 {
		return st, nil
	}
	st.Op, err = parseOp(f[2], f[3:len(f)-2], nodes, c, w)
	if err != nil {
		return st, fmt.Errorf("client %d: %v", c, err)
	}
	return st, nil
}

// parseOp reads an operation: its verb and arguments.
func parseOp(verb string, args []string, nodes, client int, w Workload) (Op, error) {
	kinds := map[string]OpKind{"proposes": OpPropose, "get": OpGet, "put": OpPut, "append": OpAppend, "reconfig": OpReconfig}
	arity := map[OpKind]int{OpPropose: 1, OpGet: 1, OpPut: 2, OpAppend: 2, OpReconfig: 1}
	k, ok := kinds[verb]
	if !ok {
		return Op{}, fmt.Errorf("unknown request %q (want %s)", verb, clientSyntax)
	}
	if len(args) != arity[k] {
		return Op{}, fmt.Errorf("%s takes %d argument(s), not %d", verb, arity[k], len(args))
	}
	op := Op{Kind: k}
	switch {
	case k == OpPropose && w.Kind != Consensus, k != OpPropose && k != OpReconfig && w.Kind != KeyValue:
		return op, fmt.Errorf("%s is not an operation of a %s workload", verb, w.Kind)
	case k == OpReconfig && !w.Reconfig:
		return op, fmt.Errorf("this protocol takes no reconfigurations")
	}
	switch k {
	case OpPropose:
		if args[0] != checker.Value(client).String() {
			return op, fmt.Errorf("proposes %s: client %d proposes v%d (values are unique per client)", args[0], client, client)
		}
		op.Proposal = checker.Value(client)
	case OpGet:
		op.Key = args[0]
	case OpPut, OpAppend:
		op.Key, op.Arg = args[0], args[1]
	case OpReconfig:
		members, err := parseMembers(args[0], nodes)
		if err != nil {
			return op, fmt.Errorf("reconfig %s: %v", args[0], err)
		}
		op.Members = members
	}
	return op, nil
}

// parseMembers reads a member set written 1+2+3.
func parseMembers(s string, nodes int) ([]sim.NodeID, error) {
	var ids []sim.NodeID
	for _, m := range strings.Split(s, "+") {
		id, err := strconv.Atoi(m)
		if err != nil || id < 1 || id > nodes {
			return nil, fmt.Errorf("member %q is not a node (1..%d)", m, nodes)
		}
		if slices.Contains(ids, sim.NodeID(id)) {
			return nil, fmt.Errorf("member %d is named twice", id)
		}
		ids = append(ids, sim.NodeID(id))
	}
	return ids, nil
}
