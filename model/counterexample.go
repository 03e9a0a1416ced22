package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
)

// newReplay is a fresh Session of c in the Choice world a decision trace
// replays in (trace.Mode), which its counterexamples replay in: a
// multiset network whose lines are the bound.
func newReplay[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, c engine.Config) (*engine.Session[M, D], error) {
	return engine.NewSession(p, info, c, 0, trace.Mode(c.Nodes), zeroDecider{}, engine.Options{})
}

// Counterexample turns an explorer's path, its labels, into lines that
// replay in a multiset Choice world (trace.ReplayAll, as a trace of
// Report.Config), and checks that they
// reproduce want: the first violation of the search's properties, or a
// panic. The clients' first requests come first, a later one right
// before the step that first delivers or drops it; a set network's second
// delivery of a replica's message becomes a "dup" line before it, and of
// a client's request the client's retry; with local self-deliveries
// (CheckConfig.NetworkSelf false), each is written out as a line of its
// own, in the order sent, after the step that sent it.
func (m *Model[M, D]) Counterexample(labels []string, want checker.Property) ([]string, error) {
	return m.reproduce(labels, want, true)
}

// reproduce is Counterexample; without redeliver, a step whose message is
// not in flight is an error, not a reason to write a duplicate before it.
func (m *Model[M, D]) reproduce(labels []string, want checker.Property, redeliver bool) ([]string, error) {
	lines, err := m.linesOf(labels, redeliver)
	if err != nil {
		return nil, err
	}
	res, err := trace.ReplayAll(m.proto, m.info, trace.FromResult(m.cfg, &engine.Result{Lines: lines}))
	if err != nil {
		return nil, fmt.Errorf("the counterexample does not replay: %v", err)
	}
	if !breaks(res.Violations, want) {
		return nil, &replayDisagrees{want, res.Verdict}
	}
	return lines, nil
}

// breaks reports whether the replay's violations include want: the run
// stops at the step that broke its first property, and records every
// property that step broke, so a check the replay runs and the search
// does not (the observation contract's) may come first at the same step.
func breaks(vs []checker.Violation, want checker.Property) bool {
	return slices.ContainsFunc(vs, func(v checker.Violation) bool { return v.Property == want })
}

// replayDisagrees is Counterexample's error for lines that replay
// without breaking what the search saw break.
type replayDisagrees struct {
	want    checker.Property
	verdict string
}

func (e *replayDisagrees) Error() string {
	return fmt.Sprintf("replaying its steps on nodes made afresh does not break %s (verdict %s)", e.want, e.verdict)
}

// lines takes an explorer's path in a replay's world and returns the lines
// it took; a panic ends them with the step that panicked.
func (m *Model[M, D]) lines(labels []string) ([]string, error) { return m.linesOf(labels, true) }

// linesOf is lines; without redeliver, a step that does not replay is an
// error.
func (m *Model[M, D]) linesOf(labels []string, redeliver bool) ([]string, error) {
	s, err := newReplay(m.proto, m.info, m.cfg)
	if err != nil {
		return nil, err
	}
	var out []string
	take := func(l string) error {
		out = append(out, l)
		return s.World().DoLine(l)
	}
	sent := make([]bool, len(m.requests))
	send := func(i int) error {
		sent[i] = true
		out = append(out, m.requests[i].step.String())
		return s.Client(m.requests[i].step)
	}
	err = s.Execute(func() error {
		for i, r := range m.requests {
			if r.seq == 1 {
				if err := send(i); err != nil {
					return err
				}
			}
		}
		for _, l := range labels {
			if i := m.sentBy(l); i >= 0 && !sent[i] {
				if err := send(i); err != nil {
					return fmt.Errorf("explorer step %q: %v", l, err)
				}
			}
			if err := take(l); err != nil {
				if !redeliver {
					return fmt.Errorf("explorer step %q does not replay: %v", l, err)
				}
				out = out[:len(out)-1]
				extra, err := m.redeliver(s, l)
				if err != nil {
					return fmt.Errorf("explorer step %q does not replay: %v", l, err)
				}
				out = append(out, extra)
				if err := take(l); err != nil {
					return fmt.Errorf("explorer step %q does not replay after %q: %v", l, extra, err)
				}
			}
			if err := m.deliverLocal(s, take); err != nil {
				return fmt.Errorf("local delivery does not replay: %v", err)
			}
		}
		return nil
	})
	return out, err
}

// sentBy returns the index of the client's request that explorer step
// label delivers or drops (also where a torn crash cuts that delivery
// short), or -1: a request after a client's first is sent at its first
// such step (turns.go), and the replay sends it right before.
func (m *Model[M, D]) sentBy(label string) int {
	step := tornStep(label)
	if rest, ok := strings.CutPrefix(step, "drop "); ok {
		step = "deliver " + rest
	}
	for i := range m.requests {
		if m.requests[i].label == step {
			return i
		}
	}
	return -1
}

// redeliver makes a set network's second delivery of a message possible
// in a multiset world: a duplicate of a replica's message, a client's
// retry of its request, also where a torn crash cuts that delivery short.
// It returns the line it took.
func (m *Model[M, D]) redeliver(s *engine.Session[M, D], label string) (string, error) {
	step := tornStep(label)
	verb, rest, _ := strings.Cut(step, " ")
	if verb != "deliver" {
		return "", fmt.Errorf("%q cannot be taken", label)
	}
	if strings.HasPrefix(rest, sim.External.String()+"->") {
		for _, r := range m.requests {
			if r.label == step {
				retry := engine.ClientStep{Client: r.step.Client, To: r.step.To}
				return retry.String(), s.Client(retry)
			}
		}
		return "", fmt.Errorf("%q: no client sent that request", label)
	}
	dup := "dup " + rest
	return dup, s.World().DoLine(dup)
}

// deliverLocal takes, when the explorer's replicas call themselves, the
// messages they sent themselves in the step just taken, in the order
// sent: what the explorer's step did within it.
func (m *Model[M, D]) deliverLocal(s *engine.Session[M, D], take func(string) error) error {
	if !m.sc.Choice.LocalSelf {
		return nil
	}
	for {
		self := ""
		for _, a := range s.World().Actions() {
			if a.Kind == sim.ActDeliver && a.From == a.To {
				self = a.String()
				break
			}
		}
		if self == "" {
			return nil
		}
		if err := take(self); err != nil {
			return err
		}
	}
}

// tornStep returns the step a torn crash's label cuts short ("crash N
// after effect K of STEP"), or label itself when it is no torn crash.
func tornStep(label string) string {
	if rest, ok := strings.CutPrefix(label, "crash "); ok {
		if _, after, ok := strings.Cut(rest, " after effect "); ok {
			if _, step, ok := strings.Cut(after, " of "); ok {
				return step
			}
		}
	}
	return label
}
