package refine

import (
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/explore/spec"
	"github.com/paxsim/paxsim/fingerprint"
	"github.com/paxsim/paxsim/sim"
)

// MaxTotal bounds the search that counts every Paxos.tla state of a
// campaign's constants: past it, Coverage.Total is unknown (0) and
// Summary.TotalAtLeast says how many the search found. The search goes
// level by level while the next level is predicted to fit
// (explore.Options.DeepenTo), and totalMemory caps its heap: constants
// whose space is far larger (5 acceptors) stop in about a second, not
// at gigabytes.
const MaxTotal = 4_000_000

// totalMemory caps the heap of the search that counts every state: a
// campaign's figure, not worth more of the machine than this.
const totalMemory = 256 << 20

// Coverage counts the distinct states of Paxos.tla that a campaign's runs
// reach through their protocol's mapping, for one set of constants: the
// campaign's replicas and clients, and the ballots of every replica's
// first round (engine.Refiner.SpecBallots). It follows each run's
// messages (an engine.SpecFollower): each one Paxos.tla has is sent by an
// action of Next from the state the run's earlier messages led to, and
// that action's successor is the run's next state (a message already in
// msgs changes nothing). A run whose cluster has other constants (a
// swarm's draw) is not followed; a run that leaves Paxos.tla (a ballot of
// a later round, or a message no enabled action sends) is followed no
// further: the states before count. A Coverage is one worker's: Merge
// adds another's.
type Coverage struct {
	spec           *spec.Model
	nodes, clients int
	seen           map[fingerprint.Key]struct{}
	h              fingerprint.Hasher
	cur, init      spec.State
	on             bool
	runs, left     int64
	total          *total // shared by the Coverages of one campaign
}

// total is the count of every state of the constants, computed once: n
// when the search was complete, else atLeast, the states it found.
type total struct {
	once       sync.Once
	n, atLeast int64
}

var _ engine.SpecFollower = (*Coverage)(nil)

// NewCoverage is the spec coverage of campaigns of p with e's replicas and
// clients: ErrNoMapping for a protocol without a mapping.
func NewCoverage[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, e engine.Config) (*Coverage, error) {
	ref, err := refiner(p, info)
	if err != nil {
		return nil, err
	}
	e = e.Effective(info)
	sm, err := spec.New(SpecConfig(ref, e, 1))
	if err != nil {
		return nil, fmt.Errorf("%s cannot be mapped onto Paxos.tla: %v", info.Name, err)
	}
	return &Coverage{spec: sm, nodes: e.Nodes, clients: e.Clients, seen: map[fingerprint.Key]struct{}{}, total: &total{}, init: sm.Init()[0]}, nil
}

// Fork returns an empty Coverage of the same constants, for another
// worker, sharing the count of all states.
func (c *Coverage) Fork() *Coverage {
	return &Coverage{spec: c.spec, nodes: c.nodes, clients: c.clients, seen: map[fingerprint.Key]struct{}{}, total: c.total, init: c.init}
}

// Begin implements engine.SpecFollower.
func (c *Coverage) Begin(nodes, clients int) {
	c.on = nodes == c.nodes && clients == c.clients
	if c.on {
		c.runs++
		c.cur = c.init
		c.add()
	}
}

// Send implements engine.SpecFollower.
func (c *Coverage) Send(msg spec.Message) {
	if !c.on || c.spec.Has(c.cur, msg) {
		return
	}
	next, ok := c.spec.Apply(c.cur, msg)
	if !ok {
		c.on = false
		c.left++
		return
	}
	c.cur = next
	c.add()
}

func (c *Coverage) add() {
	c.h.Reset()
	c.spec.Fingerprint(&c.h, c.cur, false)
	c.seen[c.h.Sum()] = struct{}{}
}

// Merge adds what o's runs reached.
func (c *Coverage) Merge(o *Coverage) {
	for k := range o.seen { // order-free: a set union
		c.seen[k] = struct{}{}
	}
	c.runs += o.runs
	c.left += o.left
}

// Summary is a Coverage in a campaign's summary.
type Summary struct {
	// States is the number of distinct Paxos.tla states the runs reached.
	States int64 `json:"states"`
	// Total is the number of states of Paxos.tla with these constants;
	// 0 when the bounded search could not count them all (MaxTotal).
	Total int64 `json:"total"`
	// TotalAtLeast, when Total is 0, is how many states that search
	// found: the total is more.
	TotalAtLeast int64 `json:"total_at_least,omitempty"`
	// Constants are Paxos.tla's, e.g. "3 acceptors, 2 values, ballots 0..2".
	Constants string `json:"constants"`
	// Runs is the number of runs with those constants, the ones followed;
	// Left, of them, those that left Paxos.tla (their later states do not
	// count).
	Runs int64 `json:"runs"`
	Left int64 `json:"left_spec"`
	// LowerBound is set on a merge of shards' summaries read from their
	// JSON, which hold no states: States is then the most any shard
	// reached.
	LowerBound bool `json:"lower_bound,omitempty"`
	// Keys, in a shard's JSON only (ForShard), are the states reached, for
	// paxsim merge: their 128-bit fingerprints, sorted, in base64.
	Keys string `json:"keys,omitempty"`
	// keys are the states reached, for merging shards' summaries in
	// memory.
	keys map[fingerprint.Key]struct{}
}

// MergeSummaries combines the spec coverage of a campaign's shards: nil
// when none has any (a protocol without a mapping).
func MergeSummaries(parts []*Summary) *Summary {
	var out *Summary
	for _, p := range parts {
		if p == nil {
			continue
		}
		if out == nil {
			out = &Summary{Total: p.Total, Constants: p.Constants, keys: map[fingerprint.Key]struct{}{}}
		}
		out.TotalAtLeast = max(out.TotalAtLeast, p.TotalAtLeast)
		out.Runs += p.Runs
		out.Left += p.Left
		keys := p.keys
		if keys == nil {
			keys = decodeKeys(p.Keys)
		}
		if keys == nil && p.States > 0 {
			out.LowerBound = true
		}
		for k := range keys { // order-free: a set union
			out.keys[k] = struct{}{}
		}
		out.States = max(out.States, p.States, int64(len(out.keys)))
	}
	return out
}

// Summary counts what the runs reached, and every state of the constants
// (a bounded search, once per campaign).
func (c *Coverage) Summary() Summary {
	c.total.once.Do(func() {
		res, err := explore.Run[spec.State](c.spec, explore.Options{
			MaxDepth: 1, DeepenTo: MaxTotal, MaxStates: MaxTotal, MaxMemory: totalMemory})
		switch {
		case err != nil:
		case res.Complete:
			c.total.n = res.Distinct
		default:
			c.total.atLeast = res.Distinct
		}
	})
	return Summary{States: int64(len(c.seen)), Total: c.total.n, TotalAtLeast: c.total.atLeast,
		Constants: c.spec.Config().String(), Runs: c.runs, Left: c.left, keys: c.seen}
}

// ForShard is s with Keys, for a shard's JSON.
func (s *Summary) ForShard() *Summary {
	if s == nil {
		return nil
	}
	keys := make([]fingerprint.Key, 0, len(s.keys))
	for k := range s.keys { // order-free: sorted below
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b fingerprint.Key) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	buf := make([]byte, 0, 16*len(keys))
	for _, k := range keys {
		buf = binary.LittleEndian.AppendUint64(buf, k[0])
		buf = binary.LittleEndian.AppendUint64(buf, k[1])
	}
	c := *s
	c.Keys = base64.StdEncoding.EncodeToString(buf)
	return &c
}

// decodeKeys reads Keys; nil when there are none or they do not decode.
func decodeKeys(s string) map[fingerprint.Key]struct{} {
	buf, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(buf) == 0 || len(buf)%16 != 0 {
		return nil
	}
	out := make(map[fingerprint.Key]struct{}, len(buf)/16)
	for i := 0; i < len(buf); i += 16 {
		out[fingerprint.Key{binary.LittleEndian.Uint64(buf[i:]), binary.LittleEndian.Uint64(buf[i+8:])}] = struct{}{}
	}
	return out
}

// String is the summary line: "spec coverage: 1,234 of 185,369 Paxos.tla
// states (3 acceptors, 2 values, ballots 0..2; 800 runs)".
func (s Summary) String() string {
	at := ""
	if s.LowerBound {
		at = "at least "
	}
	of := "of " + thousands(s.Total)
	if s.Total == 0 {
		of = "of more than " + thousands(max(s.TotalAtLeast, int64(len(s.keys)), s.States))
	}
	return fmt.Sprintf("spec coverage: %s%s %s Paxos.tla states (%s; %s runs followed, %s left the spec)",
		at, thousands(s.States), of, s.Constants, thousands(s.Runs), thousands(s.Left))
}

// thousands prints n with commas: 185,369.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
