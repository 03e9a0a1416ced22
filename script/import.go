package script

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// Import is ImportTo into a string: the text of the scenario file.
func Import[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, cfg engine.Config, lines []sim.ScriptLine, comments []string, name string) (string, error) {
	var b strings.Builder
	err := ImportTo(&b, p, info, cfg, lines, comments, name)
	return b.String(), err
}

// ImportTo turns a decision trace of protocol p (from paxsim check, run
// --record or shrink: its config, its lines and its comments) into a
// scenario file named name, written to w: the trace's steps as one run
// block, with the trace's variant, nodes and knobs, that expects what the
// schedule breaks (or ok), followed by its printout. Saved as
// testdata/scenarios/NAME.txt it becomes a scenario that go test checks;
// paxsim scenario run FILE runs it as it is.
//
// A scenario is a safety schedule: of a trace that heals (a campaign's
// shrunk trace, say), the steps before the heal are imported when they
// break a property by themselves, and the trace is refused when what it
// breaks comes with the heal or after it. The nodes' random draws (rand lines) stay, so that
// the scenario takes the trace's steps exactly; the caller may compare the
// expectation with what the trace's replay breaks. The printout streams
// to w: the schedule runs twice, once to learn the expectation that the
// run line, written first, states. Nothing is written when the trace
// cannot be a scenario.
func ImportTo[M sim.Message, D any](w io.Writer, p engine.Protocol[M, D], info *engine.Info, cfg engine.Config, lines []sim.ScriptLine, comments []string, name string) error {
	var steps strings.Builder
	var healed *sim.ScriptLine // the heal or liveness line the import stops at
steps:
	for i, l := range lines {
		t := strings.TrimSpace(l.Text)
		switch verb, _, _ := strings.Cut(t, " "); {
		case t == "" || strings.HasPrefix(t, "#"):
		case verb == "liveness" || verb == "heal":
			healed = &lines[i]
			break steps
		default:
			steps.WriteString(t + "\n")
		}
	}
	s, err := Parse(strings.NewReader(runLine(info, cfg, "ok")+steps.String()+"----\n"), name, name+".txt")
	if err != nil {
		return err
	}
	// The trace's replay draws 0 where its rand step is missing (a shrunk
	// trace loses those of value 0): so does the import. A scenario draws
	// the seed's value there instead, so where that takes another run the
	// scenario spells the zeros out.
	d := &draws{steps: s.Runs[0].Steps, seeded: sim.NewRandom(s.Runs[0].Seed), zero: true}
	res, _, err := executeDrawing(p, info, s, s.Runs[0], io.Discard, d, nil)
	if err != nil {
		return err
	}
	if seeded, _, err := execute(p, info, s, s.Runs[0], io.Discard); len(d.made) > 0 && (err != nil || seeded.TraceHash != res.TraceHash) {
		steps.Reset()
		steps.WriteString(d.explicit())
		if s, err = Parse(strings.NewReader(runLine(info, cfg, "ok")+steps.String()+"----\n"), name, name+".txt"); err != nil {
			return err
		}
	}
	run := s.Runs[0]
	if res.Failed() {
		run.Expect = string(res.Violations[0].Property)
	} else if healed != nil {
		return fmt.Errorf("line %d: %q: a scenario is a safety schedule, and the trace's steps before this line break nothing: "+
			"what it breaks comes with the heal or after it (its liveness phase), which only the trace replays", healed.N, strings.TrimSpace(healed.Text))
	}
	b := bufio.NewWriter(w)
	for _, c := range comments {
		if !strings.HasPrefix(c, "replay: ") && !strings.HasPrefix(c, "shrink: ") { // how to run the trace file
			fmt.Fprintf(b, "# %s\n", c)
		}
	}
	if len(comments) == 0 {
		fmt.Fprintf(b, "# %s: a schedule imported from a decision trace.\n", name)
	}
	fmt.Fprintf(b, "#\n# Imported from a decision trace: its schedule breaks %s.\n", run.Expect)
	if healed != nil {
		fmt.Fprintf(b, "# The steps up to line %d of the trace, where it heals: they break it already.\n", healed.N)
	}
	fmt.Fprintln(b)
	fmt.Fprint(b, runLine(info, cfg, run.Expect), steps.String(), "----\n")
	res, outcome, err := execute(p, info, s, s.Runs[0], b)
	if err != nil {
		return err
	}
	verdict(run, res, outcome, b)
	return b.Flush()
}

// runLine is the run line of a trace's config.
func runLine(info *engine.Info, cfg engine.Config, expect string) string {
	line := fmt.Sprintf("run protocol=%s variant=%s nodes=%d", info.Name, cfg.Variant, cfg.Nodes)
	for _, k := range slices.Sorted(maps.Keys(cfg.Params)) {
		line += fmt.Sprintf(" %s=%s", k, cfg.Params[k])
	}
	return line + " expect=" + expect + "\n"
}
