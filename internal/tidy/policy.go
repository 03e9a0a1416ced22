package tidy

import (
	"fmt"
	"slices"
	"strings"
)

// Free is a package directory the determinism rules do not apply to, and
// why: code that never runs inside a simulation.
type Free struct {
	Dir string // relative to the module's root, slash-separated; covers the directories under it
	Why string
}

// Waiver lets one declared function break some rules, and says why. A
// waiver is per function, not per package or file, so a banned call added
// anywhere else in the package is still caught.
type Waiver struct {
	Dir   string   // the package's directory, relative to the module's root
	Func  string   // as FuncName names it: Name, or Type.Name for a method
	Rules []string // the rules it may break
	Why   string
}

// Policy says where the determinism rules hold: in every package of the
// module but the Free ones, and in them everywhere but the Waivers'
// functions.
type Policy struct {
	Free    []Free
	Waivers []Waiver
}

// IsFree reports whether the rules skip the package in dir.
func (p Policy) IsFree(dir string) bool {
	for _, f := range p.Free {
		if dir == f.Dir || strings.HasPrefix(dir, f.Dir+"/") {
			return true
		}
	}
	return false
}

// Lint checks every package of m the policy does not free. It returns the
// findings no waiver covers, and the waivers that waive a rule their
// function does not break (stale: each lists only the unused rules; remove
// them, or fix the waiver's names).
func (m *Module) Lint(p Policy) (findings []Finding, stale []Waiver, err error) {
	used := make([]map[string]bool, len(p.Waivers))
	for i := range used {
		used[i] = map[string]bool{}
	}
	for _, pkg := range m.Packages {
		if p.IsFree(pkg.Rel) || len(pkg.Files) == 0 {
			continue
		}
		all, err := m.Determinism(pkg.Path, pkg.Files)
		if err != nil {
			return nil, nil, err
		}
		for _, f := range all {
			if i := p.waiver(pkg.Rel, f); i >= 0 {
				used[i][f.Rule] = true
				continue
			}
			findings = append(findings, f)
		}
	}
	for i, w := range p.Waivers {
		unused := slices.DeleteFunc(slices.Clone(w.Rules), func(r string) bool { return used[i][r] })
		if len(unused) > 0 {
			w.Rules = unused
			stale = append(stale, w)
		}
	}
	return findings, stale, nil
}

// waiver is the index of the waiver that covers f in dir, or -1.
func (p Policy) waiver(dir string, f Finding) int {
	for i, w := range p.Waivers {
		if w.Dir == dir && w.Func == f.Func && f.Func != "" && slices.Contains(w.Rules, f.Rule) {
			return i
		}
	}
	return -1
}

// String names the waiver: directory, function and rules.
func (w Waiver) String() string {
	return fmt.Sprintf("%s: %s may break %s", w.Dir, w.Func, strings.Join(w.Rules, ", "))
}
