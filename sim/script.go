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
	if w.TryLine(line) {
		return nil
	}
	return fmt.Errorf("%q cannot be taken: %s", line, w.whyNot(line, w.Actions()))
}

// TryLine takes the step that line names, as DoLine does, and reports
// whether it could, without saying why not: what a lenient replay (a
// shrinker's, which tries many traces whose removed steps disable later
// ones) needs. It finds the one action the line names without listing
// every action: the first such message in flight for a delivery or a drop,
// the first sent for a duplication, as Actions orders them.
func (w *World[M, D, O]) TryLine(line string) bool {
	w.mustBeChoice()
	if line == "heal" {
		w.Heal()
		return true
	}
	verb, rest, _ := strings.Cut(line, " ")
	a, ok := w.lineAction(verb, rest)
	if ok {
		w.Do(a)
	}
	return ok
}

// lineAction finds the enabled action that a line's verb and rest name.
func (w *World[M, D, O]) lineAction(verb, rest string) (Action[M], bool) {
	var none Action[M]
	switch verb {
	case "deliver", "drop", "dup":
		link, msg, _ := strings.Cut(rest, " ")
		from, to, ok := parseLink(link)
		if !ok || int(to) > w.cfg.Nodes {
			return none, false
		}
		return w.flightAction(verb, from, to, msg)
	case "timer":
		node, tag, _ := strings.Cut(rest, " ")
		id, err1 := strconv.Atoi(node)
		t, err2 := strconv.Atoi(tag)
		if err1 != nil || err2 != nil || t < 0 || t >= MaxTimerTags {
			return none, false
		}
		return w.Find(ActTimer, 0, NodeID(id), TimerTag(t), nil)
	case "crash", "restart":
		id, err := strconv.Atoi(rest)
		if err != nil {
			return none, false
		}
		return w.Find(map[string]ActionKind{"crash": ActCrash, "restart": ActRestart}[verb], 0, NodeID(id), 0, nil)
	}
	return none, false
}

// flightAction is the delivery or drop of the first message in flight on
// from->to whose text is msg, or the duplication of the first such
// message sent, as Actions orders them, when that kind is enabled.
func (w *World[M, D, O]) flightAction(verb string, from, to NodeID, msg string) (Action[M], bool) {
	w.boot()
	a := Action[M]{From: from, To: to}
	var flights []flight[M]
	switch {
	case verb == "deliver" && w.slots[to].up:
		a.Kind, flights = ActDeliver, w.inflight
	case verb == "drop" && w.dropsEnabled():
		a.Kind, flights = ActDrop, w.inflight
	case verb == "dup" && w.dupsEnabled():
		a.Kind, flights = ActDup, w.sentLog
	}
	for i := range flights {
		f := &flights[i]
		if f.from == from && f.to == to && w.text(f) == msg {
			a.Msg, a.digest = f.msg, f.digest
			return a, true
		}
	}
	return a, false
}

// text is f's message as a trace line writes it, formatted once for every
// copy of the message a replay meets.
func (w *World[M, D, O]) text(f *flight[M]) string {
	if s, ok := w.texts[f.digest]; ok {
		return s
	}
	if w.texts == nil {
		w.texts = map[uint64]string{}
	}
	s := f.msg.String()
	w.texts[f.digest] = s
	return s
}

// parseLink reads a link, FROM->TO, as Action.String writes it: a node's
// id, or "client" for External.
func parseLink(link string) (from, to NodeID, ok bool) {
	a, b, found := strings.Cut(link, "->")
	x, ok1 := parseNode(a)
	y, ok2 := parseNode(b)
	return x, y, found && ok1 && ok2
}

func parseNode(s string) (NodeID, bool) {
	if s == External.String() {
		return External, true
	}
	n, err := strconv.Atoi(s)
	return NodeID(n), err == nil && n >= 1
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
		if len(same) == 0 {
			return fmt.Sprintf("no message is in flight on %s (or its receiver is down)", link)
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
