package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"text/tabwriter"

	"github.com/paxsim/paxsim/protocol"
)

var variantsCmd = &command{
	name:  "variants",
	usage: "[--json]",
	short: "list the deliberately broken protocol variants",
	long: `Variants lists the protocol variants that --variant selects: each is a
deliberate bug with the property it is expected to break, for checking that
the checkers catch it. "none" is the correct protocol.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.json, "json", false, "print a JSON list of {name, breaks, summary}")
	},
	run: func(_ context.Context, x *invocation, o *options, args []string) error {
		if err := noArgs("variants", args); err != nil {
			return err
		}
		type variant struct {
			Name    string `json:"name"`
			Breaks  string `json:"breaks"`
			Summary string `json:"summary"`
		}
		list := []variant{{protocol.Correct, "", "the correct protocol"}}
		for _, v := range protocol.Variants() {
			list = append(list, variant{v.Name, string(v.Breaks), v.Summary})
		}
		if o.json {
			return writeJSON(x.stdout, list)
		}
		tw := tabwriter.NewWriter(x.stdout, 0, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "VARIANT\tBREAKS\tSUMMARY\n")
		for _, v := range list {
			breaks := v.Breaks
			if breaks == "" {
				breaks = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", v.Name, breaks, v.Summary)
		}
		return tw.Flush()
	},
}

var versionCmd = &command{
	name:  "version",
	usage: "",
	short: "print paxsim's version",
	long: `Version prints the version of paxsim's module and of the Go toolchain that
built it.`,
	run: func(_ context.Context, x *invocation, _ *options, args []string) error {
		if err := noArgs("version", args); err != nil {
			return err
		}
		version := "(devel)"
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
			version = info.Main.Version
		}
		fmt.Fprintf(x.stdout, "paxsim %s %s\n", version, runtime.Version())
		return nil
	},
}
