package scenarios

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/paxsim/paxsim/sim"
)

// ImportTrace turns a decision trace (from paxsim check, run --record or
// shrink) into a scenario file named name, written to w: the trace's steps
// as one run block that expects what replaying the trace breaks (or ok),
// followed by its message sequence as the golden printout. Saved as
// testdata/scenarios/NAME.txt it becomes a scenario that go test checks;
// `paxsim scenario run FILE` runs it as it is.
//
// A scenario is a safety schedule: a trace that ends in the liveness phase
// or heals cannot be one, and the handlers' random draws ("rand" lines)
// are dropped, since a scripted step fires a timer whenever it says.
//
// It takes time and memory linear in the trace: one replay to learn the
// expectation, then one scenario run whose printout streams to w. An error
// after the replay (the scenario breaks something else) comes when w holds
// part of the file already.
func ImportTrace(t *Trace, name string, w io.Writer) error {
	if t.Config.Protocol != Paxos {
		return fmt.Errorf("only single-decree paxos traces become scenarios (this one is %s)", t.Config.Protocol)
	}
	run := ScenarioRun{Protocol: Paxos, Variant: t.Config.Variant, Nodes: t.Config.Nodes, Seed: 1, Line: 1}
	for _, l := range t.Lines {
		switch verb, _, _ := strings.Cut(l.Text, " "); verb {
		case "liveness", "heal":
			return fmt.Errorf("line %d: %q: a scenario is a safety schedule; a trace that heals or runs the liveness phase cannot be one", l.N, l.Text)
		case "rand", "":
			continue
		}
		if strings.HasPrefix(l.Text, "#") {
			continue
		}
		if err := checkStep(l.Text, run); err != nil {
			return fmt.Errorf("line %d: %v", l.N, err)
		}
		run.Steps = append(run.Steps, sim.ScriptLine{N: l.N, Text: l.Text})
	}
	res, err := Replay(t, Options{})
	if err != nil {
		return err
	}
	run.Expect = "ok"
	if res.Failed() {
		run.Expect = string(res.Violations[0].Property)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	writeImportHeader(bw, t, name, &run)
	s := &Scenario{Name: name, File: name + ".txt", Runs: []ScenarioRun{run}}
	sr, err := RunScenario(s, run, bw)
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if !sr.Holds {
		return fmt.Errorf("the imported schedule breaks %s, not %s as the trace's replay does", sr.Got, run.Expect)
	}
	return nil
}

// writeImportHeader writes an imported scenario's comments, its run line,
// its steps and the ---- line, and notes where the run starts in run.
func writeImportHeader(w io.Writer, t *Trace, name string, run *ScenarioRun) {
	n := 0
	line := func(format string, args ...any) {
		fmt.Fprintf(w, format+"\n", args...)
		n++
	}
	for _, c := range t.Comments {
		if strings.HasPrefix(c, "replay: ") || strings.HasPrefix(c, "shrink: ") {
			continue // how to run the trace file, not the scenario
		}
		line("# %s", c)
	}
	if len(t.Comments) == 0 {
		line("# %s: a schedule imported from a decision trace.", name)
	}
	line("#")
	line("# Imported from a decision trace: its replay breaks %s.", run.Expect)
	line("")
	line("run variant=%s nodes=%d expect=%s", run.Variant, run.Nodes, run.Expect)
	run.Line = n
	for i := range run.Steps {
		line("%s", run.Steps[i].Text)
		run.Steps[i].N = n
	}
	line("----")
	run.GoldenLine = n + 1
}
