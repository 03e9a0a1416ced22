package paxtest

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/paxsim/paxsim/internal/rapidseed"
)

// rapid reads its settings from its flags when a check starts, and has no
// other way to take them: a search sets the ones its Options decide for
// its own duration, then restores them. So a search must not run beside
// another in the same process (as t.Setenv, it is not for parallel tests).
// A flag given on the command line (or its RAPID_ variable) is the user's
// and always wins, as it does for every rapid property.

// rapidSetting is one of rapid's flags and the value a search wants.
type rapidSetting struct {
	name, env, value string
	force            bool // set even when the user chose a value
}

// settings are rapid's flags for a search under o: a fixed seed unless
// the run is long (PAXSIM_LONG=1), so that a go test gives one verdict.
// find is set for Find, whose result a test pins: it starts from a fixed
// seed even in a long run, shrinks to the end whatever the machine's
// speed, and writes no fail file into the user's testdata.
func (o *Options) settings(find bool) []rapidSetting {
	checks := cmp.Or(o.Checks, DefaultChecks)
	if !find {
		checks = scaled(checks)
	}
	out := []rapidSetting{{"rapid.checks", "RAPID_CHECKS", strconv.Itoa(checks), false}}
	if o.failFilesOnly {
		out[0] = rapidSetting{"rapid.checks", "RAPID_CHECKS", "0", true}
	}
	switch {
	case o.Seed != 0:
		out = append(out, rapidSetting{"rapid.seed", "RAPID_SEED", strconv.FormatUint(o.Seed, 10), false})
	case find || !rapidseed.Long():
		out = append(out, rapidSetting{"rapid.seed", "RAPID_SEED", strconv.Itoa(rapidseed.Seed), false})
	}
	if find {
		out = append(out,
			rapidSetting{"rapid.shrinktime", "RAPID_SHRINKTIME", "10m", false},
			rapidSetting{"rapid.nofailfile", "RAPID_NOFAILFILE", strconv.FormatBool(!o.writeFailFile), o.writeFailFile})
	}
	return out
}

// setRapidFlags applies settings and returns what restores the flags.
func setRapidFlags(settings []rapidSetting) (restore func(), err error) {
	var undo []func()
	restore = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	for _, s := range settings {
		f := flag.Lookup(s.name)
		if f == nil {
			restore()
			return nil, fmt.Errorf("paxtest: rapid has no flag -%s", s.name)
		}
		if !s.force && chosen(s.name, s.env) {
			continue
		}
		old := f.Value.String()
		if err := f.Value.Set(s.value); err != nil {
			restore()
			return nil, fmt.Errorf("paxtest: -%s=%s: %v", s.name, s.value, err)
		}
		undo = append(undo, func() { f.Value.Set(old) })
	}
	return restore, nil
}

// chosen reports whether the user set a rapid flag on the command line or
// in its environment variable.
func chosen(name, env string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	_, inEnv := os.LookupEnv(env)
	return set || inEnv
}
