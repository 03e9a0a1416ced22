package paxtest

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/engine"
)

// configFlags writes c as the flags of paxsim's command line (or of a
// user's binary built on it): --protocol and --variant, then every knob
// whose value differs from engine.Default(), named as its flag (its JSON
// key with dashes), then the protocol's own knobs.
func configFlags(c engine.Config, w engine.Workload) string {
	have, base := jsonFields(c), jsonFields(engine.Default())
	args := []string{"--protocol " + c.Protocol, "--variant " + c.Variant}
	keys := make([]string, 0, len(have))
	for k := range have { // order-free: sorted below
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch {
		case k == "protocol" || k == "variant" || k == "faults" || k == "params" || have[k] == base[k]:
		case k == "clients":
			args = append(args, "--"+engine.ClientsKnob(w)+" "+unquote(have[k]))
		default:
			args = append(args, "--"+strings.ReplaceAll(k, "_", "-")+" "+unquote(have[k]))
		}
	}
	for _, f := range c.Faults {
		args = append(args, "--fault "+f)
	}
	params := make([]string, 0, len(c.Params))
	for name := range c.Params { // order-free: sorted below
		params = append(params, name)
	}
	slices.Sort(params)
	for _, name := range params {
		args = append(args, "--"+name+" "+c.Params[name])
	}
	return strings.Join(args, " ")
}

// jsonFields is c's JSON object, each value as its JSON text.
func jsonFields(c engine.Config) map[string]string {
	data, _ := json.Marshal(c) // plain data: cannot fail
	var raw map[string]json.RawMessage
	json.Unmarshal(data, &raw)
	out := make(map[string]string, len(raw))
	for k, v := range raw { // order-free: a map from a map
		out[k] = string(v)
	}
	return out
}

// unquote is a JSON value as a flag's value: a string without its quotes.
func unquote(v string) string {
	if s, err := strconv.Unquote(v); err == nil {
		return s
	}
	return v
}
