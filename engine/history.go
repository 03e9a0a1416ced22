package engine

import (
	"fmt"
	"io"
	"strings"

	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/sim"
)

// LinearizabilityBudget bounds porcupine's search of one run's client
// history, in steps per partition (linearize.Budget): the plain check and
// the HTML page (ExplainHistory) spend the same, so they agree. When the
// search spends it the verdict is "unknown": inconclusive, never a pass,
// and like every verdict a pure function of the config and the seed.
const LinearizabilityBudget = linearize.DefaultBudget

// ExplainHistory runs a run again (run is a closure over a run or a
// replay) with its faults traced, and writes porcupine's HTML
// visualization of the client history, annotated with the crashes,
// restarts, partitions, slowdowns and lost client requests on the
// timeline. It is meant for histories that are not linearizable, and
// returns the verdict.
func ExplainHistory(run func(Options) (Result, error), w io.Writer) (linearize.Verdict, error) {
	var entries []sim.TraceEntry
	res, err := run(Options{TraceEntries: func(e sim.TraceEntry) {
		switch e.Kind {
		case "deliver", "request", "timer", "dup", "redeliver":
		default:
			entries = append(entries, e)
		}
	}})
	if err != nil {
		return "", err
	}
	if len(res.KVOps) > 0 {
		return linearize.ExplainKV(res.KVOps, annotations(entries), LinearizabilityBudget, w)
	}
	return linearize.Explain(res.Ops, annotations(entries), LinearizabilityBudget, w)
}

// annotations turns a run's traced faults into timeline boxes: a crash
// lasts until its restart, a slowdown or pause until the node recovers, a
// partition until it heals; lost client requests are instants.
func annotations(entries []sim.TraceEntry) []linearize.Annotation {
	var out []linearize.Annotation
	open := map[string]int{} // what is still in force -> its index in out
	begin := func(key string, a linearize.Annotation) {
		a.End = -1
		open[key] = len(out)
		out = append(out, a)
	}
	end := func(key string, at int64) {
		if i, ok := open[key]; ok {
			out[i].End = at
			delete(open, key)
		}
	}
	for _, e := range entries {
		at := int64(e.Time)
		node := int(e.To)
		switch e.Kind {
		case "crash", "torn-crash", "lost-unsynced":
			begin(fmt.Sprintf("down %d", node), linearize.Annotation{Start: at, Kind: "crash", Node: node, Description: fmt.Sprintf("node %d crashed", node)})
		case "restart":
			end(fmt.Sprintf("down %d", node), at)
			out = append(out, linearize.Annotation{Start: at, End: at, Kind: "restart", Node: node, Description: fmt.Sprintf("node %d restarts", node)})
		case "slow", "pause":
			begin(fmt.Sprintf("slow %d", node), linearize.Annotation{Start: at, Kind: e.Kind, Node: node, Description: fmt.Sprintf("node %d: %s", node, e.Msg)})
		case "recover":
			end(fmt.Sprintf("slow %d", node), at)
		case "partition", "partition-oneway":
			id, _, _ := strings.Cut(e.Msg, ":")
			begin(id, linearize.Annotation{Start: at, Kind: e.Kind, Description: e.Msg})
		case "partition-heal":
			id, _, _ := strings.Cut(e.Msg, " heals")
			end(id, at)
		case "heal":
			for key := range open { // order-free: each closes its own box
				end(key, at)
			}
			out = append(out, linearize.Annotation{Start: at, End: at, Kind: "heal", Description: "every fault heals"})
		case "drop", "partition-drop", "lost-at-crashed":
			if e.From == sim.External {
				out = append(out, linearize.Annotation{Start: at, End: at, Kind: "drop", Node: node, Description: fmt.Sprintf("%s lost: %s", e.Msg, e.Kind)})
			}
		}
	}
	return out
}
