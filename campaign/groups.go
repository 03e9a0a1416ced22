package campaign

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/paxsim/paxsim/scenarios"
)

// Group is the failures that share a signature: one bug, many seeds.
type Group struct {
	Signature string   `json:"signature"` // property-shapehash, also the folder name
	Property  string   `json:"property"`
	Shape     []string `json:"shape"` // the shrunk trace's steps, sorted, without ids
	Seeds     []uint64 `json:"seeds"` // sorted
	// Steps of the representative (lowest) seed's trace, before and after
	// shrinking.
	StepsBefore int    `json:"steps_before"`
	StepsAfter  int    `json:"steps_after"`
	Dir         string `json:"dir,omitempty"`
	Message     string `json:"message"`

	trace, shrunk *scenarios.Trace // the representative's
	history       []byte           // its annotated history, when not linearizable
}

// signature names a failure by its property and the shape of its (shrunk)
// trace: the set of kinds of step and message it took, without node ids,
// ballots, values, order or counts. Ten seeds of one bug shrink to traces
// of one shape, whatever ids and interleavings they started with; a bug
// that needs a crash, a drop or a timer has another shape. (Counts would
// split one bug: a 1-minimal trace is not a minimum, and seeds shrink to
// 16 to 19 steps of the same kinds.)
func signature(property string, t *scenarios.Trace) (string, []string) {
	var shape []string
	for _, l := range t.Lines {
		verb, rest, _ := strings.Cut(l.Text, " ")
		switch verb {
		case "deliver", "drop", "dup":
			_, msg, _ := strings.Cut(rest, " ")
			kind, _, _ := strings.Cut(msg, "(")
			shape = append(shape, verb+" "+kind)
		case "timer", "crash", "restart", "heal", "client", "liveness":
			shape = append(shape, verb)
		}
	}
	sort.Strings(shape)
	shape = slices.Compact(shape)
	h := fnv.New32a()
	for _, s := range shape {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%s-%08x", property, h.Sum32()), shape
}

// writeGroup writes a group's folder: the representative's original and
// shrunk decision traces, the seeds and a summary. Each seed's reproducer
// is written there as it fails.
func writeGroup(dir string, g *Group) error {
	g.Dir = filepath.Join(dir, g.Signature)
	if err := os.MkdirAll(g.Dir, 0o755); err != nil {
		return err
	}
	seed := g.Seeds[0]
	if g.trace != nil {
		g.trace.Comments = []string{
			fmt.Sprintf("seed %d: %s", seed, g.Message),
			fmt.Sprintf("replay: paxsim replay %s", filepath.Join(g.Dir, fmt.Sprintf("seed-%d.trace", seed))),
		}
		if err := writeTrace(filepath.Join(g.Dir, fmt.Sprintf("seed-%d.trace", seed)), g.trace); err != nil {
			return err
		}
	}
	if g.shrunk != nil {
		g.shrunk.Comments = []string{
			fmt.Sprintf("seed %d shrunk from %d to %d steps: %s", seed, g.StepsBefore, g.StepsAfter, g.Property),
			fmt.Sprintf("replay: paxsim replay %s", filepath.Join(g.Dir, "shrunk.trace")),
		}
		if err := writeTrace(filepath.Join(g.Dir, "shrunk.trace"), g.shrunk); err != nil {
			return err
		}
	}
	if g.history != nil {
		if err := os.WriteFile(filepath.Join(g.Dir, "history.html"), g.history, 0o644); err != nil {
			return err
		}
	}
	var seeds strings.Builder
	for _, s := range g.Seeds {
		fmt.Fprintln(&seeds, s)
	}
	if err := os.WriteFile(filepath.Join(g.Dir, "seeds.txt"), []byte(seeds.String()), 0o644); err != nil {
		return err
	}
	data, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(g.Dir, "summary.json"), append(data, '\n'), 0o644)
}

func writeTrace(path string, t *scenarios.Trace) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := t.Write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
