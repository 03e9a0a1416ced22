package scenarios

import (
	"bytes"
	"fmt"
	"strings"
)

// ImportTrace turns a decision trace (from paxsim check, run --record or
// shrink) into the text of a scenario file named name: the trace's steps
// as one run block that expects what replaying the trace breaks (or ok),
// followed by its message sequence as the golden printout. Saved as
// testdata/scenarios/NAME.txt it becomes a scenario that go test checks;
// `paxsim scenario run FILE` runs it as it is.
//
// A scenario is a safety schedule: a trace that ends in the liveness phase
// or heals cannot be one, and the handlers' random draws ("rand" lines)
// are dropped, since a scripted step fires a timer whenever it says.
func ImportTrace(t *Trace, name string) (string, error) {
	if t.Config.Protocol != Paxos {
		return "", fmt.Errorf("only single-decree paxos traces become scenarios (this one is %s)", t.Config.Protocol)
	}
	res, err := Replay(t, Options{})
	if err != nil {
		return "", err
	}
	expect := "ok"
	if res.Failed() {
		expect = string(res.Violations[0].Property)
	}
	var b strings.Builder
	for _, c := range t.Comments {
		if strings.HasPrefix(c, "replay: ") || strings.HasPrefix(c, "shrink: ") {
			continue // how to run the trace file, not the scenario
		}
		fmt.Fprintf(&b, "# %s\n", c)
	}
	if len(t.Comments) == 0 {
		fmt.Fprintf(&b, "# %s: a schedule imported from a decision trace.\n", name)
	}
	fmt.Fprintf(&b, "#\n# Imported from a decision trace: its replay breaks %s.\n\n", expect)
	fmt.Fprintf(&b, "run variant=%s nodes=%d expect=%s\n", t.Config.Variant, t.Config.Nodes, expect)
	for _, l := range t.Lines {
		switch verb, _, _ := strings.Cut(l.Text, " "); verb {
		case "liveness", "heal":
			return "", fmt.Errorf("line %d: %q: a scenario is a safety schedule; a trace that heals or runs the liveness phase cannot be one", l.N, l.Text)
		case "rand", "":
			continue
		}
		if strings.HasPrefix(l.Text, "#") {
			continue
		}
		b.WriteString(l.Text + "\n")
	}
	b.WriteString("----\n")
	s, err := ParseScenario(strings.NewReader(b.String()), name, name+".txt")
	if err != nil {
		return "", err
	}
	var golden bytes.Buffer
	sr, err := RunScenario(s, s.Runs[0], &golden)
	if err != nil {
		return "", err
	}
	if !sr.Holds {
		return "", fmt.Errorf("the imported schedule breaks %s, not %s as the trace's replay does", sr.Got, expect)
	}
	b.Write(golden.Bytes())
	return b.String(), nil
}
