package script

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/paxsim/paxsim"
)

// Builtin parses every scenario the binary ships with (the files of
// testdata/scenarios), sorted by name.
func Builtin() ([]*Scenario, error) {
	fsys := paxsim.ScenarioFiles
	names, err := fs.Glob(fsys, "testdata/scenarios/*.txt")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*Scenario
	for _, file := range names {
		f, err := fsys.Open(file)
		if err != nil {
			return nil, err
		}
		s, err := Parse(f, strings.TrimSuffix(path.Base(file), ".txt"), file)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Lookup returns the shipped scenario called name.
func Lookup(name string) (*Scenario, error) {
	all, err := Builtin()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range all {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return nil, fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(names, ", "))
}
