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
	if e.File == "" {
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

var stepVerbs = map[string]bool{
	"client": true, "deliver": true, "drop": true, "dup": true, "timer": true,
	"crash": true, "restart": true, "heal": true, "rand": true, "liveness": true,
}

// ParseTrace reads a decision-trace file; errors name the file and line.
func ParseTrace(r io.Reader, file string) (*Trace, error) {
	t := &Trace{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	n, header := 0, 0
	fail := func(format string, args ...any) error {
		return &TraceError{File: file, Line: n, Msg: fmt.Sprintf(format, args...)}
	}
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			switch {
			case header == 3:
				t.Lines = append(t.Lines, sim.ScriptLine{N: n, Text: line})
			case header == 0 && line != "":
				t.Comments = append(t.Comments, strings.TrimSpace(strings.TrimPrefix(line, "#")))
			}
			continue
		}
		switch header {
		case 0:
			if line != TraceFormat {
				return nil, fail("not a decision trace: want %q first, found %q", TraceFormat, line)
			}
			header++
		case 1:
			body, ok := strings.CutPrefix(line, "config ")
			if !ok {
				return nil, fail("want the config line (config {...}), found %q", line)
			}
			dec := json.NewDecoder(strings.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&t.Config); err != nil {
				return nil, fail("bad config: %v", err)
			}
			if err := t.Config.Validate(); err != nil {
				return nil, fail("bad config: %v", err)
			}
			header++
		case 2:
			body, ok := strings.CutPrefix(line, "seed ")
			seed, err := strconv.ParseUint(body, 10, 64)
			if !ok || err != nil {
				return nil, fail("want the seed line (seed N), found %q", line)
			}
			t.Seed = seed
			header++
		default:
			verb, _, _ := strings.Cut(line, " ")
			if !stepVerbs[verb] {
				return nil, fail("unknown step %q (want client, deliver, drop, dup, timer, crash, restart, heal, rand or liveness)", verb)
			}
			t.Lines = append(t.Lines, sim.ScriptLine{N: n, Text: line})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &TraceError{File: file, Line: n, Msg: err.Error()}
	}
	if header < 3 {
		return nil, &TraceError{File: file, Line: n, Msg: "incomplete header: want paxsim-trace, config and seed lines"}
	}
	return t, nil
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
	w, c := r.world, r.cfg
	for {
		l, ok := script.Next()
		if !ok {
			r.res.Stop = StopEndOfTrace
			return nil
		}
		switch verb, _, _ := strings.Cut(l.Text, " "); verb {
		case "client":
			client, node, err := parseClientLine(l.Text, c.Nodes)
			if err != nil {
				return &TraceError{Line: l.N, Msg: err.Error()}
			}
			if r.op(client) != nil {
				r.request(client, node, w.Now()) // a retry
			} else {
				r.propose(client, node, w.Now())
			}
		case "liveness":
			r.livenessPhase()
			return nil
		default:
			if err := w.DoLine(l.Text); err != nil {
				if lenient {
					continue // shrinking removed what this step needed
				}
				return &TraceError{Line: l.N, Msg: err.Error()}
			}
		}
		if r.afterStep() {
			return nil
		}
	}
}
