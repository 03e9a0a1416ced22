package diagram

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
)

// writeArrow draws one message: a line from the sending row on the
// sender's lane to the delivering row on the receiver's, a loop for a
// message to oneself, a cross where a lost one was lost, a short stub
// ending in a ring for one still in flight at the end.
func writeArrow(w *bufio.Writer, d *Diagram, a *Arrow) {
	if a.From < 0 || a.To < 0 {
		return
	}
	x1, y1 := float64(laneX(a.From)), float64(rowY(a.Sent))
	x2, y2 := float64(laneX(a.To)), float64(rowY(a.End))
	fmt.Fprintf(w, "<g class=\"%s\"><title>%s</title>", arrowClass(a), esc(arrowTitle(d, a)))
	switch {
	case a.Fate == InFlight:
		x2, y2 = x1+(x2-x1)/4, y1+rowHeight*0.8
		if a.From == a.To {
			x2 = x1 + 14
		}
		fmt.Fprintf(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/></g>\n", x1, y1, x2, y2, x2, y2)
		return
	case a.From == a.To:
		x2, y2 = writeLoop(w, a, x1, y1, max(y2, y1+10))
	default:
		if a.Fate == Dropped {
			f := 0.55
			if a.End == a.Sent {
				f = 0.35 // lost at sending: a stub
			}
			x2 = x1 + (x2-x1)*f
		}
		marker := ""
		if a.Fate == Delivered {
			marker = " marker-end=\"url(#head)\""
		}
		fmt.Fprintf(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"%s/>", x1, y1, x2, y2, marker)
	}
	if a.Fate == Dropped || a.Fate == Lost {
		fmt.Fprintf(w, "<path class=\"cross\" d=\"M %.1f %.1f l 8 8 M %.1f %.1f l 8 -8\"/>", x2-4, y2-4, x2-4, y2+4)
	}
	writeArrowLabel(w, a, x1, x2, y2)
	w.WriteString("</g>\n")
}

func arrowClass(a *Arrow) string {
	class := "msg"
	switch {
	case a.Reply:
		class = "reply"
	case a.Fate == Dropped || a.Fate == Lost:
		class = "lost"
	case a.Fate == InFlight:
		class = "flight"
	}
	if a.Copy != "" {
		class += " copy"
	}
	return class
}

// writeLoop draws a message to oneself as a loop right of the lane, from
// y1 down to bottom, and returns where its label or cross goes.
func writeLoop(w *bufio.Writer, a *Arrow, x, y1, bottom float64) (float64, float64) {
	marker := ""
	if a.Fate == Delivered {
		marker = " marker-end=\"url(#head)\""
	}
	fmt.Fprintf(w, "<path d=\"M %.1f %.1f C %.1f %.1f, %.1f %.1f, %.1f %.1f\"%s/>", x, y1, x+40, y1, x+40, bottom, x+4, bottom, marker)
	if a.Fate == Delivered {
		return x + 34, bottom
	}
	return x + 30, (y1 + bottom) / 2
}

// writeArrowLabel names the message by its end, where rows do not crowd
// (one delivery a row), on the side it came from.
func writeArrowLabel(w *bufio.Writer, a *Arrow, x1, x2, y2 float64) {
	text := esc(clip(a.Label, arrowChars))
	switch {
	case a.From == a.To:
		fmt.Fprintf(w, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">%s</text>", x2+10, y2-4, text)
	case x2 > x1:
		fmt.Fprintf(w, "<text class=\"label end\" x=\"%.1f\" y=\"%.1f\">%s</text>", x2-8, y2-5, text)
	default:
		fmt.Fprintf(w, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">%s</text>", x2+8, y2-5, text)
	}
}

func arrowTitle(d *Diagram, a *Arrow) string {
	s := fmt.Sprintf("%s → %s: %s\nsent at step %d (t=%d)", d.laneName(a.From), d.laneName(a.To), a.Label, a.Sent+1, d.Rows[a.Sent].Time)
	if a.Copy != "" {
		s += ", a copy the network made (" + a.Copy + ")"
	}
	switch a.Fate {
	case Delivered:
		s += fmt.Sprintf(", delivered at step %d (t=%d)", a.End+1, d.Rows[a.End].Time)
	case Dropped, Lost:
		s += fmt.Sprintf(", lost at step %d (t=%d): %s", a.End+1, d.Rows[a.End].Time, lossWords(d, a))
	case InFlight:
		s += ", still in flight at the end"
	}
	return s
}

// writeMarks marks each row's event on its lane, writes the nodes'
// observations beside their lanes and rings the lanes whose state changed.
func writeMarks(w *bufio.Writer, d *Diagram) {
	for r, row := range d.Rows {
		if row.Lane >= 0 && !isLoss(row.Kind) { // a loss is marked by its cross
			x, y := laneX(row.Lane), rowY(r)
			switch {
			case isCrash(row.Kind):
				fmt.Fprintf(w, "<path class=\"crashmark\" d=\"M %d %d l 12 12 M %d %d l 12 -12\"/>\n", x-6, y-6, x-6, y+6)
			case row.Kind == "restart":
				fmt.Fprintf(w, "<path class=\"restartmark\" d=\"M %d %d l 7 12 l -14 0 z\"/>\n", x, y-7)
			case row.Kind == "timer":
				fmt.Fprintf(w, "<path class=\"timermark\" d=\"M %d %d l 6 6 l -6 6 l -6 -6 z\"/>\n", x, y-6)
			default:
				fmt.Fprintf(w, "<circle class=\"event\" cx=\"%d\" cy=\"%d\" r=\"3.5\"/>\n", x, y)
			}
		}
		writeNotes(w, d, r)
	}
	for _, c := range d.States {
		if c.Row >= 0 && c.Row < len(d.Rows) {
			fmt.Fprintf(w, "<circle class=\"state\" cx=\"%d\" cy=\"%d\" r=\"7\"><title>%s after step %d: %s</title></circle>\n",
				laneX(c.Lane), rowY(c.Row), esc(d.laneName(c.Lane)), c.Row+1, esc(c.State))
		}
	}
}

func isLoss(kind string) bool {
	return kind == "drop" || kind == "partition-drop" || kind == "lost-at-crashed" || kind == "overflow"
}

// writeNotes writes a row's observations beside their lanes, at most
// notesShown a lane; the panel lists them all.
func writeNotes(w *bufio.Writer, d *Diagram, r int) {
	const notesShown = 2
	row := &d.Rows[r]
	for lane := range d.Lanes {
		var texts []string
		for _, n := range row.Notes {
			if n.Lane == lane {
				texts = append(texts, n.Text)
			}
		}
		for k, text := range texts {
			shown := clip(text, noteChars)
			if k == notesShown-1 && len(texts) > notesShown {
				shown = fmt.Sprintf("… and %d more (hover)", len(texts)-k)
				text = strings.Join(texts[k:], "\n")
			}
			fmt.Fprintf(w, "<text class=\"note\" x=\"%d\" y=\"%d\">%s<title>%s: %s</title></text>\n",
				laneX(lane)+10, rowY(r)+11+10*k, esc(shown), esc(d.laneName(lane)), esc(text))
			if k == notesShown-1 {
				break
			}
		}
	}
}

// writePanel writes the hover panel's content for row r, as the script
// rewrites it: the step, the observations, each replica's state.
func writePanel(w *bufio.Writer, d *Diagram, r int) {
	if r < 0 {
		w.WriteString("<h2>no steps</h2>\n")
		return
	}
	row := &d.Rows[r]
	fmt.Fprintf(w, "<h2>after step %d of %d, t=%d</h2>\n<p class=\"what\">%s</p>\n", r+1, len(d.Rows), row.Time, esc(row.Label))
	if len(row.Notes) > 0 {
		w.WriteString("<ul>")
		for _, n := range row.Notes {
			fmt.Fprintf(w, "<li>%s: %s</li>", esc(d.laneName(n.Lane)), esc(n.Text))
		}
		w.WriteString("</ul>\n")
	}
	w.WriteString("<p class=\"kept\">what each replica persisted:</p>\n<table>")
	for i, l := range d.Lanes {
		if l.Kind != Replica {
			continue
		}
		class := ""
		for _, c := range d.States {
			if c.Row == r && c.Lane == i {
				class = " class=\"changed\""
			}
		}
		fmt.Fprintf(w, "<tr%s><th>%s</th><td>%s</td></tr>", class, esc(l.Name), esc(d.StateAt(i, r)))
	}
	w.WriteString("</table>\n")
	if flights := inFlight(d); r == len(d.Rows)-1 && len(flights) > 0 {
		w.WriteString("<p class=\"flight\">still in flight:</p><ul class=\"flight\">")
		for _, f := range flights {
			fmt.Fprintf(w, "<li>%s</li>", esc(f))
		}
		w.WriteString("</ul>\n")
	}
	w.WriteString("<p class=\"hint\">Hover over a step to see every replica's state after it.</p>\n")
}

// inFlight lists the messages still in the network at the end.
func inFlight(d *Diagram) []string {
	var out []string
	for _, a := range d.Arrows {
		if a.Fate == InFlight && a.From >= 0 && a.To >= 0 {
			out = append(out, fmt.Sprintf("%s → %s: %s", d.laneName(a.From), d.laneName(a.To), a.Label))
		}
	}
	return out
}

// pageData is what the script reads: rows, lanes and state changes.
type pageData struct {
	Rows   [][3]any `json:"rows"`   // time, label, notes ([lane, text]...)
	Lanes  []string `json:"lanes"`  // names
	Kinds  []int    `json:"kinds"`  // LaneKind per lane
	States [][3]any `json:"states"` // row, lane, state
	Flight []string `json:"flight"` // the messages in flight at the end
}

// writeData embeds the diagram as JSON for the script. encoding/json
// escapes <, > and &, so the data cannot close its script element.
func writeData(w *bufio.Writer, d *Diagram) error {
	p := pageData{Rows: [][3]any{}, States: [][3]any{}, Flight: inFlight(d)}
	for _, row := range d.Rows {
		notes := [][2]any{}
		for _, n := range row.Notes {
			notes = append(notes, [2]any{n.Lane, n.Text})
		}
		p.Rows = append(p.Rows, [3]any{row.Time, row.Label, notes})
	}
	for _, l := range d.Lanes {
		p.Lanes = append(p.Lanes, l.Name)
		p.Kinds = append(p.Kinds, int(l.Kind))
	}
	for _, c := range d.States {
		p.States = append(p.States, [3]any{c.Row, c.Lane, c.State})
	}
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "<script type=\"application/json\" id=\"data\">%s</script>\n", data)
	return nil
}
