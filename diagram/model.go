package diagram

import "fmt"

// LaneKind says what a lane stands for.
type LaneKind uint8

// The kinds of lane.
const (
	Replica LaneKind = iota + 1 // a node of the cluster
	Client                      // a client outside it
)

// Lane is one process of the run, drawn as a vertical line.
type Lane struct {
	Kind LaneKind
	ID   int    // the replica's node id, or the client's number
	Name string // as the header shows it: "replica 1", "client 2"
}

// Row is one step of the run: a delivery, a timer, a crash, a restart, a
// network fault, the start of a partition, a client's request.
type Row struct {
	Time  int64  // virtual time
	Kind  string // deliver, request, timer, crash, restart, heal, drop, dup, partition, ..., invoke (a client sends its request) or start
	Lane  int    // the lane it happened on, -1 for the whole cluster
	Label string // the step as the readable trace words it, without time and index
	Notes []Note // what the nodes observed during the step, in order
}

// Note is an observation written next to a lane: "accepts (1.1, v1)".
type Note struct {
	Lane int
	Text string
}

// Fate is what became of a message.
type Fate uint8

// The fates of messages.
const (
	Delivered Fate = iota + 1
	Dropped        // lost by the network: dropped, or cut by a partition
	Lost           // reached a crashed node, or died with its crashed sender
	InFlight       // still in the network when the diagram ends
)

var fateNames = [...]string{Delivered: "delivered", Dropped: "dropped", Lost: "lost", InFlight: "in flight"}

func (f Fate) String() string {
	if int(f) < len(fateNames) && fateNames[f] != "" {
		return fateNames[f]
	}
	return fmt.Sprintf("fate(%d)", uint8(f))
}

// Arrow is a message, from the row that sent it to the row that delivered
// or lost it (for InFlight, the last row).
type Arrow struct {
	From, To int    // lanes
	Label    string // the message
	Sent     int    // row
	End      int    // row
	Fate     Fate
	// Why names the fault that lost the message: drop, partition-drop,
	// lost-at-crashed, or crash (a node's message to itself dies with it).
	Why string
	// Copy is "dup" or "redeliver" for a copy the network made; it was
	// sent at the row that made it.
	Copy string
	// Reply marks a replica's answer to a client: not a network message,
	// it arrives in the row that sends it.
	Reply bool
}

// Span is a fault in force over rows From..To of some lanes: a crashed
// replica ("down"), a slow or paused one ("slow", "pause") or one side of a
// partition ("partition").
type Span struct {
	Kind     string
	Lanes    []int
	From, To int    // rows, both included
	Open     bool   // it had not ended when the diagram ends
	Label    string // "partition #1: {1} | {2,3}"
}

// StateChange is a lane's state from Row on, until its next change: for a
// replica, what it persisted ("promised 2.3, accepted (1.1, v1)"). Row -1
// is the state before the first step.
type StateChange struct {
	Row, Lane int
	State     string
}

// Diagram is a run as a space-time picture.
type Diagram struct {
	Title   string   // what the run is: "shrunk.trace"
	Caption []string // what it found: the violation and its evidence
	// Alert says the caption's first line is a failure (shown in red).
	Alert  bool
	Lanes  []Lane
	Rows   []Row
	Arrows []Arrow
	Spans  []Span
	States []StateChange // by row; a lane's state holds until its next change
	// Omitted counts the steps left out past the Builder's MaxRows.
	Omitted int
}

// StateAt is lane's state after row: its last change at or before row, or
// "" when it has none.
func (d *Diagram) StateAt(lane, row int) string {
	state := ""
	for _, c := range d.States {
		if c.Row > row {
			break
		}
		if c.Lane == lane {
			state = c.State
		}
	}
	return state
}

// laneRef is how renderers name a lane in text: "replica 2", "client 1".
func (d *Diagram) laneName(i int) string {
	if i < 0 || i >= len(d.Lanes) {
		return "the cluster"
	}
	return d.Lanes[i].Name
}
