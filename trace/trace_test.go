package trace_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/trace"
)

// registry holds paxsim's own protocols, as cmd/paxsim registers them.
var registry = func() *harness.Registry {
	r, err := harness.NewRegistry(builtin.Protocols()...)
	if err != nil {
		panic(err)
	}
	return r
}()

var paxosP = registry.Default()

// paxosConfig is the default run of single-decree Paxos.
func paxosConfig() engine.Config {
	c := engine.Default()
	c.Protocol = paxosP.Name()
	return c
}

// observations keeps the observation lines of a readable trace, up to the
// heal: what a replay of the decision trace must reproduce exactly.
func observations(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
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
	configs := map[string]engine.Config{}
	c := paxosConfig()
	c.Drop, c.Dup, c.Redeliver, c.Crash, c.Partition, c.Slow = 0.1, 0.05, 0.02, 0.01, 0.01, 0.01
	configs["correct"] = c
	c.Variant = protocol.IgnorePromisedValues.Name
	configs["ignore-promised-values"] = c
	c = paxosConfig()
	c.Nodes, c.Clients, c.Delay = 5, 5, "tail:1-20"
	configs["five"] = c
	for name, c := range configs {
		t.Run(name, func(t *testing.T) {
			failures := 0
			for seed := uint64(0); seed < 150; seed++ {
				var ta, tb strings.Builder
				run, err := paxosP.Run(c, seed, engine.Options{Record: true, Trace: &ta})
				if err != nil {
					t.Fatal(err)
				}
				tr := trace.FromResult(c, &run)
				rep, err := paxosP.Replay(tr, engine.Options{Trace: &tb})
				if err != nil {
					t.Fatalf("seed %d: replay: %v\n%s", seed, err, tr)
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
				again, _ := paxosP.Replay(tr, engine.Options{})
				if again.TraceHash != rep.TraceHash {
					t.Fatalf("seed %d: two replays of one trace differ", seed)
				}
			}
			if c.Variant != engine.Correct && failures == 0 {
				t.Fatal("no failing seed to replay")
			}
		})
	}
}

func TestTraceFileRoundTrip(t *testing.T) {
	c := paxosConfig()
	c.Variant = protocol.IgnorePromisedValues.Name
	for seed := uint64(0); seed < 100; seed++ {
		run, _ := paxosP.Run(c, seed, engine.Options{Record: true})
		if !run.Failed() {
			continue
		}
		tr := trace.FromResult(c, &run)
		tr.Comments = []string{"a comment"}
		text := tr.String()
		parsed, err := trace.Parse(strings.NewReader(text), "x.trace")
		if err != nil {
			t.Fatal(err)
		}
		if parsed.String() != text {
			t.Fatalf("round trip changed the trace:\n%s\n---\n%s", text, parsed)
		}
		rep, err := paxosP.Replay(parsed, engine.Options{})
		if err != nil || !rep.Failed() || rep.Violations[0].Property != run.Violations[0].Property {
			t.Fatalf("replay of the parsed trace: %v %v", err, rep.Violations)
		}
		return
	}
	t.Fatal("no failing seed in 100")
}

// TestTraceAcceptsAByteOrderMark: an editor's UTF-8 byte-order mark
// before the first line does not make a trace unreadable.
func TestTraceAcceptsAByteOrderMark(t *testing.T) {
	c := paxosConfig()
	r, _ := paxosP.Run(c, 1, engine.Options{Record: true})
	text := trace.FromResult(c, &r).String()
	parsed, err := trace.Parse(strings.NewReader("\uFEFF"+text), "x.trace")
	if err != nil {
		t.Fatal(err)
	}
	if parsed.String() != text {
		t.Fatalf("the byte-order mark changed the trace:\n%s", parsed)
	}
}

// TestReadFile: ReadFile reads a trace file as Parse reads it, and its
// errors name the file, whether it cannot open it or it is not a trace.
func TestReadFile(t *testing.T) {
	c := paxosConfig()
	r, _ := paxosP.Run(c, 1, engine.Options{Record: true})
	text := trace.FromResult(c, &r).String()
	dir := t.TempDir()
	good, bad, missing := filepath.Join(dir, "good.trace"), filepath.Join(dir, "bad.trace"), filepath.Join(dir, "missing.trace")
	for _, f := range [][2]string{{good, text}, {bad, "hello\n"}} {
		if err := os.WriteFile(f[0], []byte(f[1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if tr, err := trace.ReadFile(good); err != nil || tr.String() != text {
		t.Fatalf("ReadFile(%s) = %v, %v: want the trace written", good, tr, err)
	}
	if _, err := trace.ReadFile(missing); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("ReadFile of a missing file: %v, want a not-exist error naming %s", err, missing)
	}
	var le *engine.LineError
	if _, err := trace.ReadFile(bad); !errors.As(err, &le) || le.File != bad || le.Line != 1 {
		t.Errorf("ReadFile of a file that is not a trace: %v, want an *engine.LineError naming %s:1", err, bad)
	}
}

// TestTraceErrorsNameTheLine: a trace that cannot be read, or whose step
// cannot be taken, is an *engine.LineError naming the line and saying
// why, whether parsing, checking against the protocol or replaying finds
// it.
func TestTraceErrorsNameTheLine(t *testing.T) {
	header := "paxsim-trace 1\nconfig " + `{"protocol":"paxos","variant":"none","nodes":3,"clients":1,"propose_window":0,"delay":"1-10","fault_interval":10,"heal_at":0,"liveness":0,"max_events":1000}` + "\nseed 1\n"
	mpHeader := strings.Replace(strings.Replace(header, `"paxos"`, `"multipaxos"`, 1), `"clients":1`, `"clients":2`, 1)
	tests := []struct {
		name, text, want string
	}{
		{"not a trace", "hello\n", "x.trace:1: not a decision trace"},
		{"bad config", "paxsim-trace 1\nconfig {\"nodes\": -1}\n", "x.trace:2: bad config"},
		{"an unknown config field", "paxsim-trace 1\nconfig {\"proposers\": 1}\n", "x.trace:2: bad config: json: unknown field \"proposers\""},
		{"no seed", "paxsim-trace 1\nconfig {\"protocol\":\"paxos\",\"nodes\":3,\"delay\":\"1\",\"fault_interval\":1,\"max_events\":1}\nfoo\n", "x.trace:3: want the seed line"},
		{"unknown step", header + "explode 1\n", "x.trace:4: unknown step \"explode\""},
		{"message not in flight", header + "client 1 proposes v1 to 1\ndeliver 2->1 Prepare(1.2)\n", "line 5: \"deliver 2->1 Prepare(1.2)\" cannot be taken: no message in flight on 2->1"},
		{"wrong message", header + "client 1 proposes v1 to 1\ndeliver client->1 Request(client 1, v1)\ndeliver 1->2 Prepare(7.1)\n", "no such message in flight on 1->2; there: Prepare(1.1)"},
		{"timer not armed", header + "timer 2 0\n", "line 4: \"timer 2 0\" cannot be taken: timer 0 of node 2 is not armed"},
		{"bad client", header + "client 1 proposes v2 to 1\n", "x.trace:4: client 1: proposes v2: client 1 proposes v1"},
		{"client beyond the proposers", header + "client 2 proposes v2 to 1\n", "x.trace:4: client 2 does not exist: the config has clients 1..1"},
		{"duplicate client", header + "client 1 proposes v1 to 1\nclient 1 proposes v1 to 2\n", "line 5: client 1 asks again with no step since it asked at line 4"},
		{"a hedge to the replica asked", mpHeader + "client 1 put a 1 to 1\nclient 1 retry to 2\nclient 1 retry to 1\n", "line 6: client 1 asks again with no step since it asked at line 5"},
		{"rand of no node", header + "client 1 proposes v1 to 1\nrand 99 6\n", "x.trace:5: rand: node 99 does not exist (nodes are 1..3)"},
		{"rand of no number", header + "client 1 proposes v1 to 1\nrand 3 banana\n", "x.trace:5: rand: \"banana\" is not a value"},
		{"crash of no node", header + "crash 99\n", "x.trace:4: node 99 does not exist (nodes are 1..3)"},
		{"deliver without a link", header + "deliver\n", "x.trace:4: deliver needs a link FROM->TO"},
		{"deliver without a message", header + "deliver 1->2\n", "x.trace:4: deliver needs the message after its link"},
		{"timer without a tag", header + "timer 1\n", "x.trace:4: timer tag \"\": want a number 0..7"},
		{"step after liveness", header + "liveness\ncrash 1\n", "x.trace:5: \"crash 1\" follows the final step of line 4"},
		{"version 2", "paxsim-trace 2\n", "x.trace:1: decision-trace version \"2\" is not supported: this program reads version 1"},
		{"empty", "", "x.trace: the file is empty"},
		{"comments only", "# nothing\n", "x.trace:1: incomplete header"},
		{"a line too long", header + "# " + strings.Repeat("x", trace.MaxLine) + "\n", "x.trace:4: the line is longer than 1048576 bytes"},
		{"a consensus step on multipaxos", mpHeader + "client 1 proposes v1 to 1\n", "x.trace:4: client 1: proposes is not an operation of a key-value workload"},
		{"multipaxos client beyond the operator", mpHeader + "client 4 get a to 1\n", "x.trace:4: client 4 does not exist: the config has clients 1..3"},
		{"multipaxos request while one waits", mpHeader + "client 1 put a 1 to 1\nclient 1 get a to 2\n", "line 5: client 1 asks again with no step since it asked at line 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseCheckReplay(tt.text)
			var le *engine.LineError
			if err == nil || !errors.As(err, &le) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v (%T), want an *engine.LineError containing %q", err, err, tt.want)
			}
		})
	}
}

// parseCheckReplay reads text as the file x.trace, checks it against its
// protocol and replays it.
func parseCheckReplay(text string) error {
	tr, err := trace.Parse(strings.NewReader(text), "x.trace")
	if err != nil {
		return err
	}
	p, err := registry.Lookup(tr.Config.Protocol)
	if err != nil {
		return err
	}
	if err := trace.Check(tr, p.Info(), "x.trace"); err != nil {
		return err
	}
	_, err = p.Replay(tr, engine.Options{})
	return err
}
