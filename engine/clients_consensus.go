package engine

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/sim"
)

// consensusClients are a Consensus workload's clients: client c proposes
// its unique value checker.Value(c) once, to a replica of its own, at a
// random time in the propose window; once faults heal, a client without
// an answer asks again (another replica of the core, if its own was left
// faulty).
type consensusClients struct {
	h       host
	clients int
	window  int64
	hedge   float64 // Config.Hedge
	ops     []linearize.Op
	pending int  // operations without an answer
	retried bool // clients without an answer asked again after the heal
	// again is, per client (again[client-1]), the replica it last asked
	// again and when (node 0: never), for the liveness evidence.
	again []askedAgain
}

type askedAgain struct {
	node sim.NodeID
	at   sim.Time
}

// askAgain sends client's request again to node at time at.
func (c *consensusClients) askAgain(client int, node sim.NodeID, at sim.Time) {
	c.h.send(c.request(client), node, at, true)
	if client >= 1 && client <= c.clients {
		if c.again == nil {
			c.again = make([]askedAgain, c.clients)
		}
		c.again[client-1] = askedAgain{node, at}
	}
}

// begin draws the workload: distinct proposers, each asked by one client
// at a random time in the window, and a second proposer asked at the same
// time by a client that hedges (Config.Hedge). The requests go out in the
// order they reach the network, by time: the order a decision trace writes
// them in, and a replay puts them on their links in (two requests to one
// replica, on FIFO links, arrive in that order).
func (c *consensusClients) begin() {
	d := c.h.decider()
	replicas := make([]int, 0, c.h.nodes())
	for m := c.h.proposers(); m != 0; m &= m - 1 {
		replicas = append(replicas, bits.TrailingZeros64(m))
	}
	n := len(replicas)
	for i := 0; i < c.clients; i++ { // a partial Fisher-Yates shuffle
		j := i + d.Intn(sim.Decision{Kind: sim.DecideWorkload}, n-i)
		replicas[i], replicas[j] = replicas[j], replicas[i]
	}
	asks := make([]ask, 0, 2*c.clients)
	for i := 0; i < c.clients; i++ {
		node := sim.NodeID(replicas[i])
		at := sim.Time(d.Intn(sim.Decision{Kind: sim.DecideStart, Node: node}, int(c.window)+1))
		asks = append(asks, ask{client: i + 1, to: node, at: at})
		if to, ok := c.hedgeTo(i+1, node); ok {
			asks = append(asks, ask{client: i + 1, to: to, at: at, hedge: true})
		}
	}
	slices.SortStableFunc(asks, func(a, b ask) int { return cmp.Compare(a.at, b.at) })
	for _, a := range asks {
		if a.hedge {
			c.h.send(c.request(a.client), a.to, a.at, true) // a retry, as a key-value client's hedge
			continue
		}
		c.propose(a.client, a.to, a.at)
	}
}

// ask is a client's request to a proposer at a time: its proposal, or
// the hedged copy of it.
type ask struct {
	client int
	to     sim.NodeID
	at     sim.Time
	hedge  bool
}

// hedgeTo draws whether client, which asks node, hedges (Config.Hedge),
// and the other proposer it then asks too.
func (c *consensusClients) hedgeTo(client int, node sim.NodeID) (sim.NodeID, bool) {
	d := c.h.decider()
	if c.hedge == 0 || !d.Chance(sim.Decision{Kind: sim.DecideWorkload, Node: sim.NodeID(client)}, c.hedge) {
		return 0, false
	}
	others := c.h.proposers() &^ (1 << uint(node))
	if others == 0 {
		return 0, false
	}
	k := d.Intn(sim.Decision{Kind: sim.DecideWorkload, Node: sim.NodeID(client)}, bits.OnesCount64(others))
	return sim.NodeID(nth(others, k)), true
}

// choose lets d pick the proposer each client asks, all at once.
func (c *consensusClients) choose(d sim.Decider) {
	for client := 1; client <= c.clients; client++ {
		node := sim.NodeID(pickProposer(d, c.h.proposers()))
		c.propose(client, node, 0)
	}
}

// propose starts client's operation: it asks node to propose the client's
// unique value at time at.
func (c *consensusClients) propose(client int, node sim.NodeID, at sim.Time) {
	value := c.h.send(c.request(client), node, at, false)
	c.ops = append(c.ops, linearize.Op{Client: client, Node: int(node), Value: value, Invoke: int64(at), Return: -1})
	c.h.invoked(client, value, at)
	c.pending++
}

func (c *consensusClients) request(client int) Request {
	return Request{Client: client, Seq: 1, Op: Op{Kind: OpPropose, Proposal: checker.Value(client)}}
}

// step lets every client without an answer ask again once faults have
// healed: a request lost to a crash must not stall the liveness phase.
// Only an operation already invoked is retried, at once. A client whose
// request is still ahead of it (the heal came inside the propose window)
// asks at its own time, as scheduled; it goes to the next replica of the
// core then only when the heal left its own replica faulty. An early retry
// would propose a value before its client asked for it.
func (c *consensusClients) step(now sim.Time, healed bool) {
	if c.retried || !healed {
		return
	}
	c.retried = true
	faulty := c.h.leftFaulty()
	for _, op := range c.ops {
		if op.Return >= 0 {
			continue
		}
		to := op.Node
		for range c.h.nodes() { // ask the next proposer of the core
			if faulty&(1<<uint(to)) == 0 && c.h.proposers()&(1<<uint(to)) != 0 {
				break
			}
			to = to%c.h.nodes() + 1
		}
		switch invoke := sim.Time(op.Invoke); {
		case invoke <= now:
			c.askAgain(op.Client, sim.NodeID(to), now+1)
		case to != op.Node:
			c.askAgain(op.Client, sim.NodeID(to), invoke)
		}
	}
}

// idleBeforeHeal: the clients made their requests at the start.
func (c *consensusClients) idleBeforeHeal() bool { return true }

func (c *consensusClients) op(client int) *linearize.Op {
	for i := range c.ops {
		if c.ops[i].Client == client {
			return &c.ops[i]
		}
	}
	return nil
}

func (c *consensusClients) answered(a Answer) {
	if op := c.op(a.Client); op != nil && op.Return < 0 {
		op.Return, op.Output = int64(c.h.now()), a.Value
		c.pending--
	}
}

func (c *consensusClients) take(st ClientStep) error {
	op := c.op(st.Client)
	switch {
	case st.Client > c.clients:
		return fmt.Errorf("client %d does not exist (the run has %d)", st.Client, c.clients)
	case st.Retry() && op == nil:
		return fmt.Errorf("client %d has proposed nothing to retry", st.Client)
	case st.Retry():
		c.askAgain(st.Client, st.To, c.h.now())
	case op != nil:
		return fmt.Errorf("client %d already proposed (its second request is: client %d retry to N)", st.Client, st.Client)
	case st.Op.Kind != OpPropose:
		return fmt.Errorf("client %d: a consensus client proposes its value", st.Client)
	default:
		c.propose(st.Client, st.To, c.h.now())
	}
	return nil
}

func (c *consensusClients) count() int { return c.clients }

// seq: a consensus client asks once.
func (c *consensusClients) seq(client int) int { return 1 }

func (c *consensusClients) isReconfig(checker.Value) bool { return false }

func (c *consensusClients) reconfigMembers(checker.Value) (uint64, bool) { return 0, false }

func (c *consensusClients) done() bool { return c.pending == 0 }

func (c *consensusClients) unanswered() []string {
	var out []string
	for _, op := range c.ops {
		if op.Return < 0 {
			again := ""
			if a := c.askedAgain(op.Client); a.node != 0 {
				again = fmt.Sprintf(" (asked again at t=%d, of node %d)", a.at, a.node)
			}
			out = append(out, fmt.Sprintf("client %d's proposal of %s to node %d unanswered since t=%d%s", op.Client, op.Value, op.Node, op.Invoke, again))
		}
	}
	return out
}

// askedAgain is where and when client last asked again (node 0: never).
func (c *consensusClients) askedAgain(client int) askedAgain {
	if client < 1 || client > len(c.again) {
		return askedAgain{}
	}
	return c.again[client-1]
}

// finish judges the history as a consensus object's; a history that is
// not linearizable is a violation. The closed form (linearize.Decide)
// answers at no cost; porcupine's search confirms every history it
// rejects.
func (c *consensusClients) finish(res *Result) {
	res.Ops = c.ops
	if len(c.ops) == 0 {
		return
	}
	v := linearize.Decide(c.ops)
	if v == linearize.Illegal {
		v = linearize.Check(c.ops, LinearizabilityBudget)
	}
	res.Linearizability = string(v)
	if v != linearize.Illegal {
		return
	}
	var told []string
	for _, op := range c.ops {
		if op.Return >= 0 {
			told = append(told, fmt.Sprintf("client %d proposed %s and was told %s at t=%d", op.Client, op.Value, op.Output, op.Return))
		}
	}
	c.h.fail(checker.Violation{
		Property: checker.Linearizability, Check: "consensus-history", Time: int64(c.h.now()), Event: c.h.events(),
		Message:  "the clients' answers fit no sequential order of a consensus object",
		Evidence: told,
	})
}
