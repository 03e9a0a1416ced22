package scenarios

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// ShrinkResult is a shrunk trace and what it took.
type ShrinkResult struct {
	Trace    *Trace
	Property checker.Property // the property both traces violate
	Before   int              // steps in the original trace
	After    int              // steps in the shrunk trace
	Replays  int              // replays the search ran
	// Exhausted is set when the replay budget ran out before the trace
	// was 1-minimal.
	Exhausted bool
}

// DefaultShrinkBudget bounds the replays of one Shrink.
const DefaultShrinkBudget = 20000

// ErrNoFailure is returned when the trace to shrink does not fail.
var ErrNoFailure = errors.New("the trace does not fail: nothing to shrink")

// ErrNoTrace is returned for a run that has no decision trace to shrink:
// Multi-Paxos runs are not recorded as decision traces yet.
var ErrNoTrace = errors.New("Multi-Paxos runs have no decision traces yet: shrink and scenario import take single-decree paxos traces and reproducers (replay runs a Multi-Paxos reproducer)")

// Shrink reduces a failing decision trace to a 1-minimal one that fails
// the same property: removing any one remaining step (or client proposal)
// makes the failure go away. It runs delta debugging (ddmin) over the steps,
// replaying candidates leniently (a step that a removal disabled is skipped),
// then writes the survivor as the steps its replay took, and finally
// renumbers the clients, and so the values, from 1. budget bounds the
// replays (0 means DefaultShrinkBudget).
func Shrink(t *Trace, budget int) (ShrinkResult, error) {
	if budget <= 0 {
		budget = DefaultShrinkBudget
	}
	s := &shrinker{orig: t, budget: budget}
	base, err := s.replay(t.Lines)
	if err != nil {
		return ShrinkResult{}, err
	}
	if !base.Failed() {
		return ShrinkResult{}, ErrNoFailure
	}
	s.property = base.Violations[0].Property
	units := s.units(t.Lines)
	keep := s.ddmin(units)
	best := s.assemble(keep)
	if norm := s.normalize(best); norm != nil {
		best = norm
	}
	if renamed := s.renumber(best); renamed != nil {
		best = renamed
	}
	out := &Trace{Config: t.Config, Seed: t.Seed, Lines: best, Comments: t.Comments}
	return ShrinkResult{
		Trace: out, Property: s.property, Before: t.Steps(), After: out.Steps(),
		Replays: s.replays, Exhausted: s.replays >= s.budget,
	}, nil
}

type shrinker struct {
	orig     *Trace
	property checker.Property
	budget   int
	replays  int
}

// unit is one removable step: its line and the random draws that follow it.
type unit []sim.ScriptLine

// units splits lines into removable units. The final "liveness" line is
// not one: it is how the property is judged, not part of the schedule.
func (s *shrinker) units(lines []sim.ScriptLine) []unit {
	var out []unit
	for _, l := range lines {
		switch {
		case l.Text == "" || strings.HasPrefix(l.Text, "#"):
		case strings.HasPrefix(l.Text, "rand ") && len(out) > 0:
			out[len(out)-1] = append(out[len(out)-1], l)
		case l.Text == "liveness":
		default:
			out = append(out, unit{l})
		}
	}
	return out
}

func (s *shrinker) hasLiveness() bool {
	for _, l := range s.orig.Lines {
		if l.Text == "liveness" {
			return true
		}
	}
	return false
}

func (s *shrinker) assemble(units []unit) []sim.ScriptLine {
	var lines []sim.ScriptLine
	for _, u := range units {
		lines = append(lines, u...)
	}
	if s.hasLiveness() {
		lines = append(lines, sim.ScriptLine{Text: "liveness"})
	}
	for i := range lines {
		lines[i].N = i + 1
	}
	return lines
}

func (s *shrinker) replay(lines []sim.ScriptLine) (Result, error) {
	s.replays++
	return replay(&Trace{Config: s.orig.Config, Seed: s.orig.Seed, Lines: lines}, Options{}, true)
}

// fails reports whether the units still violate the property.
func (s *shrinker) fails(units []unit) bool {
	if s.replays >= s.budget {
		return false
	}
	res, err := s.replay(s.assemble(units))
	return err == nil && res.Failed() && res.Violations[0].Property == s.property
}

// ddmin is Zeller's delta debugging, complement side: it removes ever
// smaller chunks while the failure stays, ending with single units.
func (s *shrinker) ddmin(units []unit) []unit {
	n := 2
	for len(units) >= 2 {
		chunk := (len(units) + n - 1) / n
		reduced := false
		for start := 0; start < len(units); start += chunk {
			end := min(start+chunk, len(units))
			rest := append(append([]unit{}, units[:start]...), units[end:]...)
			if s.fails(rest) {
				units, n, reduced = rest, max(n-1, 2), true
				break
			}
		}
		if !reduced {
			if n >= len(units) || s.replays >= s.budget {
				break
			}
			n = min(2*n, len(units))
		}
	}
	return units
}

// normalize replays lines and returns them as the steps the replay took:
// lines a removal disabled are gone. nil if that trace no longer fails.
func (s *shrinker) normalize(lines []sim.ScriptLine) []sim.ScriptLine {
	s.replays++
	res, err := replay(&Trace{Config: s.orig.Config, Seed: s.orig.Seed, Lines: lines}, Options{Record: true}, true)
	if err != nil || res.Trace == nil {
		return nil
	}
	out := res.Trace.Lines
	if !s.confirms(out) {
		return nil
	}
	return out
}

// confirms replays lines strictly: they must fail the property as they are.
func (s *shrinker) confirms(lines []sim.ScriptLine) bool {
	s.replays++
	res, err := Replay(&Trace{Config: s.orig.Config, Seed: s.orig.Seed, Lines: lines}, Options{})
	return err == nil && res.Failed() && res.Violations[0].Property == s.property
}

var clientOrValue = regexp.MustCompile(`\b(client |v)(\d+)\b`)

// renumber names the clients left 1..k (their values follow: client c
// proposes vc), so that a shrunk trace reads "v1 and v2" whatever seeds and
// clients it came from. nil when the clients are 1..k already or the
// renamed trace does not fail.
func (s *shrinker) renumber(lines []sim.ScriptLine) []sim.ScriptLine {
	var clients []int
	seen := map[int]bool{}
	for _, l := range lines {
		var c, v, node int
		if _, err := fmt.Sscanf(l.Text, "client %d proposes v%d to %d", &c, &v, &node); err == nil && !seen[c] {
			seen[c] = true
			clients = append(clients, c)
		}
	}
	sort.Ints(clients)
	rename := map[string]string{}
	identity := true
	for i, c := range clients {
		rename[strconv.Itoa(c)] = strconv.Itoa(i + 1)
		identity = identity && c == i+1
	}
	if identity {
		return nil
	}
	out := make([]sim.ScriptLine, len(lines))
	for i, l := range lines {
		out[i] = sim.ScriptLine{N: l.N, Text: clientOrValue.ReplaceAllStringFunc(l.Text, func(m string) string {
			sub := clientOrValue.FindStringSubmatch(m)
			if to, ok := rename[sub[2]]; ok {
				return sub[1] + to
			}
			return m
		})}
	}
	if !s.confirms(out) {
		return nil
	}
	return out
}
