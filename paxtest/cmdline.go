package paxtest

import (
	"encoding/json"
	"maps"
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
	for _, k := range slices.Sorted(maps.Keys(have)) {
		switch v := string(have[k]); {
		case k == "protocol" || k == "variant" || k == "faults" || k == "params" || v == string(base[k]):
		case k == "clients":
			args = append(args, "--"+engine.ClientsKnob(w)+" "+unquote(v))
		default:
			args = append(args, "--"+strings.ReplaceAll(k, "_", "-")+" "+unquote(v))
		}
	}
	for _, f := range c.Faults {
		args = append(args, "--fault "+f)
	}
	for _, name := range slices.Sorted(maps.Keys(c.Params)) {
		args = append(args, "--"+name+" "+c.Params[name])
	}
	return strings.Join(args, " ")
}

// jsonFields is c's JSON object, each value as its JSON text.
func jsonFields(c engine.Config) map[string]json.RawMessage {
	data, _ := json.Marshal(c) // plain data: cannot fail
	var raw map[string]json.RawMessage
	json.Unmarshal(data, &raw)
	return raw
}

// unquote is a JSON value as a flag's value: a string without its quotes.
func unquote(v string) string {
	if s, err := strconv.Unquote(v); err == nil {
		return s
	}
	return v
}
