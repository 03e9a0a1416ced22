package multipaxos_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

type world = sim.World[mp.Msg, mp.Durable, checker.Observation]

// problem is a broken property found by the cluster's checks.
type problem struct {
	prop checker.Property
	msg  string
	at   sim.Time
}

func (p problem) String() string { return fmt.Sprintf("%s at t=%d: %s", p.prop, p.at, p.msg) }

// applied is one Applied observation.
type applied struct {
	value checker.Value
	state uint64
}

type acceptKey struct {
	instance int64
	ballot   checker.Ballot
	value    checker.Value
	view     uint64 // the member set the entry was stamped with (Observation.State)
}

// cluster runs Multi-Paxos replicas in a timed world with a client driver
// and checks, at every observation, what the service promises, with
// checker.LogChecker: replicas apply the same command at each instance, in
// order, and reach the same state digest there; no command takes effect
// twice on a replica. checker.Safety judges per-instance agreement, with
// the quorums of each entry's view, learner and chosen integrity, one view
// per instance, and the early checks. At the end (verify) the cluster also
// replays the agreed log on a reference key-value store to check every
// client's outputs, and checks that each entry carries the view the agreed
// log gives its instance: what no observation tells the checker, which
// does not know the commands' member sets or the protocol's alpha.
type cluster struct {
	t      testing.TB
	nodes  int
	alpha  int64
	pcfg   mp.Config
	w      *world
	safety *checker.Safety
	logc   *checker.LogChecker
	rng    *rand.Rand

	applied  [][]applied          // per node, by instance-1
	log      []applied            // the first replica's command and state per instance
	logAt    []sim.Time           // when the first replica applied each instance
	accepts  map[acceptKey]uint64 // voters per (instance, ballot, value)
	proposed map[sim.NodeID]int   // Proposed observations per node
	problems []problem

	commands  map[checker.Value]mp.Command // every command a client sent
	replies   map[checker.Value][]string   // outputs returned per command
	clients   []*client
	delivered map[mp.MsgType]int
	counting  bool
}

// client is one client of the service: it sends its requests one at a
// time to a random replica and sends a request again, to another random
// replica, when no answer came in time.
type client struct {
	id      int
	seq     int
	ops     []mp.Msg // what it will send, in order; built by the test
	at      []sim.Time
	current mp.Msg
	id64    checker.Value
	waiting bool
	sentAt  sim.Time
	retryAt sim.Time
	nextAt  sim.Time
	done    int
	retries int
	target  func() sim.NodeID // nil: a random node
}

const (
	clientTimeout = 300
	thinkTime     = 5
)

type setup struct {
	nodes   int
	cfg     mp.Config
	sim     sim.Config
	seed    uint64
	only    checker.Properties // the properties checker.Safety reports; nil for all
	tracing bool               // count delivered messages by type
	// wrap, when set, wraps the replicas' factory (to watch them).
	wrap func(sim.NewNode[mp.Msg, mp.Durable, checker.Observation]) sim.NewNode[mp.Msg, mp.Durable, checker.Observation]
}

func newCluster(t testing.TB, s setup) *cluster {
	t.Helper()
	alpha := int64(s.cfg.Alpha)
	if alpha == 0 {
		alpha = 8
	}
	c := &cluster{
		t: t, nodes: s.nodes, alpha: alpha, pcfg: s.cfg,
		rng:       rand.New(rand.NewPCG(s.seed, 0x5eed)),
		applied:   make([][]applied, s.nodes+1),
		accepts:   map[acceptKey]uint64{},
		proposed:  map[sim.NodeID]int{},
		commands:  map[checker.Value]mp.Command{},
		replies:   map[checker.Value][]string{},
		delivered: map[mp.MsgType]int{},
		logc:      checker.NewLogChecker(s.nodes),
	}
	c.safety = checker.NewSafety(s.nodes)
	c.safety.Only(s.only)
	c.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Value: mp.NoOp}) // a leader's own proposal
	sc := s.sim
	sc.Nodes = s.nodes
	factory := mp.NewNodes(s.nodes, s.cfg)
	if s.wrap != nil {
		factory = s.wrap(factory)
	}
	w, err := sim.New(sc, sim.NewRandom(s.seed), factory, c.observe)
	if err != nil {
		t.Fatal(err)
	}
	c.w = w
	if s.tracing {
		w.SetTracer(func(e sim.TraceEntry) {
			if !c.counting || e.Kind != "deliver" {
				return
			}
			name, _, _ := strings.Cut(e.Msg, "(")
			for mt := mp.RequestMsg; mt <= mp.Learn; mt++ {
				if mt.String() == name {
					c.delivered[mt]++
				}
			}
		})
	}
	return c
}

func (c *cluster) fail(p checker.Property, format string, args ...any) {
	c.problems = append(c.problems, problem{prop: p, msg: fmt.Sprintf(format, args...), at: c.w.Now()})
}

func (c *cluster) observe(node sim.NodeID, o checker.Observation) {
	now, events := int64(c.w.Now()), c.w.Events()
	c.safety.At(now, events)
	c.safety.Observe(int(node), o)
	c.logc.At(now, events)
	c.logc.Observe(int(node), o)
	switch o.Kind {
	case checker.Proposed:
		c.proposed[node]++
	case checker.Accepted:
		c.accepts[acceptKey{o.Instance, o.Ballot, o.Value, o.State}] |= 1 << uint(node)
	case checker.Applied:
		a := applied{o.Value, o.State}
		c.applied[node] = append(c.applied[node], a)
		if o.Instance == int64(len(c.log))+1 {
			c.log = append(c.log, a) // the first replica's: LogChecker compares the others
			c.logAt = append(c.logAt, c.w.Now())
		}
	case checker.Returned:
		c.replies[o.Value] = append(c.replies[o.Value], o.Output)
		for _, cl := range c.clients {
			if cl.waiting && cl.id64 == o.Value {
				cl.waiting = false
				cl.done++
				cl.nextAt = c.w.Now() + thinkTime
			}
		}
	}
}

// violation is the first problem: checker.Safety's, checker.LogChecker's,
// or the test's own.
func (c *cluster) violation() (checker.Property, string) {
	if v := c.safety.Violation(); v != nil {
		return v.Property, v.String()
	}
	if v := c.logc.Violation(); v != nil {
		return v.Property, v.String()
	}
	if len(c.problems) > 0 {
		return c.problems[0].prop, c.problems[0].String()
	}
	return "", ""
}

// broken lists every property found broken, each once.
func (c *cluster) broken() []checker.Property {
	var out []checker.Property
	add := func(p checker.Property) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, v := range c.safety.Violations() {
		add(v.Property)
	}
	for _, v := range c.logc.Violations() {
		add(v.Property)
	}
	for _, p := range c.problems {
		add(p.prop)
	}
	return out
}

// addClient adds a client that sends ops, the k-th not before at[k] (at may
// be nil).
func (c *cluster) addClient(id int, ops []mp.Msg, at []sim.Time) *client {
	cl := &client{id: id, ops: ops, at: at}
	c.clients = append(c.clients, cl)
	return cl
}

// kvOps builds n random operations of client id over a few keys.
func (c *cluster) kvOps(id, n int) []mp.Msg {
	keys := []string{"a", "b", "c"}
	ops := make([]mp.Msg, n)
	for k := range ops {
		key := keys[c.rng.IntN(len(keys))]
		seq := k + 1
		switch c.rng.IntN(3) {
		case 0:
			ops[k] = mp.Get(id, seq, key)
		case 1:
			ops[k] = mp.Put(id, seq, key, fmt.Sprintf("%d.%d", id, seq))
		default:
			ops[k] = mp.Append(id, seq, key, fmt.Sprintf("+%d.%d", id, seq))
		}
	}
	return ops
}

// spread returns n sorted times in [0, until): when a client's operations
// may start, so that they meet the faults.
func (c *cluster) spread(n int, until sim.Time) []sim.Time {
	if until <= 0 {
		return nil
	}
	at := make([]sim.Time, n)
	for k := range at {
		at[k] = sim.Time(c.rng.Int64N(int64(until)))
	}
	slices.Sort(at)
	return at
}

func (c *cluster) clientsDone() bool {
	for _, cl := range c.clients {
		if cl.done < len(cl.ops) {
			return false
		}
	}
	return true
}

// caughtUp reports whether every node applied the whole agreed log.
func (c *cluster) caughtUp() bool {
	for id := 1; id <= c.nodes; id++ {
		if len(c.applied[id]) != len(c.log) {
			return false
		}
	}
	return true
}

// clientStep runs the clients' actions due by time t and returns the time
// of the next one (or a huge time).
func (c *cluster) clientStep(t sim.Time) sim.Time {
	next := sim.Time(1 << 60)
	for _, cl := range c.clients {
		switch {
		case cl.waiting && cl.retryAt <= t:
			cl.retries++
			c.send(cl, t)
		case !cl.waiting && cl.done < len(cl.ops) && cl.nextAt <= t && (cl.at == nil || cl.at[cl.done] <= t):
			cl.current = cl.ops[cl.done]
			cmd := cl.current.Entries[0].Cmd
			cl.id64 = cmd.ID
			c.commands[cmd.ID] = cmd
			c.safety.At(int64(t), c.w.Events())
			c.safety.Observe(0, checker.Observation{Kind: checker.Invoked, Client: cl.id, Value: cmd.ID})
			cl.waiting = true
			cl.sentAt = t
			c.send(cl, t)
		}
		switch {
		case cl.waiting:
			next = min(next, cl.retryAt)
		case cl.done < len(cl.ops):
			at := cl.nextAt
			if cl.at != nil {
				at = max(at, cl.at[cl.done])
			}
			next = min(next, at)
		}
	}
	return next
}

func (c *cluster) send(cl *client, t sim.Time) {
	to := sim.NodeID(1 + c.rng.IntN(c.nodes))
	if cl.target != nil {
		to = cl.target()
	}
	c.w.Request(t, to, cl.current)
	cl.retryAt = t + clientTimeout
}

// run steps the world, and the clients, until done holds or the time
// limit passes; it stops early at the first violation. It reports whether
// done held.
func (c *cluster) run(limit sim.Time, done func() bool) bool {
	for {
		if p, _ := c.violation(); p != "" {
			return false
		}
		if done != nil && done() {
			return true
		}
		next, ok := c.w.Next()
		if !ok {
			next = 1 << 60
		}
		if ct := c.clientStep(c.w.Now()); ct <= next && ct <= limit {
			c.clientStep(max(ct, c.w.Now())) // requests at ct: the world's next events
			continue
		}
		if next > limit {
			return false
		}
		c.w.Step()
	}
}

// verify runs the end-of-run checks: client outputs against a reference
// replay of the agreed log, and each entry's view against the one the
// agreed log gives its instance.
func (c *cluster) verify() {
	c.checkOutputs()
	c.checkViews()
}

// views replays the agreed log's reconfigurations: the view of each
// instance of the agreed log, and alpha past it.
func (c *cluster) views() []uint64 {
	initial := uint64(1)<<uint(c.nodes+1) - 2
	if len(c.pcfg.Members) > 0 {
		initial = mp.MemberSet(c.pcfg.Members...)
	}
	out := make([]uint64, len(c.log)+int(c.alpha)+1) // out[i] is instance i's view
	for i := range out {
		out[i] = initial
	}
	seen := map[checker.Value]bool{}
	for k, a := range c.log {
		i := int64(k + 1)
		cmd, ok := c.commands[a.value]
		if !ok || cmd.Op != mp.OpReconfig || seen[a.value] {
			continue
		}
		seen[a.value] = true
		all := uint64(1)<<uint(c.nodes+1) - 2
		if cmd.Members&^all != 0 {
			continue
		}
		for j := i + c.alpha; j < int64(len(out)); j++ {
			out[j] = cmd.Members
		}
	}
	return out
}

// checkViews checks that every entry carries the view the agreed log
// gives its instance: checker.Safety's view integrity sees two views in
// one instance as they happen, this sees a stale view stamped alone, by
// replaying the log's reconfigurations with the protocol's alpha.
func (c *cluster) checkViews() {
	views := c.views()
	keys := make([]acceptKey, 0, len(c.accepts))
	for k := range c.accepts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].instance != keys[b].instance {
			return keys[a].instance < keys[b].instance
		}
		return keys[a].ballot.Less(keys[b].ballot)
	})
	for _, k := range keys {
		if k.instance < int64(len(views)) && k.view != views[k.instance] {
			c.fail(checker.ViewIntegrity, "instance %d: %s accepted at %s in view {%s}, but the log gives the instance view {%s}",
				k.instance, mp.FormatID(k.value), k.ballot, sim.FormatNodes(k.view), sim.FormatNodes(views[k.instance]))
			return
		}
	}
}

// checkOutputs replays the agreed log on a reference store with a dedup
// table and checks every output a client got.
func (c *cluster) checkOutputs() {
	kv := map[string]string{}
	last := map[int]int{}
	outs := map[checker.Value]string{}
	for _, a := range c.log {
		cmd, ok := c.commands[a.value]
		if !ok {
			continue // a no-op
		}
		client, seq, _ := mp.DecodeID(cmd.ID)
		if seq <= last[client] {
			continue
		}
		last[client] = seq
		switch cmd.Op {
		case mp.OpGet:
			outs[cmd.ID] = kv[cmd.Key]
		case mp.OpPut:
			kv[cmd.Key] = cmd.Arg
			outs[cmd.ID] = "OK"
		case mp.OpAppend:
			kv[cmd.Key] += cmd.Arg
			outs[cmd.ID] = kv[cmd.Key]
		}
	}
	ids := make([]checker.Value, 0, len(c.replies))
	for id := range c.replies {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if c.commands[id].Op == mp.OpReconfig {
			continue
		}
		want, ok := outs[id]
		for _, got := range c.replies[id] {
			if !ok || got != want {
				c.fail("outputs", "%s returned %q, but the agreed log gives %q (in log: %v)", mp.FormatID(id), got, want, ok)
				return
			}
		}
	}
}

// faulty is a network and fault mix for campaigns: drops, duplicates,
// crashes and partitions until healAt.
func faulty(healAt sim.Time) sim.Config {
	return sim.Config{
		Network: sim.NetworkConfig{DropRate: 0.05, DupRate: 0.05},
		Faults: sim.FaultConfig{
			CrashRate: 0.01, PartitionRate: 0.01,
			Downtime: sim.Range{Min: 50, Max: 400}, PartitionLength: sim.Range{Min: 50, Max: 500},
		},
		HealAt: healAt,
	}
}

// campaign runs one seed of setup s with kv clients, faults until healAt,
// and then until every client is done and every replica caught up (or
// the grace period ends), and returns the cluster.
func campaign(t testing.TB, s setup, clients, ops int, healAt, grace sim.Time) (*cluster, bool) {
	c := newCluster(t, s)
	for id := 1; id <= clients; id++ {
		c.addClient(id, c.kvOps(id, ops), c.spread(ops, healAt))
	}
	live := c.run(healAt+grace, func() bool { return c.w.Now() >= healAt && c.clientsDone() && c.caughtUp() })
	if p, _ := c.violation(); p == "" {
		c.verify()
	}
	return c, live
}

// outcome is what a run broke first: a safety property, Liveness when it
// did not finish in time, or "" when it passed.
func outcome(c *cluster, live bool) (checker.Property, string) {
	if p, msg := c.violation(); p != "" {
		return p, msg
	}
	if !live {
		var lag []string
		for id := 1; id <= c.nodes; id++ {
			lag = append(lag, fmt.Sprintf("node %d applied %d", id, len(c.applied[id])))
		}
		var cl []string
		for _, x := range c.clients {
			cl = append(cl, fmt.Sprintf("client %d done %d/%d", x.id, x.done, len(x.ops)))
		}
		return checker.Liveness, fmt.Sprintf("not finished by t=%d: agreed log %d; %s; %s", c.w.Now(), len(c.log), strings.Join(lag, ", "), strings.Join(cl, ", "))
	}
	return "", ""
}

// variantRun is the short run each variant is tested with: a fault
// campaign, with small views and reconfigurations for no-view.
func variantRun(t testing.TB, v mp.Variant, seed int) (*cluster, bool) {
	if v.Is(mp.NoView) {
		s := setup{nodes: 5, seed: uint64(seed), sim: faulty(3000), cfg: mp.Config{Variant: v}}
		return reconfigCampaign(t, s, smallViews, 3, 10, 3000, 4000)
	}
	n := 3 + 2*(seed%2)
	if v.Is(mp.NoGapFill) || v.Is(mp.NoRestamp) {
		// Rarer interleavings: lost pipelined accepts before a leader
		// change (a gap), or three leaders within one instance.
		s := setup{nodes: n, seed: uint64(seed), sim: harsh(2000), cfg: mp.Config{Variant: v}}
		return campaign(t, s, 6, 15, 2000, 4000)
	}
	s := setup{nodes: n, seed: uint64(seed), sim: faulty(2000), cfg: mp.Config{Variant: v}}
	return campaign(t, s, 3, 10, 2000, 4000)
}
