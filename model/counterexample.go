package model

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// replayBounds are the bounds of the multiset Choice world a
// counterexample replays in: none on drops, duplications or crashes, since
// the lines are the bound. A node's messages to itself may be duplicated
// (a set network may deliver them twice) and go through the network, so
// that a local delivery of the explorer's is a line of its own.
var replayBounds = sim.ChoiceConfig{Drops: true, MaxDups: 1 << 30, MaxCrashes: 1 << 30, DupSelf: true}

// newReplay is a fresh Session of c in the multiset Choice world of a
// counterexample's replay.
func newReplay[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, c engine.Config) (*engine.Session[M, D], error) {
	return engine.NewSession(p, info, c, 0, engine.Mode{Choice: true, Bounds: replayBounds}, zeroDecider{}, engine.Options{})
}

// Replay runs a counterexample's lines in a fresh Session of c (a search's
// Report.Config) over a multiset Choice world: client steps ("client 1
// proposes v1 to 1", "client 2 retry to 2") and world actions ("deliver
// 1->2 Prepare(1.1)", "dup ...", "timer 3 1", "crash 2"). It takes every
// line, past the first violation, so that a search for one property can
// be confirmed past an early check that breaks first, and returns the
// run's result: the first violation of each property, a panic first. A
// line that cannot be taken is a *engine.LineError.
func Replay[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, c engine.Config, lines []string) (engine.Result, error) {
	s, err := newReplay(p, info, c)
	if err != nil {
		return engine.Result{}, err
	}
	err = s.Execute(func() error {
		for i, l := range lines {
			if err := takeLine(s, info, l); err != nil {
				return &engine.LineError{Line: i + 1, Msg: err.Error()}
			}
		}
		return nil
	})
	return *s.Result(), err
}

// takeLine takes one line of a counterexample in s.
func takeLine[M sim.Message, D any](s *engine.Session[M, D], info *engine.Info, line string) error {
	if strings.HasPrefix(line, "client ") {
		st, err := engine.ParseClientStep(line, s.Config().Nodes, info.Workload)
		if err != nil {
			return err
		}
		return s.Client(st)
	}
	return s.World().DoLine(line)
}

// Counterexample turns an explorer's path, its labels, into lines that
// replay in a multiset Choice world (Replay), and checks that they
// reproduce want: the first violation of the search's properties, or a
// panic. The clients' requests come first; a set network's second
// delivery of a replica's message becomes a "dup" line before it, and of
// a client's request the client's retry; with local self-deliveries
// (CheckConfig.NetworkSelf false), each is written out as a line of its
// own, in the order sent, after the step that sent it.
func (m *Model[M, D]) Counterexample(labels []string, want checker.Property) ([]string, error) {
	lines, err := m.lines(labels)
	if err != nil {
		return nil, err
	}
	res, err := Replay(m.proto, m.info, m.cfg, lines)
	if err != nil {
		return nil, fmt.Errorf("the counterexample does not replay: %v", err)
	}
	if v := firstOf(res.Violations, m.props); v == nil || v.Property != want {
		return nil, fmt.Errorf("the counterexample replays without breaking %s (verdict %s): explorer and replay disagree", want, res.Verdict)
	}
	return lines, nil
}

// lines takes an explorer's path in a replay's world and returns the lines
// it took; a panic ends them with the step that panicked.
func (m *Model[M, D]) lines(labels []string) ([]string, error) {
	s, err := newReplay(m.proto, m.info, m.cfg)
	if err != nil {
		return nil, err
	}
	var out []string
	take := func(l string) error {
		out = append(out, l)
		return s.World().DoLine(l)
	}
	err = s.Execute(func() error {
		for _, r := range m.requests {
			out = append(out, r.step.String())
			if err := s.Client(r.step); err != nil {
				return err
			}
		}
		for _, l := range labels {
			if err := take(l); err != nil {
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

// redeliver makes a set network's second delivery of a message possible
// in a multiset world: a duplicate of a replica's message, a client's
// retry of its request. It returns the line it took.
func (m *Model[M, D]) redeliver(s *engine.Session[M, D], label string) (string, error) {
	verb, rest, _ := strings.Cut(label, " ")
	if verb != "deliver" {
		return "", fmt.Errorf("%q cannot be taken", label)
	}
	if strings.HasPrefix(rest, sim.External.String()+"->") {
		for _, r := range m.requests {
			if r.label == label {
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
