package srcmut

import (
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"
)

// fixture generates the mutants of testdata/fixture/p, a module of its
// own with one function per operator.
func fixture(t *testing.T) *Set {
	t.Helper()
	s, err := Generate("testdata/fixture", []string{"p"}, Operators)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGenerateOperatorsAndIDs checks the operators the generator applies
// to the fixture, the IDs it gives them, their diffs, and the functions
// it leaves out of scope.
func TestGenerateOperatorsAndIDs(t *testing.T) {
	s := fixture(t)
	byID := map[string]*Mutant{}
	for i, m := range s.Mutants {
		byID[m.ID] = m
		if m.N != i+1 {
			t.Errorf("%s is number %d, want %d", m.ID, m.N, i+1)
		}
		if m.Func == "Store.String" || m.Func == "label" {
			t.Errorf("%s: %s is out of scope", m.ID, m.Func)
		}
	}
	want := map[string][2]string{
		"p/p.go:Accept:cmp-boundary:1": {"if b < promised {", "if b <= promised {"},
		"p/p.go:Accept:cmp-negate:1":   {"if b < promised {", "if b >= promised {"},
		"p/p.go:Accept:drop-persist:1": {"s.Persist(b)", ""},
		"p/p.go:Accept:drop-send:1":    {"send(b, promised)", ""},
		"p/p.go:Accept:swap-args:1":    {"send(b, promised)", "send(promised, b)"},
		"p/p.go:Count:cmp-negate:1":    {"for x != 0 {", "for x == 0 {"},
		"p/p.go:Count:negate-cond:1":   {"if ok {", "if !(ok) {"},
		"p/p.go:Count:drop-stmt:1":     {"x &= x - 1", ""},
		"p/p.go:Count:drop-stmt:2":     {"n++", ""},
		"p/p.go:Count:drop-stmt:3":     {"n += 2", ""},
		"p/p.go:Count:const-one:1":     {"n := 0", "n := (0+1)"},
		"p/p.go:Count:const-one:8":     {"n += 2", "n += (2-1)"},
	}
	for id, diff := range want {
		m := byID[id]
		if m == nil {
			t.Errorf("no mutant %s", id)
			continue
		}
		if m.Before != diff[0] || m.After != diff[1] {
			t.Errorf("%s: %q -> %q, want %q -> %q", id, m.Before, m.After, diff[0], diff[1])
		}
	}
	if len(s.Mutants) != 19 {
		for _, m := range s.Mutants {
			t.Log(m.ID, m.After)
		}
		t.Errorf("%d mutants, want 19", len(s.Mutants))
	}
}

// TestCompilesCountsApart checks that a mutant that does not compile
// alone is found so (a uint64 compared with 0-1), and every other
// fixture mutant compiles.
func TestCompilesCountsApart(t *testing.T) {
	s := fixture(t)
	errs, err := s.Compiles()
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		bad := s.Mutants[i].ID == "p/p.go:Count:const-one:4"
		if (e != nil) != bad {
			t.Errorf("%s: compile error %v, want one: %v", s.Mutants[i].ID, e, bad)
		}
	}
}

// TestSchemaParses renders the fixture's schema: every mutant behind the
// switch, nested sites written into the holes of the sites around them.
func TestSchemaParses(t *testing.T) {
	s := fixture(t)
	f := s.pkgs[0].files[0]
	code := render(f.src, 0, len(f.src), f.roots)
	if _, err := parser.ParseFile(token.NewFileSet(), "schema.go", code, 0); err != nil {
		t.Fatalf("the schema does not parse: %v\n%s", err, code)
	}
	for _, m := range s.Mutants {
		if !strings.Contains(code, "srcmutIs("+itoa(m.N)+")") && !strings.Contains(code, "srcmutNot("+itoa(m.N)+")") &&
			!strings.Contains(code, ", "+itoa(m.N)+",") && !strings.Contains(code, ", "+itoa(m.N)+")") {
			t.Errorf("the schema has no switch for %s (%d)", m.ID, m.N)
		}
	}
	if !strings.Contains(code, "srcmutPick[int]") {
		t.Errorf("the swap of send's arguments is not in the schema:\n%s", code)
	}
}

// TestGenerateIsDeterministic: the same source gives the same mutants,
// IDs and numbers, every time.
func TestGenerateIsDeterministic(t *testing.T) {
	a, b := fixture(t), fixture(t)
	ids := func(s *Set) []string {
		var out []string
		for _, m := range s.Mutants {
			out = append(out, m.ID+" "+m.After)
		}
		return out
	}
	if !slices.Equal(ids(a), ids(b)) {
		t.Errorf("two generations differ:\n%v\n%v", ids(a), ids(b))
	}
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}
