package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/report"
	"github.com/paxsim/paxsim/trace"
)

var replayCmd = &command{
	name:   "replay",
	usage:  "(FILE | --seed N [config flags]) [--trace=false] [--json] [--html FILE] [--format text|mermaid|html [--out FILE]]",
	short:  "run a decision trace, a reproducer file or a seed again, with its trace",
	config: true,
	long: `Replay runs a failure again and prints its event trace and the same report
as run. FILE is one of two kinds:

A decision trace (campaign writes seed-N.trace and shrunk.trace into each
failure folder; run --record, shrink and check --out write them too) lists
the steps the run took, one a line: a client's request, deliver, drop or
duplicate this message, fire that timer, crash or restart that replica.
Replay takes them one by one in a world where the trace decides, so it
keeps replaying after code changes that leave those steps possible; a step
that cannot be taken is an error naming its line (exit 2).

A reproducer (seed-N.json) carries the seed and the whole config. After the
run, replay compares the outcome with the one the file recorded and says
whether it reproduced: the same violation with the same trace hash. A
reproducer that does not reproduce is a failed check: replay prints a
WARNING saying how the run differs and exits 1, as it does for a violation.

A campaign's failure folder, or any of its files that holds no run of its
own (summary.json, config.json, trace.txt, diagram.html, seeds.txt), stands
for the folder's shrunk.trace (unshrunk, its seed-N.trace, or unrecorded,
its seed-N.json), which replay says it takes.

Either names its protocol, which must be one this program knows; --protocol,
if given, must be the same. --variant V replays a decision trace's steps
under variant V instead of the one it names (the steps of a counterexample
under the fixed code, say: a step the variant cannot take is an error
naming its line). The other config flags cannot be given with FILE. Without FILE, --seed and the config flags say what to run, as for
run.

The trace is on by default; --trace=false turns it off. With --json the
trace is left out unless --trace is given, and then it is the trace list of
the JSON object. Replaying twice prints the same bytes.

--format mermaid prints the run as a Mermaid sequence diagram instead of
the report, for an issue or a pull request (paste it in a mermaid code
block): one participant per client and replica, ->> for a delivered
message, -x for a lost one, notes for crashes, partitions, timers and each
replica's durable state. --format html writes the run as a self-contained
HTML page, a space-time diagram (one lane per replica and client, messages
as arrows, lost ones crossed, crashes and partitions shaded, each replica's
state on hover), to standard output, or with --out FILE to FILE, and then
prints the report. Campaigns write this page into every failure folder
(diagram.html).`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.Var(value[uint64]{&o.seed}, "seed", "the seed `N` to run (required without FILE)")
		fs.BoolVar(&o.trace, "trace", true, "print the readable event trace before the report")
		fs.BoolVar(&o.json, "json", false, "print one JSON object instead of the text report")
		fs.StringVar(&o.html, "html", "", "when the client history is not linearizable, write its annotated timeline to `FILE` (HTML)")
		fs.StringVar(&o.format, "format", "text", "output `FORMAT`: text (the trace and the report), mermaid (a Mermaid sequence diagram) or html (a space-time diagram page)")
		fs.StringVar(&o.out, "out", "", "with --format html, write the page to `FILE` instead of standard output")
	},
	outputs: []string{"html", "out"},
	run: func(_ context.Context, x *invocation, o *options, args []string) error {
		if err := checkFormat(o); err != nil {
			return err
		}
		if o.json && !o.set["trace"] {
			o.trace = false
		}
		switch len(args) {
		case 0:
			if !o.set["seed"] {
				return usageErrorf("replay", "replay needs a reproducer FILE or --seed N")
			}
			if err := checkConfig("replay", o); err != nil {
				return err
			}
			return x.replaySeed(o, nil)
		case 1:
			return x.replayFile(o, x.groupInput("replaying", args[0]))
		}
		return usageErrorf("replay", "replay takes one reproducer FILE, not %d arguments", len(args))
	},
}

func (x *invocation) replayFile(o *options, path string) error {
	for _, name := range slices.Sorted(maps.Keys(o.set)) {
		if name == "seed" || (name != "protocol" && name != "variant" && isConfigFlag(o.p.Info(), name)) {
			return usageErrorf("replay", "--%s cannot be used with a FILE, which holds the seed and the config (use --seed N and config flags instead of FILE)", name)
		}
	}
	if t, ok, err := readTrace(path); ok || err != nil {
		if err != nil {
			return err
		}
		if o.set["variant"] { // the same steps under another variant: does the fix make the difference?
			t.Config.Variant = o.cfg.Variant
		}
		return x.replayTrace(o, path, t)
	}
	if o.set["variant"] {
		return usageErrorf("replay", "--variant replays a decision trace's steps under another variant; %s is a reproducer, whose seed would make another run (use run --seed N and its config flags)", path)
	}
	rep, p, err := campaign.ReadReproducer(path, x.lookupFor(o, path))
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return inputErrorf("cannot read reproducer %s: %v", pe.Path, pe.Err)
	case err != nil:
		return inputErrorf("%v", err)
	}
	o.p, o.seed, o.cfg = p, rep.Seed, rep.Config
	return x.replaySeed(o, report.NewReproduction(path, rep))
}

// replayTrace replays the decision trace t, read from path.
func (x *invocation) replayTrace(o *options, path string, t *trace.Trace) error {
	p, err := x.checkTrace(o, path, t)
	if err != nil {
		return err
	}
	o.p, o.cfg, o.seed = p, t.Config, t.Seed
	run := func(opts engine.Options) (engine.Result, error) {
		res, err := p.Replay(t, opts)
		var le *engine.LineError
		if errors.As(err, &le) && le.File == "" {
			le.File = path
		}
		return res, err
	}
	again := x.program + " replay " + report.ShellQuote(path)
	if o.set["variant"] {
		again += " --variant " + report.ShellQuote(t.Config.Variant)
	}
	return x.replay(o, nil, path, again, run)
}

// lookupFor finds the protocol a file names, which --protocol, when
// given, must name too.
func (x *invocation) lookupFor(o *options, path string) func(name string) (*harness.Protocol, error) {
	return func(name string) (*harness.Protocol, error) {
		if o.set["protocol"] && name != o.p.Name() {
			return nil, fmt.Errorf("it is a run of --protocol %s, which --protocol %s cannot replay (leave --protocol out)", name, o.p.Name())
		}
		return x.reg.Lookup(name)
	}
}

// checkFormat rejects a bad --format and the flags it rules out.
func checkFormat(o *options) error {
	switch o.format {
	case "text", "mermaid", "html":
	default:
		return usageErrorf("replay", "invalid value %q for --format: want text, mermaid or html", o.format)
	}
	switch {
	case o.format != "text" && o.json:
		return usageErrorf("replay", "--json cannot be used with --format %s: a diagram is its own format", o.format)
	case o.set["out"] && o.format != "html":
		return usageErrorf("replay", "--out is for --format html (the page's file); --format %s prints to standard output", o.format)
	}
	return nil
}

// replaySeed replays o.seed of o.cfg in o.format; rep, when set, is the
// reproducer being replayed.
func (x *invocation) replaySeed(o *options, rep *report.Reproduction) error {
	title := fmt.Sprintf("seed %d", o.seed)
	if rep != nil {
		title = rep.File
	}
	return x.replay(o, rep, title, x.replayLine(o.p.Info(), o.seed, o.cfg), o.runSeed)
}

// replay runs what run says (a seed or a decision trace) and writes, as
// o.format says, the report or a diagram titled title. again is the
// command that replays it.
func (x *invocation) replay(o *options, rep *report.Reproduction, title, again string, run func(engine.Options) (engine.Result, error)) error {
	if o.format == "text" {
		return x.report(o, rep, again, run)
	}
	return x.draw(o, rep, title, again, run)
}

// draw runs what run says and writes it as a diagram (--format mermaid or
// html). A page written to --out is followed by the usual report.
func (x *invocation) draw(o *options, rep *report.Reproduction, title, again string, run func(engine.Options) (engine.Result, error)) error {
	info := o.p.Info()
	dr := &engine.Drawing{}
	opts := engine.Options{Draw: dr}
	if o.out != "" && o.trace {
		opts.Trace = x.stdout
	}
	res, err := run(opts)
	if err := runError("replay", info, err); err != nil {
		return err
	}
	d := dr.Diagram()
	d.Title, d.Caption = title, append(d.Caption, x.seedLine(info, o.seed, o.cfg), "replay: "+again)
	switch {
	case o.format == "mermaid":
		err = diagram.Mermaid(x.stdout, d)
	case o.out == "":
		err = diagram.HTML(x.stdout, d)
	default:
		err = createFile(o.out, "the diagram", func(w io.Writer) error { return diagram.HTML(w, d) })
	}
	if err != nil {
		return err
	}
	r := report.NewRun(info, o.cfg, &res, x.configLine(info, o.cfg), again)
	if rep != nil {
		rep.Compare(&res)
		r.Reproducer = rep
	}
	if o.out != "" {
		r.Diagram = o.out
		r.WriteText(x.stdout)
	} else if rep != nil && !rep.Reproduced {
		x.stdout.Flush()
		rep.WriteText(x.stderr) // standard output holds the diagram
	}
	return runVerdict(r)
}
