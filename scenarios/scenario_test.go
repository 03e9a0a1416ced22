package scenarios

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/paxsim/paxsim/sim"
)

// TestScenarios runs every scenario file as datadriven golden files: each
// run block's printout must match the text after its ---- line, and its
// outcome its expectation. go test ./scenarios -run TestScenarios -rewrite
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
				if d.Cmd != "run" {
					t.Fatalf("%s: unknown directive %q", d.Pos, d.Cmd)
				}
				header := d.Cmd
				for _, a := range d.CmdArgs {
					header += " " + a.String()
				}
				run, err := parseRunHeader(header)
				if err != nil {
					t.Fatalf("%s: %v", d.Pos, err)
				}
				for i, line := range strings.Split(strings.TrimSpace(d.Input), "\n") {
					if err := checkStep(strings.TrimSpace(line), run); err != nil {
						t.Fatalf("%s: step %d: %v", d.Pos, i+1, err)
					}
					run.Steps = append(run.Steps, stepLine(i+1, line))
				}
				var out strings.Builder
				res, err := RunScenario(&Scenario{Name: name, File: path}, run, &out)
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

// TestRegistryShipsTheFiles checks that the embedded registry holds every
// scenario file, parsed, with a summary.
func TestRegistryShipsTheFiles(t *testing.T) {
	all, err := Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.txt"))
	if len(all) != len(files) {
		t.Fatalf("registry has %d scenarios, testdata/scenarios %d files", len(all), len(files))
	}
	for _, s := range all {
		if s.Summary == "" || len(s.Runs) == 0 {
			t.Errorf("%s: summary %q, %d runs", s.Name, s.Summary, len(s.Runs))
		}
		for _, run := range s.Runs {
			res, err := RunScenario(s, run, new(strings.Builder))
			if err != nil || !res.Holds {
				t.Errorf("%s (line %d): %v, holds %v", s.Name, run.Line, err, res.Holds)
			}
		}
	}
	if _, err := LookupScenario("no-such"); err == nil || !strings.Contains(err.Error(), "known: ") {
		t.Errorf("LookupScenario of an unknown name: %v", err)
	}
}

func TestBadScenariosNameTheLine(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"no run", "# only comments\n", "no run block"},
		{"unknown directive", "walk expect=ok\n----\n", "f.txt:1: unknown directive"},
		{"no expectation", "run variant=none\n----\n", "f.txt:1: the run needs expect="},
		{"unknown variant", "run variant=nope expect=ok\n----\n", "unknown variant"},
		{"unknown step", "run expect=ok\nfly 1->2\n----\n", "f.txt:2: unknown step \"fly\""},
		{"no such node", "run expect=ok\ncrash 9\n----\n", "f.txt:2: node 9 does not exist"},
		{"no ---- line", "run expect=ok\ncrash 1\n", "has no ---- line"},
		{"unknown protocol", "run protocol=raft expect=ok\n----\n", "protocol=raft: want paxos or multipaxos"},
		{"a variant of the other protocol", "run protocol=multipaxos variant=one-ballot expect=ok\n----\n", "unknown variant \"one-ballot\""},
		{"alpha on paxos", "run alpha=2 expect=ok\n----\n", "alpha applies to protocol=multipaxos only"},
		{"bad alpha", "run protocol=multipaxos alpha=0 expect=ok\n----\n", "alpha=0: want 1..64"},
		{"settle not last", "run expect=ok\nsettle\ncrash 1\n----\n", "f.txt:3: settle must be the last step"},
		{"settle with arguments", "run expect=ok\nsettle now\n----\n", "settle takes no arguments"},
		{"single-decree client on multipaxos", "run protocol=multipaxos expect=ok\nclient 1 proposes v1 to 1\n----\n", "f.txt:2: client 1 proposes: unknown request"},
		{"put without a value", "run protocol=multipaxos expect=ok\nclient 1 put x to 1\n----\n", "client 1 put takes 2 argument(s), not 1"},
		{"reconfig of a stranger", "run protocol=multipaxos expect=ok\nclient 1 reconfig 1+7 to 1\n----\n", "member \"7\" is not a node"},
		{"request to a stranger", "run protocol=multipaxos expect=ok\nclient 1 get x to 4\n----\n", "node 4 does not exist"},
		{"unknown timer", "run protocol=multipaxos expect=ok\ntimer 1 alarm\n----\n", "timer \"alarm\": want tick, election, catchup or commit"},
	}
	for _, tt := range tests {
		_, err := ParseScenario(strings.NewReader(tt.text), "x", "f.txt")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	s, err := ParseScenario(strings.NewReader("run expect=ok\nclient 1 proposes v1 to 1\ndeliver 1->2 Prepare\n----\n"), "x", "f.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, err = RunScenario(s, s.Runs[0], new(strings.Builder))
	if err == nil || !strings.Contains(err.Error(), "f.txt:3: \"deliver 1->2 Prepare\" cannot be taken: nothing to deliver on 1->2") {
		t.Fatalf("a message not in flight: %v", err)
	}
}

// TestBadMultiPaxosStepsNameTheLine: a Multi-Paxos step that cannot be
// taken when run says why, on its line.
func TestBadMultiPaxosStepsNameTheLine(t *testing.T) {
	tests := []struct{ name, steps, want string }{
		{"a second request while one waits", "client 1 put x a to 1\nclient 1 get x to 2\n",
			"f.txt:3: \"client 1 get x to 2\" cannot be taken: client 1 still waits for c1#1"},
		{"a retry with nothing to retry", "client 1 retry to 2\n",
			"f.txt:2: \"client 1 retry to 2\" cannot be taken: client 1 has no request waiting"},
		{"a message not in flight", "deliver 1->2 Accept\n",
			"f.txt:2: \"deliver 1->2 Accept\" cannot be taken: nothing to deliver on 1->2"},
		{"a timer of a down node", "crash 2\ntimer 2 election\n",
			"f.txt:3: \"timer 2 election\" cannot be taken: that timer is not armed"},
	}
	for _, tt := range tests {
		s, err := ParseScenario(strings.NewReader("run protocol=multipaxos expect=ok\n"+tt.steps+"----\n"), "x", "f.txt")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		_, err = RunScenario(s, s.Runs[0], new(strings.Builder))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func stepLine(n int, text string) sim.ScriptLine {
	return sim.ScriptLine{N: n, Text: strings.TrimSpace(text)}
}
