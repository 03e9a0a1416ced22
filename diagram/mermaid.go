package diagram

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Mermaid writes d as a Mermaid sequenceDiagram, for an issue or a pull
// request (GitHub renders it in a ```mermaid block). A sequence diagram
// draws a message at one point in time, so each arrow is written where the
// message was delivered (->>) or lost (-x); a replica's answer to a client
// is a dotted arrow (-->>). Notes say what else happened: crashes and
// restarts (with what the replica kept), timers, partitions, slowdowns, the
// heal, duplicates, and what the nodes observed ("accepts (1.1, v1)").
// Messages still in flight at the end are listed in a last note.
func Mermaid(w io.Writer, d *Diagram) error {
	bw := bufio.NewWriter(w)
	if d.Title != "" {
		fmt.Fprintf(bw, "%%%% %s\n", oneLine(d.Title))
	}
	for _, c := range d.Caption {
		fmt.Fprintf(bw, "%%%% %s\n", oneLine(c))
	}
	fmt.Fprintln(bw, "sequenceDiagram")
	for i, l := range d.Lanes {
		fmt.Fprintf(bw, "    participant %s as %s\n", mermaidID(d, i), mermaidText(l.Name))
	}
	ending := arrowsByEnd(d)
	for r := range d.Rows {
		writeMermaidRow(bw, d, r, ending[r])
	}
	writeInFlight(bw, d)
	if d.Omitted > 0 {
		fmt.Fprintf(bw, "    Note over %s: %d more steps not drawn\n", mermaidAll(d), d.Omitted)
	}
	return bw.Flush()
}

// arrowsByEnd lists, for each row, the arrows that end there, in order.
func arrowsByEnd(d *Diagram) [][]int {
	out := make([][]int, len(d.Rows))
	for i, a := range d.Arrows {
		if a.Fate != InFlight && a.End >= 0 && a.End < len(out) {
			out[a.End] = append(out[a.End], i)
		}
	}
	return out
}

func writeMermaidRow(w io.Writer, d *Diagram, r int, ending []int) {
	row := &d.Rows[r]
	if note := rowNote(d, r); note != "" {
		over := mermaidAll(d)
		if row.Lane >= 0 {
			over = mermaidID(d, row.Lane)
		}
		fmt.Fprintf(w, "    Note over %s: %s\n", over, mermaidText(note))
	}
	// First the message whose arrival or loss is the step, then what the
	// nodes observed, then what the step's own sends met and the answers.
	for _, i := range ending {
		if a := &d.Arrows[i]; a.Sent < r {
			writeMermaidArrow(w, d, a)
		}
	}
	for _, n := range row.Notes {
		if n.Lane >= 0 {
			fmt.Fprintf(w, "    Note over %s: %s\n", mermaidID(d, n.Lane), mermaidText(n.Text))
		}
	}
	for _, i := range ending {
		if a := &d.Arrows[i]; a.Sent == r {
			writeMermaidArrow(w, d, a)
		}
	}
}

func writeMermaidArrow(w io.Writer, d *Diagram, a *Arrow) {
	if a.From < 0 || a.To < 0 {
		return
	}
	arrow, text := "->>", a.Label
	switch {
	case a.Reply:
		arrow = "-->>"
	case a.Fate == Dropped || a.Fate == Lost:
		arrow, text = "-x", text+" ("+lossWords(d, a)+")"
	}
	if a.Copy != "" && !a.Reply {
		text += " [" + a.Copy + "]"
	}
	fmt.Fprintf(w, "    %s%s%s: %s\n", mermaidID(d, a.From), arrow, mermaidID(d, a.To), mermaidText(text))
}

// lossWords says how a message was lost.
func lossWords(d *Diagram, a *Arrow) string {
	switch a.Why {
	case "partition-drop":
		return "cut by a partition"
	case "lost-at-crashed":
		return d.laneName(a.To) + " is down"
	case "overflow":
		return "the link is full"
	case "crash":
		return "dies with its sender"
	}
	return "dropped"
}

// rowNote is the note a row's own step gets, or "" for deliveries, losses
// and requests, which their arrows show.
func rowNote(d *Diagram, r int) string {
	row := &d.Rows[r]
	if isCrash(row.Kind) {
		note := "crash"
		if row.Kind != "crash" {
			note = row.Label // where inside its handler, or what it lost
		}
		if s := d.StateAt(row.Lane, r); s != "" {
			return note + " (keeps " + s + ")"
		}
		return note
	}
	switch row.Kind {
	case "restart":
		if s := d.StateAt(row.Lane, r); s != "" {
			return "restart from " + s
		}
		return "restart"
	case "timer":
		return "timer " + strings.TrimPrefix(strings.TrimPrefix(row.Label, "timer "), d.laneIDText(row.Lane)+" ") + " fires"
	case "dup":
		return "the network duplicates " + afterLink(row.Label)
	case "slow", "pause", "recover":
		return row.Kind + ": " + strings.TrimPrefix(row.Label, row.Kind+" "+d.laneIDText(row.Lane)+" ")
	case "deliver", "request", "invoke", "start", "drop", "partition-drop", "lost-at-crashed", "overflow":
		return ""
	}
	if rest, ok := strings.CutPrefix(row.Label, row.Kind+" "); ok && strings.HasPrefix(row.Kind, "partition") {
		return rest // "partition #1: {3} | {1,2}"
	}
	if rest, ok := strings.CutPrefix(row.Label, row.Kind+" "); ok {
		return row.Kind + ": " + rest // "heal: every fault heals; ..."
	}
	return row.Label
}

// laneIDText is the node id a trace entry uses for a lane: "2".
func (d *Diagram) laneIDText(lane int) string {
	if lane < 0 || lane >= len(d.Lanes) {
		return ""
	}
	return fmt.Sprint(d.Lanes[lane].ID)
}

// afterLink drops the verb and the link of "dup 1->2 Prepare(1.1)".
func afterLink(label string) string {
	f := strings.SplitN(label, " ", 3)
	if len(f) == 3 {
		return f[2] + " (" + f[1] + ")"
	}
	return label
}

func writeInFlight(w io.Writer, d *Diagram) {
	var left []string
	for _, a := range d.Arrows {
		if a.Fate == InFlight && a.From >= 0 && a.To >= 0 {
			left = append(left, fmt.Sprintf("%s to %s: %s", d.laneName(a.From), d.laneName(a.To), a.Label))
		}
	}
	if len(left) == 0 {
		return
	}
	const most = 6
	text := "in flight at the end: " + strings.Join(left[:min(len(left), most)], " / ")
	if len(left) > most {
		text += fmt.Sprintf(" / and %d more", len(left)-most)
	}
	fmt.Fprintf(w, "    Note over %s: %s\n", mermaidAll(d), mermaidText(text))
}

// mermaidID is a lane's participant id: C1 for client 1, R2 for replica 2.
func mermaidID(d *Diagram, lane int) string {
	l := d.Lanes[lane]
	if l.Kind == Client {
		return fmt.Sprintf("C%d", l.ID)
	}
	return fmt.Sprintf("R%d", l.ID)
}

// mermaidAll spans a note over every lane.
func mermaidAll(d *Diagram) string {
	switch len(d.Lanes) {
	case 0:
		return "R1"
	case 1:
		return mermaidID(d, 0)
	}
	return mermaidID(d, 0) + "," + mermaidID(d, len(d.Lanes)-1)
}

// mermaidText escapes what Mermaid would read as syntax: # starts an
// entity code and ; ends a statement, so both are written as entity codes.
var mermaidText = strings.NewReplacer("#", "#35;", ";", "#59;", "\n", " ").Replace

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
