package linearize_test

import (
	"math/rand/v2"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/checker/linearize"
)

func told(v checker.Value) linearize.Output { return linearize.Output{Known: true, Value: v} }

var unknown = linearize.Output{}

// none and val keep the table's values of the Model's types, not untyped
// constants: Step must tell a checker.Value from an int64.
const none = checker.None

func val(v int64) checker.Value { return checker.Value(v) }

func TestModelStep(t *testing.T) {
	tests := []struct {
		name   string
		state  any
		input  any
		output any
		ok     bool
		next   any // when ok
	}{
		{"undecided: a propose decides its value",
			none, val(1), told(1), true, val(1)},
		{"undecided: a propose cannot return another value",
			none, val(1), told(2), false, nil},
		{"undecided: an unknown outcome decides its value",
			none, val(1), unknown, true, val(1)},
		{"decided: a propose returns the decided value",
			val(1), val(2), told(1), true, val(1)},
		{"decided: a propose cannot return its own value",
			val(1), val(2), told(2), false, nil},
		{"decided: an unknown outcome changes nothing",
			val(1), val(2), unknown, true, val(1)},
		{"decided: no value is not an answer",
			val(1), val(2), told(none), false, nil},
		{"a zero proposal is illegal", none, none, told(none), false, nil},
		{"a negative proposal is illegal", none, val(-1), unknown, false, nil},
		{"a negative state is illegal", val(-1), val(1), unknown, false, nil},
		{"an int64 input is not a Value", none, int64(1), told(1), false, nil},
		{"a bare output is not an Output", none, val(1), val(1), false, nil},
		{"a nil state is illegal", nil, val(1), told(1), false, nil},
	}
	m := linearize.Model()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, next := m.Step(tt.state, tt.input, tt.output)
			if ok != tt.ok {
				t.Fatalf("Step(%v, %v, %v) ok = %v, want %v", tt.state, tt.input, tt.output, ok, tt.ok)
			}
			if ok && next != tt.next {
				t.Fatalf("Step(%v, %v, %v) next = %v, want %v", tt.state, tt.input, tt.output, next, tt.next)
			}
			if !ok && next != tt.state {
				t.Fatalf("an illegal Step changed the state %v to %v", tt.state, next)
			}
		})
	}
}

func TestModelDescribe(t *testing.T) {
	m := linearize.Model()
	if got := m.Init(); got != checker.None {
		t.Errorf("Init() = %v, want undecided", got)
	}
	for _, tt := range []struct{ got, want string }{
		{m.DescribeOperation(checker.Value(2), told(1)), "propose(v2) -> v1"},
		{m.DescribeOperation(checker.Value(3), unknown), "propose(v3) -> ?"},
		{m.DescribeOperation("x", 4), "propose(x) -> 4"},
		{m.DescribeState(checker.None), "undecided"},
		{m.DescribeState(checker.Value(1)), "decided v1"},
		{m.DescribeState("x"), "bad state x"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestStepNeverPanics feeds Step random values of random types, and checks
// it against the specification whenever the types are right.
func TestStepNeverPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := linearize.Model()
	for range 50_000 {
		state, input, output := garbage(r), garbage(r), garbage(r)
		ok, next := step(t, m.Step, state, input, output)
		wantOK, wantNext := spec(state, input, output)
		if ok != wantOK || (ok && next != wantNext) {
			t.Fatalf("Step(%#v, %#v, %#v) = %v, %#v; the spec says %v, %#v",
				state, input, output, ok, next, wantOK, wantNext)
		}
		if m.Hash != nil && ok {
			m.Hash(next)
		}
		m.DescribeOperation(input, output)
		m.DescribeState(state)
		m.DescribeOperationMetadata(input)
	}
}

func step(t *testing.T, f func(s, i, o any) (bool, any), s, i, o any) (ok bool, next any) {
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Step(%#v, %#v, %#v) panicked: %v", s, i, o, p)
		}
	}()
	return f(s, i, o)
}

// spec is the consensus object, written apart from the Model.
func spec(state, input, output any) (bool, any) {
	s, ok1 := state.(checker.Value)
	v, ok2 := input.(checker.Value)
	out, ok3 := output.(linearize.Output)
	if !ok1 || !ok2 || !ok3 || s < 0 || v <= 0 {
		return false, nil
	}
	if s == checker.None {
		return !out.Known || out.Value == v, v
	}
	return !out.Known || out.Value == s, s
}

func garbage(r *rand.Rand) any {
	small := func() int64 { return r.Int64N(7) - 2 }
	switch r.IntN(10) {
	case 0:
		return nil
	case 1:
		return int(small())
	case 2:
		return small()
	case 3:
		return "v1"
	case 4:
		return &linearize.Output{Known: true, Value: 1}
	case 5:
		return []checker.Value{1}
	case 6, 7:
		return linearize.Output{Known: r.IntN(3) > 0, Value: checker.Value(small())}
	}
	return checker.Value(small())
}
