package checker_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/fingerprint"
)

// lstep is one observation by one replica, or a restart, in a LogChecker
// table test.
type lstep struct {
	node    int
	restart bool
	o       checker.Observation
}

// applied is node's application of cmd at instance, with the state digest
// and effect given.
func applied(node int, instance int64, cmd checker.Value, state uint64, effect bool) lstep {
	return lstep{node: node, o: checker.Observation{Kind: checker.Applied, Instance: instance, Value: cmd, State: state, Effect: effect}}
}

func learned(node int, instance int64, cmd checker.Value) lstep {
	return lstep{node: node, o: checker.Observation{Kind: checker.Learned, Instance: instance, Value: cmd}}
}

func restart(node int) lstep { return lstep{node: node, restart: true} }

// service is how a correct replica applies log: a command takes effect at
// its first instance and is skipped as a duplicate at later ones; the state
// digest folds in the commands that took effect. It returns the Applied
// observation of each instance, instance i at index i-1.
func service(log ...checker.Value) []checker.Observation {
	seen := map[checker.Value]bool{}
	state := uint64(17)
	out := make([]checker.Observation, len(log))
	for i, cmd := range log {
		effect := cmd != checker.None && !seen[cmd]
		if effect {
			seen[cmd] = true
			state = state*1_000_003 + uint64(cmd)
		}
		out[i] = checker.Observation{Kind: checker.Applied, Instance: int64(i) + 1, Value: cmd, State: state, Effect: effect}
	}
	return out
}

// replay is node applying instances from..to of the correct replica's
// observations obs.
func replay(node int, obs []checker.Observation, from, to int64) []lstep {
	var out []lstep
	for i := from; i <= to; i++ {
		out = append(out, lstep{node: node, o: obs[i-1]})
	}
	return out
}

// good is the log of the tests: v1, a no-op, v2, v1 again (a client's retry
// that was proposed twice), v3.
var good = service(1, checker.None, 2, 1, 3)

// seq concatenates steps.
func seq(parts ...[]lstep) []lstep { return slices.Concat(parts...) }

func one(s ...lstep) []lstep { return s }

func observe(c *checker.LogChecker, steps []lstep) {
	for k, s := range steps {
		c.At(int64(10*k), int64(k))
		if s.restart { // as the harness reports it (sim.World.SetRestartObservation)
			c.Observe(s.node, checker.Observation{Kind: checker.Restarted})
			continue
		}
		c.Observe(s.node, s.o)
	}
}

func TestLogChecker(t *testing.T) {
	st := func(i int64) uint64 { return good[i-1].State }
	tests := []struct {
		name    string
		steps   []lstep
		want    checker.Property // "" means no violation
		message string           // a substring of the message or evidence
	}{
		{
			name:  "replicas at different paces, a retry skipped as a duplicate",
			steps: seq(replay(1, good, 1, 5), replay(2, good, 1, 3), replay(3, good, 1, 4), replay(2, good, 4, 5)),
		},
		{
			name: "interleaved, with what each learned, out of order",
			steps: seq(one(learned(2, 3, 2), learned(2, 1, 1)), replay(2, good, 1, 1), replay(1, good, 1, 2),
				one(learned(1, 2, checker.None), learned(1, 3, 2)), replay(1, good, 3, 4), replay(2, good, 2, 5)),
		},
		{
			name: "Learned of instance 0 and other kinds are not the log's",
			steps: seq(one(learned(1, 0, 9), lstep{node: 1, o: checker.Observation{Kind: checker.Accepted, Instance: 1, Value: 9}}),
				replay(1, good, 1, 2)),
		},
		{
			name:  "replay from the start after a restart",
			steps: seq(replay(1, good, 1, 4), one(restart(1)), replay(1, good, 1, 5), replay(2, good, 1, 5)),
		},
		{
			name:  "replay from a snapshot after a restart",
			steps: seq(replay(1, good, 1, 4), one(restart(1)), replay(1, good, 3, 5)),
		},
		{
			name:  "resuming after a restart with a durable service",
			steps: seq(replay(1, good, 1, 2), one(restart(1)), replay(1, good, 3, 5)),
		},
		{
			name:    "two commands at one instance",
			steps:   seq(replay(1, good, 1, 3), replay(2, good, 1, 2), one(applied(2, 3, 7, st(3), true))),
			want:    checker.LogConsistency,
			message: "node 2 applies v7 at instance 3, but node 1 applied v2 there",
		},
		{
			name:    "a gap",
			steps:   seq(replay(1, good, 1, 1), replay(1, good, 3, 3)),
			want:    checker.LogConsistency,
			message: "node 1 applies instance 3 after instance 1: instance 2 never applied",
		},
		{
			name:    "a replica starting past the beginning",
			steps:   replay(2, good, 3, 3),
			want:    checker.LogConsistency,
			message: "node 2 applies instance 3 after instance 0: instances 1..2 never applied",
		},
		{
			name:    "an instance applied twice without a restart",
			steps:   seq(replay(1, good, 1, 3), replay(1, good, 2, 2)),
			want:    checker.LogConsistency,
			message: "node 1 applies instance 2 again after instance 3, without a restart",
		},
		{
			name:    "a gap after a restart",
			steps:   seq(replay(1, good, 1, 2), one(restart(1)), replay(1, good, 4, 4)),
			want:    checker.LogConsistency,
			message: "node 1, restarted after applying up to instance 2, applies instance 4: instance 3 never applied",
		},
		{
			name:    "instance 0",
			steps:   one(applied(1, 0, 1, 1, true)),
			want:    checker.LogConsistency,
			message: "node 1 applies instance 0, but instances start at 1",
		},
		{
			name:    "applying another command than the one learned",
			steps:   seq(one(learned(1, 1, 5)), replay(1, good, 1, 1)),
			want:    checker.LogConsistency,
			message: "node 1 applies v1 at instance 1, but it learned v5 there",
		},
		{
			name:    "learning another command than the one applied",
			steps:   seq(replay(1, good, 1, 1), one(learned(2, 1, 5))),
			want:    checker.LogConsistency,
			message: "node 2 learns v5 at instance 1, but node 1 applied v1 there",
		},
		{
			name:    "learning twice",
			steps:   one(learned(1, 4, 5), learned(1, 4, 5), learned(1, 4, 6)),
			want:    checker.LogConsistency,
			message: "node 1 learns v6 at instance 4, after learning v5 there",
		},
		{
			name:    "diverging service states",
			steps:   seq(replay(1, good, 1, 2), one(applied(2, 1, 1, 99, true))),
			want:    checker.StateConsistency,
			message: "node 2 has state 0000000000000063 after instance 1, but node 1 had",
		},
		{
			name:    "a resumption whose state digest is off",
			steps:   seq(replay(2, good, 1, 4), replay(1, good, 1, 3), one(restart(1)), one(applied(1, 4, 1, 17, false))),
			want:    checker.StateConsistency,
			message: "node 1 has state 0000000000000011 after instance 4",
		},
		{
			name: "a retried command executed twice",
			steps: seq(replay(1, good, 1, 3),
				one(applied(1, 4, 1, st(3)*1_000_003+1, true))),
			want:    checker.ExactlyOnce,
			message: "node 1 executes v1 twice: at instance 4, after instance 1",
		},
		{
			name:    "a command skipped that never took effect",
			steps:   one(applied(1, 1, 1, 17, false)),
			want:    checker.ExactlyOnce,
			message: "node 1 skips v1 at instance 1 as a duplicate, but it never took effect there: the command is lost",
		},
		{
			name: "replicas disagree on the effect",
			steps: seq(replay(1, good, 1, 4), replay(2, good, 1, 3),
				one(applied(2, 4, 1, st(4), true))),
			want:    checker.ExactlyOnce,
			message: "node 2 executes v1 twice",
		},
		{
			name:    "replicas disagree on the effect at the command's first instance",
			steps:   seq(replay(1, good, 1, 2), one(applied(2, 1, 1, st(1), false))),
			want:    checker.ExactlyOnce,
			message: "node 2 skips v1 at instance 1 as a duplicate, but it never took effect there",
		},
		{
			// Each replica's own history is consistent; only comparing them
			// shows the break (after the logs diverged).
			name: "replicas disagree on the effect, each consistent on its own",
			steps: one(applied(1, 1, 1, 1, true), applied(2, 1, 5, 1, true),
				applied(2, 2, 1, 2, true), applied(1, 2, 1, 2, false)),
			want:    checker.ExactlyOnce,
			message: "v1 is skipped as a duplicate at instance 2 on node 1, but takes effect on node 2",
		},
		{
			name: "a replay that skips a command where it took effect",
			steps: seq(replay(1, good, 1, 2), one(restart(1)),
				one(applied(1, 1, 1, st(1), false))),
			want:    checker.ExactlyOnce,
			message: "node 1 skips v1 at instance 1 as a duplicate, but it took effect at instance 1",
		},
		{
			name:  "a no-op's effect is not judged",
			steps: one(applied(1, 1, checker.None, 17, true), applied(2, 1, checker.None, 17, false)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := checker.NewLogChecker(3)
			observe(c, tt.steps)
			if tt.want == "" {
				if v := c.Violation(); v != nil {
					t.Fatalf("unexpected violation: %v", v)
				}
				return
			}
			i := slices.IndexFunc(c.Violations(), func(v checker.Violation) bool { return v.Property == tt.want })
			if i < 0 {
				t.Fatalf("got %v, want a %s violation", c.Violations(), tt.want)
			}
			v := &c.Violations()[i]
			if !strings.Contains(v.String(), tt.message) {
				t.Fatalf("got %v\nwant it to say %q", v, tt.message)
			}
		})
	}
}

func TestLogCheckerEvidence(t *testing.T) {
	c := checker.NewLogChecker(3)
	observe(c, seq(replay(1, good, 1, 3), replay(2, good, 1, 2), one(applied(2, 3, 7, 5, true))))
	want := []checker.Violation{
		{
			Property: checker.LogConsistency, Time: 50, Event: 5, Instance: 3,
			Message: "node 2 applies v7 at instance 3, but node 1 applied v2 there",
			Evidence: []string{
				"node 1 applies instance 3: v2 (state " + hex(good[2].State) + ") at t=20",
				"node 2 applies instance 3: v7 (state 0000000000000005)",
			},
		},
		{
			Property: checker.StateConsistency, Time: 50, Event: 5, Instance: 3,
			Message: "node 2 has state 0000000000000005 after instance 3, but node 1 had " + hex(good[2].State),
			Evidence: []string{
				"node 1 applies instance 3: v2 (state " + hex(good[2].State) + ") at t=20",
				"node 2 applies instance 3: v7 (state 0000000000000005)",
			},
		},
	}
	if got := c.Violations(); !equalViolations(got, want) {
		t.Fatalf("Violations() =\n%v\nwant\n%v", got, want)
	}
	if got := c.Violation(); got == nil || got.Property != checker.LogConsistency {
		t.Fatalf("Violation() = %v, want the first one", got)
	}
	// Later breaks of the same properties are not reported.
	observe(c, one(applied(3, 1, 9, 9, true)))
	if got := c.Violations(); len(got) != 2 {
		t.Fatalf("%d violations after more of the same, want 2: %v", len(got), got)
	}
	if c.AppliedIndex(2) != 3 || c.AppliedIndex(3) != 1 || c.AppliedIndex(7) != 0 {
		t.Fatalf("AppliedIndex = %d, %d, %d; want 3, 1, 0", c.AppliedIndex(2), c.AppliedIndex(3), c.AppliedIndex(7))
	}
	if cmd, ok := c.Command(3); !ok || cmd != 2 {
		t.Fatalf("Command(3) = %s, %v; want the first replica's v2", cmd, ok)
	}
	if _, ok := c.Command(4); ok {
		t.Fatalf("Command(4) reports a command nobody applied")
	}
}

func hex(x uint64) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 16)
	for i := 15; i >= 0; i-- {
		b[i] = digits[x&15]
		x >>= 4
	}
	return string(b)
}

func equalViolations(a, b []checker.Violation) bool {
	return slices.EqualFunc(a, b, func(x, y checker.Violation) bool {
		return x.Property == y.Property && x.Time == y.Time && x.Event == y.Event && x.Instance == y.Instance &&
			x.Message == y.Message && slices.Equal(x.Evidence, y.Evidence)
	})
}

func TestLogCheckerZeroValue(t *testing.T) {
	var c checker.LogChecker
	observe(&c, seq(one(learned(4, 2, checker.None)), replay(4, good, 1, 5), one(restart(9)), replay(9, good, 1, 2)))
	if v := c.Violation(); v != nil {
		t.Fatalf("unexpected violation: %v", v)
	}
	if c.AppliedIndex(4) != 5 {
		t.Fatalf("AppliedIndex(4) = %d, want 5", c.AppliedIndex(4))
	}
	observe(&c, one(applied(-1, 1, 1, 1, true), restart(-1))) // a negative id is ignored
	if v := c.Violation(); v != nil {
		t.Fatalf("unexpected violation: %v", v)
	}
}

func TestLogCheckerLiveness(t *testing.T) {
	cmds := []checker.Value{1, 2, 3, checker.None}
	tests := []struct {
		name     string
		steps    []lstep
		core     []int
		commands []checker.Value
		message  string   // "" when the property holds
		evidence []string // when it does not
	}{
		{
			name:     "every command applied on the core",
			steps:    seq(replay(1, good, 1, 5), replay(2, good, 1, 5), replay(3, good, 1, 2)),
			core:     []int{1, 2},
			commands: cmds,
		},
		{
			name:     "nothing to apply",
			core:     []int{1, 2},
			commands: []checker.Value{checker.None},
		},
		{
			name:     "a lagging replica",
			steps:    seq(replay(1, good, 1, 5), replay(2, good, 1, 3)),
			core:     []int{1, 2, 3},
			commands: append(cmds, 4),
			message:  "node(s) 1,2,3 had not applied every command by t=500, 300 ticks after every fault healed at t=200",
			evidence: []string{
				"node 1 applied up to instance 5 (of 5 applied anywhere); it lacks v4 (applied nowhere)",
				"node 2 applied up to instance 3 (of 5 applied anywhere); it lacks v3 (at instance 5), v4 (applied nowhere)",
				"node 3 applied up to instance 0 (of 5 applied anywhere); it lacks v1 (at instance 1), v2 (at instance 3), " +
					"v3 (at instance 5), v4 (applied nowhere)",
			},
		},
		{
			name:     "a replica replaying after a restart",
			steps:    seq(replay(1, good, 1, 5), one(restart(1)), replay(1, good, 1, 2)),
			core:     []int{1},
			commands: cmds,
			message:  "node(s) 1 had not applied every command",
			evidence: []string{"node 1 applied up to instance 2 (of 5 applied anywhere); it lacks v2 (at instance 3), v3 (at instance 5)"},
		},
		{
			name:     "many missing commands",
			core:     []int{1},
			commands: []checker.Value{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 2},
			message:  "node(s) 1 had not",
			evidence: []string{"node 1 applied up to instance 0 (of 0 applied anywhere); it lacks v1 (applied nowhere), " +
				"v2 (applied nowhere), v3 (applied nowhere), v4 (applied nowhere), v5 (applied nowhere), " +
				"v6 (applied nowhere), v7 (applied nowhere), v8 (applied nowhere), and 2 more"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := checker.NewLogChecker(3)
			observe(c, tt.steps)
			v := c.CheckLiveness(tt.core, tt.commands, 200, 500)
			if all := c.AllApplied(tt.core, tt.commands); all != (tt.message == "") {
				t.Fatalf("AllApplied = %v, want %v", all, tt.message == "")
			}
			if tt.message == "" {
				if v != nil {
					t.Fatalf("CheckLiveness = %v, want nil", v)
				}
				return
			}
			if v == nil || v.Property != checker.Liveness || !strings.Contains(v.Message, tt.message) {
				t.Fatalf("CheckLiveness = %v, want a liveness violation saying %q", v, tt.message)
			}
			if !slices.Equal(v.Evidence, tt.evidence) {
				t.Fatalf("evidence:\n%q\nwant\n%q", v.Evidence, tt.evidence)
			}
		})
	}
}

// fingerprints returns c's fingerprint as a hashed key and as exact words.
func fingerprints(c *checker.LogChecker, perm *[64]uint8) (fingerprint.Key, string) {
	h := fingerprint.New(false)
	h.SetRenaming(perm)
	c.Fingerprint(h)
	x := fingerprint.New(true)
	x.SetRenaming(perm)
	c.Fingerprint(x)
	return h.Sum(), x.Words()
}

func checkerOf(steps ...[]lstep) *checker.LogChecker {
	c := checker.NewLogChecker(3)
	observe(c, seq(steps...))
	return c
}

func TestLogCheckerFingerprint(t *testing.T) {
	swap12 := &[64]uint8{}
	for i := range swap12 {
		swap12[i] = uint8(i)
	}
	swap12[1], swap12[2] = 2, 1

	same := []struct {
		name string
		a, b *checker.LogChecker
		perm *[64]uint8 // applied to a
	}{
		{
			name: "the order replicas applied in",
			a:    checkerOf(replay(1, good, 1, 3), replay(2, good, 1, 2), one(learned(3, 1, 1), learned(3, 2, 0))),
			b:    checkerOf(one(learned(3, 2, 0)), replay(2, good, 1, 1), replay(1, good, 1, 1), one(learned(3, 1, 1)), replay(2, good, 2, 2), replay(1, good, 2, 3)),
		},
		{
			name: "the times and the cluster size",
			a:    checkerOf(replay(1, good, 1, 3)),
			b: func() *checker.LogChecker {
				var c checker.LogChecker
				c.At(1000, 77)
				for _, o := range good[:3] {
					c.Observe(1, o)
				}
				return &c
			}(),
		},
		{
			name: "replicas renamed",
			a:    checkerOf(replay(1, good, 1, 3), replay(2, good, 1, 1), one(restart(2), learned(1, 4, 1))),
			b:    checkerOf(replay(2, good, 1, 3), replay(1, good, 1, 1), one(restart(1), learned(2, 4, 1))),
			perm: swap12,
		},
	}
	for _, tt := range same {
		t.Run("same despite "+tt.name, func(t *testing.T) {
			ka, wa := fingerprints(tt.a, tt.perm)
			kb, wb := fingerprints(tt.b, nil)
			if ka != kb || wa != wb {
				t.Fatalf("fingerprints differ: %x vs %x", ka, kb)
			}
		})
	}

	base := func() []lstep { return seq(replay(1, good, 1, 3), replay(2, good, 1, 2)) }
	variants := map[string]*checker.LogChecker{
		"base":             checkerOf(base()),
		"one more applied": checkerOf(base(), replay(2, good, 3, 3)),
		"a restart":        checkerOf(base(), one(restart(2))),
		"a learned value":  checkerOf(base(), one(learned(3, 1, 1))),
		"another state":    checkerOf(replay(1, good, 1, 2), one(applied(1, 3, 2, 1, true)), replay(2, good, 1, 2)),
		"a violation":      checkerOf(base(), one(learned(3, 9, 1), learned(3, 9, 2))),
		"replicas renamed": checkerOf(replay(2, good, 1, 3), replay(1, good, 1, 2)),
	}
	seen := map[fingerprint.Key]string{}
	seenWords := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(variants)) {
		k, w := fingerprints(variants[name], nil)
		if other, ok := seen[k]; ok {
			t.Errorf("%s and %s share a fingerprint", name, other)
		}
		if other, ok := seenWords[w]; ok {
			t.Errorf("%s and %s share exact words", name, other)
		}
		seen[k], seenWords[w] = name, name
	}
}

func TestLogCheckerCloneInto(t *testing.T) {
	c := checkerOf(replay(1, good, 1, 3), one(learned(2, 1, 1)), replay(2, good, 1, 1))
	before, beforeWords := fingerprints(c, nil)

	clone := c.CloneInto(nil)
	if k, w := fingerprints(clone, nil); k != before || w != beforeWords {
		t.Fatalf("the clone's fingerprint differs")
	}
	// The clone and the original go separate ways.
	observe(clone, seq(replay(2, good, 2, 3), one(applied(3, 1, 9, 1, true), learned(1, 9, 9))))
	if clone.Violation() == nil || clone.AppliedIndex(2) != 3 {
		t.Fatalf("the clone did not go on: %v, %d", clone.Violation(), clone.AppliedIndex(2))
	}
	if k, w := fingerprints(c, nil); k != before || w != beforeWords || c.Violation() != nil || c.AppliedIndex(2) != 1 {
		t.Fatalf("changing the clone changed the original")
	}
	observe(c, replay(3, good, 1, 1))
	if clone.AppliedIndex(3) != 1 || clone.Violation().Property != checker.LogConsistency {
		t.Fatalf("changing the original changed the clone")
	}

	// Reusing a used clone's memory leaves nothing of its past.
	again := checkerOf(replay(1, good, 1, 3), one(learned(2, 1, 1)), replay(2, good, 1, 1))
	reused := again.CloneInto(clone)
	if reused != clone {
		t.Fatalf("CloneInto did not reuse dst")
	}
	if k, w := fingerprints(reused, nil); k != before || w != beforeWords || reused.Violation() != nil || len(reused.Violations()) != 0 {
		t.Fatalf("the reused clone keeps some of its past: %v", reused.Violations())
	}

	// A clone's first violation is its own.
	broken := checkerOf(one(applied(1, 2, 1, 1, true)))
	bc := broken.CloneInto(nil)
	if bc.Violation() == nil || bc.Violation() == broken.Violation() || bc.Violation().Message != broken.Violation().Message {
		t.Fatalf("the clone's violation is %p %v, the original's %p", bc.Violation(), bc.Violation(), broken.Violation())
	}
}

func BenchmarkLogCheckerObserve(b *testing.B) {
	const n = 1000
	log := make([]checker.Value, n)
	for i := range log {
		log[i] = checker.Value(i%(n/2) + 1)
	}
	obs := service(log...)
	b.ReportAllocs()
	for b.Loop() {
		c := checker.NewLogChecker(3)
		for node := 1; node <= 3; node++ {
			for _, o := range obs {
				c.Observe(node, o)
			}
		}
		if c.Violation() != nil {
			b.Fatal(c.Violation())
		}
	}
}
