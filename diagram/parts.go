package diagram

import (
	"bufio"
	"io"
)

// The parts of the page HTML writes, for a page of one's own that shows
// the same picture (paxsim view's): the SVG element alone, the style sheet
// it is drawn with, and where each row lies.

// Style is the style sheet of HTML's page, which the SVG's classes refer
// to.
const Style = pageStyle

// SVG writes d's space-time diagram as one inline <svg> element, exactly
// as HTML draws it. Its element #hi is a row-high highlight, hidden.
func SVG(w io.Writer, d *Diagram) error {
	bw := bufio.NewWriter(w)
	writeSVG(bw, d)
	return bw.Flush()
}

// RowTop is the y of row's top edge in the SVG, and RowHeight its height.
func RowTop(row int) int { return rowY(row) - rowHeight/2 }

// RowHeight is the height of a row in the SVG, in pixels.
const RowHeight = rowHeight
