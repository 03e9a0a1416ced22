package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/scenarios"
)

var replayCmd = &command{
	name:   "replay",
	usage:  "(FILE | --seed N [config flags]) [--trace=false] [--json] [--html FILE] [--format text|mermaid|html [--out FILE]]",
	short:  "run a decision trace, a reproducer file or a seed again, with its trace",
	config: true,
	long: `Replay runs a failure again and prints its event trace and the same report
as run. FILE is one of two kinds:

A decision trace (campaign writes seed-N.trace and shrunk.trace into each
failure folder; run --record and shrink write them too) lists the steps the
run took, one a line: deliver, drop or duplicate this message, fire that
timer, crash or restart that replica. Replay takes them one by one in a
world where the trace decides, so it keeps replaying after code changes that
leave those steps possible; a step that cannot be taken is an error naming
its line (exit 2).

A reproducer (seed-N.json) carries the seed and the whole config. After the
run, replay compares the outcome with the one the file recorded and says
whether it reproduced: the same violation with the same trace hash. A
reproducer that does not reproduce is a failed check: replay prints a
WARNING saying how the run differs and exits 1, as it does for a violation.

Config flags cannot be given with FILE. Without FILE, --seed and the config
flags say what to run, as for run.

The trace is on by default; --trace=false turns it off. With --json the
trace is left out unless --trace is given, and then it is the trace list of
the JSON object. Replaying twice prints the same bytes.

--format mermaid prints the run as a Mermaid sequence diagram instead of
the report, for an issue or a pull request (paste it in a mermaid code
block): one participant per client and replica, ->> for a delivered
message, -x for a lost one, notes for crashes, partitions, timers and what
the replicas promised, accepted and learned. --format html writes the run
as a self-contained HTML page, a space-time diagram (one lane per replica
and client, messages as arrows, lost ones crossed, crashes and partitions
shaded, each replica's state on hover), to standard output, or with --out
FILE to FILE, and then prints the report. Campaigns write this page into
every failure folder (diagram.html).`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.Var(numValue[uint64]{&o.seed}, "seed", "the seed `N` to run (required without FILE)")
		fs.BoolVar(&o.trace, "trace", true, "print the readable event trace before the report")
		fs.BoolVar(&o.json, "json", false, "print one JSON object instead of the text report")
		fs.StringVar(&o.html, "html", "", "when the client history is not linearizable, write its annotated timeline to `FILE` (HTML)")
		fs.StringVar(&o.format, "format", "text", "output `FORMAT`: text (the trace and the report), mermaid (a Mermaid sequence diagram) or html (a space-time diagram page)")
		fs.StringVar(&o.out, "out", "", "with --format html, write the page to `FILE` instead of standard output")
	},
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
			return x.replayFile(o, args[0])
		}
		return usageErrorf("replay", "replay takes one reproducer FILE, not %d arguments", len(args))
	},
}

func (x *invocation) replayFile(o *options, path string) error {
	for _, name := range sortedKeys(o.set) {
		if name == "seed" || isConfigFlag(name) {
			return usageErrorf("replay", "--%s cannot be used with a FILE, which holds the seed and the config (use --seed N and config flags instead of FILE)", name)
		}
	}
	if t, ok, err := readTrace(path); ok || err != nil {
		if err != nil {
			return err
		}
		o.cfg = t.Config
		report := x.report
		if o.format != "text" {
			report = func(o *options, rep *reproducerCheck, again string, run func(scenarios.Options) (scenarios.Result, error)) error {
				return x.draw(o, rep, path, seedLine(t.Seed, t.Config), again, run)
			}
		}
		return report(o, nil, "paxsim replay "+shellQuote(path), func(opts scenarios.Options) (scenarios.Result, error) {
			res, err := scenarios.Replay(t, opts)
			var te *scenarios.TraceError
			if errors.As(err, &te) && te.File == "" {
				te.File = path
			}
			return res, err
		})
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
	return x.replaySeed(o, &reproducerCheck{File: path, Property: rep.Property, TraceHash: rep.TraceHash, Events: rep.Events})
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

// reproduced reports whether the replay reproduced what the file recorded;
// true when there is no file to compare with. A reproducer that no longer
// reproduces is a failed check: replay exits 1.
func (r *reproducerCheck) reproduced() bool { return r == nil || r.Reproduced }

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

// readTrace reads path as a decision trace; ok is false when the file is
// not one (it may be a reproducer). It reads the file as a stream: a trace
// may be long, and a file that is not one is not read whole.
func readTrace(path string) (t *scenarios.Trace, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, inputErrorf("cannot read %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	kind, err := scenarios.SniffTrace(f)
	switch {
	case err != nil:
		return nil, false, inputErrorf("cannot read %s: %v", path, err)
	case kind == scenarios.EmptyFile:
		return nil, false, inputErrorf("%s: the file is empty: want a decision trace (%q first) or a reproducer (seed-N.json)", path, scenarios.TraceFormat)
	case kind == scenarios.OtherFile:
		return nil, false, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, false, inputErrorf("cannot read %s: %v", path, err)
	}
	t, err = scenarios.ParseTrace(f, path)
	if err != nil {
		return nil, true, inputErrorf("%v", err)
	}
	return t, true, nil
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
func (x *invocation) replaySeed(o *options, rep *reproducerCheck) error {
	if o.format == "text" {
		return x.runSeed(o, rep)
	}
	title := fmt.Sprintf("seed %d", o.seed)
	if rep != nil {
		title = rep.File
	}
	return x.draw(o, rep, title, seedLine(o.seed, o.cfg), replayLine(o.seed, o.cfg), func(opts scenarios.Options) (scenarios.Result, error) {
		return scenarios.Run(o.cfg, o.seed, opts)
	})
}

// draw runs what run says and writes it as a diagram (--format mermaid or
// html). A page written to --out is followed by the usual report.
func (x *invocation) draw(o *options, rep *reproducerCheck, title, config, again string, run func(scenarios.Options) (scenarios.Result, error)) error {
	dr := &scenarios.Drawing{}
	opts := scenarios.Options{Draw: dr}
	if o.out != "" && o.trace {
		opts.Trace = x.stdout
	}
	res, err := run(opts)
	if err := runError("replay", err); err != nil {
		return err
	}
	d := dr.Diagram()
	d.Title, d.Caption = title, append(d.Caption, config, "replay: "+again)
	switch {
	case o.format == "mermaid":
		err = diagram.Mermaid(x.stdout, d)
	case o.out == "":
		err = diagram.HTML(x.stdout, d)
	default:
		err = writeDiagram(o.out, d)
	}
	if err != nil {
		return err
	}
	if rep != nil {
		rep.compare(&res)
	}
	if o.out != "" {
		writeRunText(x.stdout, o.cfg, &res, nil, rep, again)
		fmt.Fprintf(x.stdout, "%-14s %s (open it in a browser)\n", "diagram:", o.out)
	} else if !rep.reproduced() {
		rep.writeText(x.stderr) // standard output holds the diagram
	}
	if res.Failed() || !rep.reproduced() {
		return errFound
	}
	return nil
}

// writeDiagram writes d's HTML page to path.
func writeDiagram(path string, d *diagram.Diagram) error {
	f, err := os.Create(path)
	if err != nil {
		return inputErrorf("cannot write the diagram: %v", err)
	}
	if err := diagram.HTML(f, d); err != nil {
		f.Close()
		return inputErrorf("cannot write the diagram %s: %v", path, err)
	}
	return f.Close()
}
