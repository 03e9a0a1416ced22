package sim

import (
	"errors"
	"slices"
	"testing"
)

func TestAssertionTally(t *testing.T) {
	var failed []string
	a := assertions{failed: func(node NodeID, name string) { failed = append(failed, name) }}
	a.assert(1, AssertSometimes, "s", false)
	a.assert(2, AssertAlways, "a", true)
	a.assert(2, AssertSometimes, "s", true)
	a.assert(3, AssertAlways, "a", false)
	a.assert(3, AssertReachable, "r", true)
	want := []Assertion{
		{Name: "s", Kind: AssertSometimes, Reached: 2, Held: 1},
		{Name: "a", Kind: AssertAlways, Reached: 2, Held: 1},
		{Name: "r", Kind: AssertReachable, Reached: 1, Held: 1},
	}
	if !slices.Equal(a.list, want) {
		t.Errorf("tally %+v, want %+v", a.list, want)
	}
	if !slices.Equal(failed, []string{"a"}) {
		t.Errorf("failed Always reported %q, want [a]", failed)
	}
	for _, x := range a.list {
		if !x.Satisfied() {
			t.Errorf("%+v not satisfied", x)
		}
	}
	if (&Assertion{Kind: AssertSometimes, Reached: 3}).Satisfied() {
		t.Error("a Sometimes reached but never held is satisfied")
	}
	a.reset()
	a.assert(1, AssertReachable, "s", true) // a new run may use a name anew
	if len(a.list) != 1 || a.list[0].Kind != AssertReachable {
		t.Errorf("after reset: %+v", a.list)
	}
}

func TestAssertionMisuse(t *testing.T) {
	for _, tt := range []struct {
		name string
		do   func(a *assertions)
	}{
		{"no name", func(a *assertions) { a.assert(1, AssertAlways, "", true) }},
		{"two kinds", func(a *assertions) { a.assert(1, AssertAlways, "x", true); a.assert(1, AssertSometimes, "x", true) }},
	} {
		func() {
			defer func() {
				var m *MisuseError
				if err, _ := recover().(error); !errors.As(err, &m) || m.Rule != "assertion" {
					t.Errorf("%s: recovered %v, want a misuse of rule assertion", tt.name, err)
				}
			}()
			tt.do(&assertions{})
		}()
	}
}

func TestAssertKindText(t *testing.T) {
	for _, k := range []AssertKind{AssertAlways, AssertSometimes, AssertReachable} {
		b, _ := k.MarshalText()
		var back AssertKind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%v: round trip %v, %v", k, back, err)
		}
	}
	var k AssertKind
	if err := k.UnmarshalText([]byte("never")); err == nil {
		t.Error("an unknown kind read without error")
	}
}

// TestManyAssertions crosses the linear scan's bound: every name keeps
// one tally.
func TestManyAssertions(t *testing.T) {
	var a assertions
	for range 2 {
		for i := range 3 * linearAsserts {
			a.assert(1, AssertReachable, string(rune('A'+i)), true)
		}
	}
	if len(a.list) != 3*linearAsserts {
		t.Fatalf("%d tallies, want %d", len(a.list), 3*linearAsserts)
	}
	for _, x := range a.list {
		if x.Reached != 2 {
			t.Errorf("%+v: want reached twice", x)
		}
	}
}
