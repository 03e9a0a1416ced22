package catalogue

import (
	"strings"
	"testing"
)

type entry struct{ name string }

func nameOf(e entry) string { return e.name }

func TestLookup(t *testing.T) {
	all := []entry{{"a"}, {"b"}}
	for _, name := range []string{"", Correct} {
		if got, err := Lookup(all, nameOf, name); err != nil || got != (entry{}) {
			t.Errorf("Lookup(%q) = %v, %v; want the zero entry (the correct protocol)", name, got, err)
		}
	}
	if got, err := Lookup(all, nameOf, "b"); err != nil || got.name != "b" {
		t.Errorf("Lookup(b) = %v, %v", got, err)
	}
	_, err := Lookup(all, nameOf, "c")
	if err == nil || !strings.Contains(err.Error(), `"c"`) || !strings.Contains(err.Error(), "a, b, or none") {
		t.Errorf("Lookup(c) error = %v; want one naming c and listing a, b and none", err)
	}
}
