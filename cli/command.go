package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"time"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// command is one entry of the command table, which drives dispatch, help
// and the generated CLI reference.
type command struct {
	name  string
	usage string // what follows "paxsim NAME" in the usage line
	short string // one line for the command list
	long  string // the help text, between the usage line and the flags
	// config says whether the command takes the config flags.
	config bool
	// protocols says that the command's --protocol may name every
	// protocol (all) rather than one: the command reads it itself.
	protocols bool
	// flags declares the command's own flags, writing into o.
	flags func(fs *flag.FlagSet, o *options)
	// rules are the flags that apply only with another flag, or not with
	// one: a flag given where it means nothing is a usage error, not
	// silently ignored.
	rules []flagRule
	// stops says that the command watches its context: the first SIGINT
	// or SIGTERM stops it cleanly, with what it found so far. Main ends
	// any other command at the first signal, exit code 4.
	stops bool
	// outputs are the flags that name a file the command writes: each
	// given is checked before the command runs (checkOutFiles).
	outputs []string
	// run runs the command on parsed flags and the positional arguments.
	run func(ctx context.Context, x *invocation, o *options, args []string) error
}

// options holds every command's flag values; each command declares the
// ones it uses.
type options struct {
	reg *harness.Registry
	// p is the protocol --protocol names, or the default; cfg's protocol
	// is p's.
	p                *harness.Protocol
	cfg              engine.Config
	seed             uint64
	trace, json      bool
	checkDeterminism bool
	seeds, start     uint64
	workers          int
	out              string
	baseline         string // campaign, merge: the earlier campaign's summary to triage against
	record           string // run: where to write the decision trace
	html             string // run, replay: where to write a non-linearizable history
	format           string // replay: text, mermaid or html
	all              bool   // scenario run --all
	variant          string // scenario run, mutants --variant
	name             string // scenario import --name
	protocols        string // variants, mutants: --protocol NAME or all
	noShrink         bool
	maxShrinks       int
	budget           int64           // shrink --budget, in steps
	shard            shardSpec       // campaign --shard
	set              map[string]bool // the flags given on the command line
	swarm            bool            // run, campaign: draw each seed's configuration
	swarmDrew        []string        // run --swarm: what the seed drew, as flags
	raw              []string        // the command's arguments as given: --check-determinism passes them to a second process
	outcomes         string          // campaign --outcomes: where to write every seed's outcome
	maxMemory        string          // campaign --max-memory: GiB, or auto
	hangTimeout      time.Duration   // campaign --hang-timeout
	addr             string          // view --addr: where to serve
	check            checkOptions    // check's own flags
	mutants          mutantsOptions  // mutants' own flags
}

// commands is the command table, in the order help lists it. It is filled
// in init because the help command refers to it.
var commands []*command

func init() {
	commands = []*command{runCmd, campaignCmd, mergeCmd, replayCmd, shrinkCmd, viewCmd, checkCmd, scenarioCmd, variantsCmd, mutantsCmd, helpCmd, versionCmd}
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// newOptions are the options of a command line before its flags, for
// protocol p.
func newOptions(reg *harness.Registry, p *harness.Protocol, args []string) *options {
	o := &options{reg: reg, p: p, cfg: engine.Default(), set: map[string]bool{}, raw: args}
	w := p.Info().Workload
	o.cfg.Protocol, o.cfg.Clients, o.cfg.Commands = p.Name(), w.Clients, w.Commands
	o.cfg.Nodes = p.Info().DefaultNodes()
	return o
}

// parseFlags parses args for cmd. Flags may come before or after
// positional arguments; "--" ends the flags. The protocol a command's
// --protocol names is looked up first, since its knobs are flags too.
func (x *invocation) parseFlags(cmd *command, args []string) (*options, []string, error) {
	p := x.reg.Default()
	if name, ok := protocolArg(args); ok && !cmd.protocols {
		found, err := x.reg.Lookup(name)
		if err != nil {
			return newOptions(x.reg, p, args), nil, usageErrorf(cmd.name, "invalid value for --protocol: %v", err)
		}
		p = found
	}
	o := newOptions(x.reg, p, args)
	fs := newFlagSet(cmd, o)
	// The flag package prints each parse error to the flag set's output, in
	// its own words ("invalid value "x" for flag -nodes: ..."). Run words it
	// like every other usage error (see flagMessage) and prints it to stderr
	// once, so the flag set's raw output is kept out of the way here.
	var raw bytes.Buffer
	fs.SetOutput(&raw)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return o, nil, err
			}
			return o, nil, usageErrorf(cmd.name, "%s", x.flagMessage(o, err))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if i := len(args) - len(rest) - 1; i >= 0 && args[i] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if err := checkFlagRules(cmd, o); err != nil {
		return o, pos, err
	}
	if err := checkOutFiles(cmd, o, func(name string) string { return fs.Lookup(name).Value.String() }, pos); err != nil {
		return o, pos, err
	}
	clients := engine.ClientsKnob(p.Info().Workload)
	if n := p.Info().ProposerCount(o.cfg.Nodes); !o.set[clients] && clients == "proposers" && n >= 1 && o.cfg.Clients > n {
		o.cfg.Clients = n // the default two proposers do not fit: use every replica that proposes
	}
	return o, pos, nil
}

// protocolArg finds the value of --protocol in args, the last if it is
// given twice, before "--". A bad --protocol is left to parseFlags to
// report.
func protocolArg(args []string) (name string, ok bool) {
	fs := flag.NewFlagSet("protocol", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&name, "protocol", "", "")
	fs.Parse(flagArgs(fs, args, func(string) bool { return true }))
	return name, name != ""
}

// newFlagSet declares cmd's flags, writing into o.
func newFlagSet(cmd *command, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("paxsim "+cmd.name, flag.ContinueOnError)
	fs.Usage = func() {}
	if cmd.flags != nil {
		cmd.flags(fs, o)
	}
	if cmd.config {
		addConfigFlags(fs, o)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := f.Value.(repeatable); !ok {
			f.Value = &onceValue{Value: f.Value}
		}
	})
	return fs
}

// pinned reports whether a config knob was given on the command line: a
// swarm leaves it as given.
func (o *options) pinned(knob string) bool { return o.set[knob] }

// flagArgs keeps, of args as fs, a command's flags, reads them, the flags
// whose names keep accepts, each with its value, in their order.
func flagArgs(fs *flag.FlagSet, args []string, keep func(name string) bool) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			continue // a positional argument
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		flagged := []string{arg}
		if !hasValue && !isBoolFlag(f.Value) && i+1 < len(args) {
			i++
			flagged = append(flagged, args[i])
		}
		if keep(name) {
			out = append(out, flagged...)
		}
	}
	return out
}

// flagRule says when a flag of a command means something: only with the
// flag needs given, and never with the flag not.
type flagRule struct {
	flag, needs, not string
}

// checkFlagRules checks the flags o sets against cmd's rules.
func checkFlagRules(cmd *command, o *options) error {
	for _, r := range cmd.rules {
		switch {
		case !o.set[r.flag]:
		case r.needs != "" && !o.set[r.needs]:
			return usageErrorf(cmd.name, "--%s is for --%s (without it, it would be ignored)", r.flag, r.needs)
		case r.not != "" && o.set[r.not]:
			return usageErrorf(cmd.name, "--%s and --%s cannot be used together: one of them would be ignored", r.flag, r.not)
		}
	}
	return nil
}
