package linearize

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/anishathalye/porcupine"
)

// Annotation is a fault on the timeline of a history: a replica crashed or
// restarted, a partition, a paused or slowed replica, a dropped message.
// Times are in the unit of the Ops' times.
//
// porcupine v1.3.1 draws an annotation either on a client's lane or on a
// lane of its own named by a tag. A client's lane holds its operation boxes,
// which an annotation there would cover, and a fault of a replica concerns
// every client of that replica; so each replica gets its own lane, "node N",
// under the clients', and faults with Node 0 go on a "network" lane. The
// tooltip of an operation names its replica ("client 3 at node 2") and that
// of an annotation names the replica's clients, which links the lanes.
//
// To map a paxsim trace (sim.TraceEntry), one Annotation per fault: a crash
// from its "crash" entry to the node's "restart" (End -1 when it never
// restarted); a pause or slowdown from its "pause" or "slow" entry to the
// node's "recover"; a partition from its "partition" or "partition-oneway"
// entry (Node 0, the entry's Msg as Description) to its "partition-heal";
// a lost message ("drop", "partition-drop", "lost-at-crashed") as an
// instant on its receiver, or on the replica of a client request.
type Annotation struct {
	// Start and End bound the fault. End < 0: it lasts past the end of
	// the history; End <= Start: an instant, as porcupine draws it.
	Start, End int64
	// Kind names the fault, a sim.FaultKind name such as "crash",
	// "restart", "partition", "partition-oneway", "pause", "slow" or
	// "drop". It picks the box's color; Kinds not listed get porcupine's.
	Kind string
	// Node is the replica concerned; 0 for the network, or for a fault
	// of several replicas.
	Node int
	// Description is the text in the box; Kind when empty.
	Description string
}

// kindColors are the backgrounds of the fault kinds: red for a crash, green
// for a restart, purple for a partition, yellow and orange for a paused or
// slow replica, grey for a lost message.
var kindColors = map[string]string{
	"crash":            "#f7b2b2",
	"restart":          "#bfe8bf",
	"partition":        "#d9c2f5",
	"partition-oneway": "#eadcfb",
	"pause":            "#fbe7a1",
	"slow":             "#fbd3a8",
	"drop":             "#dcdcdc",
	"partition-drop":   "#dcdcdc",
	"lost-at-crashed":  "#dcdcdc",
	"dup":              "#e8e8e8",
	"redeliver":        "#e8e8e8",
}

// Explain checks ops like Check and writes porcupine's HTML visualization
// of the history to w: one self-contained page that draws every operation
// ("propose(v2) -> v1", "propose(v3) -> ?" for an unknown outcome), the
// faults in annotations, and the longest partial linearizations with the
// states they lead to ("decided v1"). It is meant for a history Check found
// Illegal: the verbose search costs more than Check's, though it draws an Ok
// or Unknown history as well.
//
// The page spaces the distinct times of the history evenly, keeping only
// their order, so a box's width says nothing of a duration; tooltips give
// the times. Lanes are numbered by client id: with paxsim's clients,
// numbered from 1, lane 0 stays empty.
//
// The verdict is Check's with the same budget, and the page is a pure
// function of the arguments: the same bytes on every run, whatever the
// machine (the partial linearizations, which porcupine lists in an order
// that varies, are sorted).
//
// On a malformed history Explain returns Illegal and the reason, and on an
// annotation with a negative Start Unknown and the reason; it writes
// nothing then. Otherwise the error is w's.
func Explain(ops []Op, annotations []Annotation, budget Budget, w io.Writer) (Verdict, error) {
	if err := validate(ops); err != nil {
		return Illegal, err
	}
	if err := validateAnnotations(annotations); err != nil {
		return Unknown, err
	}
	end := horizon(ops, annotations)
	return draw(Model(), operations(ops, end), onePartition, budget, annotate(ops, annotations, end), w)
}

// draw checks history like searchVerbose and writes porcupine's page of
// it, with the annotations, to w.
func draw(
	model porcupine.Model, history []porcupine.Operation, partition func(any) string,
	budget Budget, annotations []porcupine.Annotation, w io.Writer,
) (Verdict, error) {
	verdict, info := searchVerbose(model, history, partition, budget)
	info.AddAnnotations(annotations)
	if err := porcupine.Visualize(model, info, w); err != nil {
		return verdict, fmt.Errorf("linearize: writing the visualization: %w", err)
	}
	return verdict, nil
}

func validateAnnotations(annotations []Annotation) error {
	for i, a := range annotations {
		if a.Start < 0 {
			return fmt.Errorf("linearize: annotation %d: negative start %d", i, a.Start)
		}
		if a.Start == math.MaxInt64 || a.End == math.MaxInt64 {
			return fmt.Errorf("linearize: annotation %d: time %d is reserved",
				i, int64(math.MaxInt64))
		}
	}
	return nil
}

// annotate converts annotations to porcupine's, ending open faults at end.
func annotate(ops []Op, annotations []Annotation, end int64) []porcupine.Annotation {
	width := 1
	for _, a := range annotations {
		width = max(width, len(strconv.Itoa(a.Node)))
	}
	out := make([]porcupine.Annotation, len(annotations))
	for i, a := range annotations {
		stop := a.End
		switch {
		case stop < 0:
			stop = end
		case stop < a.Start:
			stop = a.Start
		}
		text := a.Description
		if text == "" {
			text = a.Kind
		}
		out[i] = porcupine.Annotation{
			Tag:             lane(a.Node, width),
			Start:           a.Start,
			End:             stop,
			Description:     text,
			Details:         details(ops, a, stop),
			BackgroundColor: kindColors[a.Kind],
		}
	}
	return out
}

// lane names the annotation lane of a node. porcupine sorts lanes by name,
// so node numbers are zero-padded to one width: "node 02" before "node 10".
func lane(node, width int) string {
	if node <= 0 {
		return "network"
	}
	return fmt.Sprintf("node %0*d", width, node)
}

// details is an annotation's tooltip: what, where, when, and which clients
// talked to the replica concerned.
func details(ops []Op, a Annotation, stop int64) string {
	var b strings.Builder
	b.WriteString(a.Kind)
	if a.Node > 0 {
		fmt.Fprintf(&b, " at node %d", a.Node)
	}
	switch {
	case a.End < 0:
		fmt.Fprintf(&b, ", t=%d to past the end of the history", a.Start)
	case stop == a.Start:
		fmt.Fprintf(&b, ", t=%d", a.Start)
	default:
		fmt.Fprintf(&b, ", t=%d..%d", a.Start, stop)
	}
	if a.Description != "" && a.Description != a.Kind {
		b.WriteString(": " + a.Description)
	}
	if a.Node > 0 {
		b.WriteString("; " + clientsOf(ops, a.Node))
	}
	return b.String()
}

// clientsOf lists the clients of node, in the order of ops, each once.
func clientsOf(ops []Op, node int) string {
	var ids []string
	seen := map[int]bool{}
	for _, op := range ops {
		if op.Node == node && !seen[op.Client] {
			seen[op.Client] = true
			ids = append(ids, strconv.Itoa(op.Client))
		}
	}
	if len(ids) == 0 {
		return fmt.Sprintf("no client at node %d", node)
	}
	return fmt.Sprintf("clients at node %d: %s", node, strings.Join(ids, ", "))
}
