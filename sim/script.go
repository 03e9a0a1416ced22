package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// ScriptLine is one line of a decision trace and its line number.
type ScriptLine struct {
	N    int
	Text string
}

// Script is a decision trace being replayed: the schedule a World logged
// (SetScheduleLog), or one written by hand, one step a line. A Script is
// also the Decider of the Choice world that replays it: a node's random
// draw takes the "rand" line that follows the step that made it, and is 0
// when there is none (a shrunk trace may have lost it).
type Script struct {
	lines []ScriptLine
	pos   int
}

// NewScript makes a Script of lines.
func NewScript(lines []ScriptLine) *Script { return &Script{lines: lines} }

// Next returns the next step to take: it skips blank lines, comments and
// random draws that no handler took.
func (s *Script) Next() (ScriptLine, bool) {
	for s.pos < len(s.lines) {
		l := s.lines[s.pos]
		s.pos++
		t := strings.TrimSpace(l.Text)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "rand ") {
			continue
		}
		l.Text = t
		return l, true
	}
	return ScriptLine{}, false
}

// Intn implements Decider: a node's draw is the "rand NODE V" line right
// after the current step, when it names that node and fits n.
func (s *Script) Intn(d Decision, n int) int {
	for s.pos < len(s.lines) {
		t := strings.TrimSpace(s.lines[s.pos].Text)
		if t == "" || strings.HasPrefix(t, "#") {
			s.pos++
			continue
		}
		f := strings.Fields(t)
		if len(f) != 3 || f[0] != "rand" || f[1] != d.Node.String() {
			return 0
		}
		v, err := strconv.Atoi(f[2])
		if err != nil || v < 0 || v >= n {
			return 0
		}
		s.pos++
		return v
	}
	return 0
}

// Chance implements Decider: a replayed Choice world asks for none.
func (s *Script) Chance(Decision, float64) bool { return false }

// DoLine takes the step that a decision-trace line names in a Choice world:
// an action as Action.String prints it, or "heal". It says why when the
// step cannot be taken.
func (w *World[M, D, O]) DoLine(line string) error {
	w.mustBeChoice()
	if line == "heal" {
		w.Heal()
		return nil
	}
	acts := w.Actions()
	verb, rest, _ := strings.Cut(line, " ")
	for _, a := range acts {
		if a.Kind.String() == verb && a.matches(rest) {
			w.Do(a)
			return nil
		}
	}
	return fmt.Errorf("%q cannot be taken: %s", line, w.whyNot(line, acts))
}

// matches reports whether rest (a trace line without its verb) names a.
// It compares node ids before it formats a message: replaying, and so
// shrinking, does this for every enabled action at every step.
func (a Action[M]) matches(rest string) bool {
	switch a.Kind {
	case ActDeliver, ActDrop, ActDup:
		link, msg, _ := strings.Cut(rest, " ")
		from, to, ok := strings.Cut(link, "->")
		return ok && from == a.From.String() && to == a.To.String() && msg == a.Msg.String()
	case ActTimer:
		node, tag, _ := strings.Cut(rest, " ")
		return node == a.To.String() && tag == strconv.Itoa(int(a.Tag))
	default:
		return rest == a.To.String()
	}
}

// whyNot explains a step that is not enabled, for error messages.
func (w *World[M, D, O]) whyNot(line string, acts []Action[M]) string {
	verb, rest, _ := strings.Cut(line, " ")
	switch verb {
	case "deliver", "drop":
		if verb == "drop" && !w.cfg.Choice.Drops {
			return "drops are off"
		}
		link, _, _ := strings.Cut(rest, " ")
		var same []string
		for _, a := range acts {
			if a.Kind == ActDeliver && fmt.Sprintf("%s->%s", a.From, a.To) == link {
				same = append(same, a.Msg.String())
			}
		}
		switch {
		case len(same) == 0:
			return fmt.Sprintf("no message is in flight on %s (or its receiver is down)", link)
		case w.net.FIFO:
			return fmt.Sprintf("%s is a FIFO link: its oldest message goes first, and that is %s", link, same[0])
		}
		return fmt.Sprintf("no such message in flight on %s; in flight there: %s", link, strings.Join(same, ", "))
	case "dup":
		if w.dups >= w.cfg.Choice.MaxDups {
			return "the duplication budget is spent"
		}
		return "no such message was ever sent"
	case "timer":
		return "that timer is not armed (or its node is down)"
	case "crash":
		return "the node is down, or the crash budget is spent"
	case "restart":
		return "the node is not down"
	}
	return fmt.Sprintf("unknown step %q (want deliver, drop, dup, timer, crash, restart, heal, rand or a # comment)", verb)
}
