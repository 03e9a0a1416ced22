package script

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// Scenario is a scenario file: a named question answered by scripted runs.
type Scenario struct {
	Name    string
	Summary string   // the first comment line
	About   []string // every comment line before the first run
	Runs    []Run
	File    string // where it was read from, for errors
}

// Run is one run block of a scenario.
type Run struct {
	Line     int    // the run line's
	Protocol string // as the run line names it; "" for the caller's default
	Variant  string // engine.Correct unless the run line names one
	Nodes    int
	// Params are the protocol's knobs the run line sets (alpha=2): Check
	// validates them with the protocol's engine.Knob.Check.
	Params map[string]string
	Seed   uint64 // draws the timing of a settle step, and draws no rand step gives
	Expect string // "ok" or a property name (Expectations)
	Steps  []sim.ScriptLine
	// Golden is the expected printout, the text after "----";
	// GoldenLine is its first line's number.
	Golden     string
	GoldenLine int
}

// Expectations lists what a run line's expect= may name: ok, or a
// property a run can break.
func Expectations() []string {
	out := []string{"ok"}
	for _, p := range checker.AllProperties() {
		out = append(out, string(p))
	}
	return append(out, string(engine.PanicProperty))
}

// Parse reads a scenario file, whatever its protocols; errors are
// *engine.LineError values naming file and line. A UTF-8 byte-order mark
// at the start is skipped; a line may be trace.MaxLine bytes long.
func Parse(r io.Reader, name, file string) (*Scenario, error) {
	p := parser{s: &Scenario{Name: name, File: file}}
	_, err := trace.ScanLines(r, file, "scenario file", func(n int, line string) error {
		p.n = n
		if err := p.line(line); err != nil {
			return p.fail("%v", err)
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case p.run != nil && !p.inGolden:
		return nil, p.fail("the run at line %d has no ---- line", p.run.Line)
	}
	p.flush()
	if len(p.s.Runs) == 0 {
		return nil, p.fail("no run block (want: run [protocol=NAME] [variant=V] expect=PROPERTY|ok, steps, ----)")
	}
	return p.s, nil
}

// String is s as a scenario file: its comments, then each run block (the
// run line with every argument written out, the steps, ---- and the
// golden printout). Parse reads it back as s, but for the comments
// between run blocks, which it does not keep.
func (s *Scenario) String() string {
	var b strings.Builder
	for _, line := range s.About {
		b.WriteString(strings.TrimSpace("# "+line) + "\n")
	}
	for _, r := range s.Runs {
		b.WriteString("\nrun")
		if r.Protocol != "" {
			b.WriteString(" protocol=" + r.Protocol)
		}
		fmt.Fprintf(&b, " variant=%s nodes=%d", r.Variant, r.Nodes)
		for _, k := range slices.Sorted(maps.Keys(r.Params)) {
			b.WriteString(" " + k + "=" + r.Params[k])
		}
		fmt.Fprintf(&b, " seed=%d expect=%s\n", r.Seed, r.Expect)
		for _, l := range r.Steps {
			b.WriteString(l.Text + "\n")
		}
		b.WriteString("----\n" + r.Golden)
	}
	return b.String()
}

// parser is Parse's state between lines.
type parser struct {
	s        *Scenario
	n        int  // the line number
	run      *Run // the run block being read
	inGolden bool
	golden   strings.Builder
}

func (p *parser) fail(format string, args ...any) error {
	return &engine.LineError{File: p.s.File, Line: p.n, Msg: fmt.Sprintf(format, args...)}
}

// line reads one line of the file.
func (p *parser) line(line string) error {
	trimmed := strings.TrimSpace(line)
	switch {
	case p.inGolden && trimmed == "":
		p.flush()
	case p.inGolden: // a line's carriage returns are an editor's, not the printout's
		p.golden.WriteString(strings.TrimRight(line, "\r") + "\n")
	case p.run != nil && trimmed == "----":
		p.inGolden, p.run.GoldenLine = true, p.n+1
	case p.run == nil && strings.HasPrefix(trimmed, "#"):
		text := strings.TrimSpace(strings.TrimPrefix(trimmed, "#"))
		if len(p.s.Runs) == 0 {
			p.s.About = append(p.s.About, text)
			if p.s.Summary == "" && text != "" {
				p.s.Summary = text
			}
		}
	case trimmed == "" || strings.HasPrefix(trimmed, "#"):
	case p.run == nil:
		r, err := parseRunLine(trimmed)
		if err != nil {
			return err
		}
		r.Line = p.n
		p.run = &r
	default:
		if k := len(p.run.Steps); k > 0 && p.run.Steps[k-1].Text == "settle" {
			return errors.New("settle must be the last step of its run")
		}
		if err := stepSyntax(trimmed, p.run.Nodes); err != nil {
			return err
		}
		p.run.Steps = append(p.run.Steps, sim.ScriptLine{N: p.n, Text: trimmed})
	}
	return nil
}

// flush ends the run block being read.
func (p *parser) flush() {
	if p.run != nil {
		p.run.Golden = p.golden.String()
		p.s.Runs = append(p.s.Runs, *p.run)
	}
	p.run, p.inGolden = nil, false
	p.golden.Reset()
}

// parseRunLine reads "run [protocol=NAME] [variant=V] [nodes=N] [seed=S]
// [KNOB=VALUE ...] expect=E".
func parseRunLine(line string) (Run, error) {
	r := Run{Variant: engine.Correct, Nodes: 3, Seed: 1}
	fields := strings.Fields(line)
	if fields[0] != "run" {
		return r, fmt.Errorf("unknown directive %q (want: run [protocol=NAME] [variant=V] expect=PROPERTY|ok)", fields[0])
	}
	seen := map[string]bool{}
	for _, f := range fields[1:] {
		key, value, ok := strings.Cut(f, "=")
		switch {
		case !ok || key == "" || value == "":
			return r, fmt.Errorf("argument %q: want KEY=VALUE", f)
		case seen[key]:
			return r, fmt.Errorf("%s is given twice", key)
		}
		seen[key] = true
		if err := r.set(key, value); err != nil {
			return r, err
		}
	}
	switch {
	case r.Expect == "":
		return r, errors.New("the run needs expect=PROPERTY or expect=ok")
	case !slices.Contains(Expectations(), r.Expect):
		return r, fmt.Errorf("expect=%s: want %s", r.Expect, strings.Join(Expectations(), ", "))
	}
	return r, nil
}

// set takes one KEY=VALUE of a run line; a key the run line does not know
// is a protocol knob, which Check validates.
func (r *Run) set(key, value string) error {
	switch key {
	case "protocol":
		r.Protocol = value
	case "variant":
		r.Variant = value
	case "expect":
		r.Expect = value
	case "seed":
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return fmt.Errorf("seed=%s: want a number", value)
		}
		r.Seed = n
	case "nodes":
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || n > sim.MaxNodes {
			return fmt.Errorf("nodes=%s: want 1..%d", value, sim.MaxNodes)
		}
		r.Nodes = n
	default:
		if r.Params == nil {
			r.Params = map[string]string{}
		}
		r.Params[key] = value
	}
	return nil
}
