package trace

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// Format is the first line of a decision-trace file.
const Format = "paxsim-trace 1"

// Trace is a decision trace.
type Trace struct {
	Config engine.Config
	Seed   uint64 // the liveness phase's seed (and the seed the trace came from)
	Lines  []sim.ScriptLine
	// Comments are written at the top of the file, each after "# ".
	Comments []string
	// ConfigLine is the line of the config in the file Parse read, for
	// Check's errors; 0 for a trace not read from a file.
	ConfigLine int
}

// FromResult is the decision trace a run recorded (engine.Options.Record).
func FromResult(c engine.Config, res *engine.Result) *Trace {
	t := &Trace{Config: c, Seed: res.Seed, Lines: make([]sim.ScriptLine, len(res.Lines))}
	for i, l := range res.Lines {
		t.Lines[i] = sim.ScriptLine{N: i + 1, Text: l}
	}
	return t
}

// Steps counts the trace's step lines: what shrinking makes smaller.
func (t *Trace) Steps() int {
	n := 0
	for _, l := range t.Lines {
		if isStep(l.Text) {
			n++
		}
	}
	return n
}

func isStep(line string) bool {
	return line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "rand ")
}

// Write writes t in the file format Parse reads.
func (t *Trace) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, c := range t.Comments {
		fmt.Fprintf(bw, "# %s\n", c)
	}
	cfg, err := json.Marshal(t.Config)
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "%s\nconfig %s\nseed %d\n", Format, cfg, t.Seed)
	for _, l := range t.Lines {
		fmt.Fprintln(bw, l.Text)
	}
	return bw.Flush()
}

// String is the trace as its file holds it.
func (t *Trace) String() string {
	var b strings.Builder
	t.Write(&b)
	return b.String()
}
