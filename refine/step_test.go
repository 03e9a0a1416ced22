package refine

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/explore/spec"
)

// specStates is every state of the specification with constants c, from
// explore's own search.
func specStates(t *testing.T, c spec.Config) (*spec.Model, []spec.State) {
	t.Helper()
	m, err := spec.New(c)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[spec.State]bool{}
	queue := m.Init()
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if seen[s] {
			continue
		}
		seen[s] = true
		m.Next(s, func(n spec.State) { queue = append(queue, n) })
	}
	out := make([]spec.State, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	return m, out
}

// acceptorsOf is every acceptor's variables in s.
func acceptorsOf(c spec.Config, s spec.State) []Acceptor {
	out := make([]Acceptor, c.Acceptors)
	for a := range out {
		out[a] = Acceptor{s.MaxBal(a), s.MaxVBal(a), s.MaxVal(a)}
	}
	return out
}

// newMessages is what n sent that s had not.
func newMessages(m *spec.Model, s, n spec.State) []spec.Message {
	var out []spec.Message
	for _, msg := range n.Messages() {
		if !m.Has(s, msg) {
			out = append(out, msg)
		}
	}
	return out
}

// TestStepAgainstNext checks Step against Next, the naive oracle: every
// path of one or two steps of Next, given as the messages it sent and the
// acceptors at its end, refines to its end (an implementation step is a
// sequence of actions when a replica's messages to itself are local
// calls); a stuttering step refines to the state itself; and a step whose
// acceptors differ from where the actions lead does not refine.
func TestStepAgainstNext(t *testing.T) {
	c := spec.Config{Acceptors: 2, Values: 2, MaxBallot: 1}
	m, states := specStates(t, c)
	paths := 0
	for _, s := range states {
		if n, _, why := Step(m, s, nil, acceptorsOf(c, s)); why != "" || n != s {
			t.Fatalf("a stutter does not refine to itself: %s", why)
		}
		m.Next(s, func(n1 spec.State) {
			sent1 := newMessages(m, s, n1)
			if len(sent1) != 1 {
				return // a stuttering step of Next
			}
			m.Next(n1, func(n2 spec.State) {
				sent := append(append([]spec.Message(nil), sent1...), newMessages(m, n1, n2)...)
				got, actions, why := Step(m, s, sent, acceptorsOf(c, n2))
				if why != "" || got != n2 || len(actions) != len(sent) {
					t.Fatalf("%v then %v from\n%v\ndoes not refine: %s (%q)", sent1, sent[1:], s, why, actions)
				}
				paths++
			})
			bad := acceptorsOf(c, n1)
			bad[0].MaxBal = 1 - bad[0].MaxBal // a promise no action made
			if _, _, why := Step(m, s, sent1, bad); !strings.Contains(why, "persisted") {
				t.Fatalf("%v with acceptors %v refines: %q", sent1, bad, why)
			}
		})
	}
	if paths == 0 {
		t.Fatal("no path checked")
	}
}

// TestStepNames checks what a failure names: the message and the action
// that is not enabled.
func TestStepNames(t *testing.T) {
	c := spec.Config{Acceptors: 3, Values: 2, MaxBallot: 2}
	m, _ := spec.New(c)
	s := m.Init()[0]
	fresh := acceptorsOf(c, s)
	for _, tc := range []struct {
		sent []spec.Message
		want string
	}{
		{[]spec.Message{{Type: "1b", Acc: 1, Bal: 0, MBal: -1, MVal: -1}}, "Phase1b(a2) on 1a(bal=0) is not enabled: 1a(bal=0) is not in msgs"},
		{[]spec.Message{{Type: "2a", Bal: 1, Val: 0}}, "Phase2a(1, v1)"},
		{[]spec.Message{{Type: "2b", Acc: 0, Bal: 0, Val: 1}}, "2a(bal=0, v2) is not in msgs"},
		{[]spec.Message{{Type: "1a", Bal: 3}}, "which no action of Paxos.tla sends"},
	} {
		if _, _, why := Step(m, s, tc.sent, fresh); !strings.Contains(why, tc.want) {
			t.Errorf("%v: %q, want %q in it", tc.sent, why, tc.want)
		}
	}
}
