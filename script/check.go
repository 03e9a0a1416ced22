package script

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
)

// Check validates what in s depends on its runs' protocols, which lookup
// finds by the name a run line gives ("" for the default): variants,
// knobs, the expectation, client steps and timer names. Errors are
// *engine.LineError values naming file and line.
func Check(s *Scenario, lookup func(protocol string) (*engine.Info, error)) error {
	for _, run := range s.Runs {
		info, err := lookup(run.Protocol)
		if err != nil {
			return &engine.LineError{File: s.File, Line: run.Line, Msg: err.Error()}
		}
		if err := checkRun(info, s.File, run); err != nil {
			return err
		}
	}
	return nil
}

// checkRun validates one run block against the protocol info describes.
func checkRun(info *engine.Info, file string, run Run) error {
	fail := func(line int, err error) error {
		return &engine.LineError{File: file, Line: line, Msg: err.Error()}
	}
	if _, err := info.LookupVariant(run.Variant); err != nil {
		return fail(run.Line, err)
	}
	if err := checkParams(info, run.Params); err != nil {
		return fail(run.Line, err)
	}
	if err := checkExpectation(info, run.Expect); err != nil {
		return fail(run.Line, err)
	}
	c := ctx{info: info, nodes: run.Nodes}
	for _, l := range run.Steps {
		k, args, err := kindOf(l.Text)
		if err == nil {
			err = k.syntax(args, run.Nodes)
		}
		if err == nil && k.check != nil {
			err = k.check(c, l.Text, args)
		}
		if err != nil {
			return fail(l.N, err)
		}
	}
	return nil
}

// checkParams checks the knobs a run line sets.
func checkParams(info *engine.Info, params map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(params)) {
		i := slices.IndexFunc(info.Knobs, func(k engine.Knob) bool { return k.Name == name })
		switch {
		case i < 0:
			return fmt.Errorf("unknown argument %s=%s (want protocol, variant, nodes, seed, expect or %s)",
				name, params[name], knobNames(info))
		case info.Knobs[i].Check != nil:
			if err := info.Knobs[i].Check(params[name]); err != nil {
				return fmt.Errorf("%s=%s: %v", name, params[name], err)
			}
		}
	}
	return nil
}

// knobNames words a protocol's knobs, for errors.
func knobNames(info *engine.Info) string {
	if len(info.Knobs) == 0 {
		return "a knob, of which " + info.Name + " has none"
	}
	var names []string
	for _, k := range info.Knobs {
		names = append(names, k.Name)
	}
	return "a knob of " + info.Name + ": " + strings.Join(names, ", ")
}

// checkExpectation rejects a property the protocol's mask leaves out: a
// run can never break it. Liveness, linearizability and panics are the
// engine's own judgements, which every protocol gets.
func checkExpectation(info *engine.Info, expect string) error {
	p := checker.Property(expect)
	switch {
	case expect == "ok", info.Properties == nil, slices.Contains(info.Properties, p):
	case p == checker.Liveness, p == checker.Linearizability, p == engine.PanicProperty:
	default:
		return fmt.Errorf("expect=%s: %s is not judged for %s (its properties: %v)", expect, expect, info.Name, info.Properties)
	}
	return nil
}
