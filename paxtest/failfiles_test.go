package paxtest_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"pgregory.net/rapid"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/trace"
)

// safeName is rapid's file-name form of a test name: letters, digits, '-'
// and '_' kept, anything else '_'.
func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, name)
}

// failFileDir is where rapid keeps the fail files of test: it replays
// every testdata/rapid/NAME/NAME-*.fail before it searches.
func failFileDir(test string) string {
	return filepath.Join("testdata", "rapid", safeName(test))
}

// failFilePrefix is what the names of test's fail files start with.
func failFilePrefix(test string) string { return safeName(test) + "-" }

// writeFailFile copies the data of the fail file rapid wrote at from into
// a committed fail file at to, replacing the other fail files there, with
// comments that say what it is (rapid's own header holds wall-clock times)
// and the decision trace it replays as.
func writeFailFile(t *testing.T, from, to string, about []string, trace string) {
	t.Helper()
	if from == "" {
		t.Fatalf("rapid wrote no fail file to commit as %s", to)
	}
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, l := range about {
		fmt.Fprintf(&b, "# %s\n", l)
	}
	b.WriteString("# Written by PAXSIM_UPDATE_TESTDATA=1 go test ./paxtest; the lines below the comments\n")
	b.WriteString("# are rapid's: its version and seed, then the bits the property drew.\n#\n")
	for _, l := range strings.Split(strings.TrimRight(trace, "\n"), "\n") {
		fmt.Fprintf(&b, "# %s\n", l)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			fmt.Fprintln(&b, l)
		}
	}
	old, _ := filepath.Glob(filepath.Join(filepath.Dir(to), "*.fail"))
	for _, f := range old {
		os.Remove(f)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", to)
}

// writtenFailFile is the fail file rapid wrote under the working
// directory, or "".
func writtenFailFile() string {
	files, _ := filepath.Glob(filepath.Join("testdata", "rapid", "*", "*.fail"))
	if len(files) != 1 {
		return ""
	}
	abs, _ := filepath.Abs(files[0])
	return abs
}

// readFailFile returns the bits of a rapid fail file as the bytes that
// rapid.MakeFuzz turns back into them (little-endian 64-bit words).
func readFailFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			words = append(words, l)
		}
	}
	if len(words) == 0 || !strings.Contains(words[0], "#") {
		t.Fatalf("%s: no rapid version#seed line", path)
	}
	var out []byte
	for _, w := range words[1:] {
		u, err := strconv.ParseUint(w, 0, 64)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = binary.LittleEndian.AppendUint64(out, u)
	}
	return out
}

// recovered reports whether the run's chosen value was proposed by a
// replica its client never asked: a proposer adopted the value a promise
// reported, and that value was chosen in the drawn schedule, before the
// heal. This is what the ignore-promised-values variant gets wrong.
func recovered(res *engine.Result, tr *trace.Trace) bool {
	ch := res.Chosen
	if ch == nil || ch.Value < 1 || int(ch.Value) > len(res.Ops) {
		return false
	}
	return int(ch.Ballot.Node) != res.Ops[ch.Value-1].Node && ch.Time <= healTime(tr)
}

// healTime is the time of a choice-mode trace's heal: one tick a step.
func healTime(tr *trace.Trace) int64 {
	var n int64
	for _, l := range tr.Lines {
		verb, _, _ := strings.Cut(l.Text, " ")
		switch verb {
		case "heal", "liveness":
			return n
		case "deliver", "drop", "dup", "timer", "crash", "restart":
			n++
		}
	}
	return n
}

// The regression fail file of TestPaxosProperties: the shortest schedule
// rapid found in which the correct protocol recovers a value from a
// promise and has it chosen. rapid replays it on every run of
// TestPaxosProperties, where it must pass; TestRegressionFailFile checks
// that it still replays whole, in the suites' current draws, and still
// makes the recovery happen.
var regressionFailFile = filepath.Join(failFileDir("TestPaxosProperties"), failFilePrefix("TestPaxosProperties")+"value-recovery.fail")

func TestRegressionFailFile(t *testing.T) {
	dir := pkgDir(t)
	if updateTestdata() {
		writeRegressionFailFile(t, dir)
	}
	data := readFailFile(t, filepath.Join(dir, regressionFailFile))
	var (
		whole bool
		sh    paxtest.Shape
		res   engine.Result
	)
	t.Run("replay", func(t *testing.T) {
		// MakeFuzz runs the property once on the given bits, as rapid
		// replays a fail file; bits that run out skip the test.
		rapid.MakeFuzz(func(rt *rapid.T) {
			sh, res, _ = paxtest.RunCase(rt, builtin.Paxos(), paxtest.Options{}, nil)
			whole = true
		})(t, data)
	})
	tr := trace.FromResult(sh.Config, &res)
	switch {
	case !whole:
		t.Fatalf("%s no longer replays whole: the suites' draws changed; rewrite it with PAXSIM_UPDATE_TESTDATA=1", regressionFailFile)
	case !recovered(&res, tr):
		t.Fatalf("%s no longer makes a proposer recover a promised value; rewrite it with PAXSIM_UPDATE_TESTDATA=1:\n%s", regressionFailFile, tr)
	case res.Failed():
		t.Fatalf("%s fails on the correct protocol: %v", regressionFailFile, res.Violations)
	}
	t.Logf("%s: v%d recovered by node %d at ballot %s, %d steps", regressionFailFile, res.Chosen.Value, res.Chosen.Ballot.Node, res.Chosen.Ballot, tr.Steps())
}

// writeRegressionFailFile has rapid find and shrink the shortest schedule
// of the suites' draws in which a value is recovered, and commits its
// fail file for TestPaxosProperties.
func writeRegressionFailFile(t *testing.T, dir string) {
	t.Chdir(t.TempDir())
	setFlag(t, "rapid.seed", "1")
	setFlag(t, "rapid.checks", "100000")
	setFlag(t, "rapid.nofailfile", "false")
	setFlag(t, "rapid.shrinktime", "10m")
	rec := paxtest.NewRecorder("TestPaxosProperties")
	var (
		sh  paxtest.Shape
		res engine.Result
		tr  *trace.Trace
	)
	rec.Run(func() {
		rapid.Check(rec, func(rt *rapid.T) {
			sh, res, _ = paxtest.RunCase(rt, builtin.Paxos(), paxtest.Options{}, nil)
			if tr = trace.FromResult(sh.Config, &res); recovered(&res, tr) {
				rt.Fatalf("a value was recovered")
			}
		})
	})
	if !recovered(&res, tr) {
		t.Fatalf("rapid found no schedule that recovers a value: %v", rec.Errors())
	}
	writeFailFile(t, writtenFailFile(), filepath.Join(dir, regressionFailFile), []string{
		"A regression schedule for TestPaxosProperties: the shortest rapid found (seed 1) in which",
		"the correct protocol has a proposer adopt the value a promise reports and get it",
		"chosen, which is what the ignore-promised-values variant gets wrong. rapid replays",
		"it on every run of TestPaxosProperties, where it must pass; TestRegressionFailFile",
		"checks that it still replays whole and still recovers a value.",
	}, fmt.Sprintf("v%d recovered by node %d at ballot %s\n%s\n%s", res.Chosen.Value, res.Chosen.Ballot.Node, res.Chosen.Ballot, &sh, tr))
}
