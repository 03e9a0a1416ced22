package engine

import (
	"github.com/paxsim/paxsim/fingerprint"
	"math/bits"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// The deep states a campaign must reach, as sometimes properties
// (Coverage), each read from the nodes' observations, never from a
// protocol's name or state: a leader led again while its old messages are
// in flight; a leader's window full with a reconfiguration at its head; a
// replica caught up from further behind than a catch-up reply carries; a
// client's duplicate applied after its next request; and, at the heal,
// the only replicas that got furthest left outside the healed core.

// deepCover follows a run for the deep sometimes properties, and knows
// the current leader for depose faults.
type deepCover struct {
	top     checker.Ballot // the highest ballot proposed: its replica leads
	led     uint64         // the replicas that have led, bit per id
	deposed []sim.Time     // by id: when another's ballot last overtook the replica's
	window  int64          // the protocol's window (Knob.Window), 0 for none
	catchUp int64          // Info.CatchUpOf the run
	applied int64          // the furthest instance any replica applied
	lagged  []int64        // by id: the furthest instance when the replica fell too far behind, 0 if it did not
	healed  bool           // the heal was looked at
	views   []viewFrom     // the reconfigurations in force, by start (viewrule.go)
}

// reset readies d for a run of the session's config, keeping its memory.
func (d *deepCover) reset(info *Info, c Config) {
	*d = deepCover{deposed: zeroed(d.deposed, c.Nodes+1), lagged: zeroed(d.lagged, c.Nodes+1), catchUp: int64(info.CatchUpOf(c)), views: d.views[:0]}
	for _, k := range info.Knobs {
		if k.Window {
			d.window = int64(atoiOr(info.Param(c.Params, k.Name), 0))
		}
	}
}

// leader is the replica of the highest ballot proposed, 0 before any:
// what a depose fault pauses or cuts off.
func (s *Session[M, D]) leader() sim.NodeID { return sim.NodeID(s.deep.top.Node) }

// proposed follows a Proposed observation: a change of leader, and a
// window that fills with a reconfiguration at its head.
func (s *Session[M, D]) proposed(node sim.NodeID, o checker.Observation) {
	d := &s.deep
	if d.top.Less(o.Ballot) {
		was, is := d.top.Node, o.Ballot.Node
		now := s.world.Now()
		if was != is && was > 0 && int(was) < len(d.deposed) {
			d.deposed[was] = now
		}
		if was != is && is > 0 && int(is) < len(d.deposed) && d.led&(1<<uint(is)) != 0 && !s.cover.res.Reelected {
			at, ok := s.world.OldestInFlight(sim.NodeID(is))
			s.cover.res.Reelected = ok && at < d.deposed[is]
		}
		if is > 0 && is < 64 {
			d.led |= 1 << uint(is)
		}
		d.top = o.Ballot
	}
	if d.window == 0 || s.cover.res.WindowFull {
		return
	}
	if in := s.cover.peek(o.Instance); in != nil && s.clients.isReconfig(o.Value) {
		in.reconfig = true
	}
	head := s.cover.peek(o.Instance - d.window + 1)
	s.cover.res.WindowFull = head != nil && !head.decided && head.reconfig
}

// applied follows an Applied observation, after progress took it: a
// replica caught up from far behind, and a duplicate applied late.
func (s *Session[M, D]) applied(node sim.NodeID, o checker.Observation) {
	d := &s.deep
	if d.catchUp > 0 {
		if mark := d.lagged[node]; mark > 0 && o.Instance >= mark {
			s.cover.res.LagCaughtUp = true
		}
		if o.Instance > d.applied {
			d.applied = o.Instance
			for id := 1; id < len(s.progress); id++ {
				if d.lagged[id] == 0 && d.applied-s.progress[id] > d.catchUp {
					d.lagged[id] = d.applied
				}
			}
		}
	}
	if o.Effect || o.Value == checker.None || s.cover.res.LateDuplicate {
		return
	}
	if a, ok := s.proto.Answer(checker.Observation{Kind: checker.Returned, Value: o.Value}); ok {
		s.cover.res.LateDuplicate = s.clients.seq(a.Client) > a.Seq
	}
}

// noteHeal looks at the world just after the heal: whether every replica
// that got furthest was left faulty, outside the core.
func (s *Session[M, D]) noteHeal() {
	s.deep.healed = true
	informed := s.informed()
	faulty := s.world.LeftFaulty()
	s.cover.res.InformedOutside = s.cover.res.InformedOutside || (informed != 0 && informed&^faulty == 0 && bits.OnesCount64(faulty) > 0)
}

// healCore chooses the nodes outside the liveness core at the heal: in
// one run in four, the replicas that got furthest, when they are a
// minority, so that the core must recover what only they knew (when they
// are down or cut off then, they stay so). Otherwise the seed's draw,
// keep. It is a pure function of the seed and the observations before
// the heal, which a replay reproduces. A workload that reconfigures keeps
// the seed's draw, which its views were drawn to keep a majority in.
func (s *Session[M, D]) healCore(keep uint64) uint64 {
	if fingerprint.SplitMix64(s.res.Seed^0x696e666f726d6564)%4 != 0 { // "informed"
		return keep
	}
	informed := s.informed()
	if informed == 0 || !keepsEveryQuorum(s.plan.roles, s.plan.quorums, informed) {
		return keep
	}
	s.keep = informed
	return informed
}

// informed is the replicas that got furthest (learned the value, or
// applied the most), bit per id; 0 when none got anywhere.
func (s *Session[M, D]) informed() uint64 {
	top := int64(0)
	for _, p := range s.progress[1:] {
		top = max(top, p)
	}
	var informed uint64
	for id := 1; id < len(s.progress) && top > 0; id++ {
		if s.progress[id] == top {
			informed |= 1 << uint(id)
		}
	}
	return informed
}

// atoiOr is s as a whole number, or def when it is not one.
func atoiOr(s string, def int) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return def
		}
		n = 10*n + int(r-'0')
	}
	if s == "" {
		return def
	}
	return n
}
