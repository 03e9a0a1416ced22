package trace

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// ShrinkResult is a shrunk trace and what it took.
type ShrinkResult struct {
	Trace    *Trace
	Property checker.Property // the property both traces violate
	Before   int              // steps in the original trace
	After    int              // steps in the shrunk trace
	Replays  int              // replays the search ran
	// Replayed is the steps those replays took, trace lines read plus
	// events executed: what the budget bounds.
	Replayed int64
	// Exhausted is set when the budget ran out before the trace was
	// 1-minimal, Interrupted when the context was cancelled first. Either
	// way Trace is the smallest failing trace found so far.
	Exhausted   bool
	Interrupted bool
}

// DefaultShrinkBudget bounds the steps that the replays of one Shrink take:
// trace lines read plus events executed (the liveness phase's too). A
// budget of steps, not of replays, scales with the trace: a long trace gets
// fewer replays, a short one more, and a shrink ends within seconds
// whatever the trace. The failures of a campaign's default configuration
// shrink to 1-minimal traces in a few thousand steps.
const DefaultShrinkBudget = 1_000_000

// ShrinkOptions are Shrink's bounds and what it tells a watchdog.
type ShrinkOptions struct {
	// Budget bounds the steps the replays take, lines read plus events
	// executed (0 means DefaultShrinkBudget).
	Budget int64
	// Steps, when set, counts the replays' steps for a watchdog, as
	// engine.Options.Steps counts a run's: it moves while any replay
	// steps, and stands still only while one hangs in protocol code (a
	// shortened trace may lead the protocol where its run never went).
	Steps *atomic.Int64
	// Replaying, when set, is told each trace before it is replayed: the
	// one a hang is in, for the caller to write down.
	Replaying func(*Trace)
}

// ErrNoFailure is returned when the trace to shrink does not fail.
var ErrNoFailure = errors.New("the trace does not fail: nothing to shrink")

// Shrink reduces a failing decision trace to a 1-minimal one that fails
// the same property: removing any one remaining step (or client step)
// makes the failure go away, nor any two. It runs delta debugging (ddmin)
// over the steps, then tries every pair of steps (pairs), replaying
// candidates leniently (a step that a removal disabled is skipped), then
// writes the survivor as the steps its replay took, renumbers a consensus
// workload's clients, and so their values, from 1, and drops the random
// draws the failure does not need (draws).
//
// o.Budget bounds the steps the replays take, lines read plus events
// executed (0 means DefaultShrinkBudget). Shrink stops early when ctx is
// cancelled, and returns, with Exhausted or Interrupted set, the smallest
// failing trace it found, which replays as it is. A trace whose steps
// cannot be taken as written is an *engine.LineError naming the line; one
// that does not fail, ErrNoFailure.
func Shrink[M sim.Message, D any](ctx context.Context, p engine.Protocol[M, D], info *engine.Info, t *Trace, o ShrinkOptions) (ShrinkResult, error) {
	if o.Budget <= 0 {
		o.Budget = DefaultShrinkBudget
	}
	s := &shrinker[M, D]{ctx: ctx, p: p, info: info, orig: t, o: o}
	t, err := s.shrinkable(t)
	if err != nil {
		return ShrinkResult{}, err
	}
	s.orig = t
	base, err := s.replay(t.Lines, engine.Options{}, false)
	if err != nil {
		return ShrinkResult{}, err
	}
	if !base.Failed() {
		return ShrinkResult{}, ErrNoFailure
	}
	s.property = base.Violations[0].Property
	best := s.assemble(s.pairs(s.ddmin(s.units(t.Lines))))
	// The rest are a few replays, taken even when the budget is spent, so
	// that what Shrink returns replays strictly.
	if norm := s.normalize(best); norm != nil {
		best = norm
	} else if !s.confirms(best) {
		best = t.Lines
	}
	if info.Workload.Kind == engine.Consensus {
		if renamed := s.renumber(best); renamed != nil {
			best = renamed
		}
	}
	best = s.draws(best)
	out := &Trace{Config: t.Config, Seed: t.Seed, Lines: best, Comments: t.Comments}
	return ShrinkResult{
		Trace: out, Property: s.property, Before: t.Steps(), After: out.Steps(),
		Replays: s.replays, Replayed: s.spent, Exhausted: s.exhausted, Interrupted: s.interrupted,
	}, nil
}

// ErrNeedsItsSchedule is returned for a liveness failure that does not
// recur when the liveness phase runs again, timed, from the state at the
// heal: it needs the schedule its trace recorded, which shrinking cannot
// cut (removing steps after the heal only makes progress rarer).
var ErrNeedsItsSchedule = errors.New("the liveness failure needs the schedule recorded after the heal: a fresh liveness phase from the heal passes, so there is nothing to shrink it to")

// shrinkable is the trace Shrink works on: t, or, for a liveness failure
// judged at its recorded deadline, t up to the heal with the liveness
// phase to run again ("liveness"), which must fail the same way. The
// steps after the heal are not the failure's cause but one schedule that
// shows it: removing them would only make progress rarer.
func (s *shrinker[M, D]) shrinkable(t *Trace) (*Trace, error) {
	if n := len(t.Lines); n == 0 || t.Lines[n-1].Text != engine.DeadlineLine {
		return t, nil
	}
	res, err := Replay(s.p, s.info, t, engine.Options{Steps: s.beat(t)})
	if err != nil || !res.Failed() || res.Violations[0].Property != checker.Liveness {
		return t, err
	}
	short := *t
	short.Lines = livenessForm(t.Lines)
	again, err := Replay(s.p, s.info, &short, engine.Options{Steps: s.beat(&short)})
	if err != nil {
		return nil, err
	}
	if !again.Failed() || again.Violations[0].Property != checker.Liveness {
		return nil, ErrNeedsItsSchedule
	}
	return &short, nil
}

// livenessForm is lines up to the heal, then "liveness": the liveness
// phase runs again, timed, from the state at the heal. Lines without a
// heal are returned as they are.
func livenessForm(lines []sim.ScriptLine) []sim.ScriptLine {
	for i, l := range lines {
		if engine.IsHealLine(l.Text) {
			out := slices.Clone(lines[:i+1])
			return append(out, sim.ScriptLine{N: i + 2, Text: engine.LivenessLine})
		}
	}
	return lines
}

type shrinker[M sim.Message, D any] struct {
	ctx         context.Context
	p           engine.Protocol[M, D]
	info        *engine.Info
	orig        *Trace
	o           ShrinkOptions
	property    checker.Property
	spent       int64 // steps the replays took
	beats       int64 // replays begun, for the watched count
	replays     int
	exhausted   bool // a candidate went untried: the budget was spent
	interrupted bool // a candidate went untried: ctx was cancelled
}

// stopped reports whether the search must stop, and notes why.
func (s *shrinker[M, D]) stopped() bool {
	switch {
	case s.ctx.Err() != nil:
		s.interrupted = true
	case s.spent >= s.o.Budget:
		s.exhausted = true
	default:
		return false
	}
	return true
}

// unit is one removable step: its line and the random draws that follow it.
type unit []sim.ScriptLine

// units splits lines into removable units. The final "liveness" line is
// not one: it is how the property is judged, not part of the schedule.
func (s *shrinker[M, D]) units(lines []sim.ScriptLine) []unit {
	var out []unit
	for _, l := range lines {
		switch {
		case l.Text == "" || strings.HasPrefix(l.Text, "#"):
		case strings.HasPrefix(l.Text, "rand ") && len(out) > 0:
			out[len(out)-1] = append(out[len(out)-1], l)
		case l.Text == "liveness", l.Text == engine.DeadlineLine:
		default:
			out = append(out, unit{l})
		}
	}
	return out
}

func (s *shrinker[M, D]) assemble(units []unit) []sim.ScriptLine {
	var lines []sim.ScriptLine
	for _, u := range units {
		lines = append(lines, u...)
	}
	if n := len(s.orig.Lines); n > 0 && (s.orig.Lines[n-1].Text == "liveness" || s.orig.Lines[n-1].Text == engine.DeadlineLine) {
		lines = append(lines, sim.ScriptLine{Text: s.orig.Lines[n-1].Text})
	}
	for i := range lines {
		lines[i].N = i + 1
	}
	return lines
}

// replay replays lines, leniently or not, and counts what it cost.
func (s *shrinker[M, D]) replay(lines []sim.ScriptLine, opts engine.Options, lenient bool) (engine.Result, error) {
	s.replays++
	t := &Trace{Config: s.orig.Config, Seed: s.orig.Seed, Lines: lines}
	opts.Steps = s.beat(t)
	res, err := replay(s.p, s.info, t, opts, replayer[M, D]{lenient: lenient})
	s.spent += int64(len(lines)) + res.Events
	return res, err
}

// beat readies the watched count (ShrinkOptions.Steps) for a replay of
// t, and returns it for the replay's engine.Options.Steps: it starts
// above every value it took before, where the last replay left it at
// engine.StepsDone, so that it moves from one replay to the next; and it
// tells ShrinkOptions.Replaying that t is the one being replayed.
func (s *shrinker[M, D]) beat(t *Trace) *atomic.Int64 {
	s.beats++
	if s.o.Replaying != nil {
		s.o.Replaying(t)
	}
	if s.o.Steps != nil {
		s.o.Steps.Store(s.spent + s.beats)
	}
	return s.o.Steps
}

// fails reports whether the units still violate the property; false, too,
// once the search must stop.
func (s *shrinker[M, D]) fails(units []unit) bool {
	if s.stopped() {
		return false
	}
	res, err := s.replay(s.assemble(units), engine.Options{}, true)
	return err == nil && res.Failed() && res.Violations[0].Property == s.property
}

// ddmin is Zeller's delta debugging, complement side: it removes ever
// smaller chunks while the failure stays, ending with single units.
func (s *shrinker[M, D]) ddmin(units []unit) []unit {
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
			if n >= len(units) || s.stopped() {
				break
			}
			n = min(2*n, len(units))
		}
	}
	return units
}

// normalize replays lines and returns them as the steps the replay took:
// lines a removal disabled are gone. nil if that trace no longer fails.
func (s *shrinker[M, D]) normalize(lines []sim.ScriptLine) []sim.ScriptLine {
	res, err := s.replay(lines, engine.Options{Record: true}, true)
	if err != nil || res.Lines == nil {
		return nil
	}
	out := FromResult(s.orig.Config, &res).Lines
	if n := len(lines); n > 0 && lines[n-1].Text == "liveness" {
		out = livenessForm(out) // the replay recorded the phase it ran again: keep running it
	}
	if !s.confirms(out) {
		return nil
	}
	return out
}

// confirms replays lines strictly: they must fail the property as they are.
func (s *shrinker[M, D]) confirms(lines []sim.ScriptLine) bool {
	res, err := s.replay(lines, engine.Options{}, false)
	return err == nil && res.Failed() && res.Violations[0].Property == s.property
}

var clientOrValue = regexp.MustCompile(`\b(client |v)(\d+)\b`)

// renumber names the clients left 1..k (their values follow: client c
// proposes vc), so that a shrunk trace reads "v1 and v2" whatever seeds and
// clients it came from. nil when the clients are 1..k already or the
// renamed trace does not fail.
func (s *shrinker[M, D]) renumber(lines []sim.ScriptLine) []sim.ScriptLine {
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
