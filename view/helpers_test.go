package view_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/cli"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/view"
)

// violationTrace is a shrunk counterexample: two values chosen at step 18.
const violationTrace = "../testdata/traces/ignore-promised-values.trace"

func registry(t *testing.T) *harness.Registry {
	t.Helper()
	reg, err := harness.NewRegistry(builtin.Protocols()...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// serve starts a viewer of the trace at path on a loopback port; it
// returns the base URL ("http://127.0.0.1:PORT").
func serve(t *testing.T, path string) string {
	t.Helper()
	reg := registry(t)
	tr := paxtest.ReadTrace(t, path)
	p, err := reg.Lookup(tr.Config.Protocol)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := view.New(view.Config{Protocol: p, Trace: tr, Title: filepath.Base(path), Lookup: reg.Lookup})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = view.HTTPServer(srv.Handler(ts.Listener.Addr().String()))
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.URL
}

// call makes a request and decodes its JSON answer into out (when not
// nil); it returns the status.
func call(t *testing.T, method, url, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %.200q", method, url, err, data)
		}
	}
	return res.StatusCode
}

// runPage is the part of GET /api/run's answer the tests read.
type runPage struct {
	Title   string `json:"title"`
	Verdict string `json:"verdict"`
	Hash    string `json:"hash"`
	Forked  bool   `json:"forked"`
	Frames  []struct {
		Line   int    `json:"line"`
		Text   string `json:"text"`
		Choice bool   `json:"choice"`
	} `json:"frames"`
	Properties []struct {
		Name  string `json:"name"`
		Frame int    `json:"frame"`
	} `json:"properties"`
	Error string `json:"error"`
}

// firstFailure is the frame that first broke a property, or -1.
func (p *runPage) firstFailure() int {
	f := -1
	for _, pr := range p.Properties {
		if pr.Frame >= 0 && (f < 0 || pr.Frame < f) {
			f = pr.Frame
		}
	}
	return f
}

// replayCLI runs paxsim replay on the trace text twice; it returns the
// first output and the exit code, and fails if the two outputs differ.
func replayCLI(t *testing.T, text string) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fork.trace")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var outs [2]string
	var code int
	for i := range outs {
		var stdout, stderr bytes.Buffer
		code = cli.Run(context.Background(), registry(t), []string{"replay", path}, &stdout, &stderr)
		if code == 2 || code == 5 {
			t.Fatalf("paxsim replay of the downloaded trace exits %d: %s", code, stderr.String())
		}
		outs[i] = stdout.String()
	}
	if outs[0] != outs[1] {
		t.Fatalf("two replays of the downloaded trace print different bytes")
	}
	return outs[0], code
}

// recorded replays text and returns the decision trace the replay records.
func recorded(t *testing.T, text string) string {
	t.Helper()
	tr, err := trace.Parse(strings.NewReader(text), "fork.trace")
	if err != nil {
		t.Fatal(err)
	}
	p, err := registry(t).Lookup(tr.Config.Protocol)
	if err != nil {
		t.Fatal(err)
	}
	run, err := p.Step(tr, stepOptions())
	if err != nil {
		t.Fatal(err)
	}
	return run.Trace.String()
}
