package sim

import (
	"errors"
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

// Step is a decision-trace step line read (ParseStep): an action of a
// Choice world as Action.String prints it, or a heal.
type Step struct {
	Heal     bool       // "heal": every fault ends
	CutOff   uint64     // heal: the nodes outside the core left cut off for good ("heal cut-off 2,3")
	Kind     ActionKind // the action, when not a heal
	From, To NodeID     // the message's link; for timers, crashes and restarts the node is To
	Tag      TimerTag   // ActTimer
	Msg      string     // deliver, drop, dup: the message as its String prints it
	Crash    Crash      // a crash's kind: inside a deliver or timer handler, or losing writes
}

func (s Step) String() string {
	if s.Crash != (Crash{}) {
		inner := s
		inner.Crash = Crash{}
		return s.Crash.line(s.To, inner)
	}
	switch {
	case s.Heal && s.CutOff != 0:
		return "heal cut-off " + FormatNodes(s.CutOff)
	case s.Heal:
		return "heal"
	case s.Kind == ActDeliver || s.Kind == ActDrop || s.Kind == ActDup:
		return fmt.Sprintf("%s %s->%s %s", s.Kind, s.From, s.To, s.Msg)
	case s.Kind == ActTimer:
		return fmt.Sprintf("timer %s %d", s.To, s.Tag)
	}
	return fmt.Sprintf("%s %s", s.Kind, s.To)
}

// stepVerbs lists the verbs ParseStep reads, for error messages.
const stepVerbs = "deliver, drop, dup, timer, crash, restart or heal"

// ParseStep reads a step line of a world of nodes replicas: "deliver
// FROM->TO MSG", "drop FROM->TO MSG", "dup FROM->TO MSG" (FROM is a node or
// client), "timer NODE TAG", "crash NODE", "restart NODE" or "heal". It
// checks the form and the node ids, not whether the step can be taken. A
// heal that leaves nodes outside the core cut off names them: "heal
// cut-off 2,3" (a Choice world has no partitions to find them by).
func ParseStep(line string, nodes int) (Step, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	rest = strings.TrimSpace(rest)
	var s Step
	var err error
	switch verb {
	case "heal":
		s.Heal = true
		if rest == "" {
			return s, nil
		}
		set, ok := strings.CutPrefix(rest, "cut-off ")
		if !ok {
			return s, errors.New(`want heal, or heal cut-off NODES (e.g. heal cut-off 2,3)`)
		}
		s.CutOff, err = parseNodeSet(set, nodes)
		return s, err
	case "deliver", "drop", "dup":
		s.Kind = kindNamed(verb)
		err = s.parseMessage(verb, rest, nodes)
	case "timer":
		s.Kind = ActTimer
		err = s.parseTimer(rest, nodes)
	case "crash":
		return parseCrash(rest, nodes)
	case "restart":
		s.Kind = ActRestart
		s.To, err = parseNode(rest, nodes, verb+" NODE")
	default:
		return s, fmt.Errorf("unknown step %q (want %s)", verb, stepVerbs)
	}
	return s, err
}

// kindNamed is the action kind a verb names (ActionKind.String), or 0.
func kindNamed(verb string) ActionKind {
	k, _ := ActionKindNamed(verb)
	return k
}

// ActionKindNamed is the action kind whose String is verb.
func ActionKindNamed(verb string) (ActionKind, bool) {
	for k, name := range actionNames {
		if name == verb && name != "" {
			return ActionKind(k), true
		}
	}
	return 0, false
}

// ParseLink reads a message's link, "FROM->TO", of a world of nodes
// replicas: FROM is a node or client (External), TO a node.
func ParseLink(link string, nodes int) (from, to NodeID, err error) {
	const form = "FROM->TO, e.g. 1->2 or client->1"
	f, t, ok := strings.Cut(link, "->")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a link (want %s)", link, form)
	}
	if f != External.String() {
		if from, err = parseNode(f, nodes, form); err != nil {
			return 0, 0, err
		}
	}
	to, err = parseNode(t, nodes, form)
	return from, to, err
}

// parseMessage reads "FROM->TO MSG" after a deliver, drop or dup.
func (s *Step) parseMessage(verb, rest string, nodes int) error {
	form := verb + " FROM->TO MESSAGE, e.g. " + verb + " 1->2 Prepare(1.1)"
	link, msg, _ := strings.Cut(rest, " ")
	if !strings.Contains(link, "->") {
		return fmt.Errorf("%s needs a link FROM->TO (want %s)", verb, form)
	}
	if s.Msg = strings.TrimSpace(msg); s.Msg == "" {
		return fmt.Errorf("%s needs the message after its link (want %s)", verb, form)
	}
	var err error
	s.From, s.To, err = ParseLink(link, nodes)
	return err
}

// parseTimer reads "NODE TAG" after a timer.
func (s *Step) parseTimer(rest string, nodes int) error {
	const form = "timer NODE TAG, e.g. timer 2 0"
	node, tag, _ := strings.Cut(rest, " ")
	var err error
	if s.To, err = parseNode(node, nodes, form); err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(tag))
	if err != nil || n < 0 || n >= MaxTimerTags {
		return fmt.Errorf("timer tag %q: want a number 0..%d (want %s)", tag, MaxTimerTags-1, form)
	}
	s.Tag = TimerTag(n)
	return nil
}

// parseNode reads a node id of a world of nodes replicas.
func parseNode(text string, nodes int, form string) (NodeID, error) {
	if text == "" {
		return 0, fmt.Errorf("a node is missing (want %s)", form)
	}
	id, err := strconv.Atoi(text)
	if err != nil {
		return 0, fmt.Errorf("%q is not a node (want %s)", text, form)
	}
	if id < 1 || id > nodes {
		return 0, fmt.Errorf("node %d does not exist (nodes are 1..%d)", id, nodes)
	}
	return NodeID(id), nil
}

// DoLine takes the step that a decision-trace line names in a Choice world
// (ParseStep). It says what is wrong when the line is not a step, or why
// the step cannot be taken.
func (w *World[M, D, O]) DoLine(line string) error {
	w.mustBeChoice()
	s, err := ParseStep(line, w.cfg.Nodes)
	if err != nil {
		return err
	}
	return w.DoStep(s)
}

// DoStep takes step s in a Choice world, or says why it cannot be taken.
// It finds the action directly, in time linear in the messages in flight
// on s's link, without listing every enabled action: replaying a trace,
// and so shrinking, takes one step per line.
func (w *World[M, D, O]) DoStep(s Step) error {
	if !w.TakeStep(s) {
		return fmt.Errorf("%q cannot be taken: %s", s.String(), w.whyNot(s))
	}
	if w.tornMiss > 0 {
		return fmt.Errorf("%q cannot be taken: the handler made %d effects, so a crash after effect %d does not fall inside it (want 0..%d)",
			s.String(), w.tornMiss-1, s.Crash.Cut, w.tornMiss-1)
	}
	return nil
}

// TakeStep takes step s in a Choice world, as DoStep does, and reports
// whether it could: what a lenient replay (shrinking) needs, which skips
// steps that cannot be taken and has no use for the reason.
func (w *World[M, D, O]) TakeStep(s Step) bool {
	w.mustBeChoice()
	if s.Heal {
		w.cutAtHeal = s.CutOff
		w.Heal()
		return true
	}
	a, ok := w.Find(s.Kind, s.From, s.To, s.Tag, func(m M) bool { return w.text(m) == s.Msg })
	switch c := s.Crash; {
	case !ok:
	case c.Torn:
		ok = w.crashesEnabled()
	case c.Lost:
		ok = c.Unsynced == len(w.slots[s.To].unsynced)
	}
	if ok {
		a.Crash = s.Crash
		w.Do(a)
	}
	return ok
}

// TakeStepDroppingAhead is TakeStep for a lenient replay, which may have
// removed the steps that took the older messages of a FIFO link: a deliver
// or drop of a message that waits behind older ones on its FIFO link, in a
// world that drops messages, first drops those, oldest first. On a link
// that keeps order and loses messages, taking a later message dooms the
// older ones, so the schedule is the one that dropped them first, and the
// recorded steps say so. Anywhere else it is TakeStep.
func (w *World[M, D, O]) TakeStepDroppingAhead(s Step) bool {
	w.mustBeChoice()
	w.boot()
	lossyLink := w.net.FIFO && w.dropsEnabled() && s.From != s.To && int(s.To) >= 1 && int(s.To) <= w.cfg.Nodes
	if !lossyLink || (s.Kind != ActDrop && (s.Kind != ActDeliver || !w.slots[s.To].up)) {
		return w.TakeStep(s)
	}
	match := func(m M) bool { return w.text(m) == s.Msg }
	if _, ok := w.findFlightOn(s.Kind, s.From, s.To, match); !ok {
		return false
	}
	for {
		oldest, _ := w.findFlightOn(ActDrop, s.From, s.To, w.fifoMatch(func(M) bool { return true }))
		if match(oldest.Msg) {
			break
		}
		w.Do(oldest)
	}
	return w.TakeStep(s)
}

// maxTexts bounds the texts a replay remembers: past it they are
// forgotten and formatted again.
const maxTexts = 1 << 12

// text is m as a step line writes it, formatted once for the copies of a
// message that a replay meets (by digest: equal digests are one message
// to the network, flight.same): a step's message is matched against every
// one on its link, and formatting is what a replay would spend its time
// on.
func (w *World[M, D, O]) text(m M) string {
	d := m.Digest()
	if s, ok := w.texts[d]; ok {
		return s
	}
	if w.texts == nil || len(w.texts) >= maxTexts {
		w.texts = make(map[uint64]string)
	}
	s := m.String()
	w.texts[d] = s
	return s
}

// Find returns the enabled action of kind that Actions would list first
// among those on link from->to whose message satisfies match (deliver,
// drop, dup; on a FIFO link, only its oldest message is delivered or
// dropped, and only its latest duplicated), or the timer tag of node to,
// or the crash or restart of node to; false when there is none. It costs
// a scan of the messages on the link (for dup, of those ever sent), not a
// listing of every action.
func (w *World[M, D, O]) Find(kind ActionKind, from, to NodeID, tag TimerTag, match func(M) bool) (Action[M], bool) {
	w.mustBeChoice()
	w.boot()
	if int(to) < 1 || int(to) > w.cfg.Nodes {
		return Action[M]{}, false
	}
	if match == nil {
		match = func(M) bool { return true }
	}
	up := w.slots[to].up
	switch {
	case kind == ActDeliver && up, kind == ActDrop && w.dropsEnabled() && from != to:
		return w.findFlightOn(kind, from, to, w.fifoMatch(match))
	case kind == ActDup && w.dupsEnabled():
		return w.findSentOn(from, to, match)
	case kind == ActTimer:
		return Action[M]{Kind: kind, To: to, Tag: tag}, up && tag < MaxTimerTags && w.slots[to].armed&(1<<tag) != 0
	case kind == ActCrash:
		return Action[M]{Kind: kind, To: to}, up && w.crashesEnabled()
	case kind == ActRestart:
		return Action[M]{Kind: kind, To: to}, !up
	}
	return Action[M]{}, false
}

// fifoMatch is match, but on FIFO links it takes a link's first message
// or nothing: a scan of the link stops at its oldest message.
func (w *World[M, D, O]) fifoMatch(match func(M) bool) func(M) bool {
	if !w.net.FIFO {
		return match
	}
	first := true
	return func(m M) bool {
		if !first {
			return false
		}
		first = false
		return match(m)
	}
}

// OnLink lists the messages on link from->to that kind would take
// (deliver and drop: those in flight; dup: those ever sent), in order, for
// error messages.
func (w *World[M, D, O]) OnLink(kind ActionKind, from, to NodeID) []M {
	flights := w.inflight
	if kind == ActDup {
		flights = w.sentLog
	}
	var out []M
	for i := range flights {
		if flights[i].from == from && flights[i].to == to {
			out = append(out, flights[i].msg)
		}
	}
	return out
}

// whyNot explains a step that cannot be taken, for error messages.
func (w *World[M, D, O]) whyNot(s Step) string {
	c, node := w.cfg.Choice, s.To
	switch {
	case s.Kind == ActDrop && (!c.Drops || c.Network != Multiset):
		return "drops are off in this world"
	case s.Kind == ActDup && c.Network != Multiset:
		return "duplications are off in this world"
	case s.Kind == ActDup && w.dups >= c.MaxDups:
		return fmt.Sprintf("the duplication budget (%d) is spent", c.MaxDups)
	case s.Kind == ActDeliver && !w.slots[node].up:
		return fmt.Sprintf("its receiver, node %s, is down", node)
	case s.Kind == ActDeliver || s.Kind == ActDrop || s.Kind == ActDup:
		return w.whyNoMessage(s)
	case s.Kind == ActTimer && !w.slots[node].up:
		return fmt.Sprintf("node %s is down", node)
	case s.Kind == ActTimer:
		return fmt.Sprintf("timer %d of node %s is not armed", s.Tag, node)
	case s.Kind == ActCrash && !w.slots[node].up:
		return fmt.Sprintf("node %s is down already", node)
	case (s.Kind == ActCrash || s.Crash.Torn) && w.crashes >= c.MaxCrashes:
		return fmt.Sprintf("the crash budget (%d) is spent", c.MaxCrashes)
	case s.Crash.Torn && !w.crashesEnabled():
		return fmt.Sprintf("%d nodes are down, the most this world allows at once", w.crashed)
	case s.Crash.Lost && w.slots[node].up && s.Crash.Unsynced != len(w.slots[node].unsynced):
		return fmt.Sprintf("node %s has %d unsynced writes, not %d", node, len(w.slots[node].unsynced), s.Crash.Unsynced)
	case s.Kind == ActCrash:
		return fmt.Sprintf("%d nodes are down, the most this world allows at once", w.crashed)
	case s.Kind == ActRestart:
		return fmt.Sprintf("node %s is up", node)
	}
	return "it is not a step"
}

// whyNoMessage says what is on a deliver, drop or dup step's link instead.
func (w *World[M, D, O]) whyNoMessage(s Step) string {
	there := w.OnLink(s.Kind, s.From, s.To)
	what := "in flight"
	if s.Kind == ActDup {
		what = "ever sent"
	}
	switch {
	case len(there) == 0:
		return fmt.Sprintf("no message %s on %s->%s", what, s.From, s.To)
	case s.Kind == ActDrop && s.From == s.To:
		return "a node's message to itself never crosses the network, so it is never dropped"
	case w.net.FIFO && s.Kind != ActDup:
		return fmt.Sprintf("%s->%s is a FIFO link: its oldest message goes first, and that is %s", s.From, s.To, there[0])
	}
	names := make([]string, 0, min(len(there), 8))
	for _, m := range there[:min(len(there), 8)] {
		names = append(names, m.String())
	}
	more := ""
	if len(there) > len(names) {
		more = fmt.Sprintf(" and %d more", len(there)-len(names))
	}
	return fmt.Sprintf("no such message %s on %s->%s; there: %s%s", what, s.From, s.To, strings.Join(names, ", "), more)
}

// parseNodeSet reads a set of node ids, "2,3", of a world of nodes
// replicas.
func parseNodeSet(set string, nodes int) (uint64, error) {
	var mask uint64
	for _, f := range strings.Split(set, ",") {
		id, err := parseNode(f, nodes, "NODES, e.g. 2,3")
		if err != nil {
			return 0, err
		}
		mask |= 1 << uint(id)
	}
	return mask, nil
}
