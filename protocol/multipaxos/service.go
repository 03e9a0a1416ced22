package multipaxos

import (
	"fmt"
	"github.com/paxsim/paxsim/fingerprint"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/internal/arena"
	"github.com/paxsim/paxsim/sim"
)

// service is the replicated state machine: the key-value store, the dedup
// table and the history of configurations. Every replica applies the same
// log to it in order, so every replica at the same applied index holds the
// same service. It is volatile: a restarted replica rebuilds it by
// replaying its chosen prefix. Everything is in sorted slices, never maps,
// so that copying, digesting and iterating are deterministic.
type service struct {
	kv       []kvPair    // sorted by key
	sessions []session   // the dedup table, sorted by client
	views    []viewStart // sorted by start; views[0] starts at instance 1
	alpha    int64
	nodes    int
	// digest is an order-independent hash of everything above: the sum
	// of one hash per pair, session and view, kept up to date at each
	// change.
	digest uint64

	// Memory, not state: the values appends make are written to text
	// (a string per append would be an allocation per append and
	// replica), built in scratch.
	text    arena.Text
	scratch []byte
}

type kvPair struct{ key, val string }

// session is a client's row in the dedup table: the last request it had
// executed and what that returned.
type session struct {
	client int
	seq    int
	out    string
}

// viewStart says that view governs the instances from start on (until the
// next viewStart).
type viewStart struct {
	start int64
	view  View
}

func newService(initial View, alpha int64, nodes int) service {
	s := service{alpha: alpha, nodes: nodes}
	s.addView(viewStart{start: 1, view: initial})
	return s
}

func (s *service) addView(v viewStart) {
	s.views = append(s.views, v)
	s.digest += fingerprint.Mix64(hashString(uint64(v.start), "view") ^ uint64(v.view.Epoch)<<1 ^ fingerprint.Mix64(v.view.Members))
}

// viewAt is the view of instance i: the one chosen at or before i-alpha.
// The caller makes sure the log through i-alpha is applied.
func (s *service) viewAt(i int64) View {
	k := len(s.views) - 1
	for k > 0 && s.views[k].start > i {
		k--
	}
	return s.views[k].view
}

// latest is the newest configuration applied, whether or not it governs
// any instance yet.
func (s *service) latest() viewStart { return s.views[len(s.views)-1] }

// lastSeq returns the last seq the dedup table holds for client, and its
// output.
func (s *service) lastSeq(client int) (int, string) {
	i, ok := slices.BinarySearchFunc(s.sessions, client, func(x session, c int) int { return x.client - c })
	if !ok {
		return 0, ""
	}
	return s.sessions[i].seq, s.sessions[i].out
}

// apply executes cmd, applied at instance, and returns its output and
// whether it took effect: a no-op never does, nor a request the dedup table
// holds (unless dedup is off, the variant no-dedup).
func (s *service) apply(instance int64, cmd Command, dedup bool) (string, bool) {
	if cmd.Op == OpNoop {
		return "", false
	}
	client, seq, _ := DecodeID(cmd.ID)
	if dedup {
		if last, out := s.lastSeq(client); seq <= last {
			if seq == last {
				return out, false
			}
			return "", false // the client has moved on: nobody waits for this
		}
	}
	var out string
	switch cmd.Op {
	case OpGet:
		out = s.get(cmd.Key)
	case OpPut:
		s.put(cmd.Key, cmd.Arg)
		out = "OK"
	case OpAppend:
		s.scratch = append(append(s.scratch[:0], s.get(cmd.Key)...), cmd.Arg...)
		out = s.text.String(s.scratch)
		s.put(cmd.Key, out)
	case OpReconfig:
		out = s.reconfig(instance, cmd.Members)
	default:
		out = fmt.Sprintf("error: unknown operation %d", cmd.Op)
	}
	s.record(client, seq, out)
	return out, true
}

// reconfig makes members the configuration of the instances from
// instance+alpha on.
func (s *service) reconfig(instance int64, members uint64) string {
	all := uint64(1)<<uint(s.nodes+1) - 2
	if members == 0 || members&^all != 0 {
		return fmt.Sprintf("error: members {%s} are not a nonempty subset of nodes 1..%d", sim.FormatNodes(members), s.nodes)
	}
	v := View{Epoch: s.latest().view.Epoch + 1, Members: members}
	s.addView(viewStart{start: instance + s.alpha, view: v})
	return fmt.Sprintf("OK epoch %d {%s} from i%d", v.Epoch, sim.FormatNodes(members), instance+s.alpha)
}

func (s *service) get(key string) string {
	if i, ok := s.find(key); ok {
		return s.kv[i].val
	}
	return ""
}

func (s *service) find(key string) (int, bool) {
	return slices.BinarySearchFunc(s.kv, key, func(p kvPair, k string) int { return strings.Compare(p.key, k) })
}

func (s *service) put(key, val string) {
	i, ok := s.find(key)
	if ok {
		s.digest -= pairHash(s.kv[i])
		s.kv[i].val = val
	} else {
		s.kv = slices.Insert(s.kv, i, kvPair{key, val})
	}
	s.digest += pairHash(s.kv[i])
}

func (s *service) record(client, seq int, out string) {
	i, ok := slices.BinarySearchFunc(s.sessions, client, func(x session, c int) int { return x.client - c })
	if ok {
		s.digest -= sessionHash(s.sessions[i])
		s.sessions[i].seq, s.sessions[i].out = seq, out
	} else {
		s.sessions = slices.Insert(s.sessions, i, session{client, seq, out})
	}
	s.digest += sessionHash(s.sessions[i])
}

func pairHash(p kvPair) uint64 {
	return fingerprint.Mix64(hashString(hashString(0x6b76, p.key), p.val))
}

func sessionHash(x session) uint64 {
	return fingerprint.Mix64(hashString(uint64(x.client)<<32^uint64(x.seq), x.out) ^ 0x7365)
}

// cloneInto copies s into d, reusing d's slices. The copy gets its own
// text arena: s writes on in its own.
func (s *service) cloneInto(d *service) {
	kv, sessions, views, scratch := d.kv[:0], d.sessions[:0], d.views[:0], d.scratch[:0]
	*d = *s
	d.text, d.scratch = arena.Text{}, scratch
	d.kv = append(kv, s.kv...)
	d.sessions = append(sessions, s.sessions...)
	d.views = append(views, s.views...)
}
