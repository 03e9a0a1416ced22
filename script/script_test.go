package script_test

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	. "github.com/paxsim/paxsim/script"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// protocols are the test's registry: each adapter's description and its
// Execute, by name; "" is the first, the default.
var protocols = map[string]struct {
	info *engine.Info
	run  func(s *Scenario, run Run, w io.Writer) (Result, error)
	// timed is engine.Run; imp is Import.
	timed func(c engine.Config, seed uint64, opts engine.Options) (engine.Result, error)
	imp   func(c engine.Config, lines []sim.ScriptLine, comments []string, name string) (string, error)
	// impTo is ImportTo.
	impTo func(w io.Writer, c engine.Config, lines []sim.ScriptLine, name string) error
	// replay is trace.Replay.
	replay func(t *trace.Trace) (engine.Result, error)
}{}

func bind[M sim.Message, D any](p engine.Protocol[M, D]) {
	info := p.Info()
	entry := protocols[info.Name]
	entry.info = &info
	entry.run = func(s *Scenario, run Run, w io.Writer) (Result, error) { return Execute(p, &info, s, run, w, nil) }
	entry.timed = func(c engine.Config, seed uint64, opts engine.Options) (engine.Result, error) {
		return engine.Run(p, &info, c, seed, opts)
	}
	entry.imp = func(c engine.Config, lines []sim.ScriptLine, comments []string, name string) (string, error) {
		return Import(p, &info, c, lines, comments, name)
	}
	entry.impTo = func(w io.Writer, c engine.Config, lines []sim.ScriptLine, name string) error {
		return ImportTo(w, p, &info, c, lines, nil, name)
	}
	entry.replay = func(t *trace.Trace) (engine.Result, error) { return trace.Replay(p, &info, t, engine.Options{}) }
	if len(protocols) == 0 {
		protocols[""] = entry
	}
	protocols[info.Name] = entry
}

func init() {
	bind(paxos.Adapter{})
	bind(multipaxos.Adapter{})
}

func lookup(name string) (*engine.Info, error) {
	if p, ok := protocols[name]; ok {
		return p.info, nil
	}
	return nil, fmt.Errorf("unknown protocol %q", name)
}

// runBlock checks and runs one block of s.
func runBlock(s *Scenario, run Run, w io.Writer) (Result, error) {
	if err := Check(&Scenario{File: s.File, Runs: []Run{run}}, lookup); err != nil {
		return Result{}, err
	}
	return protocols[run.Protocol].run(s, run, w)
}

// TestScenarios runs every scenario file as datadriven golden files: each
// run block's printout must match the text after its ---- line, and its
// outcome its expectation. go test ./script -run TestScenarios -rewrite
// regenerates the printouts.
func TestScenarios(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no scenario files")
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
				block := d.Cmd
				for _, a := range d.CmdArgs {
					block += " " + a.String()
				}
				s, err := Parse(strings.NewReader(block+"\n"+d.Input+"\n----\n"), name, d.Pos)
				if err != nil {
					t.Fatal(err)
				}
				run := s.Runs[0]
				var out strings.Builder
				res, err := runBlock(s, run, &out)
				if err != nil {
					t.Fatalf("%s: %v", d.Pos, err)
				}
				if !res.Holds {
					t.Errorf("%s: expected %s, got %s", d.Pos, run.Expect, res.Got)
				}
				return out.String()
			})
		})
	}
}

// TestBuiltinShipsTheFiles checks that the embedded scenarios are the
// files, parsed and checked, with a summary, that each run holds its
// expectation and that its printout is the file's (CheckGolden, what
// paxsim scenario run compares).
func TestBuiltinShipsTheFiles(t *testing.T) {
	all, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.txt"))
	if len(all) != len(files) {
		t.Fatalf("Builtin has %d scenarios, testdata/scenarios %d files", len(all), len(files))
	}
	for _, s := range all {
		if s.Summary == "" || len(s.Runs) == 0 {
			t.Errorf("%s: summary %q, %d runs", s.Name, s.Summary, len(s.Runs))
		}
		if err := Check(s, lookup); err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		for _, run := range s.Runs {
			var out strings.Builder
			res, err := runBlock(s, run, &out)
			if err != nil || !res.Holds {
				t.Errorf("%s (line %d): %v, holds %v", s.Name, run.Line, err, res.Holds)
			}
			if err := CheckGolden(s, run, out.String()); err != nil {
				t.Errorf("%s: %v", s.Name, err)
			}
		}
	}
	if _, err := Lookup("no-such"); err == nil || !strings.Contains(err.Error(), "known: ") {
		t.Errorf("Lookup of an unknown name: %v", err)
	}
}

// TestCheckGoldenNamesTheLine: a printout that differs from the file's is
// an error at the first line that differs.
func TestCheckGoldenNamesTheLine(t *testing.T) {
	s, err := Lookup("qa-one-ballot")
	if err != nil {
		t.Fatal(err)
	}
	run := s.Runs[0]
	var out strings.Builder
	if _, err := runBlock(s, run, &out); err != nil {
		t.Fatal(err)
	}
	printout := out.String()
	lines := strings.SplitAfter(printout, "\n")
	edited := run
	edited.Golden = strings.Join(lines[:3], "") + "deliver 3->3 Prepare(9.9)\n" + strings.Join(lines[4:], "")
	want := fmt.Sprintf("%s:%d: the run's printout differs", s.File, run.GoldenLine+3)
	if err := CheckGolden(s, edited, printout); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("an edited line: %v, want %q", err, want)
	}
	want = fmt.Sprintf("%s:%d: the run's printout differs from the file's here: the file has nothing", s.File, run.GoldenLine+len(lines)-1)
	if err := CheckGolden(s, run, printout+"one more line\n"); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("a printout longer than the file's: %v, want %q", err, want)
	}
	if err := CheckGolden(s, run, printout); err != nil {
		t.Errorf("the same printout: %v", err)
	}
	run.Golden = ""
	if err := CheckGolden(s, run, printout); err != nil {
		t.Errorf("a file without a printout yet: %v", err)
	}
}

// TestBadScenariosNameTheLine: what a file cannot say is an error at its
// line, found by Parse when it needs no protocol, by Check otherwise.
func TestBadScenariosNameTheLine(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"no run", "# only comments\n", "no run block"},
		{"unknown directive", "walk expect=ok\n----\n", "f.txt:1: unknown directive"},
		{"no expectation", "run variant=none\n----\n", "f.txt:1: the run needs expect="},
		{"unknown expectation", "run expect=bogus\n----\n", "f.txt:1: expect=bogus: want ok, agreement,"},
		{"no value", "run nodes= expect=ok\n----\n", "f.txt:1: argument \"nodes=\": want KEY=VALUE"},
		{"a key twice", "run protocol=multipaxos alpha=1 alpha=2 expect=ok\n----\n", "f.txt:1: alpha is given twice"},
		{"bad nodes", "run nodes=0 expect=ok\n----\n", "f.txt:1: nodes=0: want 1..63"},
		{"unknown step", "run expect=ok\nfly 1->2\n----\n", "f.txt:2: unknown step \"fly\""},
		{"no such node", "run expect=ok\ncrash 9\n----\n", "f.txt:2: node 9 does not exist"},
		{"no link", "run expect=ok\ndeliver 1-2 Prepare\n----\n", "f.txt:2: \"1-2\" is not a link (want FROM->TO"},
		{"send without a message", "run expect=ok\nsend 1->2\n----\n", "f.txt:2: want a link FROM->TO and a message"},
		{"a bad draw", "run expect=ok\ncrash 1\nrand 1 x\n----\n", "f.txt:3: rand: \"x\" is not a value a node draws"},
		{"no ---- line", "run expect=ok\ncrash 1\n", "has no ---- line"},
		{"settle not last", "run expect=ok\nsettle\ncrash 1\n----\n", "f.txt:3: settle must be the last step"},
		{"settle with arguments", "run expect=ok\nsettle now\n----\n", "f.txt:2: the step takes no arguments"},
		// Check: what depends on the protocol.
		{"unknown protocol", "run protocol=raft expect=ok\n----\n", "f.txt:1: unknown protocol \"raft\""},
		{"unknown variant", "run variant=nope expect=ok\n----\n", "f.txt:1: unknown variant \"nope\" for protocol paxos"},
		{"a variant of the other protocol", "run protocol=multipaxos variant=one-ballot expect=ok\n----\n", "unknown variant \"one-ballot\""},
		{"a knob the protocol lacks", "run alpha=2 expect=ok\n----\n", "f.txt:1: unknown argument alpha=2 (want protocol, variant, nodes, seed, expect or a knob, of which paxos has none)"},
		{"a knob's bad value", "run protocol=multipaxos alpha=0 expect=ok\n----\n", "f.txt:1: alpha=0: \"0\" is not a whole number between 1 and 64"},
		{"single-decree client on multipaxos", "run protocol=multipaxos expect=ok\nclient 1 proposes v1 to 1\n----\n", "f.txt:2: client 1: proposes is not an operation of a key-value workload"},
		{"key-value client on paxos", "run expect=ok\nclient 1 put x 1 to 1\n----\n", "f.txt:2: client 1: put is not an operation of a consensus workload"},
		{"put without a value", "run protocol=multipaxos expect=ok\nclient 1 put x to 1\n----\n", "put takes 2 argument(s), not 1"},
		{"reconfig of a stranger", "run protocol=multipaxos expect=ok\nclient 1 reconfig 1+7 to 1\n----\n", "member \"7\" is not a node"},
		{"request to a stranger", "run protocol=multipaxos expect=ok\nclient 1 get x to 4\n----\n", "node 4 does not exist"},
		{"unknown timer", "run protocol=multipaxos expect=ok\ntimer 1 alarm\n----\n", "f.txt:2: timer \"alarm\": want tick, election, catchup, commit or a tag 0..7"},
		{"timer out of range", "run expect=ok\ntimer 1 8\n----\n", "f.txt:2: timer \"8\": want retry, learn or a tag 0..7"},
	}
	for _, tt := range tests {
		s, err := Parse(strings.NewReader(tt.text), "x", "f.txt")
		if err == nil {
			err = Check(s, lookup)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestMaskedExpectation: a property the protocol does not promise can
// never be broken, so a run cannot expect it.
func TestMaskedExpectation(t *testing.T) {
	info := *protocols[""].info
	info.Properties = []checker.Property{checker.Agreement, checker.Validity}
	masked := func(string) (*engine.Info, error) { return &info, nil }
	for expect, ok := range map[string]bool{"agreement": true, "liveness": true, "linearizability": true, "panic": true, "ok": true, "promise-kept": false} {
		s, err := Parse(strings.NewReader("run expect="+expect+"\n----\n"), "x", "f.txt")
		if err == nil {
			err = Check(s, masked)
		}
		if (err == nil) != ok || !ok && !strings.Contains(err.Error(), "f.txt:1: expect=promise-kept: promise-kept is not judged for paxos") {
			t.Errorf("expect=%s: %v", expect, err)
		}
	}
}

// TestBadStepsNameTheLine: a step that cannot be taken when run says why,
// on its line.
func TestBadStepsNameTheLine(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"a message not in flight", "run expect=ok\nclient 1 proposes v1 to 1\ndeliver 1->2 Prepare\n",
			"f.txt:3: \"deliver 1->2 Prepare\" cannot be taken: nothing to deliver on 1->2"},
		{"another message on the link", "run expect=ok\nclient 1 proposes v1 to 1\ndeliver client->1 Request\ndeliver 1->2 Accept\n",
			"f.txt:4: \"deliver 1->2 Accept\" cannot be taken: no Accept on 1->2; there: Prepare(1.1)"},
		{"a second proposal", "run expect=ok\nclient 1 proposes v1 to 1\nclient 1 proposes v1 to 2\n",
			"f.txt:3: \"client 1 proposes v1 to 2\" cannot be taken: client 1 already proposed (its second request is: client 1 retry to N)"},
		{"a second request while one waits", "run protocol=multipaxos expect=ok\nclient 1 put x a to 1\nclient 1 get x to 2\n",
			"f.txt:3: \"client 1 get x to 2\" cannot be taken: client 1 still waits for its request #1"},
		{"a retry with nothing to retry", "run protocol=multipaxos expect=ok\nclient 1 retry to 2\n",
			"f.txt:2: \"client 1 retry to 2\" cannot be taken: client 1 has no request waiting"},
		{"a message not in flight (multipaxos)", "run protocol=multipaxos expect=ok\ndeliver 1->2 Accept\n",
			"f.txt:2: \"deliver 1->2 Accept\" cannot be taken: nothing to deliver on 1->2"},
		{"a timer of a down node", "run protocol=multipaxos expect=ok\ncrash 2\ntimer 2 election\n",
			"f.txt:3: \"timer 2 election\" cannot be taken: that timer is not armed"},
		{"a crash of a down node", "run expect=ok\ncrash 2\ncrash 2\n", "f.txt:3: \"crash 2\" cannot be taken: the node is already down"},
		{"a restart of an up node", "run expect=ok\nrestart 2\n", "f.txt:2: \"restart 2\" cannot be taken: the node is not down"},
		{"a message the protocol cannot read", "run expect=ok\nsend 1->2 Nonsense(1)\n", "f.txt:2: \"send 1->2 Nonsense(1)\" cannot be taken: message \"Nonsense(1)\""},
		{"a protocol that reads no messages", "run protocol=multipaxos expect=ok\nsend 1->2 Accept(1.1, i1)\n",
			"f.txt:2: \"send 1->2 Accept(1.1, i1)\" cannot be taken: multipaxos's adapter reads no messages"},
		{"more proposers than replicas", "run nodes=2 expect=ok\nclient 3 proposes v3 to 1\n", "f.txt:1: invalid proposers: 3 is not between 1 and nodes (2)"},
	}
	for _, tt := range tests {
		s, err := Parse(strings.NewReader(tt.text+"----\n"), "x", "f.txt")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		_, err = runBlock(s, s.Runs[0], new(strings.Builder))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}
