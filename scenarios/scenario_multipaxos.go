package scenarios

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker/linearize"
	mp "github.com/paxsim/paxsim/protocol/multipaxos"
	"github.com/paxsim/paxsim/sim"
)

// mpClientStep is a Multi-Paxos scenario's client step: "client C put KEY
// VALUE to N", "client C get KEY to N", "client C append KEY VALUE to N",
// "client C reconfig 1+2+3 to N" or "client C retry to N".
type mpClientStep struct {
	client     int
	verb       string
	key, value string
	members    []sim.NodeID
	to         sim.NodeID
}

const mpClientSyntax = "client C put KEY VALUE to N, client C get KEY to N, client C append KEY VALUE to N, client C reconfig 1+2+3 to N or client C retry to N"

// parseMPClientLine reads a Multi-Paxos client step.
func parseMPClientLine(line string, nodes int) (mpClientStep, error) {
	var st mpClientStep
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "client" || f[len(f)-2] != "to" {
		return st, fmt.Errorf("want %s", mpClientSyntax)
	}
	c, err := strconv.Atoi(f[1])
	if err != nil || c < 1 || c > 1000 {
		return st, fmt.Errorf("client %q: want a number 1..1000", f[1])
	}
	to, err := strconv.Atoi(f[len(f)-1])
	if err != nil || to < 1 || to > nodes {
		return st, fmt.Errorf("node %s does not exist (nodes are 1..%d)", f[len(f)-1], nodes)
	}
	st.client, st.verb, st.to = c, f[2], sim.NodeID(to)
	args := f[3 : len(f)-2]
	want := map[string]int{"put": 2, "append": 2, "get": 1, "reconfig": 1, "retry": 0}
	n, ok := want[st.verb]
	switch {
	case !ok:
		return st, fmt.Errorf("client %d %s: unknown request (want %s)", c, st.verb, mpClientSyntax)
	case len(args) != n:
		return st, fmt.Errorf("client %d %s takes %d argument(s), not %d (want %s)", c, st.verb, n, len(args), mpClientSyntax)
	}
	switch st.verb {
	case "put", "append":
		st.key, st.value = args[0], args[1]
	case "get":
		st.key = args[0]
	case "reconfig":
		for _, m := range strings.Split(args[0], "+") {
			id, err := strconv.Atoi(m)
			if err != nil || id < 1 || id > nodes {
				return st, fmt.Errorf("reconfig %s: member %q is not a node (1..%d)", args[0], m, nodes)
			}
			st.members = append(st.members, sim.NodeID(id))
		}
	}
	return st, nil
}

// timerTagMP reads a Multi-Paxos timer step's tag: a name (tick,
// election, catchup, commit) or a number; the election timer when none is
// given.
func timerTagMP(name string) (sim.TimerTag, error) {
	if name == "" {
		name = "election"
	}
	if tag, ok := mp.LookupTimer(name); ok {
		return tag, nil
	}
	if n, err := strconv.Atoi(name); err == nil && n >= 0 && n < 4 {
		return sim.TimerTag(n), nil
	}
	return 0, fmt.Errorf("timer %q: want tick, election, catchup or commit", name)
}

func mpMsgType(m mp.Msg) string { return m.Type.String() }

// runMPScenario runs one Multi-Paxos block of s: the world in choice mode,
// the campaign's checkers (agreement and the early checks per instance,
// log and state consistency, exactly-once; linearizability of the
// operations at the end; liveness when a settle step ends the run).
func runMPScenario(s *Scenario, run ScenarioRun, w io.Writer) (ScenarioResult, error) {
	c := Default()
	c.Protocol, c.Variant, c.Nodes, c.HealAt, c.Reconfig = MultiPaxos, run.Variant, run.Nodes, 0, "none"
	sc, setup, err := c.buildMP()
	if err != nil {
		return ScenarioResult{}, &TraceError{File: s.File, Line: run.Line, Msg: err.Error()}
	}
	setup.cfg.Alpha = run.Alpha
	sc.Mode = sim.Choice
	sc.Choice = sim.ChoiceConfig{Drops: true, MaxDups: 1 << 30, MaxCrashes: 1 << 30, DupSelf: true}
	sc.Faults.MaxCrashed = c.Nodes
	sc.Faults.Schedule = nil
	r, err := newMPRunner(c, sc, setup, run.Seed, sim.NewRandom(run.Seed), Options{})
	if err != nil {
		return ScenarioResult{}, err
	}
	out := &mpPrinter{scenarioPrinter{w: w}}
	r.onObserve = out.observe
	var stepErr error
	r.execute(func() { stepErr = r.scenario(run.Steps, out) })
	if stepErr != nil {
		var te *TraceError
		if errors.As(stepErr, &te) {
			te.File = s.File
		}
		return ScenarioResult{}, stepErr
	}
	return judgeScenario(run, r.res, r.outcome(), w), nil
}

// scenario takes the steps of a Multi-Paxos run, printing each.
func (r *mpRunner) scenario(steps []sim.ScriptLine, out *mpPrinter) error {
	w := r.world
	w.Next() // boot the replicas before the first step
	state := func() { out.state(w) }
	for _, l := range steps {
		verb, rest, _ := strings.Cut(l.Text, " ")
		switch verb {
		case "client":
			st, err := parseMPClientLine(l.Text, r.cfg.Nodes)
			if err == nil {
				err = r.scripted(st)
			}
			if err != nil {
				return &TraceError{Line: l.N, Msg: fmt.Sprintf("%q cannot be taken: %v", l.Text, err)}
			}
			out.step(l.Text)
			state()
		case "settle":
			settle(out, w, r.settle, state)
		default:
			if err := takeStep(w, l, verb, rest, mpMsgType, timerTagMP, out.step, state); err != nil {
				return err
			}
		}
	}
	if r.res.Stop == "" {
		r.res.Stop = StopEndOfTrace
	}
	return nil
}

// settle heals every fault and runs the cluster timed, with the run's
// seed, until every client is answered and every replica caught up, or
// the liveness bound passes.
func (r *mpRunner) settle() {
	w := r.world
	r.decide = sim.NewRandom(r.res.Seed)
	w.SetDecider(r.decide)
	w.Heal()
	w.SwitchToTimed()
	now := w.Now()
	r.loop(now, now+sim.Time(r.cfg.Liveness), now+sim.Time(r.cfg.Liveness))
}

// client returns scenario client id, created on first use.
func (r *mpRunner) client(id int) *mpClient {
	for _, cl := range r.clients {
		if cl.id == id {
			return cl
		}
	}
	cl := &mpClient{id: id, op: -1}
	r.clients = append(r.clients, cl)
	return cl
}

// scripted takes a scenario's client step.
func (r *mpRunner) scripted(st mpClientStep) error {
	cl, now := r.client(st.client), r.world.Now()
	if st.verb == "retry" {
		if !cl.waiting {
			return fmt.Errorf("client %d has no request waiting for an answer", st.client)
		}
		r.sendTo(cl, st.to, now)
		return nil
	}
	if cl.waiting {
		return fmt.Errorf("client %d still waits for %s: one request at a time (client %d retry to N sends it again)",
			st.client, mp.FormatID(cl.cmdID), st.client)
	}
	cl.seq++
	op := -1
	switch st.verb {
	case "reconfig":
		cl.current = mp.Reconfig(cl.id, cl.seq, st.members...)
	case "get":
		op = r.newOp(cl, linearize.KVGet, st.key, "")
	case "put":
		op = r.newOp(cl, linearize.KVPut, st.key, st.value)
	case "append":
		op = r.newOp(cl, linearize.KVAppend, st.key, st.value)
	}
	r.invoke(cl, op)
	r.sendTo(cl, st.to, now)
	return nil
}

// outcome says what a Multi-Paxos run without violations achieved: the
// values chosen, instance by instance, and the operations answered.
func (r *mpRunner) outcome() string {
	var chosen []string
	top := int64(0)
	for id := sim.NodeID(1); int(id) <= r.cfg.Nodes; id++ {
		d := r.world.Durable(id)
		top = max(top, int64(len(d.Prefix)))
		if k := len(d.Tail); k > 0 {
			top = max(top, d.Tail[k-1].Instance)
		}
	}
	for i := int64(1); i <= top; i++ {
		ch, ok := r.safety.Chosen(i)
		if !ok {
			continue
		}
		last := i // a run of no-ops is one item
		for ch.Value == mp.NoOp && last < top {
			if next, ok := r.safety.Chosen(last + 1); !ok || next.Value != mp.NoOp {
				break
			}
			last++
		}
		if last > i {
			chosen = append(chosen, fmt.Sprintf("i%d-i%d noop", i, last))
		} else {
			chosen = append(chosen, fmt.Sprintf("i%d %s", i, mp.FormatID(ch.Value)))
		}
		i = last
	}
	answered, asked := 0, 0
	for _, cl := range r.clients {
		asked += cl.seq
		answered += cl.seq
		if cl.waiting {
			answered--
		}
	}
	what := "nothing chosen"
	if len(chosen) > 0 {
		what = "chosen " + strings.Join(chosen, ", ")
	}
	return fmt.Sprintf("%s; %d of %d requests answered", what, answered, asked)
}

// mpPrinter writes a Multi-Paxos scenario's message sequence: as
// scenarioPrinter, with timers named and the replicas' logs for state.
type mpPrinter struct {
	scenarioPrinter
}

// step prints a step, naming timers.
func (p *mpPrinter) step(s string) {
	if f := strings.Fields(s); len(f) == 3 && f[0] == "timer" {
		if tag, err := strconv.Atoi(f[2]); err == nil {
			s = "timer " + f[1] + " " + mp.TimerName(sim.TimerTag(tag))
		}
	}
	p.scenarioPrinter.step(s)
}

// state prints every replica's durable state on one line: its promise and
// its log, each entry as iN (accepted ballot, command), marked chosen when
// the replica knows it is, with its view when that is not the first one.
func (p *mpPrinter) state(w *mpWorld) {
	var b strings.Builder
	b.WriteString("  =")
	for id := sim.NodeID(1); int(id) <= w.Nodes(); id++ {
		d := w.Durable(id)
		down := ""
		if !w.Up(id) {
			down = "down "
		}
		fmt.Fprintf(&b, " %d{%sp %s", id, down, d.Promised)
		entries := append(append([]mp.Entry(nil), d.Prefix...), d.Tail...)
		for k := 0; k < len(entries); k++ {
			e := entries[k]
			// A run of no-ops alike (a leader filling a window) is one item.
			last := k
			for last+1 < len(entries) && e.Cmd.ID == mp.NoOp && sameButInstance(entries[last+1], e) && entries[last+1].Instance == entries[last].Instance+1 {
				last++
			}
			if last > k {
				fmt.Fprintf(&b, ", i%d-i%d", e.Instance, entries[last].Instance)
			} else {
				fmt.Fprintf(&b, ", i%d", e.Instance)
			}
			fmt.Fprintf(&b, " (%s, %s)", e.Ballot, mp.FormatID(e.Cmd.ID))
			if e.View.Epoch != 0 {
				fmt.Fprintf(&b, " %s", e.View)
			}
			if e.Chosen {
				b.WriteString(" chosen")
			}
			k = last
		}
		b.WriteString("}")
	}
	fmt.Fprintln(p.w, b.String())
}

// sameButInstance reports whether two log entries differ in their instance
// at most.
func sameButInstance(a, b mp.Entry) bool {
	return a.Ballot == b.Ballot && a.View == b.View && a.Chosen == b.Chosen && a.Cmd.ID == b.Cmd.ID
}
