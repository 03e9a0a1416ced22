package cli

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/engine"
)

// The flag values. Their errors complete "invalid value for --NAME: ".

// nameValue is a flag that names something, a protocol or a variant: an
// empty name is an error, not the default.
type nameValue string

func (v *nameValue) String() string { return string(*v) }

func (v *nameValue) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("the name is empty (leave the flag out for its default)")
	}
	*v = nameValue(s)
	return nil
}

// value is a string, boolean or number flag whose parse errors say what
// was expected.
type value[T string | bool | int | int64 | uint64 | float64] struct{ p *T }

func (v value[T]) String() string {
	if v.p == nil {
		return ""
	}
	return fmt.Sprint(*v.p)
}

// IsBoolFlag reports whether the flag is a boolean, which takes no
// separate argument.
func (v value[T]) IsBoolFlag() bool {
	_, ok := any(v.p).(*bool)
	return ok
}

func (v value[T]) Set(s string) error {
	var err error
	want := "an integer"
	switch p := any(v.p).(type) {
	case *string:
		*p = s
	case *bool:
		*p, err = strconv.ParseBool(s)
		want = "true or false"
	case *int:
		*p, err = strconv.Atoi(s)
	case *int64:
		*p, err = strconv.ParseInt(s, 10, 64)
	case *uint64:
		*p, err = strconv.ParseUint(s, 10, 64)
		want = "a non-negative integer"
	case *float64:
		*p, err = strconv.ParseFloat(s, 64)
		want = "a number"
	}
	switch {
	case errors.Is(err, strconv.ErrRange):
		return fmt.Errorf("%q is out of range", s)
	case err != nil:
		return fmt.Errorf("%q is not %s", s, want)
	}
	return nil
}

// countValue is a count whose zero, in engine.Config, means the
// protocol's default (--proposers, --clients, --commands): given on the
// command line it must be at least 1, as leaving the flag out gives the
// default.
type countValue struct{ p *int }

func (v countValue) String() string { return value[int](v).String() }

func (v countValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return value[int](v).Set(s)
	}
	if n < 1 {
		return fmt.Errorf("%d is not a count of at least 1 (leave the flag out for its default)", n)
	}
	*v.p = n
	return nil
}

// faultsValue is the repeatable --fault flag.
type faultsValue []string

func (v *faultsValue) String() string {
	if v == nil {
		return ""
	}
	return strings.Join(*v, " ")
}

func (v *faultsValue) Set(s string) error { *v = append(*v, s); return nil }

// paramValue is a protocol's knob (engine.Knob), a key of
// engine.Config.Params; its value is the knob's default until it is set.
type paramValue struct {
	c *engine.Config
	k engine.Knob
}

func (v *paramValue) String() string {
	if v.c == nil {
		return ""
	}
	if s, ok := v.c.Params[v.k.Name]; ok {
		return s
	}
	return v.k.Default
}

func (v *paramValue) Set(s string) error {
	if v.k.Check != nil {
		if err := v.k.Check(s); err != nil {
			return err
		}
	}
	params := map[string]string{}
	maps.Copy(params, v.c.Params)
	params[v.k.Name] = s
	v.c.Params = params
	return nil
}

// schedulerValue is --scheduler: engine.Config.Scheduler, whose empty
// default reads as engine.SchedulerRandom.
type schedulerValue string

func (v *schedulerValue) String() string {
	if v == nil || *v == "" {
		return engine.SchedulerRandom
	}
	return string(*v)
}

func (v *schedulerValue) Set(s string) error {
	if !slices.Contains(engine.Schedulers, s) {
		return fmt.Errorf("%q is not a scheduler (known: %s)", s, strings.Join(engine.Schedulers, ", "))
	}
	*v = schedulerValue(s)
	return nil
}

// depthValue is --pct-depth: engine.Config.PCTDepth, a positive integer
// whose zero default reads as engine.DefaultPCTDepth.
type depthValue struct{ p *int }

func (v depthValue) String() string {
	if v.p == nil || *v.p == 0 {
		return strconv.Itoa(engine.DefaultPCTDepth)
	}
	return strconv.Itoa(*v.p)
}

func (v depthValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > engine.MaxPCTDepth {
		return fmt.Errorf("%q is not a depth between 1 and %d", s, engine.MaxPCTDepth)
	}
	*v.p = n
	return nil
}

// repeatable is a flag that may be given more than once, each value
// adding to the others (--fault).
type repeatable interface{ repeatable() }

func (v *faultsValue) repeatable() {}

// onceValue wraps every flag that is not repeatable: given twice on one
// command line it is a usage error, not the last value silently winning
// (which of "--seeds 100 ... --seeds 10" was meant?).
type onceValue struct {
	flag.Value
	given string // the first value, once given
	set   bool
}

// errGivenTwice starts the error of a flag given twice; flagMessage words
// it.
const errGivenTwice = "given twice"

func (v *onceValue) Set(s string) error {
	if v.set {
		return fmt.Errorf("%s (%q, then %q): give it once", errGivenTwice, v.given, s)
	}
	v.given, v.set = s, true
	return v.Value.Set(s)
}

// IsBoolFlag reports whether the wrapped flag is a boolean, which takes
// no separate argument.
func (v *onceValue) IsBoolFlag() bool { return isBoolFlag(v.Value) }
