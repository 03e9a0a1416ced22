package script

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// protocols are the test's registry: each adapter's description and its
// Execute, by name; "" is the first, the default.
var protocols = map[string]struct {
	info *engine.Info
	run  func(s *Scenario, run Run, w io.Writer) (Result, error)
}{}

func bind[M sim.Message, D any](p engine.Protocol[M, D]) {
	info := p.Info()
	entry := protocols[info.Name]
	entry.info = &info
	entry.run = func(s *Scenario, run Run, w io.Writer) (Result, error) { return Execute(p, &info, s, run, w) }
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
				header := d.Cmd
				for _, a := range d.CmdArgs {
					header += " " + a.String()
				}
				run, err := parseRunLine(header)
				if err != nil {
					t.Fatalf("%s: %v", d.Pos, err)
				}
				for i, line := range strings.Split(strings.TrimSpace(d.Input), "\n") {
					if err := stepSyntax(strings.TrimSpace(line), run.Nodes); err != nil {
						t.Fatalf("%s: step %d: %v", d.Pos, i+1, err)
					}
					run.Steps = append(run.Steps, sim.ScriptLine{N: i + 1, Text: strings.TrimSpace(line)})
				}
				var out strings.Builder
				res, err := runBlock(&Scenario{Name: name, File: path}, run, &out)
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
