package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/engine"
)

// The flag values. Their errors complete "invalid value for --NAME: ".

type stringValue string

func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }

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

// boolValue is a boolean flag.
type boolValue bool

func (v *boolValue) String() string   { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) IsBoolFlag() bool { return true }

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	*v = boolValue(b)
	return nil
}

// numValue is a number flag whose parse errors say what was expected.
type numValue[T int | int64 | uint64 | float64] struct{ p *T }

func (v numValue[T]) String() string {
	if v.p == nil {
		return ""
	}
	switch x := any(*v.p).(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

func (v numValue[T]) Set(s string) error {
	var err error
	switch p := any(v.p).(type) {
	case *int:
		var n int64
		n, err = strconv.ParseInt(s, 10, strconv.IntSize)
		*p = int(n)
	case *int64:
		*p, err = strconv.ParseInt(s, 10, 64)
	case *uint64:
		*p, err = strconv.ParseUint(s, 10, 64)
	case *float64:
		*p, err = strconv.ParseFloat(s, 64)
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("%q is out of range", s)
	}
	switch any(v.p).(type) {
	case *uint64:
		return fmt.Errorf("%q is not a non-negative integer", s)
	case *float64:
		return fmt.Errorf("%q is not a number", s)
	}
	return fmt.Errorf("%q is not an integer", s)
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
	params := make(map[string]string, len(v.c.Params)+1)
	for k, x := range v.c.Params { // order-free: a copy
		params[k] = x
	}
	params[v.k.Name] = s
	v.c.Params = params
	return nil
}
