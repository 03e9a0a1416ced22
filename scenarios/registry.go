package scenarios

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/paxsim/paxsim"
)

// Scenarios parses every scenario the binary ships with (the files of
// testdata/scenarios), sorted by name.
func Scenarios() ([]*Scenario, error) {
	return scenariosIn(paxsim.ScenarioFiles, "testdata/scenarios")
}

func scenariosIn(fsys fs.FS, dir string) ([]*Scenario, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.txt"))
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
		s, err := ParseScenario(f, strings.TrimSuffix(path.Base(file), ".txt"), file)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// LookupScenario returns the scenario called name.
func LookupScenario(name string) (*Scenario, error) {
	all, err := Scenarios()
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
