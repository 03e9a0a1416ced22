package script

import (
	"fmt"
	"sort"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// Import turns a decision trace of protocol p (from paxsim check, run
// --record or shrink: its config, its lines and its comments) into the
// text of a scenario file named name: the trace's steps as one run block,
// with the trace's variant, nodes and knobs, that expects what the
// schedule breaks (or ok), followed by its printout. Saved as
// testdata/scenarios/NAME.txt it becomes a scenario that go test checks;
// paxsim scenario run FILE runs it as it is.
//
// A scenario is a safety schedule: a trace that heals or runs the liveness
// phase cannot be one. The nodes' random draws (rand lines) stay, so that
// the scenario takes the trace's steps exactly; the caller may compare the
// expectation with what the trace's replay breaks. The text grows
// linearly with the trace.
func Import[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, cfg engine.Config, lines []sim.ScriptLine, comments []string, name string) (string, error) {
	var steps strings.Builder
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		switch verb, _, _ := strings.Cut(t, " "); {
		case t == "" || strings.HasPrefix(t, "#"):
		case verb == "liveness" || verb == "heal":
			return "", fmt.Errorf("line %d: %q: a scenario is a safety schedule; a trace that heals or runs the liveness phase cannot be one", l.N, t)
		default:
			steps.WriteString(t + "\n")
		}
	}
	file := name + ".txt"
	s, err := Parse(strings.NewReader(runLine(info, cfg, "ok")+steps.String()+"----\n"), name, file)
	if err != nil {
		return "", err
	}
	var printout strings.Builder
	res, outcome, err := execute(p, info, s, s.Runs[0], &printout)
	if err != nil {
		return "", err
	}
	run := s.Runs[0]
	if res.Failed() {
		run.Expect = string(res.Violations[0].Property)
	}
	var b strings.Builder
	for _, c := range comments {
		if !strings.HasPrefix(c, "replay: ") && !strings.HasPrefix(c, "shrink: ") { // how to run the trace file
			fmt.Fprintf(&b, "# %s\n", c)
		}
	}
	if len(comments) == 0 {
		fmt.Fprintf(&b, "# %s: a schedule imported from a decision trace.\n", name)
	}
	fmt.Fprintf(&b, "#\n# Imported from a decision trace: its schedule breaks %s.\n\n", run.Expect)
	b.WriteString(runLine(info, cfg, run.Expect))
	b.WriteString(steps.String())
	b.WriteString("----\n")
	b.WriteString(printout.String())
	verdict(run, res, outcome, &b)
	return b.String(), nil
}

// runLine is the run line of a trace's config.
func runLine(info *engine.Info, cfg engine.Config, expect string) string {
	line := fmt.Sprintf("run protocol=%s variant=%s nodes=%d", info.Name, cfg.Variant, cfg.Nodes)
	names := make([]string, 0, len(cfg.Params))
	for k := range cfg.Params { // order-free: sorted below
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		line += fmt.Sprintf(" %s=%s", k, cfg.Params[k])
	}
	return line + " expect=" + expect + "\n"
}
