package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/report"
)

// configArgs renders c, a config of the protocol info describes, as
// name/value pairs in table order, one pair per scheduled fault, the
// protocol's knobs last, with the defaults a run fills in written out
// (engine.Config.Effective). With onlyChanged, options equal to their
// defaults for c's protocol are left out, and the protocol too when it is
// def, the default one: what remains reproduces c on a command line.
func configArgs(info *engine.Info, c engine.Config, onlyChanged bool, def string) [][2]string {
	c = c.Effective(info)
	d := engine.Default()
	d.Protocol = c.Protocol
	d = d.Effective(info)
	d.Protocol = def
	var out [][2]string
	for _, f := range configFlags {
		if !f.appliesTo(info) {
			continue
		}
		if f.name == "fault" {
			for _, s := range c.Faults {
				out = append(out, [2]string{f.name, s})
			}
			if len(c.Faults) == 0 && !onlyChanged {
				out = append(out, [2]string{f.name, "none"})
			}
			continue
		}
		v := f.field(&c).String()
		if onlyChanged && v == f.field(&d).String() {
			continue
		}
		out = append(out, [2]string{f.name, v})
	}
	for _, k := range info.Knobs {
		v := info.Param(c.Params, k.Name)
		if onlyChanged && v == k.Default {
			continue
		}
		out = append(out, [2]string{k.Name, v})
	}
	return out
}

// configLine lists every option of c as name=value pairs.
func (x *invocation) configLine(info *engine.Info, c engine.Config) string {
	var parts []string
	for _, kv := range configArgs(info, c, false, x.reg.Default().Name()) {
		parts = append(parts, kv[0]+"="+kv[1])
	}
	return strings.Join(parts, " ")
}

// seedLine is the VOPR-style first line of a report: the seed and every
// option, so that the line alone says how to run it again.
func (x *invocation) seedLine(info *engine.Info, seed uint64, c engine.Config) string {
	return fmt.Sprintf("SEED=%d %s", seed, x.configLine(info, c))
}

// replayLine is the command line that runs seed of c again.
func (x *invocation) replayLine(info *engine.Info, seed uint64, c engine.Config) string {
	return fmt.Sprintf("%s replay --seed %d%s", x.program, seed, x.flagsOf(info, c, ""))
}

// flagsOf is c as the flags that differ from the defaults, each after a
// space, but for the flag skip.
func (x *invocation) flagsOf(info *engine.Info, c engine.Config, skip string) string {
	var b strings.Builder
	for _, kv := range configArgs(info, c, true, x.reg.Default().Name()) {
		switch f := lookupConfigFlag(kv[0]); {
		case kv[0] == skip:
		case f != nil && isBoolFlag(f.field(&c)):
			fmt.Fprintf(&b, " --%s=%s", kv[0], kv[1])
		default:
			fmt.Fprintf(&b, " --%s %s", kv[0], report.ShellQuote(kv[1]))
		}
	}
	return b.String()
}

// isBoolFlag reports whether a flag's value is a boolean, which takes no
// separate argument.
func isBoolFlag(v flag.Value) bool {
	b, ok := v.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
