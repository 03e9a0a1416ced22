package sim

// PCT is a Decider that schedules a Timed world's messages by priorities,
// as Burckhardt et al.'s probabilistic concurrency testing (ASPLOS 2010)
// schedules threads, adapted to message passing after Ozkan et al.'s
// PCTCP: a node's messages form one chain, and a chain's priority decides
// how soon its messages arrive.
//
// At the start each node gets a distinct priority, a random permutation
// of depth .. depth+n-1, and depth-1 change points are drawn among the
// first horizon messages sent. A message's delay comes from its sender's
// rank: the node of highest priority has its messages delivered after the
// shortest delay, the lowest after the longest, and the others in
// between, each in a band of its own of the delay range. When the i-th
// change point's message is sent, its sender drops to priority depth-i,
// below every other: the node that was racing ahead now falls behind,
// the reordering a bug of depth d needs d-1 of.
//
// Until the heal three more answers follow the priorities: the clients
// start (DecideStart) in priority order within the first ticks; every
// node's messages but the first's are held (Holder), in proportion to its
// rank; and a node's faults and duplicates are PCTFaultBoost times
// likelier among the first horizon messages, where the race is. Every
// other decision (drops, crashes after the race, a node's jitter) is drawn
// as Random draws it. PCT answers the same decisions as Random, so a PCT
// run's decision trace replays and shrinks like any other, without
// knowing it was PCT.
type PCT struct {
	random  Random
	depth   int
	horizon int
	nodes   int
	prio    [MaxNodes + 1]int32
	changes []int // the messages, counted from 1, at which a change point falls, increasing
	next    int   // the index in changes of the next change point
	sent    int   // delay decisions taken so far
}

// DefaultPCTHorizon is the number of messages among which PCT draws its
// change points when none is given: about the messages a single-decree run
// with two proposers sends before it decides.
const DefaultPCTHorizon = 60

// NewPCT returns a PCT decider for seed with depth (at least 1) priority
// levels over nodes nodes, its depth-1 change points drawn among the first
// horizon messages (DefaultPCTHorizon when 0).
func NewPCT(seed uint64, depth, nodes, horizon int) *PCT {
	p := new(PCT)
	p.Seed(seed, depth, nodes, horizon)
	return p
}

// Seed restarts p as NewPCT(seed, depth, nodes, horizon) returns it,
// reusing its memory: what a harness that runs seed after seed does.
func (p *PCT) Seed(seed uint64, depth, nodes, horizon int) {
	depth, nodes = max(depth, 1), min(max(nodes, 1), MaxNodes)
	if horizon <= 0 {
		horizon = DefaultPCTHorizon
	}
	p.random.Seed(seed)
	p.depth, p.horizon, p.nodes, p.next, p.sent = depth, horizon, nodes, 0, 0
	p.prio = [MaxNodes + 1]int32{}
	p.prio[External] = int32(depth + nodes) // a client's request: above every node
	for id := 1; id <= nodes; id++ {        // Fisher-Yates over depth..depth+n-1
		j := 1 + p.random.Intn(Decision{}, id)
		p.prio[id] = p.prio[j]
		p.prio[j] = int32(depth + id - 1)
	}
	p.changes = p.changes[:0]
	for len(p.changes) < depth-1 {
		p.changes = insertSorted(p.changes, 1+p.random.Intn(Decision{}, horizon))
	}
}

// insertSorted adds v to the increasing s, keeping it increasing.
func insertSorted(s []int, v int) []int {
	s = append(s, v)
	for i := len(s) - 1; i > 0 && s[i-1] > v; i-- {
		s[i], s[i-1] = s[i-1], s[i]
	}
	return s
}

// Priority is node id's priority now: higher is delivered sooner.
func (p *PCT) Priority(id NodeID) int { return int(p.prio[id]) }

// ChangePoints are the messages, counted from 1 in sending order, at which
// a priority changes.
func (p *PCT) ChangePoints() []int { return p.changes }

// rank is how many nodes have a higher priority than id: 0 for the first.
func (p *PCT) rank(id NodeID) int {
	r := 0
	for n := 1; n <= p.nodes; n++ {
		if p.prio[n] > p.prio[id] {
			r++
		}
	}
	return r
}

// Intn implements Decider: a message's delay from its sender's rank,
// every other decision as Random draws it.
func (p *PCT) Intn(d Decision, n int) int {
	if d.Kind == DecideStart && d.Node != External && int(d.Node) <= p.nodes {
		return p.band(p.rank(d.Node), min(n, 4*p.nodes))
	}
	if d.Kind != DecideDelay || n < 2 {
		return p.random.Intn(d, n)
	}
	p.sent++
	for p.next < len(p.changes) && p.changes[p.next] == p.sent {
		p.next++
		if d.Node != External && int(d.Node) <= p.nodes {
			p.prio[d.Node] = int32(p.depth - p.next)
		}
	}
	return p.band(p.rank(d.Node), n)
}

// band draws a value in [0, n) from the band of rank r: the n values split
// into nodes bands, the first (shortest delays) to rank 0.
func (p *PCT) band(r, n int) int {
	lo, hi := r*n/p.nodes, (r+1)*n/p.nodes
	if hi <= lo {
		return min(lo, n-1)
	}
	return lo + p.random.Intn(Decision{Kind: DecideDelay}, hi-lo)
}

// Chance implements Decider: a fault is PCTFaultBoost times likelier
// among the first Horizon messages, where the race is.
func (p *PCT) Chance(d Decision, prob float64) bool {
	if p.sent <= p.horizon && boosted(d.Kind) {
		prob = min(prob*PCTFaultBoost, 0.5)
	}
	return p.random.Chance(d, prob)
}

// boosted reports whether PCT boosts faults of kind k: those of a node, and
// duplicates.
func boosted(k DecisionKind) bool {
	switch k {
	case DecideFault, DecideCrash, DecideTornCrash, DecideLoseUnsynced, DecideDup:
		return true
	}
	return false
}

// PCTFaultBoost is how much likelier PCT makes a fault while it races.
const PCTFaultBoost = 3.0

// Holder is a Decider that may hold a message back longer than the
// network's delays, until the heal: how a scheduler lets the messages of
// a node of low priority wait while the others' flow (PCT). Before the
// heal the network may lose any message, so it may also be late; after
// it, no message is held.
type Holder interface {
	// Hold is how many ticks, beyond its delay, the message from -> to
	// waits; maxDelay is the network's longest delay.
	Hold(from, to NodeID, maxDelay Time) Time
}

// holdBack asks the world's decider how long to hold a message, if it is a
// Holder.
func (w *World[M, D, O]) holdBack(from, to NodeID, maxDelay Time) Time {
	if h, ok := w.decide.(Holder); ok {
		return h.Hold(from, to, maxDelay)
	}
	return 0
}

// Hold implements Holder: the messages of the node of rank r (0 the first)
// of n wait up to PCTHoldFactor*r/(n-1) longest delays: the first's never,
// the last's up to PCTHoldFactor.
func (p *PCT) Hold(from, _ NodeID, maxDelay Time) Time {
	if from == External || int(from) > p.nodes || p.nodes < 2 {
		return 0
	}
	r := p.rank(from)
	if r == 0 {
		return 0
	}
	return Time(p.random.Intn(Decision{Kind: DecideDelay}, int(PCTHoldFactor*maxDelay)*r/(p.nodes-1)+1))
}

// PCTHoldFactor bounds how long PCT holds a message of its node of lowest
// priority, in longest delays.
const PCTHoldFactor Time = 10
