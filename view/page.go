package view

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/view/step"
)

// The page's assets, embedded: the page asks the network for nothing.
var (
	//go:embed assets/page.html
	pageHTML string
	//go:embed assets/page.css
	pageCSS string
	//go:embed assets/page.js
	pageJS string
)

// page is the one page served: the diagram's style sheet and the
// viewer's own, and its script, inline.
var page = []byte(strings.NewReplacer(
	"/*STYLE*/", diagram.Style+pageCSS,
	"/*SCRIPT*/", pageJS,
).Replace(pageHTML))

// runPage is a run as the page's script reads it (GET /api/run).
type runPage struct {
	Title      string      `json:"title"`
	Protocol   string      `json:"protocol"`
	Forked     bool        `json:"forked"`
	Verdict    string      `json:"verdict"`
	Stop       string      `json:"stop"`
	Hash       string      `json:"hash"`
	Caption    []string    `json:"caption"`
	SVG        string      `json:"svg"`
	RowTop     int         `json:"row_top"` // the y of row 0's top edge
	RowHeight  int         `json:"row_height"`
	Frames     []framePage `json:"frames"`
	Omitted    int         `json:"omitted"`
	Properties []property  `json:"properties"`
	Lanes      []string    `json:"lanes"`
}

// framePage is one step as the page shows it.
type framePage struct {
	Line     int         `json:"line"`
	Text     string      `json:"text"`
	Time     int64       `json:"time"`
	Row      int         `json:"row"`
	Choice   bool        `json:"choice"`
	Nodes    []step.Node `json:"nodes"`
	InFlight []string    `json:"in_flight"`
}

// property is a property's status: broken at Frame (-1: held to the end).
type property struct {
	Name    string `json:"name"`
	Frame   int    `json:"frame"`
	Text    string `json:"text,omitempty"`
	AtEnd   bool   `json:"at_end"` // judged at the end of the run, not step by step
	Applies bool   `json:"applies"`
}

func pageOf(l *loaded) runPage {
	run := l.run
	var svg strings.Builder
	diagram.SVG(&svg, run.Diagram)
	p := runPage{
		Title: l.title, Protocol: l.p.Name(), Forked: l.forked, Verdict: run.Result.Verdict, Stop: run.Result.Stop,
		Hash: fmt.Sprintf("%016x", run.Result.TraceHash), Caption: run.Diagram.Caption, SVG: svg.String(),
		RowTop: diagram.RowTop(0), RowHeight: diagram.RowHeight, Omitted: run.Omitted,
	}
	for _, lane := range run.Diagram.Lanes {
		p.Lanes = append(p.Lanes, lane.Name)
	}
	for _, f := range run.Frames {
		p.Frames = append(p.Frames, framePage{Line: f.Line, Text: f.Text, Time: f.Time, Row: f.Row, Choice: f.Choice, Nodes: f.Nodes, InFlight: inFlight(run.Diagram, f.Row)})
	}
	p.Properties = properties(run)
	return p
}

// properties are the run's properties, each with the frame that broke it.
func properties(run *step.Run) []property {
	var out []property
	for _, name := range run.Judged {
		p := property{Name: string(name), Frame: -1, AtEnd: engine.JudgedAtEnd(name), Applies: true}
		for _, b := range run.Broken {
			if b.Property == name {
				p.Frame, p.Text = b.Frame, b.Text
			}
		}
		out = append(out, p)
	}
	for _, b := range run.Broken { // a property outside the list: a panic, a contract rule
		if !hasProperty(out, string(b.Property)) {
			out = append(out, property{Name: string(b.Property), Frame: b.Frame, Text: b.Text})
		}
	}
	return out
}

func hasProperty(ps []property, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

// inFlight lists the messages in flight after row: sent by then, and not
// yet delivered or lost, as the diagram's arrows say.
func inFlight(d *diagram.Diagram, row int) []string {
	out := []string{}
	for _, a := range d.Arrows {
		if a.Reply || a.Sent > row || (a.End <= row && a.Fate != diagram.InFlight) {
			continue
		}
		out = append(out, fmt.Sprintf("%s → %s: %s", laneName(d, a.From), laneName(d, a.To), a.Label))
	}
	return out
}

func laneName(d *diagram.Diagram, i int) string {
	if i < 0 || i >= len(d.Lanes) {
		return "?"
	}
	return d.Lanes[i].Name
}
