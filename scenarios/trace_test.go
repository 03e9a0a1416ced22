package scenarios

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/protocol"
)

// observations keeps the observation lines of a readable trace, up to the
// heal: what a replay of the decision trace must reproduce exactly.
func observations(trace string) []string {
	var out []string
	for _, l := range strings.Split(trace, "\n") {
		if strings.Contains(l, " heal ") && strings.HasPrefix(l, "t=") {
			break
		}
		if strings.HasPrefix(l, "    node ") {
			out = append(out, l)
		}
	}
	return out
}

func TestRecordedTraceReplaysStepByStep(t *testing.T) {
	configs := map[string]Config{}
	c := Default()
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.1, 0.05, 0.02, 0.01, 0.01, 0.01
	configs["correct"] = c
	c.Variant = protocol.IgnorePromisedValues.Name
	configs["ignore-promised-values"] = c
	c = Default()
	c.Nodes, c.Proposers, c.Delay = 5, 5, "tail:1-20"
	configs["five"] = c
	for name, c := range configs {
		t.Run(name, func(t *testing.T) {
			failures := 0
			for seed := uint64(0); seed < 150; seed++ {
				var ta, tb strings.Builder
				run, err := Run(c, seed, Options{Record: true, Trace: &ta})
				if err != nil {
					t.Fatal(err)
				}
				rep, err := Replay(run.Trace, Options{Trace: &tb})
				if err != nil {
					t.Fatalf("seed %d: replay: %v\n%s", seed, err, run.Trace)
				}
				oa, ob := observations(ta.String()), observations(tb.String())
				if strings.Join(oa, "\n") != strings.Join(ob, "\n") {
					t.Fatalf("seed %d: the replay observed differently before the heal:\nrun:\n%s\nreplay:\n%s", seed, strings.Join(oa, "\n"), strings.Join(ob, "\n"))
				}
				if run.Failed() != rep.Failed() {
					t.Fatalf("seed %d: run failed %v, replay failed %v: %v / %v", seed, run.Failed(), rep.Failed(), run.Violations, rep.Violations)
				}
				if run.Failed() {
					failures++
					if run.Violations[0].Property != rep.Violations[0].Property || run.Violations[0].Message != rep.Violations[0].Message {
						t.Fatalf("seed %d: run %v, replay %v", seed, &run.Violations[0], &rep.Violations[0])
					}
				}
				again, _ := Replay(run.Trace, Options{})
				if again.TraceHash != rep.TraceHash {
					t.Fatalf("seed %d: two replays of one trace differ", seed)
				}
			}
			if c.Variant != protocol.Correct && failures == 0 {
				t.Fatal("no failing seed to replay")
			}
		})
	}
}

func TestTraceFileRoundTrip(t *testing.T) {
	c := Default()
	c.Variant = protocol.IgnorePromisedValues.Name
	for seed := uint64(0); ; seed++ {
		run, _ := Run(c, seed, Options{Record: true})
		if !run.Failed() {
			continue
		}
		run.Trace.Comments = []string{"a comment"}
		text := run.Trace.String()
		parsed, err := ParseTrace(strings.NewReader(text), "x.trace")
		if err != nil {
			t.Fatal(err)
		}
		if parsed.String() != text {
			t.Fatalf("round trip changed the trace:\n%s\n---\n%s", text, parsed)
		}
		rep, err := Replay(parsed, Options{})
		if err != nil || !rep.Failed() || rep.Violations[0].Property != run.Violations[0].Property {
			t.Fatalf("replay of the parsed trace: %v %v", err, rep.Violations)
		}
		return
	}
}

// TestTraceAcceptsAByteOrderMark: an editor's UTF-8 byte-order mark
// before the first line does not make a trace unreadable.
func TestTraceAcceptsAByteOrderMark(t *testing.T) {
	r, _ := Run(Default(), 1, Options{Record: true})
	text := r.Trace.String()
	parsed, err := ParseTrace(strings.NewReader("\uFEFF"+text), "x.trace")
	if err != nil {
		t.Fatal(err)
	}
	if parsed.String() != text {
		t.Fatalf("the byte-order mark changed the trace:\n%s", parsed)
	}
}

func TestTraceErrorsNameTheLine(t *testing.T) {
	header := "paxsim-trace 1\nconfig " + `{"protocol":"paxos","variant":"none","nodes":3,"proposers":1,"propose_window":0,"delay":"1-10","fault_interval":10,"heal_at":0,"liveness":0,"max_events":1000}` + "\nseed 1\n"
	tests := []struct {
		name, text, want string
	}{
		{"not a trace", "hello\n", "x.trace:1: not a decision trace"},
		{"bad config", "paxsim-trace 1\nconfig {\"nodes\": -1}\n", "x.trace:2: bad config"},
		{"no seed", "paxsim-trace 1\nconfig {\"protocol\":\"paxos\",\"nodes\":3,\"proposers\":1,\"delay\":\"1\",\"fault_interval\":1,\"max_events\":1}\nfoo\n", "x.trace:3: want the seed line"},
		{"unknown step", header + "explode 1\n", "x.trace:4: unknown step \"explode\""},
		{"message not in flight", header + "client 1 proposes v1 to 1\ndeliver 2->1 Prepare(1.2)\n", "line 5: \"deliver 2->1 Prepare(1.2)\" cannot be taken: no message in flight on 2->1"},
		{"wrong message", header + "client 1 proposes v1 to 1\ndeliver client->1 Request(client 1, v1)\ndeliver 1->2 Prepare(7.1)\n", "no such message in flight on 1->2; there: Prepare(1.1)"},
		{"timer not armed", header + "timer 2 0\n", "line 4: \"timer 2 0\" cannot be taken: timer 0 of node 2 is not armed"},
		{"bad client", header + "client 1 proposes v2 to 1\n", "x.trace:4: client 1 must propose v1"},
		{"client beyond the proposers", header + "client 2 proposes v2 to 1\n", "x.trace:4: client 2 does not exist: the config has 1 proposers"},
		{"duplicate client", header + "client 1 proposes v1 to 1\nclient 1 proposes v1 to 2\n", "line 5: client 1 asks again with no step since it asked at line 4"},
		{"rand of no node", header + "client 1 proposes v1 to 1\nrand 99 6\n", "x.trace:5: rand: node 99 does not exist (nodes are 1..3)"},
		{"rand of no number", header + "client 1 proposes v1 to 1\nrand 3 banana\n", "x.trace:5: rand: \"banana\" is not a value"},
		{"crash of no node", header + "crash 99\n", "x.trace:4: node 99 does not exist (nodes are 1..3)"},
		{"deliver without a link", header + "deliver\n", "x.trace:4: deliver needs a link FROM->TO"},
		{"deliver without a message", header + "deliver 1->2\n", "x.trace:4: deliver needs the message after its link"},
		{"timer without a tag", header + "timer 1\n", "x.trace:4: timer tag \"\": want a number 0..7"},
		{"step after liveness", header + "liveness\ncrash 1\n", "x.trace:5: \"crash 1\" follows the liveness step of line 4"},
		{"version 2", "paxsim-trace 2\n", "x.trace:1: decision-trace version \"2\" is not supported: this paxsim reads version 1"},
		{"empty", "", "x.trace: the file is empty"},
		{"comments only", "# nothing\n", "x.trace:1: incomplete header"},
		{"multipaxos", "paxsim-trace 1\nconfig {\"protocol\":\"multipaxos\",\"variant\":\"none\",\"nodes\":3,\"proposers\":1,\"propose_window\":0,\"delay\":\"1-10\",\"fault_interval\":10,\"heal_at\":0,\"liveness\":0,\"max_events\":1000}\nseed 1\n", "x.trace:2: bad config: protocol \"multipaxos\": Multi-Paxos runs have no decision traces yet"},
		{"a line too long", header + "# " + strings.Repeat("x", MaxTraceLine) + "\n", "x.trace:4: the line is longer than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := ParseTrace(strings.NewReader(tt.text), "x.trace")
			if err == nil {
				_, err = Replay(tr, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
