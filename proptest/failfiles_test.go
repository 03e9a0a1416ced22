package proptest_test

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

	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/scenarios"
)

// updateTestdata reports whether PAXSIM_UPDATE_TESTDATA asks the tests to
// rewrite the committed rapid fail files and fuzz seeds.
func updateTestdata() bool {
	v, err := strconv.ParseBool(os.Getenv("PAXSIM_UPDATE_TESTDATA"))
	return err == nil && v
}

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
	b.WriteString("# Written by PAXSIM_UPDATE_TESTDATA=1 go test ./proptest; the lines below the comments\n")
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
func recovered(res *scenarios.Result) bool {
	ch := res.Chosen
	if ch == nil || ch.Value < 1 || int(ch.Value) > len(res.Ops) || res.Trace == nil {
		return false
	}
	return int(ch.Ballot.Node) != res.Ops[ch.Value-1].Node && ch.Time <= healTime(res.Trace)
}

// healTime is the time of a choice-mode trace's heal: one tick a step.
func healTime(tr *scenarios.Trace) int64 {
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

// The regression fail file of TestAgreement: the shortest schedule rapid
// found in which the correct protocol recovers a value from a promise and
// has it chosen. rapid replays it on every run of TestAgreement, where it
// must pass; TestRegressionFailFile checks that it still replays whole, in
// the property's current draws, and still makes the recovery happen.
var regressionFailFile = filepath.Join(failFileDir("TestAgreement"), failFilePrefix("TestAgreement")+"value-recovery.fail")

func TestRegressionFailFile(t *testing.T) {
	pkgDir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if updateTestdata() {
		writeRegressionFailFile(t, pkgDir)
	}
	data := readFailFile(t, filepath.Join(pkgDir, regressionFailFile))
	var (
		whole bool
		res   scenarios.Result
	)
	t.Run("replay", func(t *testing.T) {
		// MakeFuzz runs the property once on the given bits, as rapid
		// replays a fail file; bits that run out skip the test.
		rapid.MakeFuzz(func(rt *rapid.T) {
			_, res = run(rt, protocol.Correct, true)
			whole = true
		})(t, data)
	})
	switch {
	case !whole:
		t.Fatalf("%s no longer replays whole: the property's draws changed; rewrite it with PAXSIM_UPDATE_TESTDATA=1", regressionFailFile)
	case !recovered(&res):
		t.Fatalf("%s no longer makes a proposer recover a promised value; rewrite it with PAXSIM_UPDATE_TESTDATA=1:\n%s", regressionFailFile, res.Trace)
	case res.Failed():
		t.Fatalf("%s fails on the correct protocol: %v", regressionFailFile, res.Violations)
	}
	t.Logf("%s: v%d recovered by node %d at ballot %s, %d steps", regressionFailFile, res.Chosen.Value, res.Chosen.Ballot.Node, res.Chosen.Ballot, res.Trace.Steps())
}

// writeRegressionFailFile has rapid find and shrink the shortest schedule
// of TestAgreement's property in which a value is recovered, and commits
// its fail file for TestAgreement.
func writeRegressionFailFile(t *testing.T, pkgDir string) {
	t.Chdir(t.TempDir())
	setFlag(t, "rapid.seed", "1")
	setFlag(t, "rapid.checks", "100000")
	setFlag(t, "rapid.nofailfile", "false")
	setFlag(t, "rapid.shrinktime", "10m")
	rec := &recorder{name: "TestAgreement"}
	var (
		last drawn
		res  scenarios.Result
	)
	rec.run(func() {
		rapid.Check(rec, func(rt *rapid.T) {
			last, res = run(rt, protocol.Correct, true)
			if recovered(&res) {
				rt.Fatalf("a value was recovered")
			}
		})
	})
	files, _ := filepath.Glob(filepath.Join(failFileDir("TestAgreement"), "*.fail"))
	if len(files) != 1 || !recovered(&res) {
		t.Fatalf("rapid found no schedule that recovers a value: %v", rec.errors)
	}
	writeFailFile(t, files[0], filepath.Join(pkgDir, regressionFailFile), []string{
		"A regression schedule for TestAgreement: the shortest rapid found (seed 1) in which",
		"the correct protocol has a proposer adopt the value a promise reports and get it",
		"chosen, which is what the ignore-promised-values variant gets wrong. rapid replays",
		"it on every run of TestAgreement, where it must pass; TestRegressionFailFile",
		"checks that it still replays whole and still recovers a value.",
	}, report(last, &res, fmt.Sprintf("v%d recovered by node %d at ballot %s", res.Chosen.Value, res.Chosen.Ballot.Node, res.Chosen.Ballot)))
}
