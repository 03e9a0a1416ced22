package engine

import (
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// CatchUp is how long the run's restarted replicas took to learn again
// what the cluster had learned when each restarted: the cost of the path
// a replica takes back after a crash (a catch-up request at start, or the
// wait for a leader's next heartbeat or commit), which fault-free runs
// never take. A restart counts when another replica had learned more by
// then than the restarted one had before its crash, and the restarted one
// learned that much before the run ended (another restart first starts
// the count anew).
type CatchUp struct {
	Restarts int64 // the restarts that caught up
	Ticks    int64 // the virtual time they took, in all
}

// catchUps follows the restarts of a run for Result.CatchUp.
type catchUps struct {
	since  []sim.Time // by node: when it restarted; -1 when it is not catching up
	target []int64    // by node: the progress it must reach again
	res    CatchUp
}

// reset readies c for a run of nodes replicas, reusing its memory.
func (c *catchUps) reset(nodes int) {
	c.since = zeroed(c.since, nodes+1)
	for i := range c.since {
		c.since[i] = -1
	}
	c.target = zeroed(c.target, nodes+1)
	c.res = CatchUp{}
}

// restarted starts following node, restarted at now, when the others'
// progress (by node, as Session.progress) is ahead of what node had
// reached before it crashed: a replica that had learned as much has
// nothing to catch up, whatever it kept.
func (c *catchUps) restarted(node sim.NodeID, now sim.Time, progress []int64) {
	most := int64(0)
	for id, p := range progress {
		if sim.NodeID(id) != node {
			most = max(most, p)
		}
	}
	c.since[node], c.target[node] = -1, most
	if most > progress[node] {
		c.since[node] = now
	}
}

// observed notes what node learned (o, a Learned or an Applied
// observation) at now: a single decree's learner caught up once it
// learns again, a replicated log's once it applied up to its target.
func (c *catchUps) observed(node sim.NodeID, o checker.Observation, now sim.Time, log bool) {
	switch {
	case c.since[node] < 0:
		return // not catching up
	case log && (o.Kind != checker.Applied || o.Instance < c.target[node]):
		return // not applied that far yet
	case !log && o.Kind != checker.Learned:
		return
	}
	c.res.Restarts++
	c.res.Ticks += int64(now - c.since[node])
	c.since[node] = -1
}
