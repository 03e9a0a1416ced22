package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/paxsim/paxsim/scenarios"
)

// command is one entry of the command table, which drives dispatch, help
// and the generated doc.go.
type command struct {
	name  string
	usage string // what follows "paxsim NAME" in the usage line
	short string // one line for the command list
	long  string // the help text, between the usage line and the flags
	// config says whether the command takes the config flags.
	config bool
	// flags declares the command's own flags, writing into o.
	flags func(fs *flag.FlagSet, o *options)
	// run runs the command on parsed flags and the positional arguments.
	run func(ctx context.Context, x *invocation, o *options, args []string) error
}

// options holds every command's flag values; each command declares the
// ones it uses.
type options struct {
	cfg              scenarios.Config
	seed             uint64
	trace, json      bool
	checkDeterminism bool
	seeds, start     uint64
	workers          int
	out              string
	record           string // run: where to write the decision trace
	html             string // run, replay: where to write a non-linearizable history
	format           string // replay: text, mermaid or html
	all              bool   // scenario run --all
	variant          string // scenario run --variant
	name             string // scenario import --name
	noShrink         bool
	maxShrinks       int
	shrinkBudget     int64           // shrink --budget: events its replays may execute
	shard            shardSpec       // campaign --shard
	set              map[string]bool // the flags given on the command line
	swarm            bool            // run, campaign: draw each seed's configuration
	swarmDrew        []string        // run --swarm: what the seed drew, as flags
	raw              []string        // the command's arguments as given: --check-determinism passes them to a second process
	outcomes         string          // campaign --outcomes: where to write every seed's outcome
	check            checkOptions    // check's own flags
	mutants          mutantsOptions  // mutants' own flags
}

// commands is the command table, in the order help lists it. It is filled
// in init because the help command refers to it.
var commands []*command

func init() {
	commands = []*command{runCmd, campaignCmd, mergeCmd, replayCmd, shrinkCmd, checkCmd, scenarioCmd, variantsCmd, mutantsCmd, helpCmd, versionCmd}
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// invocation is one call of Run: where the output goes.
type invocation struct {
	stdout *bufio.Writer // flushed before anything goes to stderr
	stderr io.Writer     // as given to Run: campaign checks if it is a terminal
	// ctx is Run's: it also stops a second paxsim process that
	// --check-determinism runs.
	ctx context.Context
}

// Run runs paxsim with the arguments args (without the program name) and
// returns the exit code. A cancelled ctx stops a campaign early.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	x := &invocation{stdout: bufio.NewWriter(stdout), stderr: stderr, ctx: ctx}
	defer x.stdout.Flush()
	defer func() {
		if p := recover(); p != nil {
			x.stdout.Flush()
			fmt.Fprintf(stderr, "paxsim: internal error (a bug in paxsim, please report it): %v\n%s", p, debug.Stack())
			code = exitInternal
		}
	}()
	return x.exit(x.dispatch(ctx, args))
}

func (x *invocation) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		x.stdout.Flush()
		writeShortUsage(x.stderr)
		return errSilentUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		writeMainHelp(x.stdout)
		return nil
	}
	cmd := lookupCommand(name)
	if cmd == nil {
		x.stdout.Flush()
		if strings.HasPrefix(name, "-") {
			fmt.Fprintf(x.stderr, "paxsim: unknown flag %s (flags come after the command)\n", name)
		} else {
			fmt.Fprintf(x.stderr, "paxsim: unknown command %q\n", name)
		}
		writeShortUsage(x.stderr)
		return errSilentUsage
	}
	o, pos, err := parseFlags(cmd, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		writeCommandHelp(x.stdout, cmd, true)
		return nil
	}
	if err != nil {
		return err
	}
	return cmd.run(ctx, x, o, pos)
}

// parseFlags parses args for cmd. Flags may come before or after
// positional arguments; "--" ends the flags.
func parseFlags(cmd *command, args []string) (*options, []string, error) {
	o := &options{cfg: scenarios.Default(), set: map[string]bool{}, raw: args}
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
				return nil, nil, err
			}
			return nil, nil, usageErrorf(cmd.name, "%s", flagMessage(err))
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
	if o.set["nodes"] && !o.set["proposers"] && o.cfg.Nodes >= 1 && o.cfg.Proposers > o.cfg.Nodes {
		o.cfg.Proposers = o.cfg.Nodes // the default two proposers do not fit: use every replica
	}
	return o, pos, nil
}

// newFlagSet declares cmd's flags, writing into o.
func newFlagSet(cmd *command, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("paxsim "+cmd.name, flag.ContinueOnError)
	fs.Usage = func() {}
	if cmd.flags != nil {
		cmd.flags(fs, o)
	}
	if cmd.config {
		addConfigFlags(fs, &o.cfg)
	}
	return fs
}

// exitError ends a command with an exit code and, unless msg is empty, a
// message on stderr.
type exitError struct {
	code  int
	msg   string
	cmd   string // with usage: the command whose help to point at
	usage bool   // add the pointer to --help
}

func (e *exitError) Error() string { return e.msg }

// errFound ends a command that found a violation: its report is already
// printed.
var errFound = &exitError{code: exitViolation}

// errSilentUsage is a usage error whose explanation is already printed.
var errSilentUsage = &exitError{code: exitUsage}

func usageErrorf(cmd, format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...), cmd: cmd, usage: true}
}

func inputErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

// exit prints err, if any, and returns its exit code.
func (x *invocation) exit(err error) int {
	if err == nil {
		return exitOK
	}
	x.stdout.Flush() // the report first, then the complaint
	var e *exitError
	if !errors.As(err, &e) {
		e = &exitError{code: exitUsage, msg: err.Error()}
	}
	if e.msg != "" {
		fmt.Fprintf(x.stderr, "paxsim: %s\n", e.msg)
	}
	if e.usage {
		if e.cmd != "" && e.cmd != "help" {
			fmt.Fprintf(x.stderr, "run 'paxsim %s --help' for usage\n", e.cmd)
		} else {
			fmt.Fprintf(x.stderr, "run 'paxsim help' for usage\n")
		}
	}
	return e.code
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(cmd string, args []string) error {
	if len(args) > 0 {
		return usageErrorf(cmd, "unexpected argument %q", args[0])
	}
	return nil
}

// checkConfig checks the config flags of o: each one given must apply to
// the protocol, and the config must be valid. A bad knob is a usage error
// that names its flag.
func checkConfig(cmd string, o *options) error {
	for _, f := range configFlags {
		if o.set[f.name] && !flagApplies(f.name, o.cfg.Protocol) {
			return usageErrorf(cmd, "--%s does not apply to --protocol %s: %s", f.name, o.cfg.Protocol, notApplying[f.name])
		}
	}
	if err := o.cfg.Validate(); err != nil {
		return configError(cmd, err)
	}
	return nil
}

// pinned reports whether a config knob was given on the command line: a
// swarm leaves it as given.
func (o *options) pinned(knob string) bool { return o.set[knob] }
