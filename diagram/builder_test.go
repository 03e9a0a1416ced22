package diagram_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/sim"
)

// arrowSummary is what the table tests check of an arrow.
type arrowSummary struct {
	from, to, sent, end int
	fate                diagram.Fate
	why, copy           string
}

func summarize(d *diagram.Diagram) []arrowSummary {
	var out []arrowSummary
	for _, a := range d.Arrows {
		out = append(out, arrowSummary{a.From, a.To, a.Sent, a.End, a.Fate, a.Why, a.Copy})
	}
	return out
}

func rowKinds(d *diagram.Diagram) string {
	var kinds []string
	for _, r := range d.Rows {
		kinds = append(kinds, r.Kind)
	}
	return strings.Join(kinds, " ")
}

// endStep stands for a call of EndStep in the tables.
var endStep = sim.TraceEntry{Kind: "end of step"}

// Three replicas, no client: lanes 0, 1, 2 are replicas 1, 2, 3.
func TestBuilderMatchesMessagesToTheirFates(t *testing.T) {
	send := func(t sim.Time, from, to sim.NodeID, msg string) sim.TraceEntry {
		return entry(t, "send", from, to, msg)
	}
	tests := []struct {
		name    string
		entries []sim.TraceEntry
		rows    string
		arrows  []arrowSummary
	}{
		{
			name: "delivered",
			entries: []sim.TraceEntry{
				entry(1, "timer", 1, 1, "tag 0"), send(1, 1, 2, "Prepare(1.1)"),
				entry(2, "deliver", 1, 2, "Prepare(1.1)"),
			},
			rows:   "timer deliver",
			arrows: []arrowSummary{{0, 1, 0, 1, diagram.Delivered, "", ""}},
		},
		{
			name: "identical copies are delivered oldest first",
			entries: []sim.TraceEntry{
				entry(1, "timer", 1, 1, "tag 0"), send(1, 1, 2, "Prepare(1.1)"),
				entry(2, "timer", 1, 1, "tag 0"), send(2, 1, 2, "Prepare(1.1)"),
				entry(3, "deliver", 1, 2, "Prepare(1.1)"),
			},
			rows: "timer timer deliver",
			arrows: []arrowSummary{
				{0, 1, 0, 2, diagram.Delivered, "", ""},
				{0, 1, 1, 2, diagram.InFlight, "", ""},
			},
		},
		{
			name: "a drop at sending ends the message just sent, in its row",
			entries: []sim.TraceEntry{
				entry(1, "timer", 1, 1, "tag 0"), send(1, 1, 2, "Prepare(1.1)"),
				entry(2, "timer", 1, 1, "tag 0"), send(2, 1, 2, "Prepare(1.1)"), entry(2, "drop", 1, 2, "Prepare(1.1)"),
			},
			rows: "timer timer",
			arrows: []arrowSummary{
				{0, 1, 0, 1, diagram.InFlight, "", ""},
				{0, 1, 1, 1, diagram.Dropped, "drop", ""},
			},
		},
		{
			name: "a drop as a step of its own takes a row and the oldest copy",
			entries: []sim.TraceEntry{
				entry(1, "timer", 1, 1, "tag 0"), send(1, 1, 2, "Prepare(1.1)"), endStep,
				entry(2, "drop", 1, 2, "Prepare(1.1)"),
			},
			rows:   "timer drop",
			arrows: []arrowSummary{{0, 1, 0, 1, diagram.Dropped, "drop", ""}},
		},
		{
			name: "a full link loses the message just sent, as a drop does",
			entries: []sim.TraceEntry{
				entry(1, "timer", 1, 1, "tag 0"), send(1, 1, 2, "Prepare(1.1)"), entry(1, "overflow", 1, 2, "Prepare(1.1)"),
			},
			rows:   "timer",
			arrows: []arrowSummary{{0, 1, 0, 0, diagram.Dropped, "overflow", ""}},
		},
		{
			name: "a partition cuts at sending",
			entries: []sim.TraceEntry{
				entry(1, "timer", 1, 1, "tag 0"), send(1, 1, 3, "Prepare(1.1)"), entry(1, "partition-drop", 1, 3, "Prepare(1.1)"),
			},
			rows:   "timer",
			arrows: []arrowSummary{{0, 2, 0, 0, diagram.Dropped, "partition-drop", ""}},
		},
		{
			name: "a duplicate at sending is a copy from the same row; one as a step takes a row",
			entries: []sim.TraceEntry{
				entry(1, "timer", 1, 1, "tag 0"), send(1, 1, 2, "Prepare(1.1)"), entry(1, "dup", 1, 2, "Prepare(1.1)"), endStep,
				entry(2, "dup", 1, 2, "Prepare(1.1)"),
				entry(3, "deliver", 1, 2, "Prepare(1.1)"),
			},
			rows: "timer dup deliver",
			arrows: []arrowSummary{
				{0, 1, 0, 2, diagram.Delivered, "", ""},
				{0, 1, 0, 2, diagram.InFlight, "", "dup"},
				{0, 1, 1, 2, diagram.InFlight, "", "dup"},
			},
		},
		{
			name: "a crash loses the node's messages to itself; a message to a down node is lost there",
			entries: []sim.TraceEntry{
				entry(1, "timer", 2, 2, "tag 0"), send(1, 2, 2, "Prepare(1.2)"), send(1, 2, 3, "Prepare(1.2)"),
				entry(2, "timer", 3, 3, "tag 0"), send(2, 3, 2, "Prepare(1.3)"),
				entry(3, "crash", 2, 2, ""),
				entry(4, "lost-at-crashed", 3, 2, "Prepare(1.3)"),
				entry(5, "lost-at-crashed", 2, 2, "Prepare(1.2)"), // timed mode: already shown
				entry(6, "restart", 2, 2, ""),
			},
			rows: "timer timer crash lost-at-crashed restart",
			arrows: []arrowSummary{
				{1, 1, 0, 2, diagram.Lost, "crash", ""},
				{1, 2, 0, 4, diagram.InFlight, "", ""},
				{2, 1, 1, 3, diagram.Lost, "lost-at-crashed", ""},
			},
		},
		{
			name: "a redelivery is a copy of an old message, sent from the row that made it",
			entries: []sim.TraceEntry{
				entry(1, "timer", 1, 1, "tag 0"), send(1, 1, 3, "Accept(1.1, v1)"), entry(1, "redeliver", 2, 3, "Prepare(1.2)"),
				entry(2, "deliver", 2, 3, "Prepare(1.2)"),
			},
			rows: "timer deliver",
			arrows: []arrowSummary{
				{0, 2, 0, 1, diagram.InFlight, "", ""},
				{1, 2, 0, 1, diagram.Delivered, "", "redeliver"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := diagram.NewBuilder(diagram.Lanes(3, 0))
			for _, e := range tt.entries {
				if e == endStep {
					b.EndStep()
					continue
				}
				b.Entry(e)
			}
			d := b.Diagram()
			if got := rowKinds(d); got != tt.rows {
				t.Errorf("rows %q, want %q", got, tt.rows)
			}
			got := summarize(d)
			if len(got) != len(tt.arrows) {
				t.Fatalf("arrows %+v, want %+v", got, tt.arrows)
			}
			for i := range got {
				if got[i] != tt.arrows[i] {
					t.Errorf("arrow %d: %+v, want %+v", i, got[i], tt.arrows[i])
				}
			}
		})
	}
}

func TestBuilderSpans(t *testing.T) {
	b := diagram.NewBuilder(diagram.Lanes(3, 0))
	for _, e := range []sim.TraceEntry{
		entry(1, "crash", 3, 3, ""),
		entry(2, "partition", 0, 0, "partition #1: {1,2} | {3}"),
		entry(3, "pause", 2, 2, "paused until 9"),
		entry(4, "partition-oneway", 0, 0, "partition #2: {1} -/-> {2,3}"),
		entry(5, "partition-heal", 0, 0, "partition #1 heals"),
		entry(6, "heal", 0, 0, "every fault heals; the network turns reliable"),
		entry(7, "timer", 1, 1, "tag 0"),
	} {
		b.Entry(e)
	}
	d := b.Diagram()
	type span struct {
		kind     string
		lanes    string
		from, to int
		open     bool
	}
	want := []span{
		{"down", "[2]", 0, 6, true}, // the heal restarts it; this run shows no restart
		{"partition", "[0 1]", 1, 4, false},
		{"pause", "[1]", 2, 5, false}, // the heal ends it
		{"partition", "[0]", 3, 5, false},
	}
	if len(d.Spans) != len(want) {
		t.Fatalf("spans %+v, want %d", d.Spans, len(want))
	}
	for i, s := range d.Spans {
		got := span{s.Kind, fmt.Sprint(s.Lanes), s.From, s.To, s.Open}
		if got != want[i] {
			t.Errorf("span %d: %+v, want %+v", i, got, want[i])
		}
	}
}

func TestBuilderClientsAndStates(t *testing.T) {
	b := diagram.NewBuilder(diagram.Lanes(2, 1)) // lanes: client 1, replica 1, replica 2
	b.State(1, "promised -")
	b.State(2, "promised -")
	b.Request(1, 2, "Request(client 1, v1)", 5) // due at t=5: drawn when the run gets there
	b.Entry(entry(3, "timer", 1, 1, "tag 0"))
	b.State(1, "promised -") // no change: not kept
	b.Entry(entry(5, "request", sim.External, 2, "Request(client 1, v1)"))
	b.Observe(2, "promises 1.2")
	b.State(2, "promised 1.2")
	b.Reply(2, 1, "answers v1")
	d := b.Diagram()
	if got := rowKinds(d); got != "timer invoke request" {
		t.Fatalf("rows %q, want the request drawn at t=5, after the timer", got)
	}
	if a := d.Arrows[0]; a.From != 0 || a.To != 2 || a.Sent != 1 || a.End != 2 || a.Fate != diagram.Delivered {
		t.Errorf("request arrow %+v", a)
	}
	if a := d.Arrows[1]; !a.Reply || a.From != 2 || a.To != 0 || a.Sent != 2 || a.End != 2 {
		t.Errorf("answer arrow %+v", a)
	}
	if n := d.Rows[2].Notes; len(n) != 1 || n[0] != (diagram.Note{Lane: 2, Text: "promises 1.2"}) {
		t.Errorf("notes %+v", n)
	}
	for _, tt := range []struct {
		lane, row int
		want      string
	}{
		{1, -1, "promised -"}, {2, 0, "promised -"}, {2, 1, "promised -"}, {2, 2, "promised 1.2"}, {0, 2, ""},
	} {
		if got := d.StateAt(tt.lane, tt.row); got != tt.want {
			t.Errorf("StateAt(%d, %d) = %q, want %q", tt.lane, tt.row, got, tt.want)
		}
	}
	if len(d.States) != 3 {
		t.Errorf("states %+v: want the two initial states and one change", d.States)
	}
}

func TestBuilderStopsAtMaxRows(t *testing.T) {
	b := diagram.NewBuilder(diagram.Lanes(2, 0))
	b.MaxRows = 3
	for i := range 10 {
		b.Entry(entry(sim.Time(i), "timer", 1, 1, "tag 0"))
		b.Entry(entry(sim.Time(i), "send", 1, 2, "Prepare(1.1)"))
	}
	d := b.Diagram()
	if len(d.Rows) != 3 || d.Omitted != 7 || len(d.Arrows) != 3 || !b.Full() {
		t.Fatalf("%d rows, %d omitted, %d arrows: want 3, 7, 3", len(d.Rows), d.Omitted, len(d.Arrows))
	}
	var out bytes.Buffer
	diagram.Mermaid(&out, d)
	if !strings.Contains(out.String(), "7 more steps not drawn") {
		t.Errorf("Mermaid does not say steps were left out:\n%s", out.String())
	}
	out.Reset()
	diagram.HTML(&out, d)
	if !strings.Contains(out.String(), "7 more steps not drawn") {
		t.Error("HTML does not say steps were left out")
	}
}

func TestMermaidEscapesItsSyntax(t *testing.T) {
	b := diagram.NewBuilder(diagram.Lanes(2, 0))
	b.Entry(entry(1, "timer", 1, 1, "tag 0"))
	b.Entry(entry(1, "send", 1, 2, "Request(c1#2; x)"))
	b.Entry(entry(2, "deliver", 1, 2, "Request(c1#2; x)"))
	var out bytes.Buffer
	if err := diagram.Mermaid(&out, b.Diagram()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "R1->>R2: Request(c1#35;2#59; x)") {
		t.Errorf("want # and ; as entity codes:\n%s", out.String())
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	var out bytes.Buffer
	if err := diagram.HTML(&out, smallDiagram()); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	for _, banned := range []string{"http://", "https://", "src=", "<link", "@import"} {
		// the SVG namespace is a name, not a fetch
		if n := strings.Count(page, banned) - strings.Count(page, `xmlns="http://www.w3.org/2000/svg"`)*b2i(banned == "http://"); n > 0 {
			t.Errorf("the page refers to something outside it: %d × %q", n, banned)
		}
	}
	b := diagram.NewBuilder(diagram.Lanes(2, 0))
	b.Entry(entry(1, "timer", 1, 1, "tag 0"))
	b.Observe(1, "</script><script>alert(1)</script>")
	out.Reset()
	diagram.HTML(&out, b.Diagram())
	if strings.Contains(out.String(), "<script>alert") {
		t.Error("a note's text reached the page unescaped")
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
