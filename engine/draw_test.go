package engine_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/trace"
)

// config is the default run configuration of protocol name.
func config(name string) engine.Config {
	c := engine.Default()
	c.Protocol = name
	return c
}

// checkArrows checks a diagram accounts for every delivery: each
// delivery row ends exactly one delivered message, sent at or before it
// on the right lanes, and every loss row ends one lost message.
func checkArrows(t *testing.T, d *diagram.Diagram) {
	t.Helper()
	ends := make([]int, len(d.Rows))
	for _, a := range d.Arrows {
		if a.Sent > a.End || a.From < 0 || a.To < 0 {
			t.Errorf("arrow %+v goes backwards or off the lanes", a)
		}
		if !a.Reply && a.Fate != diagram.InFlight && a.End != a.Sent {
			ends[a.End]++
		}
	}
	for r, row := range d.Rows {
		switch row.Kind {
		case "deliver", "request", "drop", "partition-drop", "lost-at-crashed":
			if ends[r] != 1 {
				t.Errorf("row %d %q ends %d arrows, want 1", r+1, row.Label, ends[r])
			}
		}
	}
}

func TestDrawingAReplay(t *testing.T) {
	path := filepath.Join("..", "testdata", "traces", "ignore-promised-values.trace")
	tr, err := trace.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := builtin.Paxos()
	plain, _ := p.Replay(tr, engine.Options{})
	dr := &engine.Drawing{}
	res, err := p.Replay(tr, engine.Options{Draw: dr})
	if err != nil {
		t.Fatal(err)
	}
	if res.TraceHash != plain.TraceHash || res.Events != plain.Events {
		t.Fatalf("drawing changed the run: hash %x after %d events, %x after %d without", res.TraceHash, res.Events, plain.TraceHash, plain.Events)
	}
	d := dr.Diagram()
	checkArrows(t, d)
	if len(d.Rows) != tr.Steps() {
		t.Errorf("%d rows for %d steps: want one a step", len(d.Rows), tr.Steps())
	}
	if len(d.Lanes) != 5 || d.Lanes[0].Name != "client 1" || d.Lanes[4].Name != "replica 3" {
		t.Errorf("lanes %+v", d.Lanes)
	}
	if !d.Alert || !strings.Contains(d.Caption[0], "safe-proposal violated") {
		t.Errorf("caption %q: want the violation", d.Caption)
	}
	last := len(d.Rows) - 1
	for lane, want := range map[int]string{ // order-free: independent checks
		2: "promised 2.3, accepted (1.1, v1)",
		3: "promised 2.3, accepted (1.1, v1)",
		4: "promised 1.1, accepted (-, -)", // its own Prepare(2.3) still in flight
	} {
		if got := d.StateAt(lane, last); got != want {
			t.Errorf("%s at the end: %q, want %q", d.Lanes[lane].Name, got, want)
		}
	}
}

// Timed runs under every fault: drops and cuts at sending, duplicates,
// redeliveries, crashes, partitions. Each delivery must find its message.
func TestDrawingTimedRunsUnderFaults(t *testing.T) {
	c := config("paxos")
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.1, 0.05, 0.05, 0.02, 0.02, 0.02
	p := builtin.Paxos()
	kinds := map[string]bool{}
	for seed := uint64(1); seed <= 12; seed++ {
		dr := &engine.Drawing{}
		res, err := p.Run(c, seed, engine.Options{Draw: dr})
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := p.Run(c, seed, engine.Options{})
		if res.TraceHash != plain.TraceHash {
			t.Fatalf("seed %d: drawing changed the run", seed)
		}
		d := dr.Diagram()
		checkArrows(t, d)
		for _, a := range d.Arrows {
			kinds[a.Fate.String()+" "+a.Why+" "+a.Copy] = true
		}
		for _, s := range d.Spans {
			kinds["span "+s.Kind] = true
		}
	}
	for _, want := range []string{"delivered  ", "dropped drop ", "dropped partition-drop ", "lost lost-at-crashed ", "delivered  dup", "span down", "span partition"} {
		if !kinds[want] {
			t.Errorf("12 faulty seeds drew no %q", want)
		}
	}
}

func TestDrawingMultiPaxos(t *testing.T) {
	c := config("multipaxos")
	c.Variant = "no-dedup"
	dr := &engine.Drawing{MaxRows: 100}
	res, err := builtin.MultiPaxos().Run(c, 1, engine.Options{Draw: dr})
	if err != nil {
		t.Fatal(err)
	}
	d := dr.Diagram()
	if len(d.Rows) != 100 || d.Omitted == 0 {
		t.Errorf("%d rows, %d omitted: want MaxRows to cut the run (%d events)", len(d.Rows), d.Omitted, res.Events)
	}
	if d.Lanes[3].Name != "operator" || d.Lanes[4].Name != "replica 1" {
		t.Errorf("lanes %+v: want three clients, the operator, then the replicas", d.Lanes)
	}
	if got := d.StateAt(4, len(d.Rows)-1); !strings.HasPrefix(got, "promised ") {
		t.Errorf("replica 1's state %q", got)
	}
	checkArrows(t, d)
}
