package scenarios

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// TraceFormat is the first line of a decision-trace file.
const TraceFormat = "paxsim-trace 1"

// Trace is a decision trace: a run written as the steps it took, one a
// line, so that it replays in a Choice world whatever the delays, seeds or
// unrelated code were. It starts with the configuration and the seed of
// the liveness phase; then come client proposals ("client 1 proposes v1 to
// 2"), steps ("deliver 1->2 Prepare(1.1)", "drop ...", "dup ...", "timer 2
// 0", "crash 3", "restart 3"), "heal" and the random draws of handlers
// ("rand 2 17"). A final "liveness" line asks the replay to heal and run
// the liveness phase in timed mode from where the steps left the cluster.
type Trace struct {
	Config Config
	Seed   uint64 // the liveness phase's seed (and the seed the trace came from)
	Lines  []sim.ScriptLine
	// Comments are written at the top of the file, each after "# ".
	Comments []string
}

// TraceError is a trace that cannot be read or replayed, with the line.
type TraceError struct {
	File string
	Line int
	Msg  string
}

func (e *TraceError) Error() string {
	switch {
	case e.Line == 0 && e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.File == "":
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
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

// Write writes t in the file format ParseTrace reads.
func (t *Trace) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, c := range t.Comments {
		fmt.Fprintf(bw, "# %s\n", c)
	}
	cfg, err := json.Marshal(t.Config)
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "%s\nconfig %s\nseed %d\n", TraceFormat, cfg, t.Seed)
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

// MaxTraceLine is the longest line a decision trace may have: its lines
// are steps and a config, all short.
const MaxTraceLine = 1 << 20

// ParseTrace reads a decision-trace file; errors name the file and line.
// It checks every line's form (node ids, client values, random draws), not
// whether a step can be taken: replaying tells that. A UTF-8 byte-order
// mark at the start is skipped.
func ParseTrace(r io.Reader, file string) (*Trace, error) {
	p := traceParser{t: &Trace{}, file: file}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxTraceLine)
	for sc.Scan() {
		p.n++
		text := sc.Text()
		if p.n == 1 {
			text = strings.TrimPrefix(text, utf8BOM)
		}
		if err := p.line(strings.TrimSpace(text)); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, p.fail(p.n+1, "the line is longer than %d bytes, the most a decision-trace line may have: this is not a decision trace", MaxTraceLine)
		}
		return nil, p.fail(p.n, "%v", err)
	}
	switch {
	case p.n == 0:
		return nil, p.fail(0, "the file is empty: a decision trace starts with %q", TraceFormat)
	case p.header < 3:
		return nil, p.fail(p.n, "incomplete header: want the %q, config and seed lines", TraceFormat)
	}
	return p.t, nil
}

const utf8BOM = "\uFEFF"

// FileKind is what SniffTrace makes of a file.
type FileKind int

// The kinds of file SniffTrace tells apart.
const (
	EmptyFile FileKind = iota // nothing but blank lines and comments
	TraceFile                 // a decision trace: its first line is a paxsim-trace header
	OtherFile                 // something else (a reproducer, say)
)

// SniffTrace tells, reading no more of r than its comments and the start of
// its first other line, whether r holds a decision trace: whether that line
// is a "paxsim-trace" header (of any version, so that ParseTrace can say
// which versions it reads). Long lines are not read whole.
func SniffTrace(r io.Reader) (FileKind, error) {
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		head, err := lineHead(br, 64)
		if n == 1 {
			head = strings.TrimPrefix(head, utf8BOM)
		}
		switch head = strings.TrimSpace(head); {
		case strings.HasPrefix(head, "paxsim-trace"):
			return TraceFile, nil
		case head != "" && !strings.HasPrefix(head, "#"):
			return OtherFile, nil
		case err == io.EOF:
			return EmptyFile, nil
		case err != nil:
			return EmptyFile, err
		}
	}
}

// lineHead reads one line of br and returns its first max bytes at most,
// skipping the rest.
func lineHead(br *bufio.Reader, max int) (string, error) {
	var head []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if room := max - len(head); room > 0 {
			head = append(head, chunk[:min(len(chunk), room)]...)
		}
		if err != bufio.ErrBufferFull {
			if err == io.EOF && len(chunk) > 0 {
				err = nil // a last line without a newline
			}
			return string(head), err
		}
	}
}

// traceParser reads a decision trace line by line.
type traceParser struct {
	t        *Trace
	file     string
	n        int // the line being read
	header   int // header lines read: format, config, seed
	liveness int // the line of the "liveness" step, or 0
}

func (p *traceParser) fail(line int, format string, args ...any) error {
	return &TraceError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// line reads one trimmed line.
func (p *traceParser) line(line string) error {
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
			return p.fail(p.n, "want the seed line (seed N), found %q", line)
		}
		p.t.Seed = seed
		p.header++
		return nil
	}
	if p.liveness > 0 {
		return p.fail(p.n, "%q follows the liveness step of line %d, which must be the last", line, p.liveness)
	}
	if err := checkTraceStep(line, p.t.Config); err != nil {
		return p.fail(p.n, "%v", err)
	}
	if line == "liveness" {
		p.liveness = p.n
	}
	p.t.Lines = append(p.t.Lines, sim.ScriptLine{N: p.n, Text: line})
	return nil
}

// format reads the first line: the format and its version.
func (p *traceParser) format(line string) error {
	if line == TraceFormat {
		p.header++
		return nil
	}
	if version, ok := strings.CutPrefix(line, "paxsim-trace "); ok {
		return p.fail(p.n, "decision-trace version %q is not supported: this paxsim reads version 1 (%q)", version, TraceFormat)
	}
	return p.fail(p.n, "not a decision trace: want %q first, found %q", TraceFormat, clip(line))
}

// config reads the config line.
func (p *traceParser) config(line string) error {
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
	if err := p.t.Config.Validate(); err != nil {
		return p.fail(p.n, "bad config: %v", err)
	}
	if p.t.Config.Protocol != Paxos {
		return p.fail(p.n, "bad config: protocol %q: %v", p.t.Config.Protocol, ErrNoTrace)
	}
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

// checkTraceStep checks the form of a step line of a trace of c: a client
// proposal, a random draw, "liveness", or a world step (sim.ParseStep).
func checkTraceStep(line string, c Config) error {
	nodes := c.Nodes
	verb, rest, _ := strings.Cut(line, " ")
	switch verb {
	case "client":
		client, _, err := parseClientLine(line, nodes)
		if err == nil && client > c.Proposers {
			err = fmt.Errorf("client %d does not exist: the config has %d proposers, clients 1..%d", client, c.Proposers, c.Proposers)
		}
		return err
	case "rand":
		return checkRandLine(rest, nodes)
	case "liveness":
		if rest != "" {
			return errors.New("liveness takes no arguments")
		}
		return nil
	case "deliver", "drop", "dup", "timer", "crash", "restart", "heal":
		_, err := sim.ParseStep(line, nodes)
		return err
	}
	return fmt.Errorf("unknown step %q (want client, deliver, drop, dup, timer, crash, restart, heal, rand or liveness)", verb)
}

// checkRandLine checks a random draw, "rand NODE V": the node that drew
// and the value it drew.
func checkRandLine(rest string, nodes int) error {
	f := strings.Fields(rest)
	if len(f) != 2 {
		return errors.New("want rand NODE VALUE, e.g. rand 2 17")
	}
	id, err := strconv.Atoi(f[0])
	if err != nil || id < 1 || id > nodes {
		return fmt.Errorf("rand: node %s does not exist (nodes are 1..%d)", f[0], nodes)
	}
	if v, err := strconv.Atoi(f[1]); err != nil || v < 0 {
		return fmt.Errorf("rand: %q is not a value a node draws (want a number from 0)", f[1])
	}
	return nil
}

func clientLine(client int, value checker.Value, node sim.NodeID) string {
	return fmt.Sprintf("client %d proposes %s to %d", client, value, node)
}

func parseClientLine(line string, nodes int) (client int, node sim.NodeID, err error) {
	var value int
	if _, err := fmt.Sscanf(line, "client %d proposes v%d to %d", &client, &value, &node); err != nil {
		return 0, 0, errors.New("want: client C proposes vC to NODE")
	}
	if client < 1 || value != client {
		return 0, 0, fmt.Errorf("client %d must propose v%d: values are unique per client", client, client)
	}
	if node < 1 || int(node) > nodes {
		return 0, 0, fmt.Errorf("node %d does not exist (nodes are 1..%d)", node, nodes)
	}
	return client, node, nil
}

// trace builds the recorded run's decision trace. When the run got past
// the heal without a safety violation after it, the steps after the heal
// are left out and a "liveness" line asks the replay to run that phase
// again: the liveness verdict depends on the state at the heal, not on one
// fair schedule after it.
func (r *runner) trace() *Trace {
	lines := r.lines
	healed := r.healLine > 0 || (len(lines) > 0 && lines[0] == "heal")
	lateSafety := len(r.res.Violations) > 0 && r.res.Violations[0].Property != checker.Liveness &&
		healed && r.res.Violations[0].Time > r.healedAt
	if healed && !lateSafety {
		lines = append(lines[:r.healLine+1:r.healLine+1], "liveness")
	}
	t := &Trace{Config: r.cfg, Seed: r.res.Seed}
	for i, l := range lines {
		t.Lines = append(t.Lines, sim.ScriptLine{N: i + 1, Text: l})
	}
	return t
}

// choiceConfig is the Choice world in which a trace of c replays: no bound
// on drops, duplicates or crashes, since the trace is the bound.
func choiceConfig(c Config) (sim.Config, protocol.Variant, error) {
	sc, variant, err := c.build()
	if err != nil {
		return sc, variant, err
	}
	sc.Mode = sim.Choice
	sc.Choice = sim.ChoiceConfig{Drops: true, MaxDups: 1 << 30, MaxCrashes: 1 << 30, DupSelf: true}
	sc.Faults.MaxCrashed = c.Nodes
	sc.Faults.Schedule = nil
	return sc, variant, nil
}

// Replay runs a decision trace step by step and judges it like a run. A
// step that cannot be taken (the code changed, or the trace was edited)
// returns a *TraceError naming its line; so does a bad config.
func Replay(t *Trace, opts Options) (Result, error) { return replay(t, opts, false) }

func replay(t *Trace, opts Options, lenient bool) (Result, error) {
	sc, variant, err := choiceConfig(t.Config)
	if err != nil {
		return Result{}, &TraceError{Line: 2, Msg: err.Error()}
	}
	script := sim.NewScript(t.Lines)
	r, err := newRunner(t.Config, sc, variant, t.Seed, script, opts)
	if err != nil {
		return Result{}, err
	}
	err = r.execute(func() error { return r.replay(script, lenient) })
	return r.res, err
}

// replay takes the trace's steps in order. A lenient replay skips a step
// that cannot be taken instead of failing: what shrinking needs, since
// removing one step may disable later ones.
func (r *runner) replay(script *sim.Script, lenient bool) error {
	w := r.world
	asked := map[int]askedAt{} // by client: its last request
	steps := 0                 // world steps taken so far
	for {
		l, ok := script.Next()
		if !ok {
			r.res.Stop = StopEndOfTrace
			return nil
		}
		switch verb, _, _ := strings.Cut(l.Text, " "); verb {
		case "client":
			client, node, err := r.clientStep(l, asked, steps)
			if err != nil {
				if lenient {
					continue
				}
				return err
			}
			if r.op(client) != nil {
				r.request(client, node, w.Now()) // a retry
			} else {
				r.propose(client, node, w.Now())
			}
			asked[client] = askedAt{line: l.N, steps: steps}
		case "liveness":
			r.livenessPhase()
			return nil
		default:
			if lenient {
				s, err := sim.ParseStep(l.Text, r.cfg.Nodes)
				if err != nil || !w.TakeStep(s) {
					continue // shrinking removed what this step needed
				}
			} else if err := w.DoLine(l.Text); err != nil {
				return &TraceError{Line: l.N, Msg: err.Error()}
			}
			steps++
		}
		if r.afterStep() {
			return nil
		}
	}
}

// askedAt is a client's last request in a replayed trace: its line, and
// the world steps taken before it.
type askedAt struct{ line, steps int }

// clientStep reads a replayed client line. A client asks again (a retry)
// only after some step since it last asked: two requests in a row are a
// duplicated line, which no run writes.
func (r *runner) clientStep(l sim.ScriptLine, asked map[int]askedAt, steps int) (int, sim.NodeID, error) {
	client, node, err := parseClientLine(l.Text, r.cfg.Nodes)
	if err != nil {
		return 0, 0, &TraceError{Line: l.N, Msg: err.Error()}
	}
	if last, ok := asked[client]; ok && last.steps == steps {
		return 0, 0, &TraceError{Line: l.N, Msg: fmt.Sprintf(
			"client %d asks again with no step since it asked at line %d: a client asks again only after a step (a retry), so this line is a duplicate", client, last.line)}
	}
	return client, node, nil
}
