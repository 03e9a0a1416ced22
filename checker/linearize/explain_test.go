package linearize_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
)

// splitBrain is an illegal history with the faults that led to it: client 1
// at node 1 is told v1, then node 1 is cut off and client 2 at node 2 is
// told v2 although v1 was decided before v2 was proposed. Client 3's
// replica crashed before answering.
func splitBrain() ([]linearize.Op, []linearize.Annotation) {
	ops := []linearize.Op{
		{Client: 1, Node: 1, Value: 1, Invoke: 0, Return: 40, Output: 1},
		{Client: 2, Node: 2, Value: 2, Invoke: 60, Return: 120, Output: 2},
		{Client: 3, Node: 3, Value: 3, Invoke: 10, Return: -1},
	}
	annotations := []linearize.Annotation{
		{Start: 30, End: 90, Kind: "crash", Node: 3, Description: "crash node 3"},
		{Start: 90, End: 90, Kind: "restart", Node: 3},
		{Start: 50, End: 130, Kind: "partition", Description: "partition #1: {1} | {2,3}"},
		{Start: 70, End: -1, Kind: "pause", Node: 10, Description: "node 10 paused for good"},
		{Start: 80, Kind: "drop", Node: 2, Description: "drop 1->2 Accept(1.1, v1)"},
	}
	return ops, annotations
}

// inHTML is how s appears in porcupine's page: inside its JSON data, where
// json.Marshal escapes <, > and &.
func inHTML(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestExplain(t *testing.T) {
	ops, annotations := splitBrain()
	if got := linearize.Check(ops, budget); got != linearize.Illegal {
		t.Fatalf("Check = %s, want illegal", got)
	}
	var page bytes.Buffer
	got, err := linearize.Explain(ops, annotations, budget, &page)
	if err != nil || got != linearize.Illegal {
		t.Fatalf("Explain = %s, %v; want illegal, nil", got, err)
	}
	html := page.String()
	if !strings.HasPrefix(html, "<!doctype html>") {
		t.Fatalf("Explain wrote no HTML page: %.80q", html)
	}
	for _, want := range []string{
		// operations, states and tooltips
		"propose(v1) -> v1", "propose(v2) -> v2", "propose(v3) -> ?",
		"decided v1",
		"client 2 at node 2", "client 3 at node 3; outcome unknown: drawn up to the end of the history",
		// annotations: descriptions, or the kind when there is none
		"crash node 3", "restart", "partition #1: {1} | {2,3}", "node 10 paused for good",
		"drop 1->2 Accept(1.1, v1)",
		// their lanes, padded to sort, and their tooltips
		"node 03", "node 10", "network",
		"crash at node 3, t=30..90: crash node 3; clients at node 3: 3",
		"restart at node 3, t=90; clients at node 3: 3",
		"pause at node 10, t=70 to past the end of the history: node 10 paused for good; " +
			"no client at node 10",
		"partition, t=50..130: partition #1: {1} | {2,3}",
	} {
		if !strings.Contains(html, inHTML(want)) {
			t.Errorf("the page lacks %s", inHTML(want))
		}
	}
	if !strings.Contains(html, `"BackgroundColor":"#f7b2b2"`) {
		t.Errorf("the crash is not drawn in its color")
	}
	if dir := os.Getenv("LINEARIZE_HTML_DIR"); dir != "" {
		// testdata/render.sh sets it to look at the page in a browser.
		if err := os.WriteFile(filepath.Join(dir, "split-brain.html"), page.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExplainOk(t *testing.T) {
	ops := []linearize.Op{done(1, 1, 0, 10, 1), done(2, 2, 5, 30, 1), lost(3, 3, 20)}
	var page bytes.Buffer
	got, err := linearize.Explain(ops, nil, budget, &page)
	if err != nil || got != linearize.Ok {
		t.Fatalf("Explain = %s, %v; want ok, nil", got, err)
	}
	if !strings.Contains(page.String(), inHTML("propose(v2) -> v1")) {
		t.Fatalf("the page lacks the operations")
	}
}

// TestExplainUnknown: a search cut short by its budget, or given none,
// answers Unknown and still draws the history.
func TestExplainUnknown(t *testing.T) {
	for _, b := range []linearize.Budget{1000, 0, -1} {
		var page bytes.Buffer
		got, err := linearize.Explain(adversarial(48), nil, b, &page)
		if err != nil || got != linearize.Unknown {
			t.Fatalf("budget %d: Explain = %s, %v; want unknown, nil", b, got, err)
		}
		if !strings.Contains(page.String(), inHTML("propose(v49) -> v50")) {
			t.Fatalf("budget %d: the page of an unfinished search lacks the operations", b)
		}
	}
}

// TestExplainAgreesWithCheck: the page's verdict is Check's with the same
// budget, on both sides of the least budget that judges the history.
func TestExplainAgreesWithCheck(t *testing.T) {
	ops := adversarial(8)
	least := leastBudget(t, func(b linearize.Budget) bool { return linearize.Check(ops, b) != linearize.Unknown })
	for _, b := range []linearize.Budget{least - 1, least} {
		got, err := linearize.Explain(ops, nil, b, io.Discard)
		if want := linearize.Check(ops, b); err != nil || got != want {
			t.Errorf("budget %d: Explain = %s, %v; Check = %s", b, got, err, want)
		}
	}
}

// TestExplainIsDeterministic: the page is the same bytes on every run and
// under any GOMAXPROCS, although porcupine collects the partial
// linearizations it draws from a map.
func TestExplainIsDeterministic(t *testing.T) {
	var ops []linearize.Op
	var kv []linearize.KVOp
	for c := 1; c <= 6; c++ { // each told its own value: six partial linearizations of one operation
		ops = append(ops, done(c, checker.Value(c), int64(c), int64(100+c), checker.Value(c)))
		kv = append(kv, app(c, "x", fmt.Sprint(c), int64(c), int64(100+c), fmt.Sprint(c)))
	}
	kv = append(kv, put(20, "y", "1", 0, 10), get(21, "y", 5, 30, "2")) // and a second key
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var first, firstKV []byte
	for i := range 20 {
		runtime.GOMAXPROCS(1 + i%4)
		var page, pageKV bytes.Buffer
		if v, err := linearize.Explain(ops, nil, budget, &page); v != linearize.Illegal || err != nil {
			t.Fatalf("Explain = %s, %v; want illegal", v, err)
		}
		if v, err := linearize.ExplainKV(kv, nil, budget, &pageKV); v != linearize.Illegal || err != nil {
			t.Fatalf("ExplainKV = %s, %v; want illegal", v, err)
		}
		if i == 0 {
			first, firstKV = page.Bytes(), pageKV.Bytes()
			continue
		}
		if !bytes.Equal(page.Bytes(), first) {
			t.Fatalf("Explain's page differs on try %d (GOMAXPROCS %d)", i, 1+i%4)
		}
		if !bytes.Equal(pageKV.Bytes(), firstKV) {
			t.Fatalf("ExplainKV's page differs on try %d (GOMAXPROCS %d)", i, 1+i%4)
		}
	}
}

type failingWriter struct{}

var errDiskFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestExplainErrors(t *testing.T) {
	ops, annotations := splitBrain()
	tests := []struct {
		name        string
		ops         []linearize.Op
		annotations []linearize.Annotation
		budget      linearize.Budget
		want        linearize.Verdict
		err         string
	}{
		{"malformed op", []linearize.Op{done(1, 1, 10, 5, 1)}, nil, budget, linearize.Illegal,
			"op 0: returns at 5, before its invoke at 10"},
		{"negative annotation start", ops, []linearize.Annotation{{Start: -1, Kind: "crash"}}, budget,
			linearize.Unknown, "annotation 0: negative start -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var page bytes.Buffer
			got, err := linearize.Explain(tt.ops, tt.annotations, tt.budget, &page)
			if got != tt.want || err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("Explain = %s, %v; want %s and an error with %q", got, err, tt.want, tt.err)
			}
			if page.Len() != 0 {
				t.Fatalf("Explain wrote %d bytes on bad input", page.Len())
			}
		})
	}
	t.Run("failing writer", func(t *testing.T) {
		got, err := linearize.Explain(ops, annotations, budget, failingWriter{})
		if got != linearize.Illegal || !errors.Is(err, errDiskFull) {
			t.Fatalf("Explain = %s, %v; want illegal and the writer's error", got, err)
		}
	})
}
