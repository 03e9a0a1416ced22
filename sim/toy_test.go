package sim

import (
	"fmt"
	"github.com/paxsim/paxsim/fingerprint"
	"slices"
	"testing"
)

// This file holds the toy node the sim tests run: a gossip network whose
// messages are small value structs. It is the smallest thing that exercises
// every part of the Node and Env contract: it sends, forwards, sets and
// re-arms timers, draws jitter through Env.Rand, persists durable state and
// emits observations.

// toyMsg is a gossip message. Every message a node sends carries a unique Val
// (the sender in the high bits, a per-incarnation sequence number below), so
// tests can follow one message from send to delivery.
type toyMsg struct {
	Origin NodeID // the node that injected it
	Hop    uint16 // how many times it was forwarded
	TTL    uint16 // how many more times it may be forwarded
	Sent   Time   // when it was last sent
	Val    uint64
}

func (m toyMsg) Digest() uint64 {
	h := fingerprint.Mix64(uint64(m.Origin) | uint64(m.Hop)<<16 | uint64(m.TTL)<<32)
	h = fingerprint.Mix64(h ^ uint64(m.Sent))
	return fingerprint.Mix64(h ^ m.Val)
}

func (m toyMsg) String() string {
	return fmt.Sprintf("gossip{origin %d hop %d ttl %d sent %d val %#x}", m.Origin, m.Hop, m.TTL, m.Sent, m.Val)
}

// toyDurable is what a toy node persists.
type toyDurable struct {
	Boots     int    // how many times the node started
	Delivered uint64 // deliveries, as of the last persist
	Sum       uint64 // a digest of everything delivered, as of the last persist
}

// toyObsKind says what a toy observation is about.
type toyObsKind uint8

const (
	obsStart   toyObsKind = iota + 1 // the node started, Durable is what it was built from
	obsDeliver                       // the node handled Msg from From
	obsFire                          // timer Tag fired
	obsSend                          // the node sent Msg to To
	obsPersist                       // the node persisted Durable
	obsRand                          // Env.Rand returned Rand
)

// toyObs is one observation of a toy node.
type toyObs struct {
	Kind     toyObsKind
	At       Time
	From, To NodeID
	Msg      toyMsg
	Tag      TimerTag
	Volatile int // deliveries handled since this incarnation started
	Durable  toyDurable
	Rand     int
}

// toyOpts configures the toy nodes' behaviour. It is shared, read-only.
type toyOpts struct {
	TTL          uint16 // forward each delivery while its TTL lasts; 0: never forward
	Inject       Time   // period of timer 0, which injects new messages; 0: no timer
	Jitter       int    // Env.Rand(Jitter) ticks are added to every period
	Fanout       bool   // timer 0 sends to every other node instead of one
	Kickoff      bool   // Start sends one message
	PersistEvery int    // persist every k-th delivery; 0 means every one
	LongTimer    Time   // Start arms timer 1 to fire this long after; 0: never
	Observe      bool   // emit observations (leave off on hot paths)
	Timeless     bool   // leave Sent 0: a Choice world's replay sends the same messages
}

type toyNode struct {
	id       NodeID
	opts     *toyOpts
	durable  toyDurable // the in-memory copy: ahead of the persisted one
	volatile int
	seq      uint64
}

type toyEnv = Env[toyMsg, toyDurable, toyObs]
type toyWorld = World[toyMsg, toyDurable, toyObs]

func newToy(opts *toyOpts) NewNode[toyMsg, toyDurable, toyObs] {
	return func(id NodeID, d toyDurable) Node[toyMsg, toyDurable, toyObs] {
		return &toyNode{id: id, opts: opts, durable: d}
	}
}

func (n *toyNode) Start(env *toyEnv) {
	if n.opts.Observe {
		env.Observe(toyObs{Kind: obsStart, At: env.Now(), Durable: n.durable})
	}
	n.durable.Boots++
	n.persist(env)
	if n.opts.Inject > 0 {
		n.arm(env)
	}
	if n.opts.LongTimer > 0 {
		env.SetTimer(1, n.opts.LongTimer)
	}
	if n.opts.Kickoff && env.Nodes() > 1 {
		n.send(env, n.next(env, uint64(n.id)), toyMsg{Origin: n.id, TTL: n.opts.TTL})
	}
}

func (n *toyNode) Deliver(env *toyEnv, from NodeID, m toyMsg) {
	n.volatile++
	n.durable.Delivered++
	n.durable.Sum = fingerprint.Mix64(n.durable.Sum ^ m.Digest())
	if n.opts.Observe {
		env.Observe(toyObs{Kind: obsDeliver, At: env.Now(), From: from, To: n.id, Msg: m, Volatile: n.volatile, Durable: n.durable})
	}
	if k := n.opts.PersistEvery; k <= 1 || n.durable.Delivered%uint64(k) == 0 {
		n.persist(env)
	}
	if m.TTL > 0 && env.Nodes() > 1 {
		m.Hop++
		m.TTL--
		n.send(env, n.next(env, m.Val), m)
	}
}

func (n *toyNode) Fire(env *toyEnv, tag TimerTag) {
	if n.opts.Observe {
		env.Observe(toyObs{Kind: obsFire, At: env.Now(), Tag: tag, Volatile: n.volatile})
	}
	if tag != 0 {
		return
	}
	m := toyMsg{Origin: n.id, TTL: n.opts.TTL}
	switch {
	case n.opts.Fanout:
		for to := NodeID(1); int(to) <= env.Nodes(); to++ {
			if to != n.id {
				n.send(env, to, m)
			}
		}
	case env.Nodes() > 1:
		n.send(env, n.next(env, n.seq), m)
	}
	n.arm(env)
}

func (n *toyNode) arm(env *toyEnv) {
	after := n.opts.Inject
	if n.opts.Jitter > 0 {
		r := env.Rand(n.opts.Jitter)
		if n.opts.Observe {
			env.Observe(toyObs{Kind: obsRand, At: env.Now(), Rand: r})
		}
		after += Time(r)
	}
	env.SetTimer(0, after)
}

func (n *toyNode) persist(env *toyEnv) {
	env.Persist(n.durable)
	if n.opts.Observe {
		env.Observe(toyObs{Kind: obsPersist, At: env.Now(), Durable: n.durable})
	}
}

// send stamps m with a fresh Val and the send time and sends it.
func (n *toyNode) send(env *toyEnv, to NodeID, m toyMsg) {
	n.seq++
	m.Val = uint64(n.id)<<48 | uint64(n.durable.Boots)<<32 | n.seq
	if !n.opts.Timeless {
		m.Sent = env.Now()
	}
	if n.opts.Observe {
		env.Observe(toyObs{Kind: obsSend, At: env.Now(), From: n.id, To: to, Msg: m})
	}
	env.Send(to, m)
}

// next picks another node from x.
func (n *toyNode) next(env *toyEnv, x uint64) NodeID {
	others := uint64(env.Nodes() - 1)
	return NodeID((uint64(n.id-1)+1+fingerprint.Mix64(x)%others)%uint64(env.Nodes()) + 1)
}

// toyEntry is an observation with the node that emitted it.
type toyEntry struct {
	Node NodeID
	toyObs
}

// toyLog collects observations.
type toyLog struct{ entries []toyEntry }

func (l *toyLog) observe(id NodeID, o toyObs) { l.entries = append(l.entries, toyEntry{id, o}) }

// filter returns the entries for which keep is true.
func (l *toyLog) filter(keep func(e toyEntry) bool) []toyEntry {
	var out []toyEntry
	for _, e := range l.entries {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// newToyWorld builds a toy world; log may be nil.
func newToyWorld(t testing.TB, cfg Config, d Decider, opts *toyOpts, log *toyLog) *toyWorld {
	t.Helper()
	var obs Observer[toyObs]
	if log != nil {
		obs = log.observe
	}
	w, err := New(cfg, d, newToy(opts), obs)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	w.SetLeader(func() NodeID { return firstUp(w) })
	return w
}

// runUntil executes every event due at or before limit.
func runUntil(w *toyWorld, limit Time) {
	for {
		at, ok := w.Next()
		if !ok || at > limit {
			return
		}
		w.Step()
	}
}

// runSteps executes n events, or fewer if the world runs out of them.
func runSteps(w *toyWorld, n int) {
	for range n {
		if !w.Step() {
			return
		}
	}
}

// busyOpts keeps the network busy forever: every delivery is forwarded, and
// timers inject fresh messages so that drops never starve the network.
func busyOpts() *toyOpts {
	return &toyOpts{TTL: 20, Inject: 15, Jitter: 5, Kickoff: true}
}

// faultyConfig turns every fault on.
func faultyConfig(nodes int) Config {
	return Config{
		Nodes: nodes,
		Network: NetworkConfig{
			Delay:         Delay{Dist: LongTail, Min: 1, Max: 10},
			DropRate:      0.05,
			DupRate:       0.05,
			RedeliverRate: 0.02,
			LongDelayRate: 0.01,
			OutliveRate:   0.3,
		},
		Faults: FaultConfig{
			DeposeRate:       0.02,
			LagRate:          0.01,
			CrashRate:        0.02,
			TornCrashRate:    0.02,
			LoseUnsyncedRate: 0.02,
			PartitionRate:    0.03,
			SlowRate:         0.02,
			Downtime:         Range{10, 100},
		},
	}
}

// pingConfig is a reliable network with a fixed delay plus the given
// scheduled faults.
func pingConfig(t testing.TB, nodes int, delay Time, faults ...string) Config {
	t.Helper()
	cfg := Config{Nodes: nodes, Network: NetworkConfig{Delay: Delay{Min: delay, Max: delay}}}
	for _, s := range faults {
		f, err := ParseFault(s)
		if err != nil {
			t.Fatalf("ParseFault(%q): %v", s, err)
		}
		cfg.Faults.Schedule = append(cfg.Faults.Schedule, f)
	}
	return cfg
}

// pingOpts makes every node send to every other node every period ticks.
func pingOpts(period Time) *toyOpts {
	return &toyOpts{Inject: period, Fanout: true, Observe: true}
}

// deliveries returns the deliveries from -> to (0 matches any node).
func deliveries(l *toyLog, from, to NodeID) []toyEntry {
	return l.filter(func(e toyEntry) bool {
		return e.Kind == obsDeliver && (from == 0 || e.From == from) && (to == 0 || e.To == to)
	})
}

// times lists the At of each entry.
func times(es []toyEntry) []Time {
	out := make([]Time, len(es))
	for i, e := range es {
		out[i] = e.At
	}
	return out
}

// countIn counts the entries with lo <= At < hi.
func countIn(es []toyEntry, lo, hi Time) int {
	n := 0
	for _, e := range es {
		if e.At >= lo && e.At < hi {
			n++
		}
	}
	return n
}

func TestToyNext(t *testing.T) {
	// The toy's target choice must never pick the sender and must reach
	// every other node: a broken toy would make the fault tests vacuous.
	for nodes := 2; nodes <= 7; nodes++ {
		for id := NodeID(1); int(id) <= nodes; id++ {
			n := &toyNode{id: id}
			w := &toyWorld{cfg: Config{Nodes: nodes}}
			env := &toyEnv{w: w, id: id}
			var seen []NodeID
			for x := range uint64(200) {
				to := n.next(env, x)
				if to == id || to < 1 || int(to) > nodes {
					t.Fatalf("nodes=%d id=%d: next(%d) = %d", nodes, id, x, to)
				}
				if !slices.Contains(seen, to) {
					seen = append(seen, to)
				}
			}
			if len(seen) != nodes-1 {
				t.Errorf("nodes=%d id=%d: next reaches %v, want all %d others", nodes, id, seen, nodes-1)
			}
		}
	}
}

// firstUp is the toy's leader, for depose faults: the lowest node up.
func firstUp(w *toyWorld) NodeID {
	for id := NodeID(1); int(id) <= w.Nodes(); id++ {
		if w.Up(id) {
			return id
		}
	}
	return 0
}
