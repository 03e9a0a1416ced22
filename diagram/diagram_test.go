package diagram_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

// entry is a trace entry as a World traces it.
func entry(t sim.Time, kind string, from, to sim.NodeID, msg string) sim.TraceEntry {
	return sim.TraceEntry{Time: t, Kind: kind, From: from, To: to, Msg: msg}
}

const empty = "promised -, accepted (-, -)"

// small feeds b a small timed run of three replicas and one client with
// one of everything: a drop and a partition cut at sending, a duplicate,
// a message lost at a crashed replica, a crash and restart, a slowdown, a
// partition, a timer, states, observations and an answer; one message is
// still in flight at the end.
func small(b *diagram.Builder) {
	for id := sim.NodeID(1); id <= 3; id++ {
		b.State(id, empty)
	}
	b.Request(1, 1, "Request(client 1, v1)", 1)
	b.Entry(entry(1, "request", sim.External, 1, "Request(client 1, v1)"))
	for to := sim.NodeID(1); to <= 3; to++ {
		b.Entry(entry(1, "send", 1, to, "Prepare(1.1)"))
	}
	b.Entry(entry(1, "drop", 1, 3, "Prepare(1.1)"))
	b.Entry(entry(2, "deliver", 1, 1, "Prepare(1.1)"))
	b.Observe(1, "promises 1.1, reports (-, -)")
	b.Entry(entry(2, "send", 1, 1, "Promise(1.1, accepted=(-, -))"))
	b.State(1, "promised 1.1, accepted (-, -)")
	b.Entry(entry(3, "deliver", 1, 2, "Prepare(1.1)"))
	b.Observe(2, "promises 1.1, reports (-, -)")
	b.Entry(entry(3, "send", 2, 1, "Promise(1.1, accepted=(-, -))"))
	b.State(2, "promised 1.1, accepted (-, -)")
	b.Entry(entry(4, "partition", 0, 0, "partition #1: {3} | {1,2}"))
	b.Entry(entry(4, "slow", 2, 2, "2x slower"))
	b.Entry(entry(5, "deliver", 2, 1, "Promise(1.1, accepted=(-, -))"))
	b.Entry(entry(6, "deliver", 1, 1, "Promise(1.1, accepted=(-, -))"))
	b.Observe(1, "proposes (1.1, v1)")
	for to := sim.NodeID(1); to <= 3; to++ {
		b.Entry(entry(6, "send", 1, to, "Accept(1.1, v1)"))
		switch to {
		case 2:
			b.Entry(entry(6, "dup", 1, 2, "Accept(1.1, v1)"))
		case 3:
			b.Entry(entry(6, "partition-drop", 1, 3, "Accept(1.1, v1)"))
		}
	}
	b.Entry(entry(7, "crash", 2, 2, ""))
	b.Entry(entry(8, "lost-at-crashed", 1, 2, "Accept(1.1, v1)"))
	b.Entry(entry(9, "restart", 2, 2, ""))
	b.Entry(entry(10, "recover", 2, 2, "back to normal speed"))
	b.Entry(entry(11, "timer", 3, 3, "tag 0"))
	b.Entry(entry(12, "deliver", 1, 2, "Accept(1.1, v1)"))
	b.Observe(2, "accepts (1.1, v1)")
	b.Entry(entry(12, "send", 2, 1, "Accepted(1.1, v1)"))
	b.State(2, "promised 1.1, accepted (1.1, v1)")
	b.Entry(entry(13, "deliver", 1, 1, "Accept(1.1, v1)"))
	b.Observe(1, "accepts (1.1, v1)")
	b.Entry(entry(13, "send", 1, 1, "Accepted(1.1, v1)"))
	b.State(1, "promised 1.1, accepted (1.1, v1)")
	b.Entry(entry(14, "partition-heal", 0, 0, "partition #1 heals"))
	b.Entry(entry(15, "deliver", 2, 1, "Accepted(1.1, v1)"))
	b.Observe(1, "learns v1")
	b.Reply(1, 1, "answers v1")
	b.State(1, "promised 1.1, accepted (1.1, v1), learned v1")
}

func smallDiagram() *diagram.Diagram {
	b := diagram.NewBuilder(diagram.Lanes(3, 1))
	small(b)
	d := b.Diagram()
	d.Title = "small run"
	d.Caption = []string{"no violation", "a fixed trace of the diagram package's tests"}
	return d
}

// TestGolden renders the small run in both formats and compares them with
// testdata/small.html and testdata/small.mmd ("go test -update" rewrites
// them).
func TestGolden(t *testing.T) {
	d := smallDiagram()
	for _, tt := range []struct {
		file   string
		render func(*bytes.Buffer, *diagram.Diagram) error
	}{
		{"small.html", func(w *bytes.Buffer, d *diagram.Diagram) error { return diagram.HTML(w, d) }},
		{"small.mmd", func(w *bytes.Buffer, d *diagram.Diagram) error { return diagram.Mermaid(w, d) }},
	} {
		var got bytes.Buffer
		if err := tt.render(&got, d); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tt.file)
		if *update {
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s differs from the output (go test ./diagram -run TestGolden -update rewrites it):\n%s", path, firstDiff(string(want), got.String()))
		}
		var again bytes.Buffer
		tt.render(&again, smallDiagram())
		if !bytes.Equal(got.Bytes(), again.Bytes()) {
			t.Errorf("%s: two renderings of one run differ", tt.file)
		}
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n want: %s\n have: %s", i+1, a, b)
		}
	}
	return "(line endings)"
}
