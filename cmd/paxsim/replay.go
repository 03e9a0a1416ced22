package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/scenarios"
)

var replayCmd = &command{
	name:   "replay",
	usage:  "(FILE | --seed N [config flags]) [--trace=false] [--json]",
	short:  "run a reproducer file or a seed again, with its trace",
	config: true,
	long: `Replay runs a failing seed again and prints its event trace and the same
report as run. FILE is a reproducer that campaign wrote, such as
paxsim-failures/seed-N.json: it carries the seed and the whole config, so
config flags cannot be given with it. After the run, replay compares the
outcome with the one the file recorded and says whether it reproduced: the
same violation with the same trace hash. Without FILE, --seed and the config
flags say what to run, as for run.

The trace is on by default; --trace=false turns it off. With --json the
trace is left out unless --trace is given, and then it is the trace list of
the JSON object. Replaying twice prints the same bytes.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.Var(numValue[uint64]{&o.seed}, "seed", "the seed `N` to run (required without FILE)")
		fs.BoolVar(&o.trace, "trace", true, "print the readable event trace before the report")
		fs.BoolVar(&o.json, "json", false, "print one JSON object instead of the text report")
	},
	run: func(_ context.Context, x *invocation, o *options, args []string) error {
		if o.json && !o.set["trace"] {
			o.trace = false
		}
		switch len(args) {
		case 0:
			if !o.set["seed"] {
				return usageErrorf("replay", "replay needs a reproducer FILE or --seed N")
			}
			if err := validate("replay", o.cfg); err != nil {
				return err
			}
			return x.runSeed(o, nil)
		case 1:
			return x.replayFile(o, args[0])
		}
		return usageErrorf("replay", "replay takes one reproducer FILE, not %d arguments", len(args))
	},
}

func (x *invocation) replayFile(o *options, path string) error {
	for _, name := range sortedKeys(o.set) {
		if name == "seed" || isConfigFlag(name) {
			return usageErrorf("replay", "--%s cannot be used with a reproducer FILE, which holds the seed and the config (use --seed N and config flags instead of FILE)", name)
		}
	}
	rep, err := campaign.ReadReproducer(path)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return inputErrorf("cannot read reproducer %s: %v", pe.Path, pe.Err)
	case err != nil:
		return inputErrorf("%v", err)
	}
	o.seed, o.cfg = rep.Seed, rep.Config
	return x.runSeed(o, &reproducerCheck{File: path, Property: rep.Property, TraceHash: rep.TraceHash, Events: rep.Events})
}

// reproducerCheck compares a replay with what its reproducer recorded.
type reproducerCheck struct {
	File       string `json:"file"`
	Property   string `json:"property"`   // recorded: the first violation's property
	TraceHash  string `json:"trace_hash"` // recorded
	Events     int64  `json:"events"`     // recorded
	Reproduced bool   `json:"reproduced"`
	Detail     string `json:"detail"`
}

func (r *reproducerCheck) compare(res *scenarios.Result) {
	got := ""
	if len(res.Violations) > 0 {
		got = string(res.Violations[0].Property)
	}
	hash := campaign.FormatHash(res.TraceHash)
	sameHash := hash == r.TraceHash && res.Events == r.Events
	switch {
	case got == r.Property && sameHash && got != "":
		r.Reproduced, r.Detail = true, "same violation, same trace hash"
	case got == r.Property && sameHash:
		r.Reproduced, r.Detail = true, "same outcome (no violation), same trace hash"
	case got == r.Property:
		r.Detail = fmt.Sprintf("same violation, but a different run: trace hash %s after %d events, the file recorded %s after %d events (the code changed since the file was written)",
			hash, res.Events, r.TraceHash, r.Events)
	default:
		r.Detail = fmt.Sprintf("the file recorded %s but the replay found %s (trace hash %s, recorded %s): the code or the file changed since it was written",
			describeProperty(r.Property), describeProperty(got), hash, r.TraceHash)
	}
}

func describeProperty(p string) string {
	if p == "" {
		return "no violation"
	}
	return "a violation of " + p
}

func (r *reproducerCheck) writeText(w io.Writer) {
	if r.Reproduced {
		fmt.Fprintf(w, "%-14s %s\n", "reproduced:", r.Detail)
		return
	}
	fmt.Fprintf(w, "WARNING: %s did not reproduce: %s\n", r.File, r.Detail)
}
