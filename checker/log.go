package checker

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/fingerprint"
)

// The properties of a replicated log and the service it feeds, judged by
// LogChecker.
const (
	// LogConsistency: every replica applies the same command at each
	// instance (its log is a prefix of the others' or has them as
	// prefixes), applies the instances in order 1, 2, 3, ... with no gap
	// and no repeat (except replaying from a restart), and applies at each
	// instance the command it learned there.
	LogConsistency Property = "log-consistency"
	// StateConsistency: replicas that applied the same instance report the
	// same digest of their service state after it.
	StateConsistency Property = "state-consistency"
	// ExactlyOnce: every command takes effect once on each replica, at the
	// same instance on all: a replica never lets a command take effect at
	// a second instance (a retried command executed twice), never skips as
	// a duplicate a command that had not taken effect on it (a lost
	// command), and replicas agree at every instance on whether its
	// command took effect.
	ExactlyOnce Property = "exactly-once"
)

// logEntry is what the first replica to apply an instance applied there:
// the command, the digest of the service state after it, whether it took
// effect, and, for evidence only, who applied it and when.
type logEntry struct {
	cmd    Value
	state  uint64
	effect bool
	node   int
	time   int64
}

// replicaLog is where one replica is in the log.
type replicaLog struct {
	applied   int64 // the last instance applied, 0 for none
	restarted bool  // restarted since its last apply
}

// nodeCmd names a command on one replica.
type nodeCmd struct {
	node int
	cmd  Value
}

// firstApply is where a command was first applied on a replica, and
// whether it took effect there.
type firstApply struct {
	instance int64
	effect   bool
}

// LogChecker judges a replicated log (Multi-Paxos) and the service its
// replicas apply it to, at every observation: log consistency, state
// consistency and exactly-once execution (the properties LogConsistency,
// StateConsistency and ExactlyOnce), each client's commands taking effect
// in the order the client sent them (Linearizability, check
// client-order: clientorder.go), and, at the end of a run, liveness
// (CheckLiveness).
//
// It consumes each replica's Applied observations (instance, command id,
// state digest, effect) and Learned observations of instances from 1 on;
// it ignores every other kind, so a harness may feed it all observations,
// as it does Safety. Instances are numbered from 1. A command id is a
// Value, unique per client command (client id and sequence number): a
// client's retry has its original's id. Value 0 (None) is a no-op, to
// which exactly-once does not apply.
//
// Each instance's command, state digest and effect are recorded from the
// first replica to apply it, and every later application by any replica
// is compared with that record. What a replica learned is compared with
// what it applies, and with what any replica applied at the instance.
//
// A replica may apply an instance a second time only after it restarted,
// replaying its log from any instance up to the one after its last (from
// 1 when its service state is not durable, or from a snapshot of it): the
// harness reports restarts with Restart. A replica that installs a
// snapshot received from another replica, skipping instances, breaks
// log consistency as seen from here: no observation reports the state
// transfer.
//
// The zero value is ready to use; NewLogChecker sizes it for a cluster.
type LogChecker struct {
	log      []logEntry   // the record of instance i at log[i-1]
	replicas []replicaLog // by node id
	first    firstTable
	learned  nodeTable[Value]
	order    clientOrder
	record
}

// NewLogChecker returns a LogChecker for a cluster of nodes replicas, with
// ids up to nodes.
func NewLogChecker(nodes int) *LogChecker {
	c := &LogChecker{
		replicas: make([]replicaLog, nodes+1),
	}
	c.learned.reset(nodes)
	return c
}

// AppliedIndex returns the last instance node applied, 0 for none. After a
// restart it is the last instance applied before, until the replica
// applies again.
func (c *LogChecker) AppliedIndex(node int) int64 {
	if node < 0 || node >= len(c.replicas) {
		return 0
	}
	return c.replicas[node].applied
}

// Command returns the command applied at instance, as the first replica to
// apply it reported, if any replica did.
func (c *LogChecker) Command(instance int64) (Value, bool) {
	if instance < 1 || instance > int64(len(c.log)) {
		return None, false
	}
	return c.log[instance-1].cmd, true
}

// Restart tells the checker that node restarted from its durable storage:
// until it applies again, its next instance may be any one from 1 to the
// one after its last, as it replays its log onto a service state restored
// from a snapshot or started afresh. A replica that replays without a
// Restart breaks log consistency: it applies instances twice.
func (c *LogChecker) Restart(node int) {
	if r := c.replica(node); r != nil {
		r.restarted = true
	}
}

// Observe checks one observation reported by node, a replica id >= 0.
// Restarted is Restart; Invoked and Returned give each client's order
// (clientOrder). Other kinds, and Learned of instance 0 (single-decree
// Paxos), are ignored. After a
// violation it keeps recording and reports the first violation of each
// other property.
func (c *LogChecker) Observe(node int, o Observation) {
	switch o.Kind {
	case Restarted:
		c.Restart(node)
	case Applied:
		c.apply(node, o)
	case Learned:
		if o.Instance > 0 {
			c.learn(node, o)
		}
	case Invoked:
		c.order.invoked(o.Client, o.Value)
	case Returned:
		c.order.returned(o.Client, o.Value)
	}
}

// replica returns node's place in the log, nil for a negative id.
func (c *LogChecker) replica(node int) *replicaLog {
	if node < 0 {
		return nil
	}
	if node >= len(c.replicas) {
		c.replicas = append(c.replicas, make([]replicaLog, node+1-len(c.replicas))...)
	}
	return &c.replicas[node]
}

func (c *LogChecker) apply(node int, o Observation) {
	r := c.replica(node)
	if r == nil {
		return
	}
	i := o.Instance
	if i < 1 {
		c.violate(LogConsistency, "instances-from-1", i, fmt.Sprintf("node %d applies instance %d, but instances start at 1", node, i))
		return
	}
	c.inOrder(node, r, i)
	r.applied, r.restarted = i, false

	if v, ok := c.learned.get(node, i); ok && v != o.Value {
		c.violate(LogConsistency, "applies-other-than-learned", i, fmt.Sprintf("node %d applies %s at instance %d, but it learned %s there", node, o.Value, i, v))
	}
	if o.Value != None {
		c.once(node, o)
	}
	switch {
	case i <= int64(len(c.log)):
		c.compare(node, o, c.log[i-1])
	case i == int64(len(c.log))+1:
		c.log = append(c.log, logEntry{cmd: o.Value, state: o.State, effect: o.Effect, node: node, time: c.now})
	}
	// Beyond the end of the record, past a gap that inOrder reported, the
	// application is compared with nothing and recorded nowhere: the log
	// would need a hole, and a broken replica's sparse instance numbers
	// must not size a slice.
}

// inOrder checks that node applies instance i next: the one after its
// last, or, after a restart, any one up to that.
func (c *LogChecker) inOrder(node int, r *replicaLog, i int64) {
	next := r.applied + 1
	switch {
	case i == next, r.restarted && i < next:
		return
	case i > next && r.restarted:
		c.violate(LogConsistency, "gap-after-restart", i, fmt.Sprintf("node %d, restarted after applying up to instance %d, applies instance %d: %s never applied",
			node, r.applied, i, span(next, i-1)))
	case i > next:
		c.violate(LogConsistency, "gap", i, fmt.Sprintf("node %d applies instance %d after instance %d: %s never applied",
			node, i, r.applied, span(next, i-1)))
	default:
		c.violate(LogConsistency, "applies-again", i, fmt.Sprintf("node %d applies instance %d again after instance %d, without a restart",
			node, i, r.applied))
	}
}

// span renders the instances from..to: "instance 3" or "instances 3..5".
func span(from, to int64) string {
	if from == to {
		return "instance " + strconv.FormatInt(from, 10)
	}
	return fmt.Sprintf("instances %d..%d", from, to)
}

// once checks that command o.Value takes effect on node at one instance
// only, and is skipped as a duplicate only after that instance.
func (c *LogChecker) once(node int, o Observation) {
	i := o.Instance
	prev, seen := c.first.get(node, o.Value)
	switch {
	case o.Effect && seen && prev.effect && prev.instance != i:
		c.violate(ExactlyOnce, "executes-twice", i, fmt.Sprintf("node %d executes %s twice: at instance %d, after instance %d", node, o.Value, i, prev.instance),
			c.entryEvidence(prev.instance), fmt.Sprintf("node %d %s", node, o))
	case !o.Effect && (!seen || !prev.effect):
		c.violate(ExactlyOnce, "skip-loses-command", i, fmt.Sprintf("node %d skips %s at instance %d as a duplicate, but it never took effect there: the command is lost",
			node, o.Value, i))
	case !o.Effect && prev.instance >= i:
		c.violate(ExactlyOnce, "skip-before-effect", i, fmt.Sprintf("node %d skips %s at instance %d as a duplicate, but it took effect at instance %d",
			node, o.Value, i, prev.instance))
	}
	if !seen || (o.Effect && !prev.effect) {
		c.first.set(node, o.Value, firstApply{instance: i, effect: o.Effect})
	}
	if o.Effect {
		c.checkOrder(node, o.Value, i)
	}
}

// compare checks node's application o against the record of its instance.
func (c *LogChecker) compare(node int, o Observation, e logEntry) {
	i := o.Instance
	if o.Value != e.cmd {
		c.violate(LogConsistency, "logs-differ", i, fmt.Sprintf("node %d applies %s at instance %d, but node %d applied %s there", node, o.Value, i, e.node, e.cmd),
			c.entryEvidence(i), fmt.Sprintf("node %d %s", node, o))
	}
	if o.State != e.state {
		c.violate(StateConsistency, "states-differ", i, fmt.Sprintf("node %d has state %016x after instance %d, but node %d had %016x", node, o.State, i, e.node, e.state),
			c.entryEvidence(i), fmt.Sprintf("node %d %s", node, o))
	}
	if o.Value == e.cmd && o.Value != None && o.Effect != e.effect {
		c.violate(ExactlyOnce, "effects-differ", i, fmt.Sprintf("%s %s at instance %d on node %d, but %s on node %d",
			o.Value, effectVerb(o.Effect), i, node, effectVerb(e.effect), e.node),
			c.entryEvidence(i), fmt.Sprintf("node %d %s", node, o))
	}
}

func effectVerb(effect bool) string {
	if effect {
		return "takes effect"
	}
	return "is skipped as a duplicate"
}

// entryEvidence describes the record of instance i.
func (c *LogChecker) entryEvidence(i int64) string {
	if i < 1 || i > int64(len(c.log)) {
		return fmt.Sprintf("no replica applied instance %d", i)
	}
	e := c.log[i-1]
	o := Observation{Kind: Applied, Instance: i, Value: e.cmd, State: e.state, Effect: e.effect}
	return fmt.Sprintf("node %d %s at t=%d", e.node, o, e.time)
}

func (c *LogChecker) learn(node int, o Observation) {
	i := o.Instance
	if prev, ok := c.learned.get(node, i); ok {
		if prev != o.Value {
			c.violate(LogConsistency, "learns-twice", i, fmt.Sprintf("node %d learns %s at instance %d, after learning %s there", node, o.Value, i, prev))
		}
		return
	}
	c.learned.set(node, i, o.Value)
	if i <= int64(len(c.log)) && c.log[i-1].cmd != o.Value {
		c.violate(LogConsistency, "learns-other-than-applied", i, fmt.Sprintf("node %d learns %s at instance %d, but node %d applied %s there", node, o.Value, i, c.log[i-1].node, c.log[i-1].cmd),
			c.entryEvidence(i))
	}
}

// appliedOn reports whether node applied cmd in its current pass through
// the log: the instance where it first applied it is one it has reached.
func (c *LogChecker) appliedOn(node int, cmd Value) bool {
	f, ok := c.first.get(node, cmd)
	return ok && f.instance <= c.AppliedIndex(node)
}

// AllApplied reports whether every replica in core has applied every
// command in commands (no-ops, None, aside): a run waiting for liveness
// may stop early then.
func (c *LogChecker) AllApplied(core []int, commands []Value) bool {
	for _, n := range core {
		for _, cmd := range commands {
			if cmd != None && !c.appliedOn(n, cmd) {
				return false
			}
		}
	}
	return true
}

// maxListed bounds the commands one line of liveness evidence names.
const maxListed = 8

// CheckLiveness judges a replicated log's liveness at the end of the grace
// period that followed the heal: every replica in core (the replicas that
// form a quorum and were up and connected since healAt) must have applied
// every command in commands (the ones the harness expects to get through:
// typically every command invoked, or those invoked at core replicas),
// where "applied" means reached in its log, whether it took effect there
// or was skipped as a duplicate of an earlier instance. healAt and
// deadline are virtual times, for the message. It returns nil when the
// property holds, and otherwise a Liveness violation whose evidence has a
// line per lagging replica and where each missing command was applied, if
// anywhere.
func (c *LogChecker) CheckLiveness(core []int, commands []Value, healAt, deadline int64) *Violation {
	var lagging []string
	var evidence []string
	lowest := int64(-1) // the first instance a lagging replica lacks
	for _, n := range core {
		var missing []Value
		for _, cmd := range commands {
			if cmd != None && !c.appliedOn(n, cmd) && !containsValue(missing, cmd) {
				missing = append(missing, cmd)
			}
		}
		if len(missing) == 0 {
			continue
		}
		lagging = append(lagging, strconv.Itoa(n))
		applied := c.AppliedIndex(n)
		if lowest < 0 || applied+1 < lowest {
			lowest = applied + 1
		}
		evidence = append(evidence, fmt.Sprintf("node %d applied up to instance %d (of %d applied anywhere); it lacks %s",
			n, applied, len(c.log), c.whereApplied(missing)))
	}
	if len(lagging) == 0 {
		return nil
	}
	return &Violation{
		Property: Liveness, Check: "not-applied", Time: c.now, Event: c.event, Instance: lowest,
		Message: fmt.Sprintf("node(s) %s had not applied every command by t=%d, %d ticks after every fault healed at t=%d",
			strings.Join(lagging, ","), deadline, deadline-healAt, healAt),
		Evidence: evidence,
	}
}

func containsValue(vs []Value, v Value) bool {
	for _, w := range vs {
		if w == v {
			return true
		}
	}
	return false
}

// whereApplied lists commands with the first instance each was applied at
// by any replica: "v5 (at instance 5), v9 (applied nowhere)", naming at
// most maxListed of them.
func (c *LogChecker) whereApplied(cmds []Value) string {
	at := make(map[Value]int64, len(cmds))
	for i := range c.log {
		cmd := c.log[i].cmd
		if _, ok := at[cmd]; !ok && containsValue(cmds, cmd) {
			at[cmd] = int64(i) + 1
		}
	}
	var parts []string
	for k, cmd := range cmds {
		if k == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(cmds)-k))
			break
		}
		if i, ok := at[cmd]; ok {
			parts = append(parts, fmt.Sprintf("%s (at instance %d)", cmd, i))
		} else {
			parts = append(parts, fmt.Sprintf("%s (applied nowhere)", cmd))
		}
	}
	return strings.Join(parts, ", ")
}

// CloneInto returns a deep copy of the checker, reusing dst's memory when
// dst is non-nil: an explorer keeps one checker per state, since what the
// replicas applied on the way to a state decides the verdicts after it.
func (c *LogChecker) CloneInto(dst *LogChecker) *LogChecker {
	if dst == nil {
		dst = &LogChecker{}
	}
	log, replicas, rec := dst.log[:0], dst.replicas[:0], dst.record
	first, learned, order := dst.first, dst.learned, dst.order
	*dst = *c
	dst.log = append(log, c.log...)
	dst.replicas = append(replicas, c.replicas...)
	dst.record = rec
	c.record.cloneInto(&dst.record)
	dst.first = first
	c.first.cloneInto(&dst.first)
	dst.learned = learned
	c.learned.cloneInto(&dst.learned)
	dst.order = order
	c.order.cloneInto(&dst.order)
	return dst
}

// Fingerprint writes the checker's state as it bears on future verdicts:
// the command, state digest and effect recorded at every instance, each
// replica's last applied instance and whether it restarted since, where
// each replica first applied each command, what each replica learned, and
// which properties already broke. Times, event indices, which replica
// applied an instance first, and evidence are left out; node ids go
// through h's renaming. Collections are written in an order that does not
// depend on the order things happened in.
func (c *LogChecker) Fingerprint(h *fingerprint.Hasher) {
	var elems []ghost
	if h.Exact() {
		elems = make([]ghost, 0, len(c.log)+len(c.replicas)+c.first.len()+c.learned.len())
	}
	var sum fingerprint.Key
	add := func(g ghost) {
		if elems != nil {
			elems = append(elems, g)
			return
		}
		sum = sum.Add(fingerprint.Element(g[:]...))
	}
	flag := func(b bool) uint64 {
		if b {
			return 1
		}
		return 0
	}
	for i, e := range c.log {
		add(ghost{11, uint64(i) + 1, uint64(e.cmd), e.state, flag(e.effect)})
	}
	for node, r := range c.replicas {
		if r != (replicaLog{}) {
			add(ghost{12, uint64(h.MapNode(node)), uint64(r.applied), flag(r.restarted)})
		}
	}
	c.first.each(func(node int, cmd Value, f firstApply) {
		add(ghost{13, uint64(h.MapNode(node)), uint64(cmd), uint64(f.instance), flag(f.effect)})
	})
	c.learned.each(func(node int, instance int64, v Value) {
		add(ghost{14, uint64(h.MapNode(node)), uint64(instance), uint64(v)})
	})
	c.order.each(func(tag, x, y uint64) { add(ghost{tag, x, y}) })
	writeElements(h, elems, sum)
	writeProperties(h, c.all)
}

// writeElements writes a collection of ghosts: sorted, when h is exact and
// elems holds them, or else their sum.
func writeElements(h *fingerprint.Hasher, elems []ghost, sum fingerprint.Key) {
	if elems == nil {
		h.Key(sum)
		return
	}
	slices.SortFunc(elems, func(a, b ghost) int { return slices.Compare(a[:], b[:]) })
	h.Uint64(uint64(len(elems)))
	for _, g := range elems {
		for _, w := range g {
			h.Uint64(w)
		}
	}
}

// writeProperties writes the set of properties broken in all.
func writeProperties(h *fingerprint.Hasher, all []Violation) {
	props := make([]string, 0, len(all))
	for _, v := range all {
		props = append(props, string(v.Property))
	}
	slices.Sort(props)
	h.Uint64(uint64(len(props)))
	for _, p := range props {
		for i := 0; i < len(p); i++ {
			h.Uint64(uint64(p[i]))
		}
	}
}
