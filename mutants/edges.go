package mutants

import (
	"strconv"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// EdgeSeeds is how many swarm seeds Judge runs at each edge (Edges).
const EdgeSeeds = 8

// Edge is one end of a knob's range: the flag and its value.
type Edge struct {
	Knob, Value string
}

// Edges lists the ends of the ranges of the knobs that size a run of the
// protocol info describes: the cluster (one node, and sim.MaxNodes, or
// the smallest and largest whose roles are valid, engine.Info.Roles; and
// the next size above the smallest, two nodes, the smallest cluster in
// which a quorum needs a peer and a replica can lag behind one) and
// each of the protocol's own knobs that declares its Edges (an IntKnob's
// bounds). A swarm draws from the middle of each range (three to five
// nodes, small windows), so a bound that is off by one at a limit (a
// check that refuses the largest cluster, a window one short of its
// maximum, a catch-up that never asks when there are only two replicas)
// shows only in runs at the ends.
func Edges(info *engine.Info) []Edge {
	lo, hi := 1, sim.MaxNodes
	for lo < hi && !info.ValidNodes(lo) {
		lo++
	}
	for hi > lo && !info.ValidNodes(hi) {
		hi--
	}
	out := []Edge{{"nodes", strconv.Itoa(lo)}}
	if lo+1 < hi && info.ValidNodes(lo+1) {
		out = append(out, Edge{"nodes", strconv.Itoa(lo + 1)})
	}
	out = append(out, Edge{"nodes", strconv.Itoa(hi)})
	for _, k := range info.Knobs {
		for _, v := range k.Edges {
			out = append(out, Edge{k.Name, v})
		}
	}
	return out
}

// edgeConfigs returns the configurations of a campaign over the edges:
// seed start+k runs edge k%len(Edges), the other knobs drawn by the swarm.
func edgeConfigs(info *engine.Info, progress func()) func(seed uint64) engine.Config {
	edges := Edges(info)
	return func(seed uint64) engine.Config {
		progress()
		e := edges[seed%uint64(len(edges))]
		c := engine.Default()
		c.Protocol = info.Name
		pinned := func(knob string) bool { return knob == e.Knob }
		if e.Knob == "nodes" {
			c.Nodes, _ = strconv.Atoi(e.Value)
		} else {
			c.Params = map[string]string{e.Knob: e.Value}
		}
		return c.Swarm(info, seed, pinned)
	}
}
