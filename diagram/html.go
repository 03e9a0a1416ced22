package diagram

import (
	"bufio"
	"fmt"
	"html"
	"io"
)

// The geometry of the picture, in pixels.
const (
	rowHeight    = 28
	headerHeight = 40
	gutterWidth  = 400 // step numbers, times and labels
	laneSpacing  = 180
	laneOffset   = 70  // from the gutter to the first lane
	rightMargin  = 200 // room for the last lane's notes
	labelChars   = 46  // a step label's most characters before "…"
	arrowChars   = 34
	noteChars    = 30
)

// HTML writes d as one self-contained page: an inline SVG space-time
// diagram, with inline CSS and a few lines of JavaScript, and no external
// asset, so that it opens offline and can be attached to a report. Lanes
// run down the page, one row per step; the gutter on the left numbers the
// steps and words them as the readable trace does. Hovering over a row
// shows, in the panel on the right, the step, what the nodes observed and
// every replica's state after it (for an acceptor, its promise and
// accepted value); the panel first shows the state after the last step.
// Arrows, shaded spans and state marks carry tooltips too.
func HTML(w io.Writer, d *Diagram) error {
	bw := bufio.NewWriter(w)
	title := d.Title
	if title == "" {
		title = "space-time diagram"
	}
	fmt.Fprintf(bw, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>paxsim: %s</title>\n<style>\n%s</style>\n</head>\n<body>\n", esc(title), pageStyle)
	fmt.Fprintf(bw, "<header>\n<h1>%s</h1>\n", esc(title))
	for i, c := range d.Caption {
		class := "cap"
		if i == 0 && d.Alert {
			class = "cap alert"
		}
		fmt.Fprintf(bw, "<p class=\"%s\">%s</p>\n", class, esc(c))
	}
	bw.WriteString(legend)
	bw.WriteString("</header>\n<div class=\"wrap\">\n<div class=\"pic\">\n")
	writeSVG(bw, d)
	bw.WriteString("</div>\n<aside id=\"panel\">\n")
	writePanel(bw, d, len(d.Rows)-1)
	bw.WriteString("</aside>\n</div>\n")
	if err := writeData(bw, d); err != nil {
		return err
	}
	fmt.Fprintf(bw, "<script>\n%s</script>\n</body>\n</html>\n", fmt.Sprintf(pageScript, headerHeight, rowHeight, gutterWidth+laneOffset, laneSpacing))
	return bw.Flush()
}

func esc(s string) string { return html.EscapeString(s) }

// clip shortens s to n characters, with "…" for the rest.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func laneX(lane int) int { return gutterWidth + laneOffset + lane*laneSpacing }
func rowY(row int) int   { return headerHeight + row*rowHeight + rowHeight/2 }

func svgSize(d *Diagram) (width, height int) {
	width = laneX(max(len(d.Lanes)-1, 0)) + rightMargin
	height = headerHeight + max(len(d.Rows), 1)*rowHeight + rowHeight
	if d.Omitted > 0 {
		height += rowHeight
	}
	return width, height
}

func writeSVG(w *bufio.Writer, d *Diagram) {
	width, height := svgSize(d)
	fmt.Fprintf(w, "<svg class=\"diagram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", width, height, width, height)
	w.WriteString(svgDefs)
	for r := 0; r < len(d.Rows); r += 2 {
		fmt.Fprintf(w, "<rect class=\"zebra\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", rowY(r)-rowHeight/2, width, rowHeight)
	}
	fmt.Fprintf(w, "<rect id=\"hi\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" style=\"display:none\"/>\n", width, rowHeight)
	writeSpans(w, d, height)
	writeLanes(w, d, height)
	writeGutter(w, d)
	for i := range d.Arrows {
		writeArrow(w, d, &d.Arrows[i])
	}
	writeMarks(w, d)
	if d.Omitted > 0 {
		fmt.Fprintf(w, "<text class=\"omitted\" x=\"8\" y=\"%d\">… %d more steps not drawn</text>\n", rowY(len(d.Rows))+4, d.Omitted)
	}
	w.WriteString("</svg>\n")
}

func writeSpans(w *bufio.Writer, d *Diagram, height int) {
	for _, s := range d.Spans {
		top := rowY(s.From)
		bottom := rowY(s.To)
		if s.Open {
			bottom = height - rowHeight/2
		}
		half, class := 8, "down"
		switch s.Kind {
		case "partition":
			half, class = 16, "partition"
		case "slow", "pause":
			half, class = 5, "slow"
		}
		for _, l := range s.Lanes {
			fmt.Fprintf(w, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>%s</title></rect>\n",
				class, laneX(l)-half, top, 2*half, max(bottom-top, 4), esc(spanTitle(d, s)))
		}
	}
}

func spanTitle(d *Diagram, s Span) string {
	until := fmt.Sprintf("until step %d", s.To+1)
	if s.Open {
		until = "until the end"
	}
	return fmt.Sprintf("%s: from step %d %s", s.Label, s.From+1, until)
}

func writeLanes(w *bufio.Writer, d *Diagram, height int) {
	for i, l := range d.Lanes {
		x, class := laneX(i), "lane"
		if l.Kind == Client {
			class = "lane client"
		}
		fmt.Fprintf(w, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", class, x, headerHeight-6, x, height-rowHeight/2)
		fmt.Fprintf(w, "<text class=\"head\" x=\"%d\" y=\"%d\">%s</text>\n", x, headerHeight-14, esc(l.Name))
	}
}

func writeGutter(w *bufio.Writer, d *Diagram) {
	x1, x2 := laneX(0)-laneSpacing/2, laneX(max(len(d.Lanes)-1, 0))+laneSpacing/2
	for r, row := range d.Rows {
		y := rowY(r) + 4
		fmt.Fprintf(w, "<text class=\"num\" x=\"36\" y=\"%d\">%d</text><text class=\"time\" x=\"44\" y=\"%d\">t=%d</text><text class=\"step %s\" x=\"100\" y=\"%d\">%s<title>%s</title></text>\n",
			y, r+1, y, row.Time, kindClass(row.Kind), y, esc(clip(row.Label, labelChars)), esc(row.Label))
		if row.Kind == "heal" {
			fmt.Fprintf(w, "<line class=\"heal\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", x1, rowY(r), x2, rowY(r))
		}
	}
}

// kindClass groups row kinds for the gutter's colours.
func kindClass(kind string) string {
	switch kind {
	case "crash", "torn-crash", "lost-unsynced", "drop", "partition-drop", "lost-at-crashed", "overflow", "partition", "partition-oneway", "slow", "pause":
		return "fault"
	case "restart", "heal", "recover", "partition-heal":
		return "mend"
	case "invoke", "request":
		return "client"
	case "timer":
		return "timer"
	}
	return "plain"
}
