package campaign

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/trace"
)

// Group is the failures that share a signature: one bug, many seeds.
type Group struct {
	Signature string `json:"signature"` // PROPERTY-CHECK (signature), also the folder name
	Property  string `json:"property"`
	Check     string `json:"check,omitempty"` // checker.Violation.Check
	// Shape is the kinds of step the representative's shrunk trace took
	// (shape), when it was recorded.
	Shape []string `json:"shape,omitempty"`
	Seeds []uint64 `json:"seeds"` // sorted
	// Representative is the seed whose traces the folder holds: of the
	// group's seeds, the one that failed soonest (groupFailures).
	Representative uint64 `json:"representative"`
	// Steps of the representative (lowest) seed's trace, before and after
	// shrinking.
	StepsBefore int    `json:"steps_before"`
	StepsAfter  int    `json:"steps_after"`
	Dir         string `json:"dir,omitempty"`
	// DirError says why the folder could not be written.
	DirError string `json:"dir_error,omitempty"`
	Message  string `json:"message"`
	// Triage is the group's label against a baseline campaign, if any.
	Triage Label `json:"triage,omitempty"`
	// Hang is set when explaining the representative hung: a replay of a
	// trace its shrinking shortened (written to the folder as hang.trace),
	// or its run recorded again, took no step for the hang timeout.
	Hang *Hang `json:"hang,omitempty"`

	trace, shrunk *trace.Trace // the representative's
	history       []byte       // its annotated history, when not linearizable
	recordError   string       // why its run could not be recorded
	diverged      *Divergence  // its representative, run again, went otherwise
	hangTrace     *trace.Trace // the shortened trace whose replay hung
}

// signature names a failure's group: its property and the check that
// fired (checker.Violation.Check), as a folder name. It is a function of
// the violation alone, none of the run's values in it, so that every seed
// of one bug, on any shard, falls in one group whatever ids, values and
// interleavings it met, and before any shrinking. (The kinds of step of
// the shrunk trace, Group.Shape, split one bug into dozens of groups: a
// 1-minimal trace is not a minimum, a budget can cut shrinking short, and
// a FIFO link forces steps of its own.) Two bugs that break one property
// by one check share a group: fix the one its trace shows, and the next
// campaign shows the other.
func signature(v *checker.Violation) string {
	name, check := string(v.Property), v.Check
	if i := strings.LastIndexByte(check, '/'); i >= 0 {
		check = check[i+1:] // a panic's function, without its package's path
	}
	if check != "" && check != name {
		name += "-" + check
	}
	return slug(name)
}

// slug is name as a folder name: parentheses, stars and type parameters
// go (a panic's kvpaxos.(*Node[K]).step becomes kvpaxos.Node.step), every
// other run of runes but ASCII letters, digits, '.' and '_' becomes one
// '-', and neither end is a '-' or a '.' (nor is it empty: "failure").
func slug(name string) string {
	var b strings.Builder
	dash, depth := false, 0
	for _, r := range name {
		ok := r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_')
		switch {
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth > 0:
		case ok:
			b.WriteRune(r)
			dash = false
		case r == '(' || r == ')' || r == '*':
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return cmp.Or(strings.Trim(b.String(), "-."), "failure")
}

// shape is the kinds of step trace t took, sorted, without node ids,
// ballots, values, order or counts: messages delivered or duplicated by
// kind, drops by kind, and timers, client steps, crashes, restarts, heals
// and a liveness phase (run again, or judged at its recorded deadline),
// each once.
func shape(t *trace.Trace) []string {
	var kinds []string
	for _, l := range t.Lines {
		verb, rest, _ := strings.Cut(l.Text, " ")
		switch verb {
		case "deliver", "drop", "dup":
			_, msg, _ := strings.Cut(rest, " ")
			kind, _, _ := strings.Cut(msg, "(")
			kinds = append(kinds, verb+" "+kind)
		case "timer", "crash", "restart", "heal", "client", "liveness", "deadline":
			kinds = append(kinds, verb)
		}
	}
	sort.Strings(kinds)
	return slices.Compact(kinds)
}

// The files of a failure folder that writeGroup writes besides the traces.
const (
	summaryFile         = "summary.json"         // the group: its seeds, representative, shrink
	seedsFile           = "seeds.txt"            // its seeds, one a line
	shrunkFile          = "shrunk.trace"         // the representative's shrunk decision trace
	configFile          = "config.json"          // the representative's configuration
	readableTraceFile   = "trace.txt"            // the readable trace of the diagram's run
	diagramFile         = "diagram.html"         // its space-time diagram
	linearizabilityFile = "linearizability.html" // porcupine's timeline, when not linearizable
	hangFile            = "hang.trace"           // a shortened trace whose replay hung
)

// writeGroup writes a group's folder: the representative's original and
// shrunk decision traces, its configuration, the readable trace and the
// space-time diagram of the shrunk trace, porcupine's page when the
// history is not linearizable, the seeds and a summary. Each seed's
// reproducer is written there first, as it fails (explainFailures), and
// writeGroup reads the representative's.
func writeGroup(out *outDir, p *harness.Protocol, g *Group) error {
	g.Dir = filepath.Join(out.root, g.Signature)
	seed := g.Representative
	if g.trace != nil {
		name := fmt.Sprintf("seed-%d.trace", seed)
		g.trace.Comments = []string{
			fmt.Sprintf("seed %d: %s", seed, g.Message),
			fmt.Sprintf("replay: %s replay %s", out.program, filepath.Join(g.Dir, name)),
		}
		if err := writeTrace(out, filepath.Join(g.Signature, name), g.trace); err != nil {
			return err
		}
	}
	if g.shrunk != nil {
		g.shrunk.Comments = []string{
			fmt.Sprintf("seed %d shrunk from %d to %d steps: %s", seed, g.StepsBefore, g.StepsAfter, g.Property),
			fmt.Sprintf("replay: %s replay %s", out.program, filepath.Join(g.Dir, shrunkFile)),
		}
		if err := writeTrace(out, filepath.Join(g.Signature, shrunkFile), g.shrunk); err != nil {
			return err
		}
	}
	if g.hangTrace != nil {
		g.hangTrace.Comments = []string{
			fmt.Sprintf("seed %d, as shrinking tried it: its replay hangs in protocol code", seed),
			fmt.Sprintf("replay: %s replay %s", out.program, filepath.Join(g.Dir, hangFile)),
		}
		if err := writeTrace(out, filepath.Join(g.Signature, hangFile), g.hangTrace); err != nil {
			return err
		}
	}
	// A group whose run, recorded again, hung has no trace to explain it
	// by, and a third run of its seed might hang too.
	if g.Hang == nil || g.trace != nil {
		if err := writeExplanation(out, p, g); err != nil {
			return err
		}
	}
	var seeds strings.Builder
	for _, s := range g.Seeds {
		fmt.Fprintln(&seeds, s)
	}
	if _, err := out.writeFile(filepath.Join(g.Signature, seedsFile), []byte(seeds.String())); err != nil {
		return err
	}
	data, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	_, err = out.writeFile(filepath.Join(g.Signature, summaryFile), append(data, '\n'))
	return err
}

func writeTrace(out *outDir, rel string, t *trace.Trace) error {
	var b bytes.Buffer
	if err := t.Write(&b); err != nil {
		return err
	}
	_, err := out.writeFile(rel, b.Bytes())
	return err
}

// writeExplanation writes what a reader opens first: the representative's
// configuration, the readable trace and the diagram of its shortest run
// (the shrunk trace's replay; without one, the whole trace's, or, when
// the run could not be recorded, the seed run again), and porcupine's
// page when its history is not linearizable.
func writeExplanation(out *outDir, p *harness.Protocol, g *Group) error {
	seed := g.Representative
	rep, _, repErr := ReadReproducer(filepath.Join(g.Dir, fmt.Sprintf("seed-%d.json", seed)), only(p))
	var cfg engine.Config
	var run func(engine.Options) (engine.Result, error)
	source, replay := "", ""
	switch t := cmp.Or(g.shrunk, g.trace); {
	case t != nil:
		cfg, run = t.Config, func(opts engine.Options) (engine.Result, error) { return p.Replay(t, opts) }
		source = "seed-" + strconv.FormatUint(seed, 10) + ".trace"
		if t == g.shrunk {
			source = shrunkFile
		}
		replay = out.program + " replay " + source
	case repErr == nil:
		cfg, run = rep.Config, func(opts engine.Options) (engine.Result, error) {
			return p.Run(rep.Config, rep.Seed, opts)
		}
		source = fmt.Sprintf("seed %d", seed)
		replay = fmt.Sprintf("%s replay seed-%d.json", out.program, seed)
	default:
		return repErr
	}
	if repErr == nil {
		cfg = rep.Config // as the run had it, defaults written out
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	if _, err := out.writeFile(filepath.Join(g.Signature, configFile), append(data, '\n')); err != nil {
		return err
	}
	if err := writeDiagram(out, g, source, replay, run); err != nil {
		return err
	}
	return writeLinearizability(out, p, g, rep, repErr)
}

// writeDiagram replays run once, drawing it and keeping its readable
// trace. replay is the command that replays it from the group's folder:
// a path relative to the folder keeps the pages the same bytes wherever
// the campaign wrote them, and right when the folder moves.
func writeDiagram(out *outDir, g *Group, source, replay string, run func(engine.Options) (engine.Result, error)) error {
	var readable bytes.Buffer
	fmt.Fprintf(&readable, "# %s: the readable trace of %s\n# replay, from this folder: %s\n", g.Signature, source, replay)
	dr := &engine.Drawing{}
	res, err := run(engine.Options{Trace: &readable, Draw: dr})
	if err != nil {
		return fmt.Errorf("replaying %s: %w", source, err)
	}
	fmt.Fprintf(&readable, "verdict: %s\n", res.Verdict)
	for i := range res.Violations {
		fmt.Fprintln(&readable, res.Violations[i].String())
	}
	if _, err := out.writeFile(filepath.Join(g.Signature, readableTraceFile), readable.Bytes()); err != nil {
		return err
	}
	d := dr.Diagram()
	d.Title = filepath.Join(filepath.Base(g.Dir), source)
	d.Caption = append(d.Caption, fmt.Sprintf("%d seeds of this signature: %s", len(g.Seeds), seedList(g.Seeds)), "replay, from this folder: "+replay)
	var page bytes.Buffer
	if err := diagram.HTML(&page, d); err != nil {
		return err
	}
	_, err = out.writeFile(filepath.Join(g.Signature, diagramFile), page.Bytes())
	return err
}

// writeLinearizability writes porcupine's page of the representative's
// client history, when it is not linearizable: the one the campaign
// made, or, for a group read back from its files (merge), made again from
// the reproducer.
func writeLinearizability(out *outDir, p *harness.Protocol, g *Group, rep Reproducer, repErr error) error {
	page := g.history
	if page == nil && g.Property == string(checker.Linearizability) && repErr == nil {
		var buf bytes.Buffer
		run := func(opts engine.Options) (engine.Result, error) {
			return p.Run(rep.Config, rep.Seed, opts)
		}
		if v, err := engine.ExplainHistory(run, &buf); err == nil && v == linearize.Illegal {
			page = buf.Bytes()
		}
	}
	if page == nil {
		return nil
	}
	_, err := out.writeFile(filepath.Join(g.Signature, linearizabilityFile), page)
	return err
}

// seedList lists seeds, the first ten and how many more.
func seedList(seeds []uint64) string {
	const most = 10
	parts := make([]string, 0, most)
	for _, s := range seeds[:min(len(seeds), most)] {
		parts = append(parts, strconv.FormatUint(s, 10))
	}
	if len(seeds) > most {
		parts = append(parts, fmt.Sprintf("and %d more", len(seeds)-most))
	}
	return strings.Join(parts, " ")
}
