package view_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/view"
	"github.com/paxsim/paxsim/view/step"
)

func stepOptions() step.Options { return step.Options{ActionsAt: -1} }

// TestForeignHostIsRefused: a request whose Host header is not the
// served address (DNS rebinding) gets a 4xx and nothing of the run.
func TestForeignHostIsRefused(t *testing.T) {
	base := serve(t, violationTrace)
	for _, path := range []string{"/", "/api/run", "/api/trace"} {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Host = "attacker.example"
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode/100 != 4 || strings.Contains(string(body), "paxsim-trace") || strings.Contains(string(body), "<svg") {
			t.Errorf("GET %s with Host attacker.example: status %d, %.80q", path, res.StatusCode, body)
		}
	}
	if code := call(t, "GET", base+"/", "", nil); code != 200 {
		t.Errorf("GET / with the served Host: %d", code)
	}
}

// TestPageIsSelfContained: the page loads nothing from the network, and
// the server serves no path but its own.
func TestPageIsSelfContained(t *testing.T) {
	base := serve(t, violationTrace)
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, bad := range []string{`src="http`, `href="http`, "@import", "url(http", "fonts.g"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("the page holds %q: it would load from the network", bad)
		}
	}
	for _, path := range []string{"/etc/passwd", "/../go.mod", "/view/page.go", "/api/", "/assets/page.js"} {
		if code := call(t, "GET", base+path, "", nil); code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, code)
		}
	}
}

// TestPasteErrorNamesTheLine: a malformed pasted trace is an error naming
// its line, and the server keeps serving the run it had.
func TestPasteErrorNamesTheLine(t *testing.T) {
	base := serve(t, violationTrace)
	good := paxtest.ReadTrace(t, violationTrace).String()
	header := good[strings.Index(good, "paxsim-trace 1"):]
	header = strings.Join(strings.SplitN(header, "\n", 4)[:3], "\n") + "\n"
	cases := []struct{ text, want string }{
		{"", "empty"},
		{"hello\n", "line 1"},
		{header + "deliver 1->9 Prepare(1.1)\n", "line 4"},
		{header + "client 1 proposes v1 to 1\ndeliver 1->2 Prepare(7.7)\n", "line 5"},
		{strings.Replace(header, `"paxos"`, `"raft"`, 1), "line 2"},
	}
	for _, c := range cases {
		var page runPage
		code := call(t, "POST", base+"/api/open", c.text, &page)
		if code != http.StatusBadRequest || !strings.Contains(page.Error, c.want) {
			t.Errorf("paste %.60q: status %d, error %q; want 400 naming %q", c.text, code, page.Error, c.want)
		}
	}
	var page runPage
	if code := call(t, "GET", base+"/api/run", "", &page); code != 200 || page.Verdict != "violation" {
		t.Errorf("after the bad pastes: GET /api/run %d, verdict %q", code, page.Verdict)
	}
	if code := call(t, "POST", base+"/api/open", good, &page); code != 200 || page.Verdict != "violation" {
		t.Errorf("a good paste: status %d, verdict %q, error %q", code, page.Verdict, page.Error)
	}
	big := strings.Repeat("# padding\n", view.MaxBody/10+1)
	if code := call(t, "POST", base+"/api/open", big, &page); code/100 != 4 {
		t.Errorf("a paste past MaxBody: status %d, want 4xx", code)
	}
}

// TestForkDownloadReplays: fork one step before the violation with
// another action, run to the end under a seed, download the trace: paxsim
// replay accepts it and prints the same bytes every time, its verdict is
// the fork's, and its replay records the downloaded bytes again.
func TestForkDownloadReplays(t *testing.T) {
	base := serve(t, violationTrace)
	var orig runPage
	call(t, "GET", base+"/api/run", "", &orig)
	fail := orig.firstFailure()
	if fail < 2 {
		t.Fatalf("the trace's first failure is at step %d", fail)
	}
	at := fail - 1
	var acts struct{ Actions []string }
	if code := call(t, "GET", fmt.Sprintf("%s/api/actions?frame=%d", base, at), "", &acts); code != 200 {
		t.Fatalf("actions: status %d", code)
	}
	other := ""
	for _, a := range acts.Actions {
		if a != orig.Frames[fail].Text && strings.HasPrefix(a, "deliver") {
			other = a
			break
		}
	}
	if other == "" {
		t.Fatalf("no other delivery after step %d: %q", at, acts.Actions)
	}
	for _, runToEnd := range []bool{false, true} {
		var fork runPage
		body := fmt.Sprintf(`{"frame":%d,"action":%q,"run":%v,"seed":3}`, at, other, runToEnd)
		if code := call(t, "POST", base+"/api/fork", body, &fork); code != 200 {
			t.Fatalf("fork %s: status %d: %s", body, code, fork.Error)
		}
		if !fork.Forked || len(fork.Frames) < at+2 || fork.Frames[at+1].Text != other {
			t.Fatalf("fork %s: step %d is %q, want %q", body, at+1, fork.Frames[min(at+1, len(fork.Frames)-1)].Text, other)
		}
		res, err := http.Get(base + "/api/trace")
		if err != nil {
			t.Fatal(err)
		}
		text, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("the trace is not offered as a download: %q", res.Header.Get("Content-Disposition"))
		}
		out, code := replayCLI(t, string(text))
		if want := map[string]int{"ok": 0, "violation": 1}[fork.Verdict]; code != want {
			t.Errorf("fork %s is %s, but its replay exits %d:\n%s", body, fork.Verdict, code, out)
		}
		if !strings.Contains(out, fork.Hash) {
			t.Errorf("the replay's output does not hold the fork's trace hash %s:\n%s", fork.Hash, out)
		}
		if again := recorded(t, string(text)); again != string(text) {
			t.Errorf("the downloaded trace's replay records other bytes:\n%s\nwant\n%s", again, text)
		}
		call(t, "POST", base+"/api/reset", "", nil)
	}
}

// TestForkRefusesWhatIsNotEnabled: a fork names an enabled action at a
// step of the run, or is refused with a reason.
func TestForkRefusesWhatIsNotEnabled(t *testing.T) {
	base := serve(t, violationTrace)
	for _, body := range []string{`{"frame":1,"action":"crash 9"}`, `{"frame":999,"action":"crash 1"}`, `{"frame":-1}`, `not json`} {
		var page runPage
		if code := call(t, "POST", base+"/api/fork", body, &page); code != http.StatusBadRequest || page.Error == "" {
			t.Errorf("fork %s: status %d, error %q", body, code, page.Error)
		}
	}
}

// forkOnce serves the trace at path, forks it after step frame with its
// first enabled delivery, run to the end under seed, and returns the
// downloaded trace.
func forkOnce(t *testing.T, path string, frame int, seed uint64) string {
	t.Helper()
	base := serve(t, path)
	var acts struct{ Actions []string }
	call(t, "GET", fmt.Sprintf("%s/api/actions?frame=%d", base, frame), "", &acts)
	if len(acts.Actions) == 0 {
		t.Fatalf("nothing enabled after step %d", frame)
	}
	var fork runPage
	body := fmt.Sprintf(`{"frame":%d,"action":%q,"run":true,"seed":%d}`, frame, acts.Actions[0], seed)
	if code := call(t, "POST", base+"/api/fork", body, &fork); code != 200 {
		t.Fatalf("fork %s: status %d: %s", body, code, fork.Error)
	}
	res, err := http.Get(base + "/api/trace")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	return string(text)
}

// TestForkIsDeterministic: a fork run to the end is a pure function of
// the trace, the step, the action and the seed: two servers make the same
// bytes.
func TestForkIsDeterministic(t *testing.T) {
	a, b := forkOnce(t, violationTrace, 5, 7), forkOnce(t, violationTrace, 5, 7)
	if a != b {
		t.Fatalf("the same fork twice downloads different traces:\n%s\n%s", a, b)
	}
}

// TestEveryProtocol: the viewer runs a protocol through the generic
// engine alone: a recorded Multi-Paxos run with clients, forked and run
// to the end, replays byte for byte.
func TestEveryProtocol(t *testing.T) {
	p, err := registry(t).Lookup("multipaxos")
	if err != nil {
		t.Fatal(err)
	}
	c := engine.Default()
	c.Protocol, c.Clients, c.Commands, c.Nodes = "multipaxos", 2, 3, 3
	res, err := p.Run(c, 5, engine.Options{Record: true})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "seed-5.trace")
	if err := os.WriteFile(path, []byte(trace.FromResult(c, &res).String()), 0o644); err != nil {
		t.Fatal(err)
	}
	text := forkOnce(t, path, 40, 1)
	replayCLI(t, text)
	if again := recorded(t, text); again != text {
		t.Errorf("the downloaded Multi-Paxos trace's replay records other bytes")
	}
}
