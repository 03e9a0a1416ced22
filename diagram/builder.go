package diagram

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/sim"
)

// DefaultMaxRows bounds a diagram: past it, steps are counted, not drawn.
// A shrunk trace is tens of steps; a whole timed run may be thousands.
const DefaultMaxRows = 2000

// Builder builds a Diagram from a run, call by call, in the order the run
// makes them: Entry for each trace entry (SetTracer) and each send
// (SetSendTracer, whose entries have Kind "send"), Request and Reply for the
// clients, Observe for the nodes' observations, EndStep and State after
// each step.
//
// Each executed event starts a row. A network fault met by a send (a drop,
// a partition cut, a duplicate at sending) belongs to the row of the step
// that sent the message; one that is a step of its own (a choice-mode drop,
// a message reaching a crashed node) starts a row. Messages match their
// deliveries by link and text, the oldest copy first.
type Builder struct {
	// MaxRows bounds the rows; 0 means DefaultMaxRows.
	MaxRows int

	d       Diagram
	flights []int     // unresolved arrows, in sending order
	last    int       // the arrow the last call sent, or -1
	pending []request // client requests not due yet
	open    map[string]int
	state   []string // each lane's current state
	now     int64
	full    bool // rows reached MaxRows
}

type request struct {
	at     int64
	client int
	to     sim.NodeID
	msg    string
}

// NewBuilder starts a diagram with lanes, in the order they are drawn.
func NewBuilder(lanes []Lane) *Builder {
	b := &Builder{last: -1, open: map[string]int{}, state: make([]string, len(lanes))}
	b.d.Lanes = append([]Lane(nil), lanes...)
	return b
}

// Lanes returns the usual lanes: clients 1..clients, then replicas
// 1..replicas.
func Lanes(replicas, clients int) []Lane {
	var lanes []Lane
	for c := 1; c <= clients; c++ {
		lanes = append(lanes, Lane{Kind: Client, ID: c, Name: fmt.Sprintf("client %d", c)})
	}
	for r := 1; r <= replicas; r++ {
		lanes = append(lanes, Lane{Kind: Replica, ID: r, Name: fmt.Sprintf("replica %d", r)})
	}
	return lanes
}

// lane finds the lane of kind and id, or -1.
func (b *Builder) lane(kind LaneKind, id int) int {
	for i, l := range b.d.Lanes {
		if l.Kind == kind && l.ID == id {
			return i
		}
	}
	return -1
}

func (b *Builder) replica(id sim.NodeID) int { return b.lane(Replica, int(id)) }

// row starts a row, after any client request due by then; it returns the
// row's index, or -1 past MaxRows.
func (b *Builder) row(r Row) int {
	b.flushRequests(r.Time)
	return b.addRow(r)
}

func (b *Builder) addRow(r Row) int {
	limit := b.MaxRows
	if limit <= 0 {
		limit = DefaultMaxRows
	}
	if len(b.d.Rows) >= limit {
		b.full = true
		b.d.Omitted++
		return -1
	}
	b.now = max(b.now, r.Time)
	b.d.Rows = append(b.d.Rows, r)
	return len(b.d.Rows) - 1
}

// current is the row now being filled: the last one, or a "start" row
// when none exists yet (what nodes do as they boot).
func (b *Builder) current() int {
	if b.full {
		return -1
	}
	if len(b.d.Rows) == 0 {
		return b.addRow(Row{Kind: "start", Lane: -1, Label: "the replicas start"})
	}
	return len(b.d.Rows) - 1
}

// EndStep says the run's step is over: a network fault traced after it is
// a step of its own (a choice-mode drop or duplication), not one met by
// the step's last send.
func (b *Builder) EndStep() { b.last = -1 }

// Full reports whether the diagram reached MaxRows: later steps are only
// counted.
func (b *Builder) Full() bool { return b.full }

// Rows counts the rows built so far.
func (b *Builder) Rows() int { return len(b.d.Rows) }

// Entry records one trace entry: an executed event, a network fault, or a
// send (Kind "send").
func (b *Builder) Entry(e sim.TraceEntry) {
	last := b.last
	b.last = -1
	switch e.Kind {
	case "send":
		b.send(e)
	case "deliver", "request":
		b.deliver(e)
	case "drop", "partition-drop", "lost-at-crashed", "overflow":
		b.lose(e, last)
	case "dup", "redeliver":
		b.copy(e, last)
	case "crash", "torn-crash", "lost-unsynced":
		b.crash(e)
	case "restart":
		b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: b.replica(e.From), Label: label(e)})
		b.closeSpan("down " + e.From.String())
	case "slow", "pause":
		b.closeSpan("slow " + e.From.String())
		r := b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: b.replica(e.From), Label: label(e)})
		b.openSpan("slow "+e.From.String(), Span{Kind: e.Kind, Lanes: []int{b.replica(e.From)}, From: r, Label: e.Kind + ": " + e.Msg})
	case "recover":
		b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: b.replica(e.From), Label: label(e)})
		b.closeSpan("slow " + e.From.String())
	case "partition", "partition-oneway":
		r := b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: -1, Label: label(e)})
		id, _, _ := strings.Cut(e.Msg, ":")
		b.openSpan(id, Span{Kind: "partition", Lanes: b.side(e.Msg), From: r, Label: e.Msg})
	case "partition-heal":
		b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: -1, Label: label(e)})
		id, _, _ := strings.Cut(e.Msg, " heals")
		b.closeSpan(id)
	case "heal":
		b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: -1, Label: label(e)})
		b.closeSpans(func(key string) bool { return !strings.HasPrefix(key, "down ") }) // restarts end those
	default:
		lane := -1
		if e.From == e.To && e.From != sim.External {
			lane = b.replica(e.From)
		}
		b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: lane, Label: label(e)})
	}
}

// label is a trace entry as the readable trace prints it, without its
// time and index.
// isCrash reports whether a row of kind is a crash: between handlers, or
// inside one (torn-crash, its label says after which effect of which
// step), or losing unsynced writes (lost-unsynced, its label says how
// many).
func isCrash(kind string) bool {
	return kind == "crash" || kind == "torn-crash" || kind == "lost-unsynced"
}

func label(e sim.TraceEntry) string {
	s := e.String()
	for range 2 { // "t=7 #7 "
		_, s, _ = strings.Cut(s, " ")
	}
	return s
}

func (b *Builder) send(e sim.TraceEntry) {
	r := b.current()
	if r < 0 {
		return
	}
	b.last = b.addArrow(Arrow{From: b.replica(e.From), To: b.replica(e.To), Label: e.Msg, Sent: r, End: -1, Fate: InFlight})
}

func (b *Builder) addArrow(a Arrow) int {
	b.d.Arrows = append(b.d.Arrows, a)
	i := len(b.d.Arrows) - 1
	if a.Fate == InFlight {
		b.flights = append(b.flights, i)
	}
	return i
}

// take removes and returns the oldest unresolved arrow on from->to with
// text msg (from External: any client), or -1.
func (b *Builder) take(from, to sim.NodeID, msg string) int {
	for k, i := range b.flights {
		a := &b.d.Arrows[i]
		if a.Label == msg && b.matches(a, from, to) {
			b.flights = append(b.flights[:k], b.flights[k+1:]...)
			return i
		}
	}
	return -1
}

func (b *Builder) matches(a *Arrow, from, to sim.NodeID) bool {
	if a.To != b.replica(to) {
		return false
	}
	if from == sim.External {
		return a.From >= 0 && b.d.Lanes[a.From].Kind == Client
	}
	return a.From == b.replica(from)
}

// resolve ends arrow i at row with fate.
func (b *Builder) resolve(i, row int, fate Fate, why string) {
	for k, j := range b.flights {
		if j == i {
			b.flights = append(b.flights[:k], b.flights[k+1:]...)
			break
		}
	}
	a := &b.d.Arrows[i]
	a.End, a.Fate, a.Why = row, fate, why
}

func (b *Builder) deliver(e sim.TraceEntry) {
	r := b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: b.replica(e.To), Label: label(e)})
	if r < 0 {
		return // past MaxRows: the message stays in flight
	}
	if i := b.take(e.From, e.To, e.Msg); i >= 0 {
		b.resolve(i, r, Delivered, "")
	}
}

// lose records a message lost: at sending (the arrow just sent, last), or
// as a step of its own.
func (b *Builder) lose(e sim.TraceEntry, last int) {
	fate := Dropped
	if e.Kind == "lost-at-crashed" {
		fate = Lost
	}
	if last >= 0 && b.sameMessage(last, e) {
		b.resolve(last, b.d.Arrows[last].Sent, fate, e.Kind)
		return
	}
	b.flushRequests(int64(e.Time)) // a client request lost on arrival is drawn first
	i := b.take(e.From, e.To, e.Msg)
	if i < 0 && e.Kind == "lost-at-crashed" && e.From == e.To {
		return // a message to itself, shown lost with its sender's crash
	}
	r := b.addRow(Row{Time: int64(e.Time), Kind: e.Kind, Lane: b.replica(e.To), Label: label(e)})
	switch {
	case i >= 0 && r >= 0:
		b.resolve(i, r, fate, e.Kind)
	case i >= 0: // past MaxRows: it stays in flight
		b.flights = append(b.flights, i)
	}
}

func (b *Builder) sameMessage(i int, e sim.TraceEntry) bool {
	a := &b.d.Arrows[i]
	return a.Fate == InFlight && a.Label == e.Msg && b.matches(a, e.From, e.To)
}

// copy records a copy the network made: at sending (a duplicate of the
// arrow just sent, or an old message redelivered), or as a step of its
// own (a choice-mode duplication).
func (b *Builder) copy(e sim.TraceEntry, last int) {
	r := b.current()
	if e.Kind == "dup" && !(last >= 0 && b.sameMessage(last, e)) {
		r = b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: b.replica(e.From), Label: label(e)})
	}
	if r < 0 {
		return
	}
	b.addArrow(Arrow{From: b.replica(e.From), To: b.replica(e.To), Label: e.Msg, Sent: r, End: -1, Fate: InFlight, Copy: e.Kind})
}

// crash starts a down span; the node's messages to itself die with it.
func (b *Builder) crash(e sim.TraceEntry) {
	lane := b.replica(e.From)
	r := b.row(Row{Time: int64(e.Time), Kind: e.Kind, Lane: lane, Label: label(e)})
	if r < 0 {
		return
	}
	b.openSpan("down "+e.From.String(), Span{Kind: "down", Lanes: []int{lane}, From: r, Label: e.From.String() + " is down"})
	for _, i := range append([]int(nil), b.flights...) {
		if a := &b.d.Arrows[i]; a.From == lane && a.To == lane {
			b.resolve(i, r, Lost, "crash")
		}
	}
}

func (b *Builder) openSpan(key string, s Span) {
	if s.From < 0 {
		return
	}
	b.closeSpan(key)
	b.d.Spans = append(b.d.Spans, s)
	b.open[key] = len(b.d.Spans) - 1
}

// closeSpan ends the span under key at the current row.
func (b *Builder) closeSpan(key string) {
	i, ok := b.open[key]
	if !ok {
		return
	}
	delete(b.open, key)
	b.d.Spans[i].To = max(len(b.d.Rows)-1, b.d.Spans[i].From)
}

func (b *Builder) closeSpans(which func(key string) bool) {
	keys := make([]string, 0, len(b.open))
	for k := range b.open { // order-free: the keys are sorted below
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if which(k) {
			b.closeSpan(k)
		}
	}
}

// side reads the lanes of a partition's first side from its description,
// "partition #1: {1,2} | {3}".
func (b *Builder) side(desc string) []int {
	_, rest, _ := strings.Cut(desc, "{")
	set, _, _ := strings.Cut(rest, "}")
	var lanes []int
	for _, f := range strings.Split(set, ",") {
		if id, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			if l := b.replica(sim.NodeID(id)); l >= 0 {
				lanes = append(lanes, l)
			}
		}
	}
	return lanes
}

// Request records client's request msg to replica to, sent at virtual time
// at: now, or later (a timed run schedules its clients ahead), in which
// case it is drawn when the run reaches that time.
func (b *Builder) Request(client int, to sim.NodeID, msg string, at int64) {
	b.last = -1
	req := request{at: at, client: client, to: to, msg: msg}
	if at > b.now {
		i := sort.Search(len(b.pending), func(i int) bool { return b.pending[i].at > at })
		b.pending = append(b.pending[:i], append([]request{req}, b.pending[i:]...)...)
		return
	}
	b.invoke(req)
}

// flushRequests draws the pending requests due by time t.
func (b *Builder) flushRequests(t int64) {
	for len(b.pending) > 0 && b.pending[0].at <= t {
		req := b.pending[0]
		b.pending = b.pending[1:]
		b.invoke(req)
	}
}

func (b *Builder) invoke(req request) {
	lane := b.lane(Client, req.client)
	r := b.addRow(Row{Time: max(req.at, b.now), Kind: "invoke", Lane: lane,
		Label: fmt.Sprintf("client %d sends %s to %s", req.client, req.msg, req.to)})
	if r >= 0 && lane >= 0 {
		b.addArrow(Arrow{From: lane, To: b.replica(req.to), Label: req.msg, Sent: r, End: -1, Fate: InFlight})
	}
}

// Reply records replica node's answer text to client, in the current row.
func (b *Builder) Reply(node sim.NodeID, client int, text string) {
	b.last = -1
	r, lane := b.current(), b.lane(Client, client)
	if r < 0 || lane < 0 {
		return
	}
	b.addArrow(Arrow{From: b.replica(node), To: lane, Label: text, Sent: r, End: r, Fate: Delivered, Reply: true})
}

// Observe records what node observed during the current step.
func (b *Builder) Observe(node sim.NodeID, text string) {
	b.last = -1
	if r := b.current(); r >= 0 {
		b.d.Rows[r].Notes = append(b.d.Rows[r].Notes, Note{Lane: b.replica(node), Text: text})
	}
}

// State records node's state after the current step, or before any step
// its initial state (at row -1). Only changes are kept.
func (b *Builder) State(node sim.NodeID, state string) {
	lane := b.replica(node)
	if lane < 0 || b.state[lane] == state || b.full {
		return
	}
	b.state[lane] = state
	b.d.States = append(b.d.States, StateChange{Row: len(b.d.Rows) - 1, Lane: lane, State: state})
}

// Diagram ends the diagram: faults still in force and messages still in
// the network run to the last row.
func (b *Builder) Diagram() *Diagram {
	d := b.d
	end := max(len(d.Rows)-1, 0)
	d.Spans = append([]Span(nil), d.Spans...)
	for _, i := range b.open { // order-free: each marks its own span
		d.Spans[i].To, d.Spans[i].Open = end, true
	}
	d.Arrows = append([]Arrow(nil), d.Arrows...)
	for _, i := range b.flights {
		d.Arrows[i].End = end
	}
	return &d
}
