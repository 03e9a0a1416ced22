package harness

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

var protocolName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// validate checks a protocol's Info: a name, variants and knobs that are
// unique and well named, a workload that can run.
func validate(info *engine.Info) error {
	if !protocolName.MatchString(info.Name) {
		return fmt.Errorf("protocol name %q: want lower-case letters, digits and dashes", info.Name)
	}
	seen := map[string]bool{engine.Correct: true}
	for _, v := range info.Variants {
		if !protocolName.MatchString(v.Name) || seen[v.Name] {
			return fmt.Errorf("protocol %s: variant %q is %s", info.Name, v.Name, why(seen[v.Name], "listed twice (or is none)", "not a lower-case name"))
		}
		seen[v.Name] = true
	}
	knobs := map[string]bool{}
	for _, k := range info.Knobs {
		if !protocolName.MatchString(k.Name) || knobs[k.Name] || engine.IsConfigFlag(k.Name) {
			return fmt.Errorf("protocol %s: knob %q is %s", info.Name, k.Name, why(knobs[k.Name] || engine.IsConfigFlag(k.Name), "taken", "not a lower-case name"))
		}
		knobs[k.Name] = true
		if k.Check != nil {
			if err := k.Check(k.Default); err != nil {
				return fmt.Errorf("protocol %s: knob %s's default %q: %v", info.Name, k.Name, k.Default, err)
			}
		}
	}
	if err := validateAssertions(info); err != nil {
		return err
	}
	if err := info.CheckRoles(); err != nil {
		return fmt.Errorf("protocol %s: %v", info.Name, err)
	}
	w := info.Workload
	if w.Clients < 1 || w.Commands < 1 || (w.Kind == engine.Consensus && w.Commands != 1) {
		return fmt.Errorf("protocol %s: workload defaults %d clients x %d commands: want at least one each (a consensus client proposes once)", info.Name, w.Clients, w.Commands)
	}
	return nil
}

func why(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// validateAssertions checks info's declared assertions: each named once,
// of a kind there is, needing only fault kinds there are.
func validateAssertions(info *engine.Info) error {
	seen := map[string]bool{}
	for _, a := range info.Assertions {
		bad := ""
		switch {
		case a.Name == "" || seen[a.Name]:
			bad = "declared twice, or with no name"
		case a.Kind < sim.AssertAlways || a.Kind > sim.AssertReachable:
			bad = fmt.Sprintf("of no kind (%d)", a.Kind)
		}
		for _, n := range a.Needs {
			if !slices.Contains(engine.FaultNames, n) && n != engine.Contention {
				bad = fmt.Sprintf("needing %q, which is neither %s nor a fault kind (%s)", n, engine.Contention, strings.Join(engine.FaultNames, ", "))
			}
		}
		if bad != "" {
			return fmt.Errorf("protocol %s: assertion %q is %s", info.Name, a.Name, bad)
		}
		seen[a.Name] = true
	}
	return nil
}
