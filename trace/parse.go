package trace

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// MaxLine is the longest line a decision trace or a scenario file may
// have: their lines are steps, a config or a printout's, all short.
const MaxLine = 1 << 20

const utf8BOM = "\uFEFF"

// Parse reads a decision-trace file; errors are *engine.LineError naming
// the file and line. It checks every line's form (node ids, random draws,
// the liveness step last), not whether a step can be taken, nor what the
// configuration's protocol makes of the client steps: Check does that
// once the protocol is known, and replaying tells the rest. A UTF-8
// byte-order mark at the start is skipped.
func Parse(r io.Reader, file string) (*Trace, error) {
	p := parser{t: &Trace{}, file: file}
	n, err := ScanLines(r, file, "decision trace", func(n int, text string) error {
		p.n = n
		return p.line(strings.TrimSpace(text))
	})
	switch {
	case err != nil:
		return nil, err
	case n == 0:
		return nil, p.fail(0, "the file is empty: a decision trace starts with %q", Format)
	case p.header < 3:
		return nil, p.fail(n, "incomplete header: want the %q, config and seed lines", Format)
	}
	return p.t, nil
}

// ReadFile opens the decision-trace file at file, parses it (Parse, the
// file named in its errors) and closes it. A file it cannot open is the
// *fs.PathError of os.Open, which names the file too.
func ReadFile(file string) (*Trace, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, file)
}

// ScanLines calls line with each line of r, a file of kind (a decision
// trace, a scenario file), numbered from 1, a UTF-8 byte-order mark at the
// start skipped, and returns how many lines it read. It stops at the first
// error line returns; a line longer than MaxLine is an *engine.LineError
// naming file and line.
func ScanLines(r io.Reader, file, kind string, line func(n int, text string) error) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, MaxLine)
	n := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		if n == 1 {
			text = strings.TrimPrefix(text, utf8BOM)
		}
		if err := line(n, text); err != nil {
			return n, err
		}
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return n, &engine.LineError{File: file, Line: n + 1, Msg: fmt.Sprintf(
			"the line is longer than %d bytes, the most a line of a %s may have: this is not a %s", MaxLine, kind, kind)}
	case err != nil:
		return n, &engine.LineError{File: file, Line: n, Msg: err.Error()}
	}
	return n, nil
}

// Check checks a parsed trace against the protocol it names: its
// configuration, and every client step against the protocol's workload.
// Errors are *engine.LineError naming the file and line.
func Check(t *Trace, info *engine.Info, file string) error {
	line := cmp.Or(t.ConfigLine, 2) // a trace as Write writes it has its config on line 2
	if t.Config.Protocol != info.Name {
		return &engine.LineError{File: file, Line: line, Msg: fmt.Sprintf("the trace is of protocol %q, not %s", t.Config.Protocol, info.Name)}
	}
	if err := t.Config.Validate(info); err != nil {
		return &engine.LineError{File: file, Line: line, Msg: "bad config: " + err.Error()}
	}
	clients := t.Config.Effective(info).Clients
	for _, l := range t.Lines {
		if !strings.HasPrefix(l.Text, "client ") {
			continue
		}
		st, err := engine.ParseClientStep(l.Text, t.Config.Nodes, info.Workload)
		if err == nil && st.Client > clients+operators(info) {
			err = fmt.Errorf("client %d does not exist: the config has clients 1..%d", st.Client, clients+operators(info))
		}
		if err != nil {
			return &engine.LineError{File: file, Line: l.N, Msg: err.Error()}
		}
	}
	return nil
}

// operators is how many clients a protocol's runs have beyond its
// workload's: the operator that reconfigures, for one that takes
// reconfigurations.
func operators(info *engine.Info) int {
	if info.Workload.Kind == engine.KeyValue {
		return 1
	}
	return 0
}

// parser reads a decision trace line by line.
type parser struct {
	t        *Trace
	file     string
	n        int // the line being read
	header   int // header lines read: format, config, seed
	liveness int // the line of the "liveness" or "deadline" step, or 0
}

func (p *parser) fail(line int, format string, args ...any) error {
	return &engine.LineError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// line reads one trimmed line.
func (p *parser) line(line string) error {
	if line == "" || strings.HasPrefix(line, "#") {
		switch {
		case p.header == 3:
			p.t.Lines = append(p.t.Lines, sim.ScriptLine{N: p.n, Text: line})
		case p.header == 0 && line != "":
			p.t.Comments = append(p.t.Comments, strings.TrimSpace(strings.TrimPrefix(line, "#")))
		}
		return nil
	}
	switch p.header {
	case 0:
		return p.format(line)
	case 1:
		return p.config(line)
	case 2:
		body, ok := strings.CutPrefix(line, "seed ")
		seed, err := strconv.ParseUint(body, 10, 64)
		if !ok || err != nil {
			return p.fail(p.n, "want the seed line (seed N), found %q", clip(line))
		}
		p.t.Seed = seed
		p.header++
		return nil
	}
	if p.liveness > 0 {
		return p.fail(p.n, "%q follows the final step of line %d (liveness or deadline), which must be the last", clip(line), p.liveness)
	}
	if err := checkStep(line, p.t.Config.Nodes); err != nil {
		return p.fail(p.n, "%v", err)
	}
	if line == engine.LivenessLine || line == engine.DeadlineLine {
		p.liveness = p.n
	}
	p.t.Lines = append(p.t.Lines, sim.ScriptLine{N: p.n, Text: line})
	return nil
}

// format reads the first line: the format and its version.
func (p *parser) format(line string) error {
	if line == Format {
		p.header++
		return nil
	}
	if version, ok := strings.CutPrefix(line, "paxsim-trace "); ok {
		return p.fail(p.n, "decision-trace version %q is not supported: this program reads version 1 (%q)", clip(version), Format)
	}
	return p.fail(p.n, "not a decision trace: want %q first, found %q", Format, clip(line))
}

// config reads the config line.
func (p *parser) config(line string) error {
	body, ok := strings.CutPrefix(line, "config ")
	if !ok {
		return p.fail(p.n, "want the config line (config {...}), found %q", clip(line))
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p.t.Config); err != nil {
		return p.fail(p.n, "bad config: %v", err)
	}
	if dec.More() {
		return p.fail(p.n, "bad config: text after the JSON object")
	}
	if n := p.t.Config.Nodes; n < 1 || n > sim.MaxNodes {
		return p.fail(p.n, "bad config: nodes %d is not between 1 and %d", n, sim.MaxNodes)
	}
	p.t.ConfigLine = p.n
	p.header++
	return nil
}

// clip shortens text for an error message.
func clip(text string) string {
	if len(text) > 80 {
		return text[:80] + "..."
	}
	return text
}

// checkStep checks the form of a step line of a trace of a cluster of
// nodes: a client step (its form; Check reads its operation), a random
// draw, "deadline", "liveness", or a world step (sim.ParseStep).
func checkStep(line string, nodes int) error {
	verb, rest, _ := strings.Cut(line, " ")
	switch verb {
	case "client":
		f := strings.Fields(rest)
		if len(f) < 3 || f[len(f)-2] != "to" {
			return errors.New("want client C OPERATION to NODE, e.g. client 1 proposes v1 to 2")
		}
		_, _, err := sim.ParseLink("client->"+f[len(f)-1], nodes)
		return err
	case "rand":
		_, _, err := ParseRand(strings.Fields(rest), nodes)
		return err
	case engine.LivenessLine, engine.DeadlineLine:
		if rest != "" {
			return fmt.Errorf("%s takes no arguments", verb)
		}
		return nil
	case "deliver", "drop", "dup", "timer", "crash", "restart", "heal":
		_, err := sim.ParseStep(line, nodes)
		return err
	}
	return fmt.Errorf("unknown step %q (want client, deliver, drop, dup, timer, crash, restart, heal, rand, deadline or liveness)", verb)
}

// ParseRand reads a random draw's arguments, "NODE V" of "rand NODE V":
// the node that drew, of a cluster of nodes, and the value it drew.
func ParseRand(args []string, nodes int) (sim.NodeID, int, error) {
	if len(args) != 2 {
		return 0, 0, errors.New("want rand NODE VALUE, e.g. rand 2 17")
	}
	id, err := strconv.Atoi(args[0])
	if err != nil || id < 1 || id > nodes {
		return 0, 0, fmt.Errorf("rand: node %s does not exist (nodes are 1..%d)", args[0], nodes)
	}
	v, err := strconv.Atoi(args[1])
	if err != nil || v < 0 {
		return 0, 0, fmt.Errorf("rand: %q is not a value a node draws (want a number from 0)", args[1])
	}
	return sim.NodeID(id), v, nil
}
